"""SPEC 5, issue 12 item 1, inside one process: a schedule's slot gives one run in the whole team.

A run started for a slot claims it in its own transaction; the second claim records nothing and
reports the outcome `taken`. A catch-up claims the slot it missed. Runs by a person or a script
have no slot and are never blocked. The proof with real programs is in test_team_slots.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import peewee
import pytest

from backorder_desktop.domain import allocation, preferences, slots
from backorder_desktop.domain.walk import Progress
from backorder_desktop.scheduling.isolated import isolated_runner
from backorder_desktop.store import database
from backorder_desktop.store.database import query, write
from backorder_desktop.store.errors import is_unique_violation
from tests.domain.helpers import assert_clean, catalogue, order, receive
from tests.scheduling.test_engine import (
    NY,
    TUESDAY_1029,
    World,
    advance,
    every_minute,
    history,
    listener,
    make_world,
    run_rows,
    tick,
)

SLOT = datetime(2026, 11, 24, 10, 30, tzinfo=NY)


@pytest.fixture
def world(store: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(store, monkeypatch, NY, TUESDAY_1029)


def backlog() -> None:
    """An order waiting for 5 widgets, and a receipt of 3: a Primary run has work to do."""
    catalogue("W")
    order("A1", ("W", 5))
    receive(W=3)
    preferences.save(backorders_enabled=True)


def slot_rows() -> list[tuple[str, str, str, object]]:
    """Run records as (process, trigger, outcome, slot as stored)."""
    return [tuple(r) for r in query("SELECT process, trigger, outcome, slot FROM run ORDER BY id")]


def units_allocated() -> int:
    return int(query("SELECT COALESCE(SUM(qty), 0) FROM shipment_line")[0][0])


def stored(slot: datetime) -> datetime:
    """SLOT as the run table holds it (naive UTC), in the driver's type."""
    (value,) = query("SELECT slot FROM run WHERE slot IS NOT NULL ORDER BY id LIMIT 1")[0]
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


# --- the claim, run by run ----------------------------------------------------------------------------


def test_the_second_run_of_a_slot_records_nothing_and_reports_it_taken(world: World) -> None:
    backlog()
    first = allocation.run_process("primary", "schedule", slot=SLOT)
    assert (first.record.outcome, first.record.units) == ("ok", 3)
    assert stored(SLOT) == SLOT.astimezone(UTC).replace(tzinfo=None), "the slot is kept as naive UTC"
    receive(W=2)  # work the second run would do if it ran
    second = allocation.run_process("primary", "schedule", slot=SLOT)
    assert second.record.outcome == slots.TAKEN == "taken"
    assert second.record.id == 0 and second.record.error == slots.TAKEN_REASON
    assert [r[:3] for r in slot_rows()] == [("primary", "schedule", "ok")]
    assert units_allocated() == 3
    assert_clean()


def test_a_catch_up_claims_the_slot_it_missed_so_the_slot_has_one_run(world: World) -> None:
    backlog()
    assert allocation.run_process("primary", "catch-up", slot=SLOT).record.outcome == "ok"
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == slots.TAKEN
    assert allocation.run_process("primary", "catch-up", slot=SLOT).record.outcome == slots.TAKEN
    assert [r[:3] for r in slot_rows()] == [("primary", "catch-up", "ok")]


def test_the_two_processes_have_their_own_slots(world: World) -> None:
    backlog()
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == "ok"
    assert allocation.run_process("secondary", "schedule", slot=SLOT).record.outcome == "ok"
    assert [r[:3] for r in slot_rows()] == [("primary", "schedule", "ok"), ("secondary", "schedule", "ok")]


def test_a_manual_or_command_line_run_is_never_blocked_by_a_claim(world: World) -> None:
    backlog()
    allocation.run_process("primary", "schedule", slot=SLOT)
    receive(W=2)
    assert allocation.run_process("primary", "manual").record.outcome == "ok"
    receive(W=1)
    assert allocation.run_process("primary", "cli").record.outcome == "ok"
    assert [(t, o, s is None) for _p, t, o, s in slot_rows()] == [
        ("schedule", "ok", False),
        ("manual", "ok", True),
        ("cli", "ok", True),
    ]
    assert units_allocated() == 5


def test_only_a_scheduled_run_or_a_catch_up_has_a_slot(world: World) -> None:
    for trigger in ("manual", "cli"):
        with pytest.raises(ValueError, match="has no schedule slot"):
            allocation.run_process("primary", trigger, slot=SLOT)
    with pytest.raises(ValueError, match="has no schedule slot"):
        allocation.run_process("primary", "schedule", slot=SLOT, dry_run=True)


def test_a_skipped_run_is_the_slots_one_run_too(world: World) -> None:
    preferences.save(backorders_enabled=False)
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == "skipped"
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == slots.TAKEN
    assert [r[2] for r in slot_rows()] == ["skipped"]


def test_a_failed_run_is_the_slots_one_run_and_rolls_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    backlog()

    def broken(*args: object, **kwargs: object) -> allocation.RunResult:
        raise RuntimeError("the disk is on fire")

    with monkeypatch.context() as patch:
        patch.setattr(allocation, "_run_in_transaction", broken)
        assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == "failed"
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == slots.TAKEN
    assert [r[2] for r in slot_rows()] == ["failed"]
    assert units_allocated() == 0  # the next slot does the work
    later = SLOT + timedelta(minutes=30)
    assert allocation.run_process("primary", "schedule", slot=later).record.units == 3


