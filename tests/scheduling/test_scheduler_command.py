"""SPEC 6, issue 12 item 2: `backorder-desktop scheduler` runs both schedules without a window
until SIGTERM or SIGINT, says one line per run on stderr (and in the log file), stops with exit 0
once the run in progress has finished or been rolled back, and picks up schedule changes saved by
any program within the engine's poll interval. Real processes, on the fast test clock of
tests/scheduling/team.py (a slot every 6 real seconds); runs are held inside their transaction
with BACKORDER_TEST_RUN_PAUSE to stop the service mid-run.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backorder_desktop.__main__ import main
from backorder_desktop.scheduling.service import STOP_GRACE_SECONDS
from tests.places import Place, sqlite_only
from tests.scheduling.team import (
    EVERY_MINUTE,
    ROOT,
    FastClock,
    Program,
    at,
    check,
    clean_units,
    command,
    holding,
    prepared,
    ready,
    run_lines,
    slot_runs,
    start,
    units_allocated,
    wait_for,
)

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

RUN_LINE = re.compile(
    r"^2026-11-24 (?P<time>\d\d:\d\d):\d\d Primary Backorder Process \((?P<trigger>[a-z-]+)\), run \d+:"
    r" (?P<outcome>ok|failed|skipped)"
)


def service_on(
    place: Place, tmp_path: Path, pause: float | None = None
) -> tuple[str, int, FastClock, Program]:
    """A service started on a database with work for the Primary, its schedule every minute from
    10:28 on the fast clock; with the units one clean run allocates there."""
    db = place.new("service")
    setup = tmp_path / "setup"
    prepared(db, setup)
    clean = clean_units(place.copy(db, "clean"), setup)
    clock = FastClock(at(10, 28, 0))
    command(db, setup, clock, "schedules", "set", "7792", *EVERY_MINUTE)
    service = start("service", db, tmp_path, "service", clock, pause)
    ready([service])
    return db, clean, clock, service


def test_the_service_runs_the_schedules_with_one_line_per_run_until_sigterm(
    place: Place, tmp_path: Path
) -> None:
    db, clean, clock, service = service_on(place, tmp_path)
    try:
        clock.sleep_until(at(10, 31, 40))
    finally:
        status = service.stop(signal.SIGTERM)
    said = service.lines()
    assert status == 0, said
    assert (
        said[0].startswith("scheduler started on ")
        and said[1] == "next runs: Primary 2026-11-24 10:29, Secondary off"
    )
    runs = [RUN_LINE.match(line) for line in run_lines(service)]
    assert [(m["time"], m["trigger"], m["outcome"]) for m in runs if m] == [
        ("10:29", "schedule", "ok"),
        ("10:30", "schedule", "ok"),
        ("10:31", "schedule", "ok"),
    ], said
    assert f": ok, {clean} units in " in run_lines(service)[0]
    assert said[-1] == "scheduler stopped"
    assert service.printed.read_text() == "", "nothing on stdout"
    logged = service.log()
    assert all(f"scheduler: {line}" in logged for line in said), "every line in the log file too"
    assert [slot for slot, *_ in slot_runs(db)] == ["10:29", "10:30", "10:31"]
    check(db, tmp_path / "setup")


@sqlite_only
def test_sigint_stops_it_with_exit_0_too(place: Place, tmp_path: Path) -> None:
    _db, _clean, _clock, service = service_on(place, tmp_path)
    assert service.stop(signal.SIGINT) == 0
    assert service.lines()[-1] == "scheduler stopped"
    assert "Traceback" not in service.said.read_text()


def test_sigterm_mid_run_lets_the_run_finish_then_exits_0(place: Place, tmp_path: Path) -> None:
    db, clean, _clock, service = service_on(place, tmp_path, pause=3)
    try:
        wait_for(lambda: holding(service), 30, "the 10:29 run")
    finally:
        status = service.stop(signal.SIGTERM)
    said = service.lines()
    assert status == 0, said
    stopping = said.index("stopping: waiting for the run in progress")
    assert RUN_LINE.match(said[stopping + 1]), said
    assert said[stopping + 2 :] == ["scheduler stopped"]
    assert slot_runs(db) == [("10:29", "schedule", "ok", clean)]
    check(db, tmp_path / "setup")


def test_sigterm_mid_run_that_cannot_finish_in_time_rolls_it_back_and_exits_0(
    place: Place, tmp_path: Path
) -> None:
    db, _clean, _clock, service = service_on(place, tmp_path, pause=600)
    try:
        wait_for(lambda: holding(service), 30, "the 10:29 run")
        began = time.monotonic()
    finally:
        status = service.stop(signal.SIGTERM)
    took = time.monotonic() - began
    said = service.lines()
    assert status == 0, said
    assert STOP_GRACE_SECONDS <= took < STOP_GRACE_SECONDS + 10, took
    assert said[-2:] == [
        "stopping: waiting for the run in progress",
        f"the run in progress did not finish within {STOP_GRACE_SECONDS:g} s: stopped without it;"
        " the database rolls it back",
    ]
    assert run_lines(service) == []
    assert slot_runs(db) == [] and units_allocated(db) == 0, "the run was rolled back"
    check(db, tmp_path / "setup")


@sqlite_only
def test_a_second_signal_stops_it_at_once_and_the_run_is_rolled_back(place: Place, tmp_path: Path) -> None:
    db, _clean, _clock, service = service_on(place, tmp_path, pause=600)
    wait_for(lambda: holding(service), 30, "the 10:29 run")
    service.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "stopping: waiting for the run in progress" in service.lines(), 10, "the first signal")
    began = time.monotonic()
    assert service.stop(signal.SIGINT) == 0
    assert time.monotonic() - began < 3
    assert slot_runs(db) == [] and units_allocated(db) == 0
    check(db, tmp_path / "setup")


def test_a_schedule_change_saved_by_another_program_is_picked_up_within_the_poll_interval(
    place: Place, tmp_path: Path
) -> None:
    db, _clean, clock, service = service_on(place, tmp_path)
    try:
        wait_for(lambda: len(run_lines(service)) == 1, 30, "the 10:29 run")
        command(db, tmp_path / "setup", clock, "schedules", "set", "7792", "--start", "10:31")
        saved = clock.now()
        wait_for(
            lambda: "next runs: Primary 2026-11-24 10:31, Secondary off" in service.lines(), 10, "the change"
        )
        noticed = clock.now()
        assert (noticed - saved).total_seconds() <= 15 + 10 + 5, "within the poll interval and a tick"
        command(db, tmp_path / "setup", clock, "schedules", "set", "8050", "--on")
        wait_for(
            lambda: "next runs: Primary 2026-11-24 10:31, Secondary 2026-11-24 18:00" in service.lines(),
            10,
            "",
        )
        clock.sleep_until(at(10, 31, 40))
    finally:
        assert service.stop() == 0
    assert [slot for slot, *_ in slot_runs(db)] == ["10:29", "10:31"], "none at 10:30"


@sqlite_only
def test_the_service_never_loads_qt(place: Place, tmp_path: Path) -> None:
    db = place.new("qt")
    script = (
        "import os, signal, sys, threading\n"
        "threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGTERM)).start()\n"
        "from backorder_desktop.__main__ import main\n"
        f"status = main(['--db', {db!r}, 'scheduler'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "print(status, loaded)\n"
    )
    env = dict(os.environ, BACKORDER_DESKTOP_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.stdout == "0 []\n", done.stdout + done.stderr


@sqlite_only
def test_in_process_everything_goes_to_the_given_stderr(
    place: Place, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = place.new("in-process")
    monkeypatch.setenv("BACKORDER_DESKTOP_HOME", str(tmp_path / "home"))
    out, err = io.StringIO(), io.StringIO()
    before = os.umask(0o077)
    os.umask(before)
    handler = signal.getsignal(signal.SIGINT)
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        status = main(["--db", db, "scheduler"], stdout=out, stderr=err)
    finally:
        timer.cancel()
        os.umask(before)
    assert status == 0 and out.getvalue() == ""
    assert err.getvalue().splitlines()[-1] == "scheduler stopped"
    assert signal.getsignal(signal.SIGINT) is handler, "its signal handlers are put back"
    assert capsys.readouterr() == ("", "")


def test_the_systemd_unit_in_docs_is_valid(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    unit = (ROOT / "docs" / "backorder-scheduler.service").read_text()
    assert "ExecStart=/usr/local/bin/backorder-desktop scheduler" in unit
    program = Path(sys.executable).parent / "backorder-desktop"
    (tmp_path / "backorder-scheduler.service").write_text(
        unit.replace("/usr/local/bin/backorder-desktop", str(program))
    )
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run(
        [analyze, "--user", "verify", str(tmp_path / "backorder-scheduler.service")],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime)),
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
