"""legday's own exceptions: one root, so pages and the CLI catch a single type.

Every message is one line that starts with the file name and says what is wrong
in words a runner understands; the chained ``__cause__`` keeps library details.
"""

from __future__ import annotations


class LegdayError(Exception):
    """Root of every error legday raises on purpose."""


class ReadError(LegdayError):
    """A file could not be turned into activities."""

    reason = "could not be read"

    def __init__(self, name: str, detail: str | None = None) -> None:
        self.name = name
        self.detail = detail or self.reason
        super().__init__(f"{name}: {self.detail}")


class UnsupportedFormat(ReadError):
    """Not a FIT, GPX, TCX, gzip, zip or Strava export."""

    reason = "not a FIT, GPX or TCX activity file, nor a zip or Strava export"


class CorruptFile(ReadError):
    """The file is of a known format but broken beyond what can be salvaged."""

    reason = "the file is damaged and nothing readable was found in it"


class NotAnActivity(ReadError):
    """A valid file that holds no activity (settings, monitoring, workout, course...)."""

    reason = "this is not an activity recording"


class EmptyActivity(ReadError):
    """An activity file without a single usable sample."""

    reason = "the activity has no recorded samples"


class LimitExceeded(ReadError):
    """Refused because it is larger or deeper than legday's safety limits."""

    reason = "too large to read safely"


class DataError(LegdayError):
    """A frame does not have the shape legday expects."""


class MissingColumn(DataError):
    """A required column is absent from a frame."""

    def __init__(self, column: str, where: str = "samples") -> None:
        self.column = column
        super().__init__(f"{where}: missing column {column!r}")


class StrengthImportError(ReadError):
    """A strength log that legday cannot read at all (wrong header, not CSV, empty).

    Single bad rows are not errors: they are reported as ``RowProblem``s and the
    good rows still load.
    """

    reason = "not a strength log legday can read"
