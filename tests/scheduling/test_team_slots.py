"""SPEC 5, issue 12 item 1, with real programs: every program that runs the schedules on one
database takes part in one team schedule, so each slot gives exactly one run record, on SQLite and
on PostgreSQL; and a program killed in the middle of a slot's run loses nothing.

The programs are `backorder-desktop scheduler` services and window engines (the engine as the
window builds it, each run in a child process), on a shared fast clock (tests/scheduling/team.py):
a slot every 6 real seconds. Each run is held 1 s inside its transaction (BACKORDER_TEST_RUN_PAUSE),
so that the programs really contend: the others pass the first look, wait for the write lock and
find the slot taken inside their own transaction.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.places import Place
from tests.scheduling.team import (
    EVERY_MINUTE,
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
    taken_lines,
    units_allocated,
    wait_for,
)

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

HOLD = 1.0  # seconds each run holds its transaction open
KILL_HOLD = 4.0  # long enough to kill a program in the middle of its run
needs_full = pytest.mark.skipif(
    os.environ.get("BACKORDER_FULL") != "1", reason="long version: BACKORDER_FULL=1"
)


def team_database(place: Place, tmp_path: Path) -> tuple[str, int]:
    """A database with work for the Primary, and the units one clean run allocates on it."""
    db = place.new("team")
    prepared(db, tmp_path / "setup")
    return db, clean_units(place.copy(db, "clean"), tmp_path / "setup")


def schedule_every_minute(db: str, tmp_path: Path, clock: FastClock) -> None:
    """The Primary every minute, saved on the fast clock (its saved time counts for catch-up)."""
    command(db, tmp_path / "setup", clock, "schedules", "set", "7792", *EVERY_MINUTE)


def stop_all(programs: list[Program], status: int | None = 0) -> None:
    """Stop every program still running; each must exit with STATUS (None: whatever it exits with)."""
    for program in programs:
        done = program.stop()
        assert status is None or done == status, f"{program.name} exited {done}: {program.lines()}"


@pytest.mark.parametrize(
    ("kinds", "slots"),
    [
        (["service", "service", "window"], 3),
        pytest.param(["service"] * 4 + ["window"] * 2, 5, marks=needs_full),
    ],
    ids=["3x3", "6x5"],
)
def test_programs_of_a_team_record_exactly_one_run_per_slot(
    place: Place, tmp_path: Path, kinds: list[str], slots: int
) -> None:
    db, clean = team_database(place, tmp_path)
    clock = FastClock(at(10, 28, 0))
    schedule_every_minute(db, tmp_path, clock)
    programs = [start(kind, db, tmp_path, f"{kind}-{n}", clock, HOLD) for n, kind in enumerate(kinds)]
    try:
        ready(programs)
        assert clock.now() < at(10, 29), "the programs took too long to start for this test"
        clock.sleep_until(at(10, 28 + slots, 40))  # the slots from 10:29 on have passed
    finally:
        stop_all(programs)
    minutes = [f"10:{29 + n}" for n in range(slots)]
    assert slot_runs(db) == [(m, "schedule", "ok", clean if m == "10:29" else 0) for m in minutes]
    said = {p.name: len(run_lines(p)) for p in programs}
    taken = {p.name: len(taken_lines(p)) for p in programs}
    assert sum(said.values()) == slots, said
    assert sum(taken.values()) == (len(programs) - 1) * slots, taken
    assert all(said[p.name] + taken[p.name] == slots for p in programs), (said, taken)
    inside = sum(len(taken_lines(p, "in the run's transaction")) for p in programs)
    print(
        f"\n{place.kind}: {len(programs)} programs x {slots} slots: {len(slot_runs(db))} run records;"
        f" runs said {said}; slots found taken {taken}, {inside} of them inside the run's transaction"
    )
    assert units_allocated(db) == clean
    check(db, tmp_path / "setup")


def test_a_service_killed_mid_run_loses_nothing_another_program_runs_the_slot(
    place: Place, tmp_path: Path
) -> None:
    db, clean = team_database(place, tmp_path)
    clock = FastClock(at(10, 28, 0))
    schedule_every_minute(db, tmp_path, clock)
    programs = [start("service", db, tmp_path, f"service-{n}", clock, KILL_HOLD) for n in range(2)]
    try:
        ready(programs)
        wait_for(lambda: any(holding(p) for p in programs), 30, "a run of the 10:29 slot")
        killed, survivor = sorted(programs, key=holding, reverse=True)
        os.kill(killed.process.pid, signal.SIGKILL)
        assert killed.process.wait(10) == -signal.SIGKILL
        # Its transaction rolled back; the survivor, waiting for the write lock, finds the slot free.
        wait_for(lambda: any(" 10:29:" in line for line in run_lines(survivor)), 60, "the survivor's run")
        assert survivor.stop() == 0
    finally:
        stop_all(programs, status=None)
    assert run_lines(killed) == []
    assert slot_runs(db)[0] == ("10:29", "schedule", "ok", clean)
    assert len({slot for slot, *_ in slot_runs(db)}) == len(slot_runs(db)), "no slot twice"
    assert units_allocated(db) == clean
    check(db, tmp_path / "setup")


def test_a_service_killed_mid_run_alone_catches_the_slot_up_when_it_starts_again(
    place: Place, tmp_path: Path
) -> None:
    db, clean = team_database(place, tmp_path)
    clock = FastClock(at(10, 28, 0))
    schedule_every_minute(db, tmp_path, clock)
    first = start("service", db, tmp_path, "first", clock, KILL_HOLD)
    try:
        ready([first])
        wait_for(lambda: holding(first), 30, "a run of the 10:29 slot")
        os.kill(first.process.pid, signal.SIGKILL)
    finally:
        stop_all([first], status=None)
    assert slot_runs(db) == [], "the killed run left nothing"
    again = start("service", db, tmp_path, "again", clock)
    try:
        wait_for(lambda: any("(catch-up)" in line for line in run_lines(again)), 60, "the catch-up")
    finally:
        stop_all([again])
    assert slot_runs(db)[0] == ("10:29", "catch-up", "ok", clean)
    assert units_allocated(db) == clean
    check(db, tmp_path / "setup")


def test_a_windows_run_killed_mid_run_is_recorded_failed_and_the_next_slot_does_the_work(
    place: Place, tmp_path: Path
) -> None:
    db, clean = team_database(place, tmp_path)
    clock = FastClock(at(10, 28, 0))
    schedule_every_minute(db, tmp_path, clock)
    window = start("window", db, tmp_path, "window", clock, KILL_HOLD)
    try:
        ready([window])
        wait_for(lambda: holding(window), 30, "a run of the 10:29 slot")
        (child,) = window.children()
        os.kill(child, signal.SIGKILL)  # the window's run, in its child process
        wait_for(lambda: any(" 10:30:" in line for line in run_lines(window)), 60, "the 10:30 run")
    finally:
        stop_all([window])
    runs = slot_runs(db)
    assert runs[:2] == [("10:29", "schedule", "failed", 0), ("10:30", "schedule", "ok", clean)]
    assert units_allocated(db) == clean
    check(db, tmp_path / "setup")
