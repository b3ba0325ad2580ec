"""SPEC 5, the scheduling engine: runs when due, re-reads saved schedules, never overlaps two runs,
catches up once after a sleep or a restart, and does nothing while backorder management is off.

The engine is driven by hand: a fake clock moved step by step and engine.tick() called after each
step, without the engine thread (except in the last stories). Processes still run in the engine's
worker threads; each tick is followed by joining them. The engine and the domain read one clock,
domain.clock: its utc_now is patched here to the fake clock and its local_zone to the engine's
zone, so the run table and the engine agree.
"""

from __future__ import annotations

import sys
import threading
import time as wall_clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from backorder_desktop.domain import allocation, clock, inventory, orders, preferences, processes, products
from backorder_desktop.domain import schedules as saved_schedules
from backorder_desktop.domain.allocation import Progress, RunRecord, RunResult
from backorder_desktop.scheduling.engine import PAUSED_BY_USER_REASON, PAUSED_REASON, SLOTS, Engine, Listener
from backorder_desktop.store import database
from backorder_desktop.store.database import query

NY = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
STEP = timedelta(seconds=20)  # well under the engine's jump threshold (2 x tick + 30 s)
JOIN = 10.0


class FakeClock:
    """The engine's clock: .now is an aware UTC instant, moved by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)


class LocalFakeClock(FakeClock):
    """The same clock, read as aware times of the local zone (fold=1 in the repeated hour)."""

    def __call__(self) -> datetime:
        return self.now.astimezone(NY)


@dataclass
class RecordingListener(Listener):
    started: list[tuple[str, str]] = field(default_factory=list)
    finished: list[RunRecord] = field(default_factory=list)
    changes: list[dict[str, datetime | None]] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)
    resumes: int = 0

    def run_started(self, process: str, trigger: str) -> None:
        self.started.append((process, trigger))

    def progress(self, process: str, progress: Progress) -> None:
        pass

    def run_finished(self, record: RunRecord) -> None:
        self.finished.append(record)

    def schedules_changed(self, next_runs: dict[str, datetime | None]) -> None:
        self.changes.append(dict(next_runs))

    def paused(self, reason: str) -> None:
        self.pauses.append(reason)

    def resumed(self) -> None:
        self.resumes += 1


class RealRuns:
    """The real process, noting each call and the thread it ran in."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, process: str, trigger: str, **kwargs: Any) -> RunResult:
        self.calls.append((process, trigger))
        self.threads.append(threading.current_thread())
        return allocation.run_process(process, trigger, **kwargs)


@dataclass
class World:
    clock: FakeClock
    tz: tzinfo
    engines: list[Engine] = field(default_factory=list)

    def engine(self, run: Callable[..., RunResult] | None = None, **kwargs: Any) -> Engine:
        made = Engine(listener=RecordingListener(), run=run or RealRuns(), **kwargs)
        self.engines.append(made)
        return made

    def at(self, y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0, fold: int = 0) -> datetime:
        return datetime(y, mo, d, h, mi, s, tzinfo=self.tz, fold=fold)


def join_workers(engine: Engine, timeout: float = JOIN) -> None:
    for worker in list(engine._workers):
        worker.join(timeout)
        assert not worker.is_alive(), f"{worker.name} still running after {timeout} s"


def tick(engine: Engine) -> None:
    """One engine step, then wait for the runs it started."""
    engine.tick()
    join_workers(engine)


def advance(world: World, engine: Engine, to: datetime, step: timedelta = STEP) -> None:
    """Move the clock to TO in small steps, ticking (and finishing started runs) after each."""
    target = to.astimezone(UTC)
    while world.clock.now < target:
        world.clock.set(min(world.clock.now + step, target))
        tick(engine)


def run_rows() -> list[tuple[str, str, str, str]]:
    """Run records as (process, trigger, started_at wall time 'YYYY-MM-DD HH:MM:SS', outcome)."""
    return [
        (p, t, str(s).replace("T", " ")[:19], o)
        for p, t, s, o in query("SELECT process, trigger, started_at, outcome FROM run ORDER BY id")
    ]


def listener(engine: Engine) -> RecordingListener:
    assert isinstance(engine.listener, RecordingListener)
    return engine.listener


