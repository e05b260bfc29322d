"""Write a :class:`~legday.synth.run.SyntheticRun` as a FIT or GPX file.

FIT files are written with fit-tool, imported inside :func:`write_fit` because
it is a development dependency only. GPX files are written with gpxpy.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from legday.model import time_ns
from legday.synth.run import SyntheticRun

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"

_GPX_CREATORS = {"garmin": "Garmin Connect", "coros": "COROS", "suunto": "Suunto app",
                 "polar": "Polar Flow"}


def _ms(ts: pd.Timestamp) -> int:
    """Unix time in milliseconds, the unit fit-tool takes for ``date_time`` fields."""
    return int(ts.value // 1_000_000)


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else value


def write_fit(run: SyntheticRun, path: str | Path) -> Path:
    """Write ``run`` as a FIT activity file.

    The file holds ``file_id``, ``device_info``, timer ``event`` messages
    (``start``, ``stop_all`` with a manual or auto trigger), one ``record``
    per recorded sample (position in semicircles, altitude, distance, speed,
    heart rate, cadence in strides/min), ``lap`` messages (auto-laps or workout
    steps, with intensity), one ``session`` (sport running, sub-sport generic,
    treadmill or trail) and an ``activity`` message whose ``local_timestamp``
    gives the UTC offset.

    Parameters
    ----------
    run
        The run to write.
    path
        Output path.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from fit_tool.data_message import DataMessage
    from fit_tool.field import Field
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.device_info_message import DeviceInfoMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import (
        Event,
        EventType,
        FileType,
        Intensity,
        LapTrigger,
        SessionTrigger,
        Sport,
        SubSport,
        TimerTrigger,
    )

    device = run.device
    samples = run.samples
    manufacturer, product = device.ids
    serial = 3_000_000_000 + run.seed % 1_000_000_000
    start_ms = _ms(run.start_utc)
    end_ms = _ms(run.end_utc)

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = manufacturer
    file_id.product = product
    file_id.serial_number = serial
    file_id.time_created = start_ms
    builder.add(file_id)

    info = DeviceInfoMessage()
    info.timestamp = start_ms
    info.device_index = 0
    info.manufacturer = manufacturer
    info.product = product
    info.serial_number = serial
    info.software_version = 19.18
    builder.add(info)

    has_pos = device.gps and run.has_position
    has_elev = bool(samples["elevation_m"].notna().any())
    alt_fields = {"enhanced": ["enhanced_altitude"], "legacy": ["altitude"],
                  "both": ["altitude", "enhanced_altitude"]}[device.fit_fields]
    speed_fields = {"enhanced": ["enhanced_speed"], "legacy": ["speed"],
                    "both": ["speed", "enhanced_speed"]}[device.fit_fields]
    names = ["timestamp"]
    names += ["position_lat", "position_long"] if has_pos else []
    names += alt_fields if has_elev else []
    names += ["distance", *speed_fields]
    names += ["heart_rate"] if device.heart_rate else []
    names += ["cadence"]

    # fit-tool builds all ~80 profile fields for every RecordMessage(), which makes
    # long files slow; copying only the fields we write is ~5x faster.
    proto = RecordMessage()
    for name in names:
        setattr(proto, name, start_ms if name == "timestamp" else 1)
    proto_fields = [f for f in proto.fields if f.is_valid()]

    def new_record() -> Any:
        msg = RecordMessage.__new__(RecordMessage)
        DataMessage.__init__(msg, name=RecordMessage.NAME, global_id=RecordMessage.ID,
                             local_id=0, fields=[Field.from_field(f) for f in proto_fields])
        return msg

    columns: dict[str, Any] = {
        "timestamp": [_ms(t) for t in samples["time"]],
        "position_lat": samples["lat"].to_numpy(),
        "position_long": samples["lon"].to_numpy(),
        "altitude": samples["elevation_m"].to_numpy(),
        "enhanced_altitude": samples["elevation_m"].to_numpy(),
        "distance": samples["distance_m"].to_numpy(),
        "speed": samples["speed_mps"].to_numpy(),
        "enhanced_speed": samples["speed_mps"].to_numpy(),
        "heart_rate": samples["heart_rate"].to_numpy(),
        "cadence": samples["cadence_spm"].to_numpy() / 2.0,
    }
    ints = {"timestamp", "heart_rate", "cadence"}
    values: dict[str, list[Any]] = {}
    for name in names:
        col = columns[name]
        if name == "timestamp":
            values[name] = list(col)
        else:
            arr = np.asarray(col, dtype=float)
            values[name] = [None if math.isnan(v) else (int(round(v)) if name in ints else v)
                             for v in arr.tolist()]

    # Everything after the file header is written in time order; at equal times a
    # timer start comes before the record, a stop and a lap after it.
    timeline: list[tuple[int, int, int, Any]] = []
    for i in range(len(samples)):
        timeline.append((values["timestamp"][i], 1, i, "record"))
    events = run.events
    for i in range(len(events)):
        t = _ms(events["time"].iloc[i])
        order = 0 if events["event"].iloc[i] == "start" else 2
        timeline.append((t, order, i, "event"))
    laps = run.laps
    for i in range(len(laps)):
        timeline.append((_ms(laps["end"].iloc[i]), 3, i, "lap"))
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))

    intensity = {"active": Intensity.ACTIVE, "rest": Intensity.REST,
                 "warmup": Intensity.WARMUP, "cooldown": Intensity.COOLDOWN,
                 "recovery": Intensity.RECOVERY, "interval": Intensity.INTERVAL}
    lap_trigger = {"distance": LapTrigger.DISTANCE, "time": LapTrigger.TIME,
                   "manual": LapTrigger.MANUAL, "session_end": LapTrigger.SESSION_END}
    t_ns = time_ns(samples["time"])
    lat = samples["lat"].to_numpy()
    lon = samples["lon"].to_numpy()
    hr = samples["heart_rate"].to_numpy()

    def lap_message(i: int) -> Any:
        row = laps.iloc[i]
        lap = LapMessage()
        lap.message_index = i
        lap.timestamp = _ms(row["end"])
        lap.start_time = _ms(row["start"])
        lap.event = Event.LAP
        lap.event_type = EventType.STOP
        lap.sport = Sport.RUNNING
        lap.total_elapsed_time = float(row["elapsed_s"])
        lap.total_timer_time = float(row["timer_s"])
        lap.total_distance = float(row["distance_m"])
        if row["timer_s"] > 0:
            avg = float(row["distance_m"]) / float(row["timer_s"])
            if device.fit_fields != "legacy":
                lap.enhanced_avg_speed = avg
            if device.fit_fields != "enhanced":
                lap.avg_speed = avg
        lap.intensity = intensity.get(str(row["intensity"]), Intensity.ACTIVE)
        lap.lap_trigger = lap_trigger.get(str(row["trigger"]), LapTrigger.MANUAL)
        inside = (t_ns >= row["start"].value) & (t_ns <= row["end"].value)
        if has_pos and inside.any():
            j = int(np.flatnonzero(inside)[0])
            lap.start_position_lat = float(lat[j])
            lap.start_position_long = float(lon[j])
        if device.heart_rate and inside.any():
            lap.avg_heart_rate = int(round(float(np.nanmean(hr[inside]))))
            lap.max_heart_rate = int(np.nanmax(hr[inside]))
        return lap

    last_event = len(events) - 1
    for t, _order, i, what in timeline:
        if what == "record":
            rec = new_record()
            for name in names:
                setattr(rec, name, values[name][i])
            builder.add(rec)
        elif what == "event":
            ev = EventMessage()
            ev.timestamp = t
            ev.event = Event.TIMER
            start = events["event"].iloc[i] == "start"
            ev.event_type = EventType.START if start else EventType.STOP_ALL
            ev.timer_trigger = (TimerTrigger.MANUAL if events["trigger"].iloc[i] == "manual"
                                or i in (0, last_event) else TimerTrigger.AUTO)
            ev.event_group = 0
            builder.add(ev)
        else:
            builder.add(lap_message(i))

    timer_s = float(laps["timer_s"].sum())
    elapsed_s = (end_ms - start_ms) / 1000.0
    dist = float(samples["distance_m"].iloc[-1])
    elev = samples["elevation_m"].to_numpy()
    session = SessionMessage()
    session.message_index = 0
    session.timestamp = end_ms
    session.start_time = start_ms
    session.event = Event.SESSION
    session.event_type = EventType.STOP
    session.trigger = SessionTrigger.ACTIVITY_END
    session.sport = Sport.RUNNING
    session.sub_sport = {"treadmill": SubSport.TREADMILL, "trail": SubSport.TRAIL}.get(
        run.sub_sport, SubSport.GENERIC)
    session.total_elapsed_time = elapsed_s
    session.total_timer_time = timer_s
    session.total_distance = dist
    session.first_lap_index = 0
    session.num_laps = len(laps)
    if timer_s > 0:
        session.enhanced_avg_speed = dist / timer_s
        session.avg_speed = dist / timer_s
    session.enhanced_max_speed = float(samples["speed_mps"].max())
    if device.heart_rate:
        session.avg_heart_rate = int(round(float(np.nanmean(hr))))
        session.max_heart_rate = int(np.nanmax(hr))
    session.avg_cadence = int(round(float(np.mean(samples["cadence_spm"].to_numpy()) / 2.0)))
    if has_elev:
        diff = np.diff(elev)
        session.total_ascent = int(round(float(diff[diff > 0].sum())))
        session.total_descent = int(round(float(-diff[diff < 0].sum())))
    if has_pos:
        session.start_position_lat = float(lat[0])
        session.start_position_long = float(lon[0])
    builder.add(session)

    return _finish_activity(builder, path, end_ms=end_ms, timer_s=timer_s,
                            utc_offset_s=run.utc_offset_s)


