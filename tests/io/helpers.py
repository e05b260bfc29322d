"""Small files built inside tests (no corpus needed)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd


def gpx_text(n: int = 30, *, start: str = "2025-03-01T08:00:00Z", lat0: float = 47.5,
             step_deg: float = 0.0001, hr: int | None = 140) -> str:
    """A running GPX track of ``n`` points one second apart, about 11 m apart."""
    t0 = pd.Timestamp(start)
    pts = []
    for i in range(n):
        ext = (f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr + i % 5}</gpxtpx:hr>"
               f"</gpxtpx:TrackPointExtension></extensions>") if hr else ""
        pts.append(f'<trkpt lat="{lat0 + i * step_deg:.6f}" lon="19.0"><ele>{100 + i * 0.1:.1f}'
                   f"</ele><time>{(t0 + pd.Timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
                   f"</time>{ext}</trkpt>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gpx version="1.1" creator="legday tests" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f"<trk><type>running</type><trkseg>{''.join(pts)}</trkseg></trk></gpx>")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def fit_bytes(messages: list[tuple[int, list[tuple[int, int, int, int]]]], *,
              data_size: int | None = None) -> bytes:
    """A FIT file: one definition and one data message per ``(mesg_num, fields)``.

    ``fields`` are ``(def_num, size, base_type, value)``; values are little-endian
    unsigned integers. ``data_size`` overrides what the header says the data holds.
    """
    import struct

    from legday.io.fit_layout import fit_crc

    body = bytearray()
    defined: dict[tuple[int, tuple[tuple[int, int, int], ...]], int] = {}
    for mesg_num, fields in messages:
        layout = tuple((num, size, base) for num, size, base, _ in fields)
        local = defined.get((mesg_num, layout))
        if local is None:
            local = defined[(mesg_num, layout)] = len(defined) % 16
            body += struct.pack("<BBBHB", 0x40 | local, 0, 0, mesg_num, len(fields))
            for num, size, base in layout:
                body += bytes([num, size, base])
        body.append(local)
        for _, size, _, value in fields:
            body += value.to_bytes(size, "little")
    size = len(body) if data_size is None else data_size
    header = struct.pack("<BBHI4sH", 14, 0x10, 2000, size, b".FIT", 0)
    payload = header + bytes(body)
    return payload + fit_crc(payload).to_bytes(2, "little")


#: FIT seconds of 2024-04-30T06:00:00Z.
FIT_T0 = 1_083_391_200


def run_fit(records: int = 60, *, sessions: int = 1) -> bytes:
    """A running FIT file: file_id, records one second apart, and ``sessions`` sessions."""
    uint8, uint16, uint32, enum = 0x02, 0x84, 0x86, 0x00
    messages = [(0, [(0, 1, enum, 4), (1, 2, uint16, 1), (2, 2, uint16, 1)])]  # activity file
    for i in range(records):
        messages.append((20, [(253, 4, uint32, FIT_T0 + i), (3, 1, uint8, 140 + i % 5),
                              (5, 4, uint32, 300 * i)]))
    for s in range(sessions):
        messages.append((18, [(253, 4, uint32, FIT_T0 + records), (2, 4, uint32, FIT_T0 + s),
                              (7, 4, uint32, records * 1000), (5, 1, enum, 1)]))
    return fit_bytes(messages)
