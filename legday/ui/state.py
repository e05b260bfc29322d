"""Who is looking, at which data, through which store: resolved once per script run.

Three modes:

- **share**: the session was opened with ``?share=TOKEN``; a read-only view of
  one athlete (samples trimmed for privacy by the data layer); a bad link stops
  the app with a clear message and no data. The token is pinned to the browser
  session: a sidebar click that drops it from the URL, or any later URL, never
  turns the session into another view.
- **hosted**: the Streamlit secrets have an ``[auth]`` section; the athlete
  signs in with ``st.login`` (OpenID Connect) and sees only their own data.
- **local** (default): one athlete, no login. While their library is empty,
  the embedded sample season is shown (as its own athlete, never mixed with
  theirs) with a banner saying so. Refused while the server listens beyond this
  machine (:mod:`legday.ui.exposure`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from legday.checkins import read_checkins_csv
from legday.library import (
    Library,
    analysis_settings,
    library_cache_dir,
    open_library,
    view_key,
)
from legday.schema import AnalysisSettings
from legday.store import (
    AthleteContext,
    Context,
    ShareContext,
    ShareLinkError,
    Store,
    get_settings,
    has_activities,
    import_paths,
    load_checkins,
    open_store,
    put_checkins,
)
from legday.store.config import database_url
from legday.ui.exposure import owner_view_refusal, public_owner_allowed
from legday.units import Units

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
LOCAL_ATHLETE = "local"
SAMPLE_ATHLETE = "sample season"
#: Set to 0 to start on an empty library instead of the sample season (tests, demos).
ENV_SAMPLE = "LEGDAY_SAMPLE"


@dataclass(frozen=True)
class Access:
    """The resolved viewer: context, mode and what they may do."""

    ctx: Context
    mode: str  # local, hosted or share
    athlete: str
    is_sample: bool = False
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def read_only(self) -> bool:
        return isinstance(self.ctx, ShareContext) or self.is_sample

    @property
    def can_add_notes(self) -> bool:
        return isinstance(self.ctx, ShareContext) and self.ctx.allow_notes

    @property
    def units(self) -> Units:
        return Units.of(self.settings.get("units"))

    @property
    def analysis_settings(self) -> AnalysisSettings:
        return analysis_settings(self.settings)


def get_store() -> Store:
    """One store (engine and connection pool) per database URL and process."""
    return _store_for(database_url())


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return open_store(url)


def hosted() -> bool:
    """True when the secrets configure a login provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: local mode
        return False


def samples_enabled() -> bool:
    return os.environ.get(ENV_SAMPLE, "1") != "0"


@st.cache_resource(show_spinner="Loading the sample season…")
def _sample_context(_store: Store, store_key: str) -> AthleteContext:
    ctx = _store.athlete(SAMPLE_ATHLETE)
    if not has_activities(ctx):
        import_paths(ctx, [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    if not load_checkins(ctx):  # also for a sample stored before it had check-ins
        put_checkins(ctx, read_checkins_csv(SAMPLES / "checkins.csv").checkins, source="csv")
    return ctx


_SHARE_TOKEN = "_legday_share_token"


def share_token() -> str | None:
    """The share token this browser session was opened with, if any: kept for the whole
    session and put back into the URL when a navigation dropped it (so a reload or a
    copied address still opens the shared view)."""
    pinned = st.session_state.get(_SHARE_TOKEN)
    if pinned is None:
        token = st.query_params.get("share")
        if not token:
            return None
        pinned = st.session_state[_SHARE_TOKEN] = str(token)
    if st.query_params.get("share") != pinned:
        st.query_params["share"] = pinned
    return str(pinned)


def resolve_access(store: Store) -> Access:
    """Who is looking. Stops the script (with a message) when they may not look."""
    token = share_token()
    if token:
        try:
            share = store.share(str(token))
        except ShareLinkError as err:
            st.error(f"This share link cannot be opened: {err}")
            st.caption("Ask the athlete for a new link.")
            st.stop()
        name = share.label or "shared athlete"
        return Access(share, "share", name, settings=get_settings(share))
    if hosted():
        user = st.user
        if not user.is_logged_in:
            st.title("legday")
            st.write("Sign in to see your training. Your data is yours: nobody else sees it "
                     "unless you share a link.")
            st.button("Sign in", on_click=st.login, type="primary")
            st.stop()
        subject = str(user.get("sub") or user.get("email"))
        ctx = store.athlete(subject)
        return Access(ctx, "hosted", str(user.get("name") or user.get("email") or subject),
                      settings=get_settings(ctx))
    refusal = owner_view_refusal(st.get_option("server.address"), has_sign_in=False,
                                 public_owner=public_owner_allowed())
    if refusal:
        st.error(refusal)
        st.stop()
    ctx = store.athlete(LOCAL_ATHLETE)
    if samples_enabled() and not has_activities(ctx):
        sample = _sample_context(store, str(store.engine.url))
        return Access(sample, "local", SAMPLE_ATHLETE, is_sample=True,
                      settings=get_settings(sample))
    return Access(ctx, "local", LOCAL_ATHLETE, settings=get_settings(ctx))


def own_context(store: Store, access: Access) -> AthleteContext:
    """Where the viewer's own writes go (uploads, the strength log, settings).

    In local mode with the sample season on screen, that is the local athlete:
    the sample itself is never written to.
    """
    if isinstance(access.ctx, ShareContext):
        raise PermissionError("a shared view is read-only")
    if access.is_sample:
        return store.athlete(LOCAL_ATHLETE)
    return access.ctx


@st.cache_resource(show_spinner="Analysing the season…", max_entries=8)
def _library(_ctx: Context, key: str) -> Library:
    return open_library(_ctx, library_cache_dir())


def library(access: Access) -> Library:
    """The analysed season of the viewer, rebuilt only when their data or settings change
    (and kept on disk, so a restarted app does not analyse it again)."""
    return _library(access.ctx, view_key(access.ctx))


def forget_caches() -> None:
    """After a write: the next page view rebuilds from the store."""
    _library.clear()


_CURRENT = "_legday_access"


def set_current(store: Store, access: Access) -> None:
    """Called by app.py once per run, before the page runs."""
    st.session_state[_CURRENT] = (store, access)


def current() -> tuple[Store, Access]:
    """The store and viewer app.py resolved for this run."""
    if _CURRENT not in st.session_state:
        store = get_store()
        set_current(store, resolve_access(store))
    value: tuple[Store, Access] = st.session_state[_CURRENT]
    return value
