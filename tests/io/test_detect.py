import pytest

from legday.io.detect import is_fit, sniff, xml_root


@pytest.mark.parametrize("head,name,expected", [
    (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", "x.bin", "fit"),
    (b"\x0c\x10\x00\x00\x00\x00\x00\x00.FIT", "", "fit"),
    (b"\x1f\x8b\x08\x00", "a.fit.gz", "gzip"),
    (b"PK\x03\x04rest", "a", "zip"),
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<gpx version="1.1">', "", "gpx"),
    (b"   \n<?xml version='1.0'?><!-- c --><TrainingCenterDatabase xmlns='x'>", "", "tcx"),
    (b"<ns0:gpx xmlns:ns0='http://www.topografix.com/GPX/1/0'>", "", "gpx"),
    (b"<kml xmlns='x'>", "a.kml", None),
    (b"<?xml version='1.0'?>\n <Activities><Activity>", "broken.tcx", "tcx"),
    (b"Activity ID,Activity Date", "activities.csv", "csv"),
    (b"\x00\x00garbage", "broken.fit", "fit"),
    (b"hello", "notes.txt", None),
])
def test_sniff(head: bytes, name: str, expected: str | None):
    assert sniff(head, name) == expected


def test_helpers():
    assert not is_fit(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIX\x00\x00")
    assert xml_root(b"<?xml version='1.0'?><!DOCTYPE gpx><gpx>") == "gpx"
    assert xml_root(b"no xml") is None
