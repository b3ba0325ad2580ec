"""Fixtures: every test gets a fresh database, opened through the real store.

`store` runs each domain test twice: on a SQLite file and on a PostgreSQL
database of a throwaway server (BACKORDER_TEST_POSTGRES, which .ci/run sets by
starting one with .ci/postgres.sh). Outside CI, without a server and without
the means to start one, the PostgreSQL half is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import pytest

# Headless Qt, and a private home for logs and default databases, before anything imports them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs on several pytest-xdist workers (pyproject's addopts): each has a home of its
# own, so one worker's log and window settings never meet another's.
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ["BACKORDER_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="backorder-test-home-")
os.environ.setdefault("BACKORDER_DESKTOP_HOME", tempfile.mkdtemp(prefix="backorder-test-home-"))
# The suite starts the program thousands of times: let Python keep the modules it compiles
# (a machine that sets PYTHONDONTWRITEBYTECODE makes each start compile them all again, 0.37 s
# instead of 0.21 s).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database
from tests.places import (
    KINDS,
    Place,
    Shelf,
    copy_database,
    drop_postgres_database,
    made_by_init,
    postgres_database,
)

ROOT = Path(__file__).resolve().parent.parent


def postgres_script(mode: str, port: int | None = None) -> subprocess.CompletedProcess[str]:
    """`bash .ci/postgres.sh MODE` (start, status or stop) on the server on PORT, or the one
    BACKORDER_PG_PORT names (start without either: a new server on a free port)."""
    script = ROOT / ".ci" / "postgres.sh"
    env = {**os.environ, "BACKORDER_PG_PORT": str(port)} if port else None
    return subprocess.run(["bash", str(script), mode], capture_output=True, text=True, timeout=180, env=env)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist the run's controller starts the one test server (when none is given)
    before the workers start, so that they share it instead of starting one each."""
    distributed = (
        bool(getattr(config.option, "numprocesses", None)) and getattr(config.option, "dist", "no") != "no"
    )
    if distributed and not hasattr(config, "workerinput"):
        _start_server(config)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> str | None:
    """The URL of a PostgreSQL server to test against, started here if need be; None if none.

    A server started here is stopped when pytest ends (after every fixture that drops its
    databases); one given by BACKORDER_TEST_POSTGRES, or already running, is left alone."""
    return _start_server(request.config)


def _start_server(config: pytest.Config) -> str | None:
    url = os.environ.get("BACKORDER_TEST_POSTGRES")
    if url:
        return url
    try:
        ran_before = postgres_script("status").returncode == 0
        started = postgres_script("start")
    except (OSError, subprocess.TimeoutExpired):
        return None
    if started.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL, but no server could be started:\n{started.stderr}")
        return None
    url = started.stdout.strip().splitlines()[-1]
    os.environ["BACKORDER_TEST_POSTGRES"] = url
    if not ran_before:
        config.add_cleanup(lambda: _stop_started_server(url))
    return url


def _stop_started_server(url: str) -> None:
    if os.environ.get("BACKORDER_TEST_POSTGRES") == url:
        del os.environ["BACKORDER_TEST_POSTGRES"]
    postgres_script("stop", urlsplit(url).port)


def require_postgres(request: pytest.FixtureRequest) -> str:
    """The test PostgreSQL server's URL; skips the asking test, with the reason, when there is none."""
    server = cast("str | None", request.getfixturevalue("postgres_server"))
    if server is None:
        pytest.skip("PostgreSQL: no server (set BACKORDER_TEST_POSTGRES, or install Debian's postgresql)")
    return server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "backorders.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """Where the test's database lives: a SQLite file, or a fresh PostgreSQL database.

    For a test that asks for `store`, it already holds a copy of the migrated database made once
    per session and kind (copying costs less than migrating again)."""
    migrated = "store" in request.fixturenames
    if request.param == "sqlite":
        if migrated:
            copy_database(Path(made_by_init("sqlite", None)), db_path)
        yield str(db_path)
        return
    server = require_postgres(request)
    url = postgres_database(server, template=made_by_init("postgresql", server) if migrated else None)
    try:
        yield url
    finally:
        database.close()
        drop_postgres_database(url)


@pytest.fixture
def store(target: str) -> Iterator[str]:
    """The `--db` value of a fresh, migrated database already open on the store's shared proxy, so
    the test calls the domain in its own process: a SQLite file (WAL), then (through `target`) a
    new PostgreSQL database. For tests of the domain's functions."""
    open_database(target, create=True)  # a copy of one `init` made (see target): nothing to migrate
    yield target
    database.close()


@pytest.fixture(params=KINDS)
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    """Where this test makes the databases the program (a Cli) runs on: a Place whose
    new() and copy() give `--db` values, SQLite files in tmp_path, then databases on the test
    PostgreSQL server. Nothing is opened here. For tests of the command line."""
    server = require_postgres(request) if request.param == "postgresql" else None
    made = Place(request.param, tmp_path, server)
    yield made
    made.discard()


@pytest.fixture(scope="session")
def shelf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shelf]:
    """The session's store of things built once per kind of database: shelf.once(kind, what, make)
    makes WHAT (a saved database, the outcomes of a batch of commands) the first time it is asked
    for, and hands the same to every test after."""
    kept = Shelf(tmp_path_factory.mktemp, lambda: require_postgres(request))
    yield kept
    kept.discard()


# --- skips: each a failure under CI, and one line saying what was skipped and why otherwise ---

# The skips that leave no hole in CI's coverage, and why; under CI (CI=true, as .ci/run sets)
# every other skip (no PostgreSQL server, not root, no chattr, no tmpfs...) fails instead.
ALLOWED_SKIPS_IN_CI = {
    "BACKORDER_FULL=1": "the long versions of the reliability runs, opted into, not everyday",
    "done by .ci/installed.sh": ".ci/run installs the wheel in a fresh environment before the tests",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _skip_reason(report: pytest.TestReport) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    first_line = str(reason).removeprefix("Skipped: ").strip().splitlines()
    return first_line[0] if first_line else "no reason given"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail") or not _in_ci():
        return
    reason = _skip_reason(report)
    if not any(allowed in reason for allowed in ALLOWED_SKIPS_IN_CI):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI={os.environ['CI']}, where every test must run: {reason}\n"
            "(a skip that leaves no hole is listed, with why, in tests/conftest.py ALLOWED_SKIPS_IN_CI)"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if isinstance(r, pytest.TestReport)]
    if not skipped:
        return
    reasons = Counter(_skip_reason(report) for report in skipped)
    told = ", ".join(f"{count} for {reason!r}" for reason, count in reasons.most_common())
    tests = "test" if len(skipped) == 1 else "tests"
    terminalreporter.write_line(f"{len(skipped)} {tests} skipped: {told}", yellow=True, bold=True)


# --- order: the tests that mostly wait on real processes (schedules on a fast clock, kills,
# a wheel installed) are marked `long` and handed out first, so that on several workers they
# overlap the short ones instead of trailing after them; the timing checks, marked `quiet`, go
# last, when the other workers are finishing and the machine is nearly theirs ---


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def turn(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("long") else 2 if item.get_closest_marker("quiet") else 1

    items.sort(key=turn)