def make_world(
    store: object,
    monkeypatch: pytest.MonkeyPatch,
    tz: tzinfo,
    start: datetime,
    clock_class: type[FakeClock] = FakeClock,
) -> Iterator[World]:
    fake = clock_class(start)
    monkeypatch.setattr(clock, "utc_now", fake)
    monkeypatch.setattr(clock, "local_zone", lambda: tz)
    world = World(fake, tz)
    preferences.save(backorders_enabled=True)
    try:
        yield world
    finally:
        for engine in world.engines:
            engine.stop(timeout=JOIN)


# Tuesday 24 November 2026, 10:29:30 in New York (EST).
TUESDAY_1029 = datetime(2026, 11, 24, 10, 29, 30, tzinfo=NY)


@pytest.fixture
def world(store: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(store, monkeypatch, NY, TUESDAY_1029)


def primary_on(**changes: Any) -> None:
    """Turn the Primary schedule on (SPEC default: every 30 minutes, Mon–Fri, 07:00–19:00)."""
    saved_schedules.save(processes.PRIMARY_CODE, enabled=True, **changes)


def every_minute() -> None:
    primary_on(every=1, unit="minutes", days=EVERY_DAY, start=time(0, 0), end=time(23, 59))


# --- runs when due ------------------------------------------------------------------------------


def test_a_due_run_starts_at_its_slot_with_trigger_schedule_and_not_before(world: World) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    assert engine.next_runs() == {"primary": world.at(2026, 11, 24, 10, 30), "secondary": None}
    advance(world, engine, world.at(2026, 11, 24, 10, 29, 59))
    assert run_rows() == []
    advance(world, engine, world.at(2026, 11, 24, 10, 30))
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:30:00", "ok")]
    assert listener(engine).started == [("primary", "schedule")]
    assert [r.outcome for r in listener(engine).finished] == ["ok"]
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 11, 0)
    advance(world, engine, world.at(2026, 11, 24, 10, 59, 50))
    assert len(run_rows()) == 1
    advance(world, engine, world.at(2026, 11, 24, 11, 0, 10))
    assert run_rows()[1:] == [
        ("primary", "schedule", "2026-11-24 11:00:10", "ok")
    ]  # first tick at or after 11:00


def test_a_late_tick_still_runs_the_slot_once(world: World) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    world.clock.set(world.at(2026, 11, 24, 10, 29, 50))
    tick(engine)
    world.clock.set(world.at(2026, 11, 24, 10, 30, 15))  # the first tick after 10:30 comes 15 s late
    tick(engine)
    tick(engine)
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:30:15", "ok")]


def test_a_schedule_that_is_off_never_runs(world: World) -> None:
    engine = world.engine()
    tick(engine)
    assert engine.next_runs() == {"primary": None, "secondary": None}
    advance(world, engine, world.at(2026, 11, 24, 11, 5), step=timedelta(seconds=30))
    assert run_rows() == []


def test_processes_run_in_worker_threads_never_in_the_thread_that_ticks(world: World) -> None:
    primary_on()
    runs = RealRuns()
    engine = world.engine(run=runs)
    tick(engine)
    advance(world, engine, world.at(2026, 11, 24, 10, 30))
    manual = engine.run_now("secondary")
    assert manual is not None
    manual.join(JOIN)
    assert runs.calls == [("primary", "schedule"), ("secondary", "manual")]
    assert all(t is not threading.current_thread() for t in runs.threads)
    assert all(t.name.startswith("backorder-") for t in runs.threads)


# --- saved changes --------------------------------------------------------------------------------


def test_a_change_saved_in_this_program_is_rescheduled_at_the_next_tick(world: World) -> None:
    world.clock.set(world.at(2026, 11, 24, 10, 5))
    primary_on()
    engine = world.engine()
    tick(engine)
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 30)

    world.clock.set(world.at(2026, 11, 24, 10, 5, 2))
    primary_on(every=15)
    engine.reload()
    world.clock.set(world.at(2026, 11, 24, 10, 5, 3))
    tick(engine)
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 15)
    assert listener(engine).changes[-1]["primary"] == world.at(2026, 11, 24, 10, 15)

    advance(world, engine, world.at(2026, 11, 24, 10, 15))
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:15:00", "ok")]


