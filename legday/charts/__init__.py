"""Charts: pure functions from legday's tables to Plotly figures (no Streamlit, no I/O)."""

from legday.charts.activity import activity_profile, effort_index, effort_map, efforts_table

__all__ = ["activity_profile", "effort_index", "effort_map", "efforts_table"]
