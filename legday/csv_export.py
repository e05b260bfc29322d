"""Every CSV legday writes goes through :func:`csv_text`, so no cell runs as a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, one led by a tab or carriage return) as a formula: ``=HYPERLINK(...)``
sends data away when clicked, ``=cmd|' /C calc'!A1`` starts a program. Text
from outside (an exercise name or note from an imported lifting log, a finding
that quotes one) could start that way, so such a cell is written with a leading
apostrophe, which spreadsheets show as text and do not display. Plain numbers
(``-3.5``, ``+2``) are left alone: they are numbers, not formulas.

:func:`restore_formula` undoes it, so legday's own CSV reads back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: What a spreadsheet takes for the start of a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
#: Added before such a cell; spreadsheets show the rest as text.
TEXT_MARK = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _reads_as_formula(text: str) -> bool:
    """After any leading apostrophes (so that marked text stays reversible)."""
    bare = text.lstrip(TEXT_MARK)
    return bare.startswith(FORMULA_LEADS) and not _PLAIN_NUMBER.fullmatch(bare)


def neutralise_formula(cell: Any) -> Any:
    """``cell`` as written to a CSV: text that a spreadsheet would run gets a leading
    apostrophe; anything else (numbers, None, other text) is returned unchanged."""
    if isinstance(cell, str) and _reads_as_formula(cell):
        return TEXT_MARK + cell
    return cell


def restore_formula(cell: str) -> str:
    """The text :func:`neutralise_formula` was given (for reading legday's own CSV)."""
    if cell.startswith(TEXT_MARK) and _reads_as_formula(cell):
        return cell[len(TEXT_MARK):]
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV of ``header`` and ``rows``, every cell neutralised; None is an empty cell.

    Lines end in CRLF (RFC 4180), so a cell holding a carriage return or a line feed
    is quoted: with bare ``\\n`` line ends a lone ``\\r`` went out unquoted, and a
    spreadsheet started a new row, and a formula, after it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_formula(name) for name in header])
    writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def reader_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV bytes handed straight back to one of legday's own readers, never to a
    person or a spreadsheet: cells are kept exactly as read (the import pipeline
    passes a Strava export on row by row this way)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