def test_turning_a_schedule_on_and_off_takes_effect_at_the_next_tick(world: World) -> None:
    engine = world.engine()
    tick(engine)
    saved_schedules.save(processes.SECONDARY_CODE, enabled=True)
    engine.reload()
    world.clock.set(world.clock.now + timedelta(seconds=1))
    tick(engine)
    assert engine.next_runs()["secondary"] == world.at(2026, 11, 24, 18, 0)

    saved_schedules.save(processes.SECONDARY_CODE, enabled=False)
    engine.reload()
    world.clock.set(world.clock.now + timedelta(seconds=1))
    tick(engine)
    assert engine.next_runs()["secondary"] is None


def test_each_reload_leaves_one_job_per_schedule_that_is_on_and_the_slot_after_follows_the_new_rule(
    world: World,
) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    for every in (20, 10, 15):
        primary_on(every=every)
        saved_schedules.save(processes.SECONDARY_CODE, enabled=every != 15)
        engine.reload()
        world.clock.set(world.clock.now + timedelta(seconds=1))
        tick(engine)
    jobs = engine._scheduler
    assert [len(jobs.get_jobs(tag)) for tag in (SLOTS, "primary", "secondary")] == [1, 1, 0]
    advance(world, engine, world.at(2026, 11, 24, 10, 45))
    assert [s[11:16] for _p, _t, s, _o in run_rows()] == ["10:30", "10:45"]  # not 10:40


def test_a_change_saved_by_another_program_is_picked_up_within_poll_seconds(world: World) -> None:
    world.clock.set(world.at(2026, 11, 24, 10, 5))
    primary_on()
    engine = world.engine(poll_seconds=15)
    tick(engine)
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 30)

    def other_program() -> None:  # its own connection; nobody calls engine.reload()
        try:
            primary_on(every=15)
        finally:
            database.close()

    writer = threading.Thread(target=other_program)
    writer.start()
    writer.join(JOIN)

    world.clock.set(world.at(2026, 11, 24, 10, 5, 5))
    tick(engine)
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 30)  # not polled yet
    world.clock.set(world.at(2026, 11, 24, 10, 5, 16))
    tick(engine)
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 15)
    advance(world, engine, world.at(2026, 11, 24, 10, 15))
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:15:00", "ok")]


# --- never two runs at once ---------------------------------------------------------------------


class BlockingRuns:
    """A process that waits for .release, counting how many run at the same time."""

    def __init__(self, block: Callable[[str], bool] = lambda process: True) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.block = block
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.calls: list[tuple[str, str]] = []

    def __call__(self, process: str, trigger: str, **kwargs: Any) -> RunResult:
        with self.lock:
            self.calls.append((process, trigger))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        self.entered.set()
        try:
            if self.block(process):
                assert self.release.wait(JOIN), "the test never released the run"
            now = clock.now()
            return RunResult(RunRecord(len(self.calls), process, trigger, now, now, "ok"))
        finally:
            with self.lock:
                self.active -= 1


def test_a_due_time_while_the_process_runs_does_not_start_it_twice(world: World) -> None:
    every_minute()
    runs = BlockingRuns()
    engine = world.engine(run=runs)
    try:
        engine.tick()
        world.clock.set(world.at(2026, 11, 24, 10, 30))
        engine.tick()
        assert runs.entered.wait(JOIN)
        assert engine._busy == {"primary"}
        for second in range(20, 200, 20):  # three more due times pass while it runs
            world.clock.set(world.at(2026, 11, 24, 10, 30) + timedelta(seconds=second))
            engine.tick()
        assert engine.run_now("primary") is None
        assert runs.calls == [("primary", "schedule")]
        assert len([w for w in engine._workers if w.is_alive()]) == 1
    finally:
        runs.release.set()
    join_workers(engine)
    assert engine._busy == set()
    assert runs.most_active == 1
    advance(world, engine, world.at(2026, 11, 24, 10, 34))
    assert runs.calls == [("primary", "schedule"), ("primary", "schedule")]


