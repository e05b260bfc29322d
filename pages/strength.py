"""strength page (being built)."""

import streamlit as st

st.title("strength")
st.info("This page is being built.")
