"""Where the data lives: one function decides the database URL.

Order: an explicit URL; else ``LEGDAY_DATABASE_URL``; else Streamlit secrets
``[connections.sql] url`` (read from ``.streamlit/secrets.toml`` or, when the
app already imported streamlit, ``st.secrets``; the data layer never needs a
running Streamlit); else a SQLite file at :func:`default_sqlite_path`.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from legday.store.errors import StoreConfigError

ENV_URL = "LEGDAY_DATABASE_URL"
ENV_SQLITE_PATH = "LEGDAY_SQLITE_PATH"
ENV_PUBLIC_URL = "LEGDAY_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"


def default_sqlite_path() -> Path:
    """``$LEGDAY_SQLITE_PATH``, else ``$XDG_DATA_HOME/legday/legday.db``
    (``~/.local/share/legday/legday.db`` without XDG): outside the repository."""
    explicit = os.environ.get(ENV_SQLITE_PATH)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "legday" / "legday.db"


def _secrets_url(secrets: Mapping[str, Any]) -> str | None:
    sql = secrets.get("connections", {}).get("sql", {})
    url = sql.get("url") if isinstance(sql, Mapping) else None
    return str(url) if url else None


def secrets_url(secrets_file: Path | None = None) -> str | None:
    """The ``[connections.sql] url`` of the Streamlit secrets, when defined."""
    st = sys.modules.get("streamlit")
    if st is not None:  # the app is running: st.secrets also knows ~/.streamlit/secrets.toml
        try:
            return _secrets_url(st.secrets.to_dict())
        except Exception:  # streamlit raises its own error when no secrets file exists
            pass
    path = secrets_file or Path(".streamlit") / "secrets.toml"
    if not path.is_file():
        return None
    try:
        return _secrets_url(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise StoreConfigError(f"{path}: not valid TOML ({exc})") from exc


def database_url(explicit: str | None = None) -> str:
    """The database URL to use (see the module docstring for the order)."""
    url = explicit or os.environ.get(ENV_URL) or secrets_url()
    if url:
        return normalise_url(url)
    return f"sqlite:///{default_sqlite_path()}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL (``postgres://`` as Heroku writes it too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def public_url() -> str:
    """Base URL of the dashboard, used to build share links."""
    return os.environ.get(ENV_PUBLIC_URL, DEFAULT_PUBLIC_URL).rstrip("/")
