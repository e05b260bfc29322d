"""AppTest for the upload page: it reads dropped files and lists each activity."""

from __future__ import annotations

import gzip

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.io.helpers import gpx_text, zip_bytes

PAGE = str(ROOT / "pages" / "upload.py")


def _app() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60)


def test_empty_page_explains_what_to_do():
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Does my running count as leg day?"
    assert "No files yet" in at.info[0].value


def test_uploaded_files_give_one_row_per_activity():
    at = _app().run()
    uploader = at.get("file_uploader")[0]
    if not hasattr(uploader, "set_value"):
        pytest.skip("this Streamlit version cannot set file_uploader values in AppTest")
    bundle = zip_bytes({"a/run2.gpx.gz": gzip.compress(gpx_text(n=40).encode()),
                        "a/notes.gpx": b"<gpx><trk><trkseg><trkpt"})
    uploader.set_value([("run.gpx", gpx_text().encode(), "application/gpx+xml"),
                        ("bundle.zip", bundle, "application/zip")]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["points"].dropna().astype(int)) == [30, 40]
    # Archive members are read in path order: a/notes.gpx comes before a/run2.gpx.gz.
    assert list(table["status"]) == ["read", "refused", "read"]
    assert table["errors"].iloc[1].startswith("notes.gpx: ")
    assert "2 activities read, 1 refused" in at.success[0].value
