"""A PostgreSQL server that goes away in the middle of a run, and comes back: a clear message,
nothing half-written, and the same run then gives the result of one clean run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "backorder-desktop"
PORT = "54339"  # a server of its own: stopping it must not disturb the other tests


def _server(action: str, data: Path) -> None:
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    command = [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", action]
    if action == "start":
        command += ["-l", str(data / "server.log"), "-o", f"-p {PORT} -k /tmp -c listen_addresses=127.0.0.1"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


@pytest.fixture
def own_server(tmp_path: Path):
    if not list(Path("/usr/lib/postgresql").glob("*/bin")) or (
        os.geteuid() == 0 and not shutil.which("runuser")
    ):
        pytest.skip("PostgreSQL: Debian's binaries are not installed")
    data = Path(f"/tmp/backorder-pg-{PORT}")
    env = {**os.environ, "BACKORDER_PG_PORT": PORT, "BACKORDER_PG_DATA": str(data)}
    started = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")], env=env, capture_output=True, text=True, timeout=180
    )
    if started.returncode != 0:
        pytest.skip(f"PostgreSQL: could not start a server of its own: {started.stderr}")
    yield started.stdout.strip().splitlines()[-1], data
    _server("stop", data)


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "--db", url, *args], capture_output=True, text=True, timeout=300)


def test_a_server_that_goes_away_mid_run_loses_nothing_and_the_run_recovers(own_server) -> None:
    import psycopg

    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database
    from bench import datasets

    server, data = own_server
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS goes_away WITH (FORCE)")
        admin.execute("CREATE DATABASE goes_away")
    url = server.rsplit("/", 1)[0] + "/goes_away"
    open_database(url)
    datasets.waiting_orders(60_000, 2_000, 20_000)
    datasets.receive_everything(2_000)
    database.close()
    before = cli(url, "export", "stock").stdout

    run = subprocess.Popen(
        [str(CLI), "--db", url, "run", "primary"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.0)
    still_running = run.poll() is None
    _server("stop", data)  # the server goes away, immediately
    _out, errors = run.communicate(timeout=120)
    _server("start", data)  # and comes back

    if still_running:
        assert run.returncode == 1, errors
        assert "database server" in errors or "cannot be reached" in errors, errors
        assert "Traceback" not in errors
        assert cli(url, "export", "stock").stdout == before, "nothing of the interrupted run was kept"
    again = cli(url, "run", "primary")
    assert again.returncode == 0, again.stderr
    assert cli(url, "check").returncode == 0
    backorders = cli(url, "export", "backorders").stdout.strip().splitlines()
    assert backorders == ["order,customer,ordered_at,priority,line,sku,qty_backordered"], (
        "one clean run fills everything the receipt covers"
    )
    assert still_running, "the run finished before the server went away: make the data set bigger"
