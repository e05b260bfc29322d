"""Settings page: units, time zone, athlete values beside their estimates, thresholds,
privacy trim; saved into the viewer's own library, never into the sample season."""

from __future__ import annotations

import pytest

from legday.store import get_settings, open_store
from legday.ui.state import LOCAL_ATHLETE, SAMPLE_ATHLETE

PAGE = "views/settings.py"


def _settings(url: str, athlete: str = LOCAL_ATHLETE) -> dict:
    store = open_store(url)
    try:
        return get_settings(store.athlete(athlete))
    finally:
        store.close()


def _save(at):
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception
    return at


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_own_library_shows_estimates_beside_empty_overrides(make_app, own_db):
    at = make_app(own_db, PAGE, sample=False)
    assert not at.exception
    assert at.title[0].value == "Settings"
    assert at.radio(key="settings_units").value == "km"
    # Nothing saved yet (UTC is only the default): the zone the watch files say is offered.
    assert at.selectbox(key="settings_timezone").value == "Europe/Dublin"
    assert any("Your watch files say **Europe/Dublin**: its local time is the files' own for "
               "44 of 44 activities. Save the settings to use it" in c.value for c in at.caption)
    assert "Europe/Berlin" in at.selectbox(key="settings_timezone").options
    text = _markdown(at)
    assert "**Threshold pace (about an hour)**: estimated 4:34/km" in text
    assert "estimated from 57 runs" in text
    assert at.text_input(key="profile_threshold_speed_mps_km").value == ""
    assert at.text_input(key="profile_max_hr").value == ""
    hill = at.number_input(key="threshold_leg_day_hill_s_km")
    assert hill.value == 5.0 and hill.label.startswith("leg day hill s (min, default 5)")
    assert at.number_input(key="threshold_min_mileage_m_km").value == 10.0
    assert at.number_input(key="settings_trim").value == 500.0
    assert any(b.label == "Re-classify my runs now" for b in at.button)


def test_the_watch_files_zone_is_saved_with_the_settings(make_app, own_copy):
    assert _settings(own_copy)["timezone"] == "UTC"
    at = _save(make_app(own_copy, PAGE, sample=False))
    assert _settings(own_copy)["timezone"] == "Europe/Dublin"
    assert not any("Save the settings to use it" in c.value for c in at.caption)


def test_overrides_units_zone_thresholds_and_trim_are_saved_and_cleared(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    at.text_input(key="profile_threshold_speed_mps_km").input("4:10")
    at.text_input(key="profile_max_hr").input("186")
    at.selectbox(key="settings_timezone").set_value("Europe/Berlin")
    at.number_input(key="threshold_leg_day_hill_s_km").set_value(8.0)  # minutes on the form
    at.number_input(key="threshold_leg_day_sprint_count_km").set_value(6)  # the default
    at.number_input(key="settings_trim").set_value(800.0)
    _save(at)
    assert "Settings saved." in at.success[0].value
    saved = _settings(own_copy)
    assert saved["profile"] == {"threshold_speed_mps": pytest.approx(1000 / 250),
                                "max_hr": 186.0}
    assert saved["timezone"] == "Europe/Berlin"
    assert saved["thresholds"] == {"leg_day_hill_s": 480.0}  # stored in seconds
    assert saved["privacy_trim_m"] == 800.0
    # The saved values come back in the form; the estimate now says the value is yours.
    assert at.text_input(key="profile_threshold_speed_mps_km").value == "4:10"
    assert at.text_input(key="profile_max_hr").value == "186"

    at.text_input(key="profile_threshold_speed_mps_km").input("")
    at.text_input(key="profile_max_hr").input("")
    at.number_input(key="threshold_leg_day_hill_s_km").set_value(5.0)
    _save(at)
    saved = _settings(own_copy)
    assert saved["profile"] == {}
    assert saved["thresholds"] == {}


def test_miles_change_the_pace_fields_and_the_overview(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    at.text_input(key="profile_easy_speed_mps_km").input("5:00")
    _save(at)
    at.radio(key="settings_units").set_value("mi")
    _save(at)
    saved = _settings(own_copy)
    assert saved["units"] == "mi"
    assert saved["profile"]["easy_speed_mps"] == pytest.approx(1000 / 300)
    field = at.text_input(key="profile_easy_speed_mps_mi")
    assert field.label.endswith("override (min/mi)")
    assert field.value == "8:03"  # 5:00/km, the same speed
    assert "**Easy pace**: estimated 9:05/mi" in _markdown(at)  # 5:39/km
    field.input("9:00")
    _save(at)
    assert _settings(own_copy)["profile"]["easy_speed_mps"] == pytest.approx(1609.344 / 540)
    # The mileage threshold is typed in miles and stored in metres.
    mileage = at.number_input(key="threshold_min_mileage_m_mi")
    assert mileage.value == pytest.approx(6.21, abs=0.01)
    mileage.set_value(5.0)
    _save(at)
    assert _settings(own_copy)["thresholds"] == {"min_mileage_m": pytest.approx(8046.72)}
    # A new session (AppTest resolves the viewer only on an app's first run).
    assert make_app(own_copy, sample=False).metric[0].label == "running (mi)"


def test_thresholds_saved_under_their_old_names_are_shown_and_replaced(make_app, own_copy):
    from legday.store import open_store
    from legday.store.models import Settings

    store = open_store(own_copy)
    me = store.athlete(LOCAL_ATHLETE)
    with store.sessions.begin() as session:
        row = session.get(Settings, me.athlete_id)
        data = dict(row.data) if row is not None else {}
        data["thresholds"] = {"leg_day_hill_min": 7.0}  # as an earlier release stored it
        if row is None:
            session.add(Settings(athlete_id=me.athlete_id, data=data))
        else:
            row.data = data
    store.close()
    at = make_app(own_copy, PAGE, sample=False)
    assert at.number_input(key="threshold_leg_day_hill_s_km").value == 7.0
    _save(at)
    assert _settings(own_copy)["thresholds"] == {"leg_day_hill_s": 420.0}


def test_a_pace_that_is_not_m_ss_is_refused_and_nothing_saved(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    at.text_input(key="profile_top_speed_mps_km").input("fast")
    _save(at)
    assert "Not saved" in at.error[0].value and "'fast'" in at.error[0].value
    assert _settings(own_copy)["profile"] == {}


def test_reclassifying_reports_what_changed(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    at.text_input(key="profile_threshold_speed_mps_km").input("3:40")
    _save(at)
    at.button(key="settings_reclassify").click().run()
    assert not at.exception
    message = at.success[0].value
    assert message.startswith("Re-classified 57 runs:")
    assert "the main kind changed for" in message


def test_the_sample_view_saves_into_the_own_library(make_app, sample_db):
    at = make_app(sample_db, PAGE)
    assert not at.exception
    assert "apply to your own library" in at.info[0].value
    assert "estimated 5:45/km" in _markdown(at)  # the defaults: no runs of one's own yet
    assert not any(b.label == "Re-classify my runs now" for b in at.button)
    at.text_input(key="profile_rest_hr").input("48")
    _save(at)
    assert _settings(sample_db)["profile"] == {"rest_hr": 48.0}
    assert _settings(sample_db, SAMPLE_ATHLETE)["profile"] == {}


def test_an_empty_library_shows_defaults_and_no_reclassify(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    assert not at.exception
    assert any("Estimates come from 0 runs" in c.value for c in at.caption)
    assert "estimated 5:45/km  \n<small>default</small>" in _markdown(at)
    assert not any(b.label == "Re-classify my runs now" for b in at.button)
