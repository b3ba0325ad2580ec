"""A PostgreSQL server that goes away in the middle of a run, and comes back: a clear message,
nothing half-written, and the same run then gives the result of one clean run."""

from __future__ import annotations

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


def test_a_server_that_goes_away_mid_run_loses_nothing_and_the_run_recovers(own_server) -> None:
    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database
    from bench import datasets

    server, data = own_server
    url = postgres_database(server)
    open_database(url, create=True)
    datasets.waiting_orders(60_000, 2_000, 20_000)
    datasets.receive_everything(2_000)
    database.close()
    before = cli(url, "export", "stock").stdout

    run = subprocess.Popen(
        [str(CLI), "--db", url, "run", "primary"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.0)
    still_running = run.poll() is None
    server_control("stop", data)  # the server goes away, immediately
    _out, errors = run.communicate(timeout=120)
    server_control("start", data)  # and comes back

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