def _finish_activity(builder: Any, path: str | Path, *, end_ms: int, timer_s: float,
                     utc_offset_s: int) -> Path:
    """Add the closing ``activity`` message (one session) and write the file."""
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.profile_type import Activity, Event, EventType

    activity = ActivityMessage()
    activity.timestamp = end_ms
    activity.total_timer_time = timer_s
    activity.num_sessions = 1
    activity.type = Activity.MANUAL
    activity.event = Event.ACTIVITY
    activity.event_type = EventType.STOP
    # local_timestamp is a raw FIT local_date_time: fit-tool applies no epoch shift to it.
    activity.local_timestamp = end_ms // 1000 + utc_offset_s - FIT_EPOCH_S
    builder.add(activity)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(builder.build_bytes())
    return out


def write_gpx(run: SyntheticRun, path: str | Path) -> Path:
    """Write ``run`` as a GPX 1.1 track.

    One ``trk`` with ``<type>running</type>``; a new ``trkseg`` after each
    manual watch stop (auto-pauses only leave a time gap); every ``trkpt`` has
    ``time`` and ``ele`` (when recorded) and a Garmin TrackPointExtension v1
    with ``hr`` and ``cad`` (strides/min, as Garmin exports it).

    Raises
    ------
    ValueError
        The run has no positions (treadmill).
    """
    import gpxpy.gpx

    if not run.has_position:
        raise ValueError("a run without positions (treadmill) cannot be written as GPX")
    samples = run.samples
    gpx = gpxpy.gpx.GPX()
    gpx.creator = _GPX_CREATORS.get(run.device.manufacturer, "legday synth")
    gpx.nsmap["gpxtpx"] = TPX_NS
    gpx.name = run.name
    gpx.time = run.start_utc.to_pydatetime()
    track = gpxpy.gpx.GPXTrack(name=run.name)
    track.type = "running"  # type: ignore[assignment]  # gpxpy declares it None
    gpx.tracks.append(track)

    stops = run.events[(run.events["event"] == "stop") & (run.events["trigger"] == "manual")]
    stop_ns = np.sort(time_ns(stops["time"]))
    t_ns = time_ns(samples["time"])
    seg_no = np.searchsorted(stop_ns, t_ns, side="left")

    times = [t.to_pydatetime() for t in samples["time"]]
    lat = np.round(samples["lat"].to_numpy(), 7).tolist()
    lon = np.round(samples["lon"].to_numpy(), 7).tolist()
    ele = np.round(samples["elevation_m"].to_numpy(), 1).tolist()
    hr = samples["heart_rate"].to_numpy().tolist()
    cad = (samples["cadence_spm"].to_numpy() / 2.0).tolist()
    segment: gpxpy.gpx.GPXTrackSegment | None = None
    current = -1
    for i in range(len(samples)):
        if segment is None or seg_no[i] != current:
            segment = gpxpy.gpx.GPXTrackSegment()
            track.segments.append(segment)
            current = int(seg_no[i])
        point = gpxpy.gpx.GPXTrackPoint(lat[i], lon[i], elevation=_opt(ele[i]),
                                        time=times[i].replace(tzinfo=dt.UTC))
        ext = ET.Element(f"{{{TPX_NS}}}TrackPointExtension")
        if not math.isnan(hr[i]):
            hr_el = ET.SubElement(ext, f"{{{TPX_NS}}}hr")
            hr_el.text = str(int(round(hr[i])))
        cad_el = ET.SubElement(ext, f"{{{TPX_NS}}}cad")
        cad_el.text = str(int(round(cad[i])))
        point.extensions.append(ext)
        segment.points.append(point)

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(gpx.to_xml(version="1.1"), encoding="utf-8")
    return out


