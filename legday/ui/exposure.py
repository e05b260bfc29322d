"""Who can reach the owner's view: without sign-in, the dashboard is the owner's to anyone
who can open it, so it must then listen on this machine only.

The app checks this on every owner view (:func:`owner_view_refusal`); the Docker
image also starts through ``python -m legday.ui.exposure streamlit run ...``,
which refuses to start at all, so a container without sign-in never serves the
athlete's data to the network. ``LEGDAY_PUBLIC_OWNER=1`` accepts an unsigned
owner view on a private network you trust (docs/deploy.md).
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ENV_PUBLIC_OWNER = "LEGDAY_PUBLIC_OWNER"
ADDRESS_FLAG = "--server.address"
#: Streamlit's own precedence: command line, then environment, then config files.
ENV_ADDRESS = "STREAMLIT_SERVER_ADDRESS"
#: Exit status of a refused start (EX_CONFIG: a configuration error).
REFUSED = 78


def public_owner_allowed() -> bool:
    """True when ``LEGDAY_PUBLIC_OWNER=1`` accepts an owner view reachable from the network."""
    return os.environ.get(ENV_PUBLIC_OWNER, "").strip() == "1"


def is_loopback(address: str | None) -> bool:
    """Whether a Streamlit ``server.address`` listens on this machine only (unset listens on
    every interface)."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def owner_view_refusal(address: str | None, *, has_sign_in: bool,
                       public_owner: bool) -> str | None:
    """Why the owner's view may not be served, or None when it may."""
    if has_sign_in or public_owner or is_loopback(address):
        return None
    where = f"on {address}" if address else "on every network interface"
    return (f"legday has no sign-in configured and listens {where}: anyone who can reach it "
            "would see and change your data. Listen on localhost only (make run), configure "
            "sign-in ([auth] in the Streamlit secrets, see docs/deploy.md), or, on a private "
            f"network you trust, set {ENV_PUBLIC_OWNER}=1.")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _streamlit_files(name: str, cwd: Path) -> list[Path]:
    """Streamlit's files of ``name``, the later overriding the earlier (as Streamlit reads)."""
    return [Path.home() / ".streamlit" / name, cwd / ".streamlit" / name]


def address_of(command: Sequence[str], cwd: Path) -> str | None:
    """The ``server.address`` a ``streamlit run`` command line will listen on."""
    for i, arg in enumerate(command):
        if arg.startswith(ADDRESS_FLAG + "="):
            return arg.split("=", 1)[1]
        if arg == ADDRESS_FLAG and i + 1 < len(command):
            return command[i + 1]
    if os.environ.get(ENV_ADDRESS):
        return os.environ[ENV_ADDRESS]
    address = None
    for path in _streamlit_files("config.toml", cwd):
        server = _toml(path).get("server")
        if isinstance(server, dict) and server.get("address"):
            address = str(server["address"])
    return address


def has_sign_in(cwd: Path) -> bool:
    """Whether a Streamlit secrets file has an ``[auth]`` section (hosted mode)."""
    return any(isinstance(_toml(path).get("auth"), dict)
               for path in _streamlit_files("secrets.toml", cwd))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (``streamlit run app.py ...``) unless it would serve the
    owner's view to the network; then say why and exit with :data:`REFUSED`."""
    command = list(sys.argv[1:] if argv is None else argv)
    if not command:
        print("usage: python -m legday.ui.exposure streamlit run app.py [options]",
              file=sys.stderr)
        return 2
    cwd = Path.cwd()
    refusal = owner_view_refusal(address_of(command, cwd), has_sign_in=has_sign_in(cwd),
                                 public_owner=public_owner_allowed())
    if refusal:
        print(f"legday: refusing to start. {refusal}", file=sys.stderr)
        return REFUSED
    try:
        os.execvp(command[0], command)
    except OSError as err:
        print(f"legday: cannot run {command[0]}: {err.strerror}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    raise SystemExit(main())
