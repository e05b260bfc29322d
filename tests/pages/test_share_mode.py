"""Opening the app with ?share=TOKEN: a read-only view of four pages, or a clear refusal;
and hosted mode asks to sign in before showing anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from legday.model import haversine_m
from legday.store import create_share, open_store, revoke_share
from legday.ui.state import ENV_SAMPLE, LOCAL_ATHLETE, SAMPLE_ATHLETE
from tests.pages.conftest import APP, TIMEOUT_S, figures, values

SHARED_PAGES = ("views/overview.py", "views/activity.py", "views/overload.py",
                "views/imbalance.py", "views/checkins.py")
PRIVATE_PAGES = ("views/upload.py", "views/strength.py", "views/settings.py",
                 "views/sharing.py")
#: Widgets that would write: none may appear in a read-only view.
WRITE_WIDGETS = ("file_uploader", "text_area", "data_editor", "camera_input")
WRITE_WORDS = ("save", "add", "delete", "upload", "import", "create", "revoke", "re-classify",
               "remove", "edit")


def _link(url: str, *, days: float = 5, notes: bool = False, clock_days_ago: float = 0,
          revoke: bool = False) -> str:
    """A token for the sample athlete, made by a store whose clock is ``clock_days_ago``."""
    now = datetime.now(UTC) - timedelta(days=clock_days_ago)
    store = open_store(url, clock=lambda: now)
    ctx = store.athlete(SAMPLE_ATHLETE)
    link = create_share(ctx, days=days, label="Coach Kim", allow_notes=notes)
    if revoke:
        revoke_share(ctx, link.id)
    store.close()
    return link.token


def _shows_no_data(at) -> None:
    assert not at.get("plotly_chart")
    assert not at.metric
    assert not at.dataframe
    assert not at.get("selectbox")


def test_a_valid_link_offers_exactly_the_four_read_only_pages(make_app, sample_db):
    at = make_app(sample_db, query={"share": _link(sample_db)})
    assert not at.exception
    assert "Read-only view shared with Coach Kim" in at.info[0].value
    assert "shared with Coach Kim" in at.sidebar.caption[0].value  # the link's, not the athlete
    assert at.get("plotly_chart")
    # The navigation of this run: the four shared pages resolve, the private ones do not.
    for page in PRIVATE_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    for page in SHARED_PAGES:
        at.switch_page(page)
    assert not any(b.label == "Sign out" for b in at.sidebar.button)


@pytest.mark.parametrize("page", SHARED_PAGES)
def test_no_shared_page_has_a_write_widget(make_app, sample_db, page):
    at = make_app(sample_db, page, query={"share": _link(sample_db)})
    assert not at.exception
    assert any("Read-only view shared with" in i.value for i in at.info)
    for kind in WRITE_WIDGETS:
        assert not at.get(kind), f"{page} shows a {kind}"
    labels = [b.label.lower() for b in at.button]
    assert not [w for w in WRITE_WORDS if any(w in label for label in labels)], labels


def test_a_link_with_notes_offers_only_the_note(make_app, sample_db):
    at = make_app(sample_db, query={"share": _link(sample_db, notes=True)})
    assert not at.exception
    assert len(at.text_area) == 1
    assert [b.label for b in at.button] == ["Add note"]


@pytest.mark.parametrize(("kind", "arguments", "words"), [
    ("expired", {"days": 1, "clock_days_ago": 3}, "expired on"),
    ("revoked", {"revoke": True}, "was revoked by the athlete"),
])
def test_an_expired_or_revoked_link_says_so_and_shows_nothing(make_app, sample_db, kind,
                                                              arguments, words):
    at = make_app(sample_db, query={"share": _link(sample_db, **arguments)})
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("This share link cannot be opened") and words in error.value
    assert "Ask the athlete for a new link." in at.caption[0].value
    _shows_no_data(at)
    assert not at.info  # not even the read-only banner
    assert not at.title


def test_a_mistyped_link_says_so(make_app, sample_db):
    at = make_app(sample_db, query={"share": "x" * 43})
    assert not at.exception
    assert "is not valid" in at.error[0].value
    _shows_no_data(at)


def test_a_link_revoked_while_open_shows_nothing_on_the_next_visit(make_app, sample_db):
    token = _link(sample_db)
    assert make_app(sample_db, query={"share": token}).get("plotly_chart")
    store = open_store(sample_db)
    revoke_share(store.athlete(SAMPLE_ATHLETE), token)
    store.close()
    at = make_app(sample_db, query={"share": token})
    assert "revoked" in at.error[0].value
    _shows_no_data(at)


def test_a_link_to_an_empty_library_says_there_is_nothing_yet(make_app, empty_db):
    store = open_store(empty_db)
    token = create_share(store.athlete("local"), days=2).token
    store.close()
    at = make_app(empty_db, sample=False, query={"share": token})
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32,
        "client_id": "legday", "client_secret": "secret",
        "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}


def _hosted(monkeypatch, url: str, user: dict) -> AppTest:
    """The whole app with an [auth] section in its secrets (hosted mode)."""
    monkeypatch.setenv("LEGDAY_DATABASE_URL", url)
    monkeypatch.setenv(ENV_SAMPLE, "1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.secrets["auth"] = AUTH
    # A real session's st.user has is_logged_in once [auth] exists; AppTest's must say it.
    at.user = user
    return at.run()


def test_hosted_mode_asks_to_sign_in_and_shows_no_data(monkeypatch, sample_db):
    at = _hosted(monkeypatch, sample_db, {"is_logged_in": False})
    assert not at.exception
    assert at.title[0].value == "legday"
    assert "Sign in to see your training" in at.markdown[0].value
    assert [b.label for b in at.button] == ["Sign in"]
    _shows_no_data(at)
    assert not at.info  # no sample season either


def test_hosted_mode_signed_in_sees_only_their_own_empty_library(monkeypatch, sample_db):
    at = _hosted(monkeypatch, sample_db, {"is_logged_in": True, "sub": "oidc|ann",
                                          "email": "ann@example.com", "name": "Ann"})
    assert not at.exception
    assert "legday · Ann" in at.sidebar.caption[0].value
    assert any(b.label == "Sign out" for b in at.sidebar.button)
    assert any("No activities yet" in i.value for i in at.info)  # not the sample athlete's
    assert not at.get("plotly_chart")


def _track(at) -> tuple[np.ndarray, np.ndarray]:
    """The positions the Activity page's map draws."""
    track = figures(at)[0]
    lat = np.concatenate([values(t["lat"]) for t in track["data"]])
    lon = np.concatenate([values(t["lon"]) for t in track["data"]])
    shown = np.isfinite(lat) & np.isfinite(lon)
    return lat[shown], lon[shown]


