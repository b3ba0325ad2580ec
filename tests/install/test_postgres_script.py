""".ci/postgres.sh stops the server it starts: the test session and .ci/run leave none running."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = "54349"  # a server of its own: the suite's (54329) and the fault tests' (54339) are left alone


def script(mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKORDER_PG_PORT": PORT}
    env.pop("BACKORDER_PG_DATA", None)
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


@pytest.fixture
def server() -> Iterator[str]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.skip("PostgreSQL: Debian's binaries are not installed")
    started = script("start")
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip().splitlines()[-1]
    script("stop")


def test_stop_stops_the_server_and_deletes_its_data(server: str) -> None:
    assert script("status").returncode == 0
    assert accepts(server)
    stopped = script("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert script("status").returncode == 1
    assert not accepts(server)
    assert not Path(f"/tmp/backorder-pg-{PORT}").exists()
    assert script("stop").returncode == 0, "stopping a server that does not run is no failure"
