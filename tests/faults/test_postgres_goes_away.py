"""A PostgreSQL server that goes away in the middle of a run, and comes back: a clear message,
nothing half-written, and the same run then gives the result of one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.faults.conftest import server_control
from tests.places import postgres_database

CLI = Path(sys.executable).parent / "backorder-desktop"


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "--db", url, *args], capture_output=True, text=True, timeout=300)


def wait_until_paused(process: subprocess.Popen[str], timeout: float = 120) -> None:
    """Until PROCESS stopped itself (SIGSTOP: state T in /proc); fails if it ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before its pause point: {process.communicate()}"
        if Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T":
            return
        time.sleep(0.01)
    raise AssertionError("the run never reached its pause point")


def backend_states(admin: str, url: str) -> list[str]:
    """The states of the server backends connected to URL's database."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT state FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (url.rsplit("/", 1)[1],),
        )
        return [state for (state,) in rows.fetchall()]


def test_a_server_that_goes_away_mid_run_loses_nothing_and_the_run_recovers(own_server) -> None:
    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database
    from bench import datasets

    server, data = own_server
    url = postgres_database(server)
    open_database(url, create=True)
    datasets.waiting_orders(6_000, 200, 2_000)
    datasets.receive_everything(200)
    database.close()
    before = cli(url, "export", "stock").stdout

    # The run stops itself (SIGSTOP, a test-only pause point) once it has written 1,000 rows
    # inside its transaction: the server goes away then, for certain in the middle of it.
    run = subprocess.Popen(
        [str(CLI), "--db", url, "run", "primary"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BACKORDER_TEST_PAUSE_AFTER_ROWS": "1000"},
    )
    try:
        wait_until_paused(run)
        assert backend_states(server, url) == ["idle in transaction"], "the run's transaction is not open"
        server_control("stop", data)  # the server goes away, immediately
    finally:
        run.send_signal(signal.SIGCONT)
    _out, errors = run.communicate(timeout=120)
    server_control("start", data)  # and comes back

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


def test_a_program_that_stays_open_reconnects_when_the_server_is_back(own_server) -> None:
    """The window and its scheduler keep their connections for hours: a server restart must
    cost one clear failure per connection, not the program."""
    from backorder_desktop.domain import preferences
    from backorder_desktop.store import database
    from backorder_desktop.store.database import DatabaseProblem, explain, query
    from backorder_desktop.store.schema import open_database

    server, data = own_server
    url = postgres_database(server)
    open_database(url, create=True)
    other = ThreadPoolExecutor(max_workers=1)  # a worker thread with its own connection
    try:
        assert query("SELECT COUNT(*) FROM schedule") == [(2,)]
        assert other.submit(query, "SELECT COUNT(*) FROM schedule").result() == [(2,)]
        server_control("stop", data)
        with pytest.raises(Exception) as failed:
            query("SELECT COUNT(*) FROM schedule")
        assert "cannot be reached" in str(explain(failed.value, url))
        with pytest.raises(Exception) as failed:
            preferences.save(backorders_enabled=True)
        assert "cannot be reached" in str(explain(failed.value, url))
        assert isinstance(explain(failed.value, url), DatabaseProblem)
        server_control("start", data)
        # Without opening the database again: this thread's broken connection is replaced, and
        # the other thread's, which never saw the server go, reconnects on its first statement.
        assert other.submit(query, "SELECT COUNT(*) FROM schedule").result() == [(2,)]
        assert query("SELECT COUNT(*) FROM schedule") == [(2,)]
        preferences.save(backorders_enabled=True)
        assert preferences.load().backorders_enabled
    finally:
        other.submit(database.close).result()
        other.shutdown()
        database.close()