def test_primary_and_secondary_due_together_run_one_after_the_other(world: World) -> None:
    every_minute()
    saved_schedules.save(processes.SECONDARY_CODE, enabled=True, days=EVERY_DAY, start=time(10, 30))
    first: list[str] = []

    def block_first(process: str) -> bool:
        first.append(process)
        return len(first) == 1

    runs = BlockingRuns(block_first)
    engine = world.engine(run=runs)
    try:
        engine.tick()
        world.clock.set(world.at(2026, 11, 24, 10, 30))
        engine.tick()
        assert runs.entered.wait(JOIN)
        workers = list(engine._workers)
        assert len(workers) == 2  # both started, in worker threads
        waiting = [w for w in workers if w.name != f"backorder-{first[0]}"]
        waiting[0].join(0.3)
        assert waiting[0].is_alive(), "the second process ran while the first was running"
        assert len(runs.calls) == 1
    finally:
        runs.release.set()
    join_workers(engine)
    assert sorted(runs.calls) == [("primary", "schedule"), ("secondary", "schedule")]
    assert runs.most_active == 1


# --- failures ------------------------------------------------------------------------------------


def test_a_failed_run_is_recorded_and_the_next_slot_runs_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    primary_on()
    engine = world.engine(run=allocation.run_process)
    tick(engine)

    def broken(*args: object, **kwargs: object) -> RunResult:
        raise RuntimeError("the disk is on fire")

    with monkeypatch.context() as patch:
        patch.setattr(allocation, "_run_in_transaction", broken)
        advance(world, engine, world.at(2026, 11, 24, 10, 30))
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:30:00", "failed")]
    (error,) = query("SELECT error FROM run")[0]
    assert "the disk is on fire" in error
    assert [r.outcome for r in listener(engine).finished] == ["failed"]
    assert engine._busy == set()

    advance(world, engine, world.at(2026, 11, 24, 11, 0))
    assert run_rows()[1:] == [("primary", "schedule", "2026-11-24 11:00:00", "ok")]


def test_a_run_that_raises_is_reported_failed_and_the_engine_keeps_going(world: World) -> None:
    primary_on()
    calls: list[str] = []

    def explodes(process: str, trigger: str, **kwargs: Any) -> RunResult:
        calls.append(trigger)
        raise OSError("database went away")

    engine = world.engine(run=explodes)
    tick(engine)
    advance(world, engine, world.at(2026, 11, 24, 10, 30))
    (record,) = listener(engine).finished
    assert (record.process, record.trigger, record.outcome) == ("primary", "schedule", "failed")
    assert "database went away" in record.error
    assert engine._busy == set()

    advance(world, engine, world.at(2026, 11, 24, 11, 0))
    assert calls == ["schedule", "schedule"]
    manual = engine.run_now("primary")
    assert manual is not None
    manual.join(JOIN)
    assert calls == ["schedule", "schedule", "manual"]


# --- catch-up --------------------------------------------------------------------------------------


def history(world: World, saved: datetime, ran: datetime | None) -> None:
    """The Primary schedule saved at SAVED and (if RAN) run at RAN, with the program closed since."""
    world.clock.set(saved)
    primary_on()
    if ran is not None:
        world.clock.set(ran)
        allocation.run_process("primary", "schedule")


def test_after_missed_slots_the_first_tick_catches_up_exactly_once(world: World) -> None:
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=world.at(2026, 11, 24, 12, 0))
    world.clock.set(world.at(2026, 11, 25, 10, 5))  # Wednesday: 14 + 7 slots were missed
    engine = world.engine()
    tick(engine)
    assert run_rows()[1:] == [("primary", "catch-up", "2026-11-25 10:05:00", "ok")]
    assert listener(engine).started == [("primary", "catch-up")]
    advance(world, engine, world.at(2026, 11, 25, 10, 29, 50))
    assert len(run_rows()) == 2
    advance(world, engine, world.at(2026, 11, 25, 10, 30))
    assert run_rows()[2:] == [("primary", "schedule", "2026-11-25 10:30:00", "ok")]


def test_a_schedule_saved_but_never_run_catches_up_once_after_a_missed_slot(world: World) -> None:
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=None)
    world.clock.set(world.at(2026, 11, 24, 10, 5))
    engine = world.engine()
    tick(engine)
    assert run_rows() == [("primary", "catch-up", "2026-11-24 10:05:00", "ok")]


