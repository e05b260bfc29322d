"""legday dashboard entry point: `streamlit run app.py`."""

import streamlit as st

from legday.ui.state import get_store, resolve_access, set_current, share_token
from legday.ui.widgets import literal, shared_with

st.set_page_config(page_title="legday", page_icon="🦵", layout="wide")

store = get_store()
access = resolve_access(store)
set_current(store, access)

overview = st.Page("views/overview.py", title="Overview", icon=":material/dashboard:",
                   default=True)
activity = st.Page("views/activity.py", title="Activity", icon=":material/directions_run:")
overload = st.Page("views/overload.py", title="Overload", icon=":material/trending_up:")
imbalance = st.Page("views/imbalance.py", title="Imbalance", icon=":material/balance:")
legs = st.Page("views/checkins.py", title="Legs today",
               icon=":material/airline_seat_legroom_extra:")
if access.mode == "share":
    shared = [overview, activity, overload, imbalance, legs]
    # Links of our own that carry the token, so even one opened in a new tab stays shared.
    page = st.navigation(shared, position="hidden")
    with st.sidebar:
        st.caption(f"legday · {shared_with(access)}")
        for each in shared:
            st.page_link(each, query_params={"share": share_token() or ""})
    page.run()
else:
    pages = [overview, legs, activity, overload, imbalance,
             st.Page("views/upload.py", title="Upload", icon=":material/upload:"),
             st.Page("views/strength.py", title="Strength log",
                     icon=":material/fitness_center:"),
             st.Page("views/settings.py", title="Settings", icon=":material/settings:"),
             st.Page("views/sharing.py", title="Sharing", icon=":material/link:")]
    with st.sidebar:
        st.caption(f"legday · {literal(access.athlete)}"
                   + (" · read-only" if access.read_only else ""))
        if access.mode == "hosted":
            st.button("Sign out", on_click=st.logout)
    st.navigation(pages).run()
