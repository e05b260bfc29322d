"""The storage layer's errors, all under :class:`legday.errors.LegdayError`.

Messages are one line a runner or a coach can act on; they never carry SQL.
"""

from __future__ import annotations

from datetime import datetime

from legday.errors import LegdayError


class StoreError(LegdayError):
    """The data layer refused or could not do something."""


class NotFound(StoreError):
    """No such row for this athlete (another athlete's rows are 'not found' too)."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r} for this athlete")


class ReadOnlyError(StoreError):
    """A write was attempted through a read-only share link."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"{action}: a shared view is read-only")


class NotShared(StoreError):
    """Data that a share link never shows (privacy zones, other share links)."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} are private to the athlete and not shown through a share link")


class ShareLinkError(StoreError):
    """A share token that opens nothing: unknown, expired or revoked."""


class ShareLinkUnknown(ShareLinkError):
    def __init__(self) -> None:
        super().__init__("this share link is not valid: check that it was copied whole, "
                         "or ask the athlete for a new one")


class ShareLinkExpired(ShareLinkError):
    def __init__(self, expired_utc: datetime) -> None:
        self.expired_utc = expired_utc
        super().__init__(f"this share link expired on {expired_utc:%Y-%m-%d %H:%M} UTC: "
                         "ask the athlete for a new one")


class ShareLinkRevoked(ShareLinkError):
    def __init__(self, revoked_utc: datetime) -> None:
        self.revoked_utc = revoked_utc
        super().__init__(f"this share link was revoked by the athlete on "
                         f"{revoked_utc:%Y-%m-%d} and shows nothing any more")


class StoreConfigError(StoreError):
    """The database URL or the secrets file cannot be used."""
