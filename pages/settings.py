"""settings page (being built)."""

import streamlit as st

st.title("settings")
st.info("This page is being built.")
