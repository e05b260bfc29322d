"""Streamlit glue shared by the pages: access, caching, common widgets. No analysis here."""