def test_no_catch_up_when_no_slot_was_missed(world: World) -> None:
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=world.at(2026, 11, 24, 10, 1))
    world.clock.set(world.at(2026, 11, 24, 10, 20))
    engine = world.engine()
    tick(engine)
    assert len(run_rows()) == 1
    assert listener(engine).started == []


def test_no_catch_up_for_a_weekend_with_no_slots(world: World) -> None:
    history(world, saved=world.at(2026, 11, 20, 9, 0), ran=world.at(2026, 11, 27, 19, 0))  # Friday 19:00
    world.clock.set(world.at(2026, 11, 30, 6, 50))  # Monday before 07:00
    engine = world.engine()
    tick(engine)
    assert len(run_rows()) == 1
    advance(world, engine, world.at(2026, 11, 30, 7, 0))
    assert run_rows()[1:] == [("primary", "schedule", "2026-11-30 07:00:00", "ok")]


def test_a_forward_jump_of_a_day_runs_one_catch_up_not_a_burst(world: World) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    advance(world, engine, world.at(2026, 11, 24, 10, 30))
    assert len(run_rows()) == 1
    world.clock.set(world.at(2026, 11, 25, 10, 31))  # the machine slept for a day
    tick(engine)
    assert run_rows()[1:] == [("primary", "catch-up", "2026-11-25 10:31:00", "ok")]
    assert engine.next_runs()["primary"] == world.at(2026, 11, 25, 11, 0)
    advance(world, engine, world.at(2026, 11, 25, 10, 59, 50))
    assert len(run_rows()) == 2
    advance(world, engine, world.at(2026, 11, 25, 11, 0))
    assert run_rows()[2:] == [("primary", "schedule", "2026-11-25 11:00:00", "ok")]


def test_a_backward_jump_of_an_hour_neither_bursts_nor_skips_a_slot_forever(world: World) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    advance(world, engine, world.at(2026, 11, 24, 10, 30, 20))
    assert len(run_rows()) == 1
    world.clock.set(world.at(2026, 11, 24, 9, 30, 20))  # the clock was set back an hour
    tick(engine)
    assert len(run_rows()) == 1
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 10, 0)
    advance(world, engine, world.at(2026, 11, 24, 11, 0))
    # The 10:30 slot comes round again but had its run before the clock went back: a slot has
    # one run (SPEC 5, issue 12), so it is not run twice.
    assert [(t, s) for _p, t, s, _o in run_rows()[1:]] == [
        ("schedule", "2026-11-24 10:00:00"),
        ("schedule", "2026-11-24 11:00:00"),
    ]


# --- backorder management off ---------------------------------------------------------------------


def test_nothing_runs_while_backorder_management_is_off(world: World) -> None:
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=world.at(2026, 11, 23, 12, 0))
    preferences.save(backorders_enabled=False)
    world.clock.set(TUESDAY_1029)  # a catch-up would be due, and 10:30 is coming
    engine = world.engine()
    tick(engine)
    assert listener(engine).pauses == [PAUSED_REASON]
    assert PAUSED_REASON == "back order management is off"
    assert engine.paused
    advance(world, engine, world.at(2026, 11, 24, 11, 5), step=timedelta(seconds=25))
    assert len(run_rows()) == 1
    assert listener(engine).started == []


def test_a_manual_run_while_off_is_recorded_as_skipped(world: World) -> None:
    preferences.save(backorders_enabled=False)
    engine = world.engine()
    tick(engine)
    manual = engine.run_now("primary")
    assert manual is not None
    manual.join(JOIN)
    assert run_rows() == [("primary", "manual", "2026-11-24 10:29:30", "skipped")]
    assert [r.outcome for r in listener(engine).finished] == ["skipped"]


def test_turning_backorder_management_on_resumes_the_schedule(world: World) -> None:
    primary_on()
    preferences.save(backorders_enabled=False)
    engine = world.engine()
    tick(engine)
    assert listener(engine).pauses == [PAUSED_REASON]
    preferences.save(backorders_enabled=True)
    engine.reload()
    world.clock.set(world.clock.now + timedelta(seconds=1))
    tick(engine)
    assert not engine.paused
    assert listener(engine).resumes == 1
    advance(world, engine, world.at(2026, 11, 24, 10, 30))
    assert run_rows() == [("primary", "schedule", "2026-11-24 10:30:00", "ok")]


