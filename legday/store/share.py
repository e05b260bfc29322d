"""Share-link tokens: random, shown once, stored only as a SHA-256 hash.

A token is ``secrets.token_urlsafe(32)``: 256 random bits. The database keeps
``sha256(token)``; a leaked database therefore opens no shared view, and
looking a link up by the hash of what a coach presents needs no secret
comparison in Python.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from legday.store.errors import (
    ShareLinkError,
    ShareLinkExpired,
    ShareLinkRevoked,
    ShareLinkUnknown,
    StoreError,
)

TOKEN_BYTES = 32
DEFAULT_DAYS = 30
#: Shortest validity a link may be given: one minute. [days]
MIN_DAYS = 1 / (24 * 60)
#: Longest validity a link may be given. [days]
MAX_DAYS = 366


def checked_days(days: float) -> float:
    """``days`` when it is a validity a link may have, else :class:`StoreError`
    (NaN, infinities, zero, negative and sub-minute values included)."""
    days = float(days)
    if not (math.isfinite(days) and MIN_DAYS <= days <= MAX_DAYS):
        raise StoreError(f"a share link lasts between 1 minute ({MIN_DAYS:.6f} days) and "
                         f"{MAX_DAYS} days, not {days:g}")
    return days


def new_token() -> str:
    """A fresh URL-safe token of :data:`TOKEN_BYTES` random bytes.

    Never starting with ``-``: such a token reads as an option on a command line
    (``share revoke -x...``); redrawing costs under 0.05 bits of 256.
    """
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0] != "-":
            return token


def token_hash(token: str) -> str:
    """Hex SHA-256 of the token: the only form ever stored."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Plausible token shape (43 URL-safe characters); anything else is refused early."""
    text = text.strip()
    return 40 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


def check_valid(expires_utc: datetime, revoked_utc: datetime | None, now: datetime) -> None:
    """Raise the :class:`ShareLinkError` that applies, if any."""
    if revoked_utc is not None:
        raise ShareLinkRevoked(revoked_utc)
    if now >= expires_utc:
        raise ShareLinkExpired(expires_utc)


def share_url(base_url: str, token: str) -> str:
    """The link a coach opens: the dashboard with ``?share=TOKEN``."""
    return f"{base_url.rstrip('/')}/?share={token}"


@dataclass(frozen=True)
class ShareLink:
    """A link just created: the only moment the token is known."""

    id: int
    token: str
    url: str
    label: str | None
    allow_notes: bool
    expires_utc: datetime


@dataclass(frozen=True)
class ShareInfo:
    """A stored link as the athlete sees it in a list (no token: it is not stored)."""

    id: int
    label: str | None
    allow_notes: bool
    created_utc: datetime
    expires_utc: datetime
    revoked_utc: datetime | None

    def status(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        try:
            check_valid(self.expires_utc, self.revoked_utc, now)
        except ShareLinkRevoked:
            return "revoked"
        except ShareLinkError:
            return "expired"
        return "active"


__all__ = ["ShareInfo", "ShareLink", "ShareLinkUnknown", "check_valid", "checked_days",
           "new_token", "share_url", "token_hash"]