def write_strength_fit(sets: pd.DataFrame, path: str | Path, *, utc_offset_s: int = 0,
                       manufacturer: int = 1, product: int = 4315) -> Path:
    """Write a Garmin-style strength-training activity with ``set`` messages.

    Parameters
    ----------
    sets
        One row per set in time order: ``start`` (UTC), ``duration_s``,
        ``set_type`` (``active`` or ``rest``), ``category`` (a FIT
        ``exercise_category`` name such as ``squat``; ignored for rests),
        ``reps`` and ``weight_kg``.
    path
        Output path.
    utc_offset_s
        Local offset written to the ``activity`` message. [s]
    manufacturer, product
        FIT ids (Garmin and a Forerunner 255 by default).
    """
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.messages.set_message import SetMessage
    from fit_tool.profile.profile_type import (
        Event,
        EventType,
        ExerciseCategory,
        FileType,
        SessionTrigger,
        SetType,
        Sport,
        SubSport,
        TimerTrigger,
    )

    if sets.empty:
        raise ValueError("a strength activity needs at least one set")
    start = pd.Timestamp(sets["start"].iloc[0])
    last = sets.iloc[-1]
    end = pd.Timestamp(last["start"]) + pd.Timedelta(seconds=float(last["duration_s"]))
    start_ms, end_ms = _ms(start), _ms(end)

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = manufacturer
    file_id.product = product
    file_id.serial_number = 3_100_000_000
    file_id.time_created = start_ms
    builder.add(file_id)
    for t, kind in ((start_ms, EventType.START), (end_ms, EventType.STOP_ALL)):
        if kind == EventType.STOP_ALL:
            records: list[dict[Any, Any]] = sets.to_dict("records")
            for i, row in enumerate(records):
                msg = SetMessage()
                set_start = _ms(pd.Timestamp(row["start"]))
                msg.timestamp = set_start + int(float(row["duration_s"]) * 1000)
                msg.start_time = set_start
                msg.duration = float(row["duration_s"])
                msg.message_index = i
                if row["set_type"] == "active":
                    msg.set_type = SetType.ACTIVE
                    msg.category = [ExerciseCategory[str(row["category"]).upper()].value]
                    msg.repetitions = int(row["reps"])
                    msg.weight = float(row["weight_kg"])
                else:
                    msg.set_type = SetType.REST
                builder.add(msg)
        ev = EventMessage()
        ev.timestamp = t
        ev.event = Event.TIMER
        ev.event_type = kind
        ev.timer_trigger = TimerTrigger.MANUAL
        ev.event_group = 0
        builder.add(ev)

    elapsed_s = (end_ms - start_ms) / 1000.0
    session = SessionMessage()
    session.message_index = 0
    session.timestamp = end_ms
    session.start_time = start_ms
    session.event = Event.SESSION
    session.event_type = EventType.STOP
    session.trigger = SessionTrigger.ACTIVITY_END
    session.sport = Sport.TRAINING
    session.sub_sport = SubSport.STRENGTH_TRAINING
    session.total_elapsed_time = elapsed_s
    session.total_timer_time = elapsed_s
    session.first_lap_index = 0
    session.num_laps = 0
    builder.add(session)

    return _finish_activity(builder, path, end_ms=end_ms, timer_s=elapsed_s,
                            utc_offset_s=utc_offset_s)