def test_a_failure_recorded_for_a_slot_already_run_records_nothing(world: World) -> None:
    backlog()
    allocation.run_process("primary", "schedule", slot=SLOT)
    record = allocation.record_failure("primary", "schedule", "the child died", SLOT)
    assert record.outcome == slots.TAKEN
    assert [r[2] for r in slot_rows()] == ["ok"]
    assert allocation.record_failure("primary", "manual", "the child died").outcome == "failed"


def test_the_unique_key_refuses_a_second_claim_even_past_the_check(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check under the write lock is the usual way a run finds its slot taken; the unique key
    on (process, slot) is what guarantees it, classified by the driver's code."""
    backlog()
    monkeypatch.setattr(slots, "claim", lambda process, slot: None)
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == "ok"
    receive(W=2)
    assert allocation.run_process("primary", "schedule", slot=SLOT).record.outcome == slots.TAKEN
    assert [r[2] for r in slot_rows()] == ["ok"]
    assert units_allocated() == 3
    assert_clean()


def test_a_unique_violation_is_told_from_other_refusals_by_its_code(world: World) -> None:
    allocation.run_process("primary", "schedule", slot=SLOT)
    insert = (
        "INSERT INTO run (process, trigger, started_at, outcome, ledger_rows, products, shipments, units,"
        " error, slot) VALUES (?, ?, ?, ?, 0, 0, 0, 0, '', ?)"
    )
    when = datetime(2026, 11, 24, 10, 30)
    with pytest.raises(peewee.IntegrityError) as duplicate, write():
        query(insert, ("primary", "schedule", when, "ok", slots.key(SLOT)))
    assert is_unique_violation(duplicate.value)
    with pytest.raises(peewee.IntegrityError) as missing, write():
        query(insert, ("primary", "schedule", when, None, None))  # NOT NULL, not a unique key
    assert not is_unique_violation(missing.value)
    assert not is_unique_violation(RuntimeError("unique"))


def test_while_one_program_runs_a_slot_the_other_waits_then_finds_it_taken(world: World) -> None:
    backlog()
    inside, release = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def held(progress: Progress) -> None:
        inside.set()
        assert release.wait(10), "never released"

    def program(name: str, progress: Callable[[Progress], None] | None = None) -> None:
        try:
            result = allocation.run_process("primary", "schedule", slot=SLOT, progress=progress)
            results[name] = result.record.outcome
        finally:
            database.close()

    first = threading.Thread(target=program, args=("first", held))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=program, args=("second",))
    second.start()
    time.sleep(0.3)  # the second is at the write lock, or on its way
    assert second.is_alive(), "the second program did not wait for the first's transaction"
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": "ok", "second": slots.TAKEN}
    assert [r[2] for r in slot_rows()] == ["ok"]


def test_the_windows_child_process_claims_the_slot_too(world: World, store: str) -> None:
    backlog()
    runner = isolated_runner(store)
    assert runner("primary", "schedule", slot=SLOT).record.outcome == "ok"
    assert runner("primary", "schedule", slot=SLOT).record.outcome == slots.TAKEN
    assert runner("primary", "manual").record.outcome == "ok"
    assert [r[1:3] for r in slot_rows()] == [("schedule", "ok"), ("manual", "ok")]


# --- engines on one database ----------------------------------------------------------------------


def test_two_programs_on_one_database_run_each_slot_once(world: World) -> None:
    backlog()
    every_minute()
    programs = [world.engine(run=allocation.run_process), world.engine(run=allocation.run_process)]
    for engine in programs:
        tick(engine)
    end = world.at(2026, 11, 24, 10, 33, 30)
    while world.clock.now < end:
        world.clock.set(world.clock.now + timedelta(seconds=20))
        for engine in programs:
            tick(engine)
    assert [(t, s[11:16]) for _p, t, s, _o in run_rows()] == [
        ("schedule", "10:30"),
        ("schedule", "10:31"),
        ("schedule", "10:32"),
        ("schedule", "10:33"),
    ]
    outcomes = sorted(r.outcome for engine in programs for r in listener(engine).finished)
    assert outcomes.count("ok") == 4 and set(outcomes) <= {"ok", slots.TAKEN}
    assert units_allocated() == 3


def test_two_programs_starting_after_downtime_catch_up_once_for_the_team(world: World) -> None:
    backlog()
    history(world, saved=world.at(2026, 11, 23, 9, 0), ran=world.at(2026, 11, 24, 7, 0))
    world.clock.set(world.at(2026, 11, 24, 10, 5))  # 10:00 and the slots before it were missed
    programs = [world.engine(run=allocation.run_process), world.engine(run=allocation.run_process)]
    for engine in programs:
        engine.tick()
    for engine in programs:
        tick(engine)
    assert run_rows()[1:] == [("primary", "catch-up", "2026-11-24 10:05:00", "ok")]
    (slot,) = query("SELECT slot FROM run WHERE trigger = 'catch-up'")[0]
    assert str(slot)[:16] == "2026-11-24 15:00", "the catch-up claimed the slot it missed (10:00 EST)"
    advance(world, programs[0], world.at(2026, 11, 24, 10, 30))
    tick(programs[1])
    assert [r[1] for r in run_rows()[1:]] == ["catch-up", "schedule"]
