"""activity page (being built)."""

import streamlit as st

st.title("activity")
st.info("This page is being built.")
