""".ci/postgres.sh stops the server it starts: the test session and .ci/run leave none running;
and each start is a server of its own (a free port, a new folder), so two test runs on one
machine never stop each other's."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def script(mode: str, port: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BACKORDER_PG_PORT", "BACKORDER_PG_DATA")}
    if port:
        env["BACKORDER_PG_PORT"] = str(port)
    command = ["bash", str(ROOT / ".ci" / "postgres.sh"), mode]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


def accepts(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def data_folder(url: str) -> Path:
    import psycopg

    with psycopg.connect(url) as connection:
        return Path(connection.execute("SHOW data_directory").fetchone()[0])


@pytest.fixture
def servers() -> Iterator[list[str]]:
    """Servers started here (their URLs), stopped after."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.skip("PostgreSQL: Debian's binaries are not installed")
    started: list[str] = []
    yield started
    for url in started:
        script("stop", urlsplit(url).port)


def start(servers: list[str]) -> str:
    done = script("start")
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip().splitlines()[-1]
    servers.append(url)
    return url


def test_stop_stops_the_server_and_deletes_its_data(servers: list[str]) -> None:
    url = start(servers)
    port = urlsplit(url).port
    folder = data_folder(url)
    assert script("status", port).returncode == 0
    assert accepts(url)
    stopped = script("stop", port)
    assert stopped.returncode == 0, stopped.stderr
    assert script("status", port).returncode == 1
    assert not accepts(url)
    assert not folder.exists()
    assert script("stop", port).returncode == 0, "stopping a server that does not run is no failure"


def test_two_starts_are_two_servers_and_stopping_one_leaves_the_other(servers: list[str]) -> None:
    first, second = start(servers), start(servers)
    assert urlsplit(first).port != urlsplit(second).port
    assert data_folder(first) != data_folder(second)

    assert script("stop", urlsplit(first).port).returncode == 0

    assert not accepts(first)
    assert accepts(second)
    assert script("status", urlsplit(second).port).returncode == 0


def test_a_start_on_a_port_where_it_runs_gives_the_same_server(servers: list[str]) -> None:
    url = start(servers)
    again = script("start", urlsplit(url).port)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == url


def test_stop_needs_the_port() -> None:
    no_port = script("stop")
    assert no_port.returncode == 2 and "BACKORDER_PG_PORT" in no_port.stderr
    assert script("status").returncode == 1


def test_a_server_the_script_did_not_make_is_left_alone(servers: list[str]) -> None:
    """Say, a PostgreSQL of the machine's own, named by a wrong BACKORDER_PG_PORT."""
    url = start(servers)
    port = urlsplit(url).port
    marker = data_folder(url) / "started-by-backorder-postgres-sh"
    content = marker.read_bytes()
    marker.unlink()
    try:
        assert script("status", port).returncode == 1
        assert script("stop", port).returncode == 0
        assert accepts(url)
        assert data_folder(url).exists()
    finally:
        marker.write_bytes(content)
