"""sharing page (being built)."""

import streamlit as st

st.title("sharing")
st.info("This page is being built.")