def test_a_privacy_zone_reaches_the_next_coach_at_once(make_app, own_copy):
    store = open_store(own_copy)
    link = create_share(store.athlete(LOCAL_ATHLETE), days=5, label="Coach Kim")
    store.close()
    coach = make_app(own_copy, "views/activity.py", sample=False,
                     query={"share": link.token})
    assert not coach.exception
    activity = coach.query_params["activity"]
    lat, lon = _track(coach)
    centre_lat, centre_lon = float(lat[len(lat) // 2]), float(lon[len(lon) // 2])

    athlete = make_app(own_copy, "views/sharing.py", sample=False)
    fields = {n.label: n for n in athlete.number_input}  # keyed by the map's centre
    fields["Latitude (°)"].set_value(centre_lat)
    fields["Longitude (°)"].set_value(centre_lon)
    athlete.number_input(key="zone_radius").set_value(400.0)
    next(b for b in athlete.button if b.label == "Add zone").click().run()
    assert "Privacy zone added." in athlete.success[0].value

    fresh = make_app(own_copy, "views/activity.py", sample=False,
                     query={"share": link.token, "activity": activity})
    assert not fresh.exception
    outside = int((haversine_m(lat, lon, np.full(len(lat), centre_lat),
                               np.full(len(lon), centre_lon)) >= 400.0).sum())
    lat, lon = _track(fresh)
    # The rest of the run is still drawn (how much depends on the run's randomised trim).
    assert len(lat) >= min(outside, 10) > 0
    away = haversine_m(lat, lon, np.full(len(lat), centre_lat), np.full(len(lon), centre_lon))
    assert away.min() >= 400.0


def _is_shared_view_of(at, label: str) -> None:
    """The run shows the read-only view of ``label``'s link, with its four pages only."""
    assert not at.exception
    assert any(f"Read-only view shared with {label}" in i.value for i in at.info)
    assert not any("sample season" in i.value for i in at.info)
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert links == ["Overview", "Activity", "Overload", "Imbalance", "Legs today"]
    for page in PRIVATE_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


#: A widget of each shared page: its kind, key and a value other than the first.
PAGE_WIDGETS = {"views/overview.py": ("selectbox", "overview_week", "2026-W33"),
                "views/activity.py": ("radio", "profile_x", "time"),
                "views/overload.py": ("selectbox", "overload_week", "2026-W33"),
                "views/imbalance.py": ("radio", "imbalance_weeks", 8)}


def test_a_navigation_that_drops_the_token_keeps_the_shared_view(make_app, sample_db):
    token = _link(sample_db)
    at = make_app(sample_db, query={"share": token})
    _is_shared_view_of(at, "Coach Kim")
    for page, (kind, key, value) in PAGE_WIDGETS.items():
        at.query_params.clear()  # what a click in the sidebar navigation sends
        at.switch_page(page).run()
        _is_shared_view_of(at, "Coach Kim")
        assert at.query_params["share"] == token  # back in the address bar
        getattr(at, kind)(key=key).set_value(value).run()
        _is_shared_view_of(at, "Coach Kim")
        assert getattr(at, kind)(key=key).value == value


def test_a_session_opened_by_a_link_never_becomes_another_view(make_app, sample_db):
    first = _link(sample_db)
    store = open_store(sample_db)
    other = create_share(store.athlete("someone else"), days=5, label="Other athlete").token
    store.close()
    at = make_app(sample_db, query={"share": first})
    _is_shared_view_of(at, "Coach Kim")
    for query in ({"share": other}, {"share": ""}, {}):
        at.query_params.clear()
        at.query_params.update(query)
        at.switch_page("views/overview.py").run()
        _is_shared_view_of(at, "Coach Kim")
        assert at.query_params["share"] == first
    revoke_share(open_store(sample_db).athlete(SAMPLE_ATHLETE), first)
    at.query_params.clear()
    at.switch_page("views/activity.py").run()
    assert "revoked" in at.error[0].value
    _shows_no_data(at)
    assert not at.info and not at.sidebar.get("page_link")


def test_a_hosted_shared_view_is_not_sent_to_sign_in_by_a_navigation(monkeypatch, sample_db):
    monkeypatch.setenv("LEGDAY_DATABASE_URL", sample_db)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.query_params["share"] = _link(sample_db)
    at.run()
    _is_shared_view_of(at, "Coach Kim")
    at.query_params.clear()
    at.switch_page("views/overload.py").run()
    _is_shared_view_of(at, "Coach Kim")
    assert not any(b.label == "Sign in" for b in at.button)
