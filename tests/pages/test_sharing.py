"""Sharing page: create, list and revoke coach links; privacy zones on a map; trim length."""

from __future__ import annotations

import pytest

from legday.store import (
    ShareLinkRevoked,
    get_settings,
    list_shares,
    open_store,
    privacy_zones,
)
from legday.ui.state import LOCAL_ATHLETE, SAMPLE_ATHLETE

PAGE = "views/sharing.py"


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def _map(at):
    (chart,) = at.get("plotly_chart")
    return chart.proto.spec


def test_a_link_is_shown_listed_opened_and_revoked(make_app, own_copy, monkeypatch):
    monkeypatch.setenv("LEGDAY_PUBLIC_URL", "https://legday.example.org/app/")
    at = make_app(own_copy, PAGE, sample=False)
    assert not at.exception
    assert any("No links yet" in i.value for i in at.info)
    at.number_input(key="share_days").set_value(7)
    at.text_input(key="share_label").input("Coach Kim")
    at.checkbox(key="share_notes").check()
    _click(at, "Create link")
    (code,) = at.code
    assert "Link created" in at.success[0].value
    url = code.value
    # The configured public address, not the port the app happens to listen on.
    assert url.startswith("https://legday.example.org/app/?share=")
    token = url.split("?share=")[1]

    store = open_store(own_copy)
    coach = store.share(token)
    assert coach.allow_notes and coach.label == "Coach Kim"
    table = at.dataframe[0].value
    assert table[["label", "status", "coach notes"]].values.tolist() == [
        ["Coach Kim", "active", "allowed"]]

    at.run()  # still there to copy again, beside the link, while it is active
    assert [c.value for c in at.code] == [url]
    assert not at.success

    _click(at, "Revoke")
    assert "revoked" in at.success[0].value
    assert not at.code
    assert at.dataframe[0].value["status"].tolist() == ["revoked"]
    assert not any(b.label == "Revoke" for b in at.button)
    with pytest.raises(ShareLinkRevoked):
        store.share(token)
    store.close()


def test_a_link_made_elsewhere_says_it_cannot_be_shown_again(make_app, own_copy):
    from legday.store import create_share

    store = open_store(own_copy)
    create_share(store.athlete(LOCAL_ATHLETE), label="Coach Lee")
    store.close()
    at = make_app(own_copy, PAGE, sample=False)
    assert not at.code
    assert any("cannot be shown again" in c.value for c in at.caption)


def _field(at, label: str):
    return next(n for n in at.number_input if n.label == label)


def test_a_click_on_the_map_places_the_new_zone(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    click = {"selection": {"points": [{"curve_number": 0, "point_index": 3, "lat": 53.35,
                                       "lon": -6.3}]}}
    at.session_state["privacy_map"] = click  # as the browser reports a click on the map
    at.run()
    assert not at.exception
    assert "new zone (not added yet)" in _map(at)
    assert any("New zone centred where you clicked (53.35000, -6.30000)" in i.value
               for i in at.info)
    assert (_field(at, "Latitude (°)").value, _field(at, "Longitude (°)").value) == (53.35, -6.3)
    at.text_input(key="zone_name").input("home")
    at.session_state["privacy_map"] = click  # the browser keeps the selection
    _click(at, "Add zone")
    (zone,) = privacy_zones(open_store(own_copy).athlete(LOCAL_ATHLETE))
    assert (zone.lat, zone.lon, zone.radius_m, zone.name) == (53.35, -6.3, 300.0, "home")
    # The click made its zone: it is not offered again.
    assert "new zone (not added yet)" not in _map(at)
    assert not any("New zone centred" in i.value for i in at.info)


def test_privacy_zones_are_added_mapped_and_deleted(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    spec = _map(at)
    assert "Privacy zones and where your runs start" in spec
    assert "run starts" in spec and "privacy zone" not in spec
    # The form starts at the place most runs start from, so a zone lands where it matters.
    assert _field(at, "Latitude (°)").value != 0.0
    at.number_input(key="zone_radius").set_value(400.0)
    at.text_input(key="zone_name").input("home")
    _click(at, "Add zone")
    assert "Privacy zone home added." in at.success[0].value
    assert any("**home**: 400 m around" in m.value for m in at.markdown)
    assert "privacy zone" in _map(at)

    store = open_store(own_copy)
    ctx = store.athlete(LOCAL_ATHLETE)
    (zone,) = privacy_zones(ctx)
    assert zone.radius_m == 400.0 and zone.name == "home"
    _click(at, "Delete")
    assert privacy_zones(ctx) == []
    assert "privacy zone" not in _map(at)
    store.close()


def test_the_trim_length_is_saved(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    assert at.number_input(key="sharing_trim").value == 500.0
    at.number_input(key="sharing_trim").set_value(1000.0)
    _click(at, "Save trim length")
    assert "600-1400 m at each end, a different length for every run" in at.success[0].value
    store = open_store(own_copy)
    assert get_settings(store.athlete(LOCAL_ATHLETE))["privacy_trim_m"] == 1000.0
    store.close()


def test_an_empty_library_explains_the_empty_map_and_list(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    assert not at.exception
    assert any("No links yet" in i.value for i in at.info)
    assert "No privacy zones and no runs with GPS yet." in _map(at)
    assert _field(at, "Latitude (°)").value == 0.0


def test_the_sample_view_shares_the_own_library_not_the_sample(make_app, sample_db):
    at = make_app(sample_db, PAGE)
    assert not at.exception
    assert any("belong to your own library" in i.value for i in at.info)
    _click(at, "Create link")
    store = open_store(sample_db)
    assert len(list_shares(store.athlete(LOCAL_ATHLETE))) == 1
    assert list_shares(store.athlete(SAMPLE_ATHLETE)) == []
    store.close()
