"""The owner's view without sign-in is served to this machine only: the app refuses it on any
other address, and the Docker image's command refuses to start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config

from legday.store import create_share, open_store
from legday.ui.exposure import ENV_PUBLIC_OWNER, REFUSED
from legday.ui.state import SAMPLE_ATHLETE
from tests.conftest import ROOT

NO_SIGN_IN = "has no sign-in configured"


@pytest.fixture()
def listening_on() -> Iterator[object]:
    """Set the server address the app sees (restored to localhost afterwards)."""
    yield lambda address: config.set_option("server.address", address)
    config.set_option("server.address", "localhost")


@pytest.mark.parametrize("address", [None, "0.0.0.0", "192.168.1.20", "::"])
def test_the_owners_view_is_refused_beyond_localhost(make_app, sample_db, listening_on,
                                                     monkeypatch, address):
    monkeypatch.delenv(ENV_PUBLIC_OWNER, raising=False)
    listening_on(address)
    at = make_app(sample_db)
    assert not at.exception
    (error,) = at.error
    assert NO_SIGN_IN in error.value and ENV_PUBLIC_OWNER in error.value
    assert not at.get("plotly_chart") and not at.info and not at.title


def test_a_share_link_still_opens_beyond_localhost(make_app, sample_db, listening_on,
                                                   monkeypatch):
    monkeypatch.delenv(ENV_PUBLIC_OWNER, raising=False)
    store = open_store(sample_db)
    token = create_share(store.athlete(SAMPLE_ATHLETE), days=2, label="Coach Kim").token
    store.close()
    listening_on("0.0.0.0")
    at = make_app(sample_db, query={"share": token})
    assert not at.exception and not at.error
    assert "Read-only view shared with Coach Kim" in at.info[0].value
    assert at.get("plotly_chart")


@pytest.mark.parametrize(("address", "public_owner"), [("127.0.0.1", None), ("::1", None),
                                                       ("localhost", None), ("0.0.0.0", "1")])
def test_localhost_or_an_explicit_private_network_shows_the_owners_view(
        make_app, sample_db, listening_on, monkeypatch, address, public_owner):
    if public_owner is None:
        monkeypatch.delenv(ENV_PUBLIC_OWNER, raising=False)
    else:
        monkeypatch.setenv(ENV_PUBLIC_OWNER, public_owner)
    listening_on(address)
    at = make_app(sample_db)
    assert not at.exception and not at.error
    assert "sample season" in at.info[0].value
    assert at.get("plotly_chart")


def _docker_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines()
                if line.startswith("CMD "))
    command: list[str] = json.loads(line.removeprefix("CMD "))
    return command


def _start(command: list[str], cwd: Path, home: Path | None = None,
           **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as the image would, in ``cwd``, with a home of its own."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("LEGDAY_", "STREAMLIT_"))}
    environment.update(HOME=str(home or cwd), PYTHONPATH=str(ROOT), **env)
    # The timeout only keeps a launcher that wrongly starts a server from hanging the suite.
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True,
                          check=False, timeout=120)


def test_the_docker_image_refuses_to_start_without_sign_in(tmp_path):
    command = _docker_command()
    assert command[:3] == ["python", "-m", "legday.ui.exposure"]
    started = _start([sys.executable, *command[1:]], tmp_path)
    assert started.returncode == REFUSED
    assert "refusing to start" in started.stderr and "0.0.0.0" in started.stderr
    assert started.stdout == ""


#: Stands in for `streamlit run ...`: proves the launcher handed over to the command.
ECHO = [sys.executable, "-c", "import sys; print('started', *sys.argv[1:])"]


@pytest.mark.parametrize("beside", ["app", "home"])
def test_the_launcher_starts_with_sign_in_configured(tmp_path, beside):
    app, home = tmp_path / "app", tmp_path / "home"
    folder = (app if beside == "app" else home) / ".streamlit"
    folder.mkdir(parents=True)
    app.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    (folder / "secrets.toml").write_text('[auth]\nclient_id = "legday"\n', encoding="utf-8")
    started = _start([sys.executable, "-m", "legday.ui.exposure", *ECHO,
                      "--server.address=0.0.0.0"], app, home)
    assert started.returncode == 0, started.stderr
    assert started.stdout == "started --server.address=0.0.0.0\n"


@pytest.mark.parametrize(("arguments", "env", "config_toml"), [
    (["--server.address", "127.0.0.1"], {}, None),
    ([], {}, '[server]\naddress = "localhost"\n'),
    ([], {"STREAMLIT_SERVER_ADDRESS": "::1"}, None),
    (["--server.address=0.0.0.0"], {ENV_PUBLIC_OWNER: "1"}, None),
])
def test_the_launcher_starts_on_localhost_or_when_told_the_network_is_private(
        tmp_path, arguments, env, config_toml):
    if config_toml is not None:
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "config.toml").write_text(config_toml, encoding="utf-8")
    started = _start([sys.executable, "-m", "legday.ui.exposure", *ECHO, *arguments],
                     tmp_path, None, **env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("started")


@pytest.mark.parametrize(("arguments", "env"), [
    ([], {}),  # Streamlit's default listens on every interface
    (["--server.address", "10.0.0.5"], {ENV_PUBLIC_OWNER: "yes"}),  # only "1" says so
    ([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}),
])
def test_the_launcher_refuses_every_other_address(tmp_path, arguments, env):
    started = _start([sys.executable, "-m", "legday.ui.exposure", *ECHO, *arguments],
                     tmp_path, None, **env)
    assert started.returncode == REFUSED
    assert NO_SIGN_IN in started.stderr and started.stdout == ""
