"""imbalance page (being built)."""

import streamlit as st

st.title("imbalance")
st.info("This page is being built.")
