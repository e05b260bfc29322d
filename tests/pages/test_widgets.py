"""Widgets shared by pages, drawn on their own."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _problems_app() -> None:
    from legday.strength.log import RowProblem
    from legday.ui.widgets import rows_not_loaded

    rows_not_loaded([RowProblem(3, "weight is not a number"), RowProblem(7, "no date")],
                    key="problems")
    rows_not_loaded([], key="none")


def test_rows_not_loaded_lists_each_line_and_reason() -> None:
    app = AppTest.from_function(_problems_app).run()
    assert not app.exception
    assert [w.value for w in app.warning] == ["These rows are not loaded; the others are."]
    assert len(app.dataframe) == 1
    table = app.dataframe[0].value
    assert table["line"].tolist() == [3, 7]
    assert table["problem"].tolist() == ["weight is not a number", "no date"]
