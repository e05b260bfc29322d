"""legday dashboard entry point: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="legday", page_icon="🦵", layout="wide")

pages = [st.Page("pages/upload.py", title="Upload", icon="📤", default=True)]
st.navigation(pages).run()
