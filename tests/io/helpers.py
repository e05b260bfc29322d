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
