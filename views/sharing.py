"""Sharing: read-only links for a coach (create, list, revoke) and what they never show
(privacy zones on a map, the trimmed start and end of every track)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from legday.charts.privacy import (
    NEW_ZONE_M,
    START_COLUMNS,
    picked_place,
    privacy_map,
    run_starts,
    start_clusters,
)
from legday.store import (
    StoreError,
    add_privacy_zone,
    create_share,
    delete_privacy_zone,
    get_settings,
    list_shares,
    privacy_zones,
    put_settings,
    revoke_share,
)
from legday.store.privacy import TRIM_SPREAD
from legday.store.share import DEFAULT_DAYS, MAX_DAYS, share_url
from legday.ui.state import (
    app_base_url,
    current,
    forget_caches,
    library,
    map_style,
    own_context,
)
from legday.ui.widgets import literal

TRIM_HELP = (f"Each run hides its own length, between {TRIM_SPREAD[0]:g} and "
             f"{TRIM_SPREAD[1]:g} times this (drawn from a secret of yours), so many runs "
             "together do not point at where they start.")
#: Tokens of the links made in this browser session, by link id (never stored in the database).
_LINKS = "_sharing_links"
_NEW_ID = "_sharing_new_id"
_MAP = "privacy_map"
#: The map click the last added zone was made from (its selection stays on the map).
_ADDED_AT = "_sharing_zone_added_at"
_MESSAGE = "_sharing_message"

store, access = current()
if access.mode == "share":  # not in a shared view's navigation; refused here too
    st.error("Sharing is not part of a shared view.")
    st.stop()
own = own_context(store, access)

st.title("Sharing")
st.write("A share link opens a **read-only** view of your Overview, Activity, Overload and "
         "Imbalance pages: no uploads, no strength editing, no settings. The start and end of "
         "every track, and your privacy zones, are hidden from it.")
if access.is_sample:
    st.info("**Links and privacy zones belong to your own library**, never to the sample "
            "season on screen: a link made now shows your library, empty until you upload.",
            icon=":material/science:")
message = st.session_state.pop(_MESSAGE, None)
if message:
    st.success(message)

st.header("Coach links")
base_url = app_base_url("sharing")
# Only a fingerprint of a token is stored: a link is shown again only in the browser session
# that made it (until it is revoked or expires).
made_here: dict[int, str] = st.session_state.setdefault(_LINKS, {})
new_id = st.session_state.pop(_NEW_ID, None)
if new_id is not None and new_id in made_here:
    st.success("Link created. Copy it with the button at the right of the box and send it to "
               "your coach. It stays listed below while this browser tab is open; later it "
               "cannot be shown again (only a fingerprint of it is stored): make a new one.")
    st.code(share_url(base_url, made_here[new_id]), language=None)

with st.form("new_share", clear_on_submit=True):
    days = st.number_input("Valid for (days)", 1, MAX_DAYS, DEFAULT_DAYS, step=1,
                           key="share_days")
    label = st.text_input("Label (who it is for)", key="share_label", max_chars=80,
                          placeholder="e.g. Coach Kim")
    allow_notes = st.checkbox("Let the coach add notes to each week", key="share_notes")
    if st.form_submit_button("Create link", type="primary"):
        link = create_share(own, days=float(days), label=label.strip() or None,
                            allow_notes=allow_notes)
        made_here[link.id] = link.token
        st.session_state[_NEW_ID] = link.id
        st.rerun()

links = list_shares(own)
now = store.now()
if not links:
    st.info("No links yet. Create one above to let a coach see your training.",
            icon=":material/inbox:")
else:
    table = pd.DataFrame([{
        "label": info.label or "(no label)", "status": info.status(now),
        "coach notes": "allowed" if info.allow_notes else "no",
        "created (UTC)": f"{info.created_utc:%Y-%m-%d %H:%M}",
        "expires (UTC)": f"{info.expires_utc:%Y-%m-%d %H:%M}",
        "revoked (UTC)": "" if info.revoked_utc is None else f"{info.revoked_utc:%Y-%m-%d %H:%M}",
    } for info in links])
    st.dataframe(table, hide_index=True, width="stretch", key="share_table")
    active = [info for info in links if info.status(now) == "active"]
    for info in active:
        text, button = st.columns([4, 1])
        text.write(f"**{literal(info.label or '(no label)')}**: active until "
                   f"{info.expires_utc:%Y-%m-%d %H:%M} UTC")
        if info.id in made_here and info.id != new_id:
            text.code(share_url(base_url, made_here[info.id]), language=None)
        elif info.id not in made_here:
            text.caption("Made in another browser session: the link cannot be shown again. "
                         "Revoke it and make a new one if it is lost.")
        if button.button("Revoke", key=f"revoke_{info.id}"):
            revoke_share(own, info.id)
            made_here.pop(info.id, None)
            st.session_state[_MESSAGE] = (f"Link {literal(info.label or info.id)} revoked: it "
                                          "shows nothing any more.")
            st.rerun()

st.header("Privacy")
zones = privacy_zones(own)
starts = (pd.DataFrame(columns=START_COLUMNS) if access.is_sample
          else run_starts(library(access).activities, limit=1000))
places = start_clusters(starts)
clicked = picked_place(st.session_state.get(_MAP))
if clicked is not None and clicked == st.session_state.get(_ADDED_AT):
    clicked = None  # that click made a zone already
st.plotly_chart(privacy_map(zones, starts, style=map_style(),
                            pending=None if clicked is None else (*clicked, NEW_ZONE_M)),
                key=_MAP, on_select="rerun", selection_mode="points")
st.caption("Grey circles: the places your runs start from (the bigger, the more runs); the map "
           "opens on the most frequent one. **Click a place, or anywhere on the map, to put a "
           "new zone there**, then set its radius and name below. Inside a zone, every sample "
           "of every run is hidden from shared views.")

for zone in zones:
    text, button = st.columns([4, 1])
    text.write(f"**{literal(zone.name or 'zone')}**: {zone.radius_m:.0f} m around "
               f"{zone.lat:.5f}, {zone.lon:.5f}")
    if button.button("Delete", key=f"delete_zone_{zone.id}"):
        delete_privacy_zone(own, int(zone.id or 0))
        forget_caches()
        st.rerun()

if clicked is not None:
    centre: tuple[float, float] | None = clicked
    st.info(f"New zone centred where you clicked ({clicked[0]:.5f}, {clicked[1]:.5f}), drawn "
            f"with {NEW_ZONE_M:.0f} m: set its radius and name, then **Add zone**.",
            icon=":material/add_location:")
elif len(places):
    centre = float(places["lat"].iloc[0]), float(places["lon"].iloc[0])
else:
    centre = None
# The fields' keys follow the centre, so a click puts its place into them.
where = "none" if centre is None else f"{centre[0]:.6f}_{centre[1]:.6f}"
with st.form("new_zone", clear_on_submit=True):
    st.write("Add a privacy zone (home, work: anywhere runs start that a coach need not see)")
    cols = st.columns(4)
    lat = cols[0].number_input("Latitude (°)", -90.0, 90.0,
                               0.0 if centre is None else centre[0],
                               step=0.0001, format="%.5f", key=f"zone_lat_{where}")
    lon = cols[1].number_input("Longitude (°)", -180.0, 180.0,
                               0.0 if centre is None else centre[1],
                               step=0.0001, format="%.5f", key=f"zone_lon_{where}")
    radius = cols[2].number_input("Radius (m)", 1.0, 50_000.0, NEW_ZONE_M, step=50.0,
                                  key="zone_radius")
    name = cols[3].text_input("Name", key="zone_name", max_chars=60, placeholder="home")
    if st.form_submit_button("Add zone"):
        try:
            add_privacy_zone(own, lat, lon, radius, name.strip() or None)
        except StoreError as err:
            st.error(f"Not added: {err}")
        else:
            forget_caches()
            st.session_state[_ADDED_AT] = clicked
            st.session_state[_MESSAGE] = f"Privacy zone {literal(name.strip())} added.".replace(
                "  ", " ")
            st.rerun()

with st.form("trim"):
    trim = st.number_input("Hidden at the start and end of every track in shared views, on "
                           "average (m)", 0.0, 5000.0, float(get_settings(own)["privacy_trim_m"]),
                           step=50.0, key="sharing_trim",
                           help=TRIM_HELP)
    if st.form_submit_button("Save trim length"):
        put_settings(own, {"privacy_trim_m": trim})
        forget_caches()
        low, high = (trim * f for f in TRIM_SPREAD)
        st.session_state[_MESSAGE] = (f"Shared views now hide {low:.0f}-{high:.0f} m at each "
                                      "end, a different length for every run.")
        st.rerun()
