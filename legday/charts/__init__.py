"""Charts: pure functions from legday's tables to Plotly figures (no Streamlit, no I/O).

``activity``: one run (track by effort, pace/GAP/elevation/HR profile, efforts
table). ``season``: the weekly table (effort mix, leg-day strip, progression,
load, monotony/strain, muscle coverage, fibre share, hard/easy, regions).
"""

from legday.charts.activity import activity_profile, effort_index, effort_map, efforts_table

__all__ = ["activity_profile", "effort_index", "effort_map", "efforts_table"]
