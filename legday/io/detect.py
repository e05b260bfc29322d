"""Tell a file's format from its first bytes, not only from its name."""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")


def is_fit(head: bytes) -> bool:
    """A FIT file header: size 12 or 14, then ``.FIT`` at bytes 8-11."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def xml_root(head: bytes) -> str | None:
    """The local name of the first element in an XML document head, if any."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if not text.startswith(b"<"):
        return None
    pos = 0
    while True:
        match = _XML_ROOT.search(text, pos)
        if match is None:
            return None
        # Skip <?xml ...?>, <!-- -->, <!DOCTYPE>: the pattern only matches element starts.
        start = match.start()
        if text[start + 1 : start + 2] in (b"?", b"!"):
            pos = match.end()
            continue
        return match.group(1).decode("ascii", "replace")


def sniff(head: bytes, name: str = "") -> str | None:
    """Format of a payload from its first ~4 KB: fit, gpx, tcx, gzip, zip, csv or None."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if is_fit(head):
        return "fit"
    root = xml_root(head)
    if root is not None:
        lowered = root.lower()
        if lowered == "gpx":
            return "gpx"
        if lowered == "trainingcenterdatabase":
            return "tcx"
        # A damaged file may lose its root element; its name then decides.
        lower_name = name.lower().removesuffix(".gz")
        for fmt in ("gpx", "tcx"):
            if lower_name.endswith("." + fmt):
                return fmt
        return None
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    # A FIT file whose header is damaged still usually has its extension.
    if lower.endswith(".fit"):
        return "fit"
    return None
