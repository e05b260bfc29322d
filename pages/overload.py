"""overload page (being built)."""

import streamlit as st

st.title("overload")
st.info("This page is being built.")