# --- paused by the person ("Pause schedules" in the tray and the Tools menu) ---------------------


def test_a_slot_due_while_the_person_paused_the_schedules_is_passed_over_and_run_now_still_runs(
    world: World,
) -> None:
    primary_on()
    engine = world.engine()
    tick(engine)
    engine.pause_schedules(True)
    assert PAUSED_BY_USER_REASON == "the schedules are paused in this program"
    advance(world, engine, world.at(2026, 11, 24, 10, 30, 10))
    assert run_rows() == [], "a slot due while paused did not run"
    assert engine.next_runs()["primary"] == world.at(2026, 11, 24, 11, 0), "the slot after is planned"
    manual = engine.run_now("primary")
    assert manual is not None
    manual.join(JOIN)
    assert run_rows() == [("primary", "manual", "2026-11-24 10:30:10", "ok")]

    # Resumed: the next slot runs, and the one passed over is not caught up.
    engine.pause_schedules(False)
    advance(world, engine, world.at(2026, 11, 24, 11, 0))
    assert [row[:2] for row in run_rows()] == [("primary", "manual"), ("primary", "schedule")]
    assert listener(engine).started == [("primary", "manual"), ("primary", "schedule")]
    assert listener(engine).pauses == [], "the person's pause is the window's to show, not a paused event"


def test_a_pause_by_the_person_holds_the_catch_up_and_a_restart_clears_it(world: World) -> None:
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=world.at(2026, 11, 24, 8, 0))
    world.clock.set(TUESDAY_1029)  # slots missed since 08:00: a catch-up is due
    engine = world.engine()
    engine.pause_schedules(True)
    tick(engine)
    assert len(run_rows()) == 1, "no catch-up while paused"
    engine.stop(timeout=JOIN)

    restarted = world.engine()  # the program started again: the pause was never saved
    assert not restarted.paused_by_user
    tick(restarted)
    assert run_rows()[1:] == [("primary", "catch-up", "2026-11-24 10:29:30", "ok")]


def test_is_on_while_the_engine_thread_runs_and_not_once_told_to_stop(world: World) -> None:
    engine = world.engine(tick_seconds=0.05)
    assert not engine.is_on(), "not started"
    engine.start()
    assert engine.is_on()
    engine.stop(timeout=0)  # told to stop, not waited for
    assert not engine.is_on()
    engine.stop(timeout=JOIN)


# --- daylight saving with the engine ----------------------------------------------------------------


@pytest.mark.parametrize("clock_class", [FakeClock, LocalFakeClock], ids=["utc-clock", "local-clock"])
def test_fall_back_night_runs_each_wall_slot_once(
    store: object, monkeypatch: pytest.MonkeyPatch, clock_class: type[FakeClock]
) -> None:
    start = datetime(2026, 11, 1, 0, 50, tzinfo=NY)
    for world in make_world(store, monkeypatch, NY, start, clock_class):
        primary_on(days=EVERY_DAY, start=time(0, 0), end=time(23, 59))
        engine = world.engine()
        tick(engine)
        advance(world, engine, datetime(2026, 11, 1, 7, 10, tzinfo=UTC), step=timedelta(seconds=25))
        assert [(t, s) for _p, t, s, _o in run_rows()] == [
            ("schedule", "2026-11-01 01:00:00"),  # EDT
            ("schedule", "2026-11-01 01:30:00"),  # EDT; not again at 01:30 EST
            ("schedule", "2026-11-01 02:00:00"),  # EST
        ]


@pytest.mark.parametrize("clock_class", [FakeClock, LocalFakeClock], ids=["utc-clock", "local-clock"])
def test_spring_forward_night_runs_the_slots_that_exist_on_schedule(
    store: object, monkeypatch: pytest.MonkeyPatch, clock_class: type[FakeClock]
) -> None:
    start = datetime(2026, 3, 8, 1, 20, tzinfo=NY)
    for world in make_world(store, monkeypatch, NY, start, clock_class):
        primary_on(days=EVERY_DAY, start=time(0, 0), end=time(23, 59))
        engine = world.engine()
        tick(engine)
        advance(world, engine, datetime(2026, 3, 8, 3, 40, tzinfo=NY), step=timedelta(seconds=25))
        assert [(t, s) for _p, t, s, _o in run_rows()] == [
            ("schedule", "2026-03-08 01:30:00"),
            ("schedule", "2026-03-08 03:00:00"),  # 02:00 and 02:30 do not exist
            ("schedule", "2026-03-08 03:30:00"),
        ]


# --- the engine thread ------------------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = wall_clock.monotonic() + timeout
    while wall_clock.monotonic() < deadline:
        if condition():
            return True
        wall_clock.sleep(0.02)
    return condition()


def test_stop_ends_the_engine_thread_promptly(world: World) -> None:
    """Promptly: stop() wakes the engine thread from its wait. With an hour between ticks, a
    thread that only looked at the stop flag after its wait would still be alive after JOIN."""
    engine = world.engine(tick_seconds=3600)
    engine.start()
    assert wait_until(lambda: engine._last_tick is not None)
    engine.stop(timeout=JOIN)
    assert engine._thread is not None
    assert not engine._thread.is_alive()


def waiting_in_join(thread: threading.Thread, joined: threading.Thread) -> bool:
    """Whether THREAD is inside JOINED.join() now (read from its stack, not the clock)."""
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "join" and frame.f_locals.get("self") is joined:
            return True
        frame = frame.f_back
    return False


def test_stop_waits_for_the_run_in_progress(world: World) -> None:
    runs = BlockingRuns()
    engine = world.engine(run=runs, tick_seconds=0.05)
    engine.start()
    worker = engine.run_now("primary")
    assert worker is not None and runs.entered.wait(JOIN)
    stopper = threading.Thread(target=engine.stop, kwargs={"timeout": JOIN})
    stopper.start()
    assert wait_until(lambda: waiting_in_join(stopper, worker) or not stopper.is_alive(), JOIN)
    assert stopper.is_alive(), "stop() returned while the run was still in progress"
    runs.release.set()
    stopper.join(JOIN)
    assert not stopper.is_alive()
    assert engine._thread is not None and not engine._thread.is_alive()
    assert all(not w.is_alive() for w in engine._workers)
    assert [r.outcome for r in listener(engine).finished] == ["ok"]


@pytest.fixture
def utc_world(store: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(store, monkeypatch, UTC, datetime(2026, 11, 24, 9, 0, 50, tzinfo=UTC))


def test_the_engine_thread_runs_the_primary_process_on_real_backorders(utc_world: World) -> None:
    world = utc_world
    ordered = datetime(2026, 11, 24, 8, 0)
    products.save_products([products.ProductInput("W-1", "Widget", False, "test")])
    orders.enter_orders(
        [orders.OrderInput("A-1", "Acme Ltd", ordered, 5, False, [orders.LineInput(1, "W-1", 5)])]
    )
    inventory.receive([inventory.ReceiptInput("R-1", ordered, [inventory.ReceiptLineInput("W-1", 3)])])
    preferences.save(backorders_enabled=True)
    saved_schedules.save(
        processes.PRIMARY_CODE,
        enabled=True,
        every=1,
        unit="minutes",
        days=EVERY_DAY,
        start=time(0, 0),
        end=time(23, 59),
    )
    assert query("SELECT COUNT(*) FROM shipment WHERE created_by = 'primary'")[0][0] == 0

    engine = world.engine(run=allocation.run_process, tick_seconds=0.05)
    engine.start()
    try:
        assert wait_until(lambda: engine._last_tick is not None)
        world.clock.set(datetime(2026, 11, 24, 9, 1, 5, tzinfo=UTC))  # past the 09:01 slot
        assert wait_until(
            lambda: query("SELECT COUNT(*) FROM shipment WHERE created_by = 'primary'")[0][0] == 1
        ), f"no Primary shipment; runs: {run_rows()}"
    finally:
        engine.stop(timeout=JOIN)
    assert engine._thread is not None and not engine._thread.is_alive()
    assert run_rows() == [("primary", "schedule", "2026-11-24 09:01:05", "ok")]
    (units,) = query("SELECT units FROM run")[0]
    assert units == 3
    lines = query(
        "SELECT p.sku, sl.qty FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id"
        " JOIN product p ON p.id = sl.product_id WHERE s.created_by = 'primary'"
    )
    assert [tuple(r) for r in lines] == [("W-1", 3)]
