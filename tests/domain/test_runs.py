"""SPEC 4, a run: off while disabled, all or nothing, dry runs, run records, no double allocation."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from backorder_desktop.domain import allocation, clock, preferences
from backorder_desktop.store import database
from backorder_desktop.store.database import is_postgres, query
from backorder_desktop.store.schema import open_database
from tests.domain.helpers import (
    adjust,
    assert_clean,
    at,
    catalogue,
    count,
    enable,
    lock_waiters,
    order,
    program,
    receive,
    run,
    runs,
    shipment_rows,
    shipments,
    snapshot,
    stock,
    wait_for,
    watermark,
)

PROCESSES = ["primary", "secondary"]


@pytest.fixture
def backlog(store):
    """Three orders waiting for W and G; 6 W received, 2 G adjusted in."""
    catalogue("W", "G")
    order("A1", ("W", 4), ("G", 1), priority=1, when=at(0))
    order("A2", ("W", 5), when=at(1))
    order("A3", ("G", 3), when=at(2))
    receive(W=6)
    adjust("G", 2, "count correction")


EXPECTED = {
    "primary": [("A1", "primary", "pending", [(1, "W", 4)]), ("A2", "primary", "pending", [(1, "W", 2)])],
    "secondary": [
        ("A1", "secondary", "pending", [(1, "W", 4), (2, "G", 1)]),
        ("A2", "secondary", "pending", [(1, "W", 2)]),
        ("A3", "secondary", "pending", [(1, "G", 1)]),
    ],
}


@pytest.mark.parametrize("process", PROCESSES)
def test_run_while_disabled_is_skipped_and_changes_nothing(backlog, process):
    before = snapshot()

    record = run(process, "schedule").record

    assert (record.process, record.trigger, record.outcome) == (process, "schedule", "skipped")
    assert (record.shipments, record.units) == (0, 0)
    assert snapshot() == before
    assert shipments() == []
    assert stock("W") == (6, 0, 6, 9)
    assert runs() == [(process, "schedule", "skipped", 0, 0, 0, 0, record.error)]
    assert watermark(process) == 0


@pytest.mark.parametrize("process", PROCESSES)
def test_skipped_run_loses_nothing_once_enabled(backlog, process):
    run(process)
    enable()

    run(process)

    assert shipments() == EXPECTED[process]
    assert_clean()


def test_disabling_again_stops_the_processes(backlog):
    enable()
    preferences.save(backorders_enabled=False)

    assert run("secondary").record.outcome == "skipped"
    assert shipments() == []


@pytest.mark.parametrize("process", PROCESSES)
def test_run_creates_one_shipment_per_order_marked_with_its_run(backlog, process):
    enable()

    record = run(process, "cli").record

    assert shipments() == EXPECTED[process]
    assert {row[4] for row in shipment_rows()} == {record.id}
    assert record.trigger == "cli"
    assert record.started_at <= record.finished_at
    assert record.shipments == len(EXPECTED[process])
    assert record.units == sum(q for *_x, lines in EXPECTED[process] for _l, _s, q in lines)
    assert_clean()


@pytest.mark.parametrize("process", PROCESSES)
def test_second_run_creates_nothing(backlog, process):
    enable()
    run(process)
    before = snapshot()

    again = run(process).record

    assert (again.outcome, again.ledger_rows, again.shipments, again.units) == ("ok", 0, 0, 0)
    after = snapshot()
    assert after.pop("watermark") >= before.pop("watermark")  # may move past commit rows
    assert after == before
    assert shipments() == EXPECTED[process]
    assert_clean()


@pytest.mark.parametrize("process", PROCESSES)
def test_dry_run_writes_only_its_record(backlog, process):
    enable()
    before = snapshot()

    dry = run(process, dry_run=True).record

    assert dry.outcome == "dry-run"
    assert (dry.shipments, dry.units) == (len(EXPECTED[process]), 6 if process == "primary" else 8)
    assert snapshot() == before
    assert count("run") == 1
    assert runs()[0][:3] == (process, "manual", "dry-run")

    real = run(process).record

    assert (real.outcome, real.ledger_rows, real.products, real.shipments, real.units) == (
        "ok",
        dry.ledger_rows,
        dry.products,
        dry.shipments,
        dry.units,
    )
    assert shipments() == EXPECTED[process]
    assert_clean()


def test_dry_run_with_explain_gives_a_reason_for_every_waiting_line(store):
    catalogue("W", "G")
    order("C1", ("W", 1), ("G", 1), ship_complete=True, priority=1, when=at(0))
    order("A1", ("W", 4), priority=1, when=at(1))
    order("A2", ("W", 5), priority=2, when=at(2))
    order("A3", ("W", 1), priority=3, when=at(3))
    order("B1", ("G", 2), when=at(4))
    receive(W=6)
    enable()
    before = snapshot()

    result = run("primary", dry_run=True, explain=True)

    assert snapshot() == before
    assert (result.record.shipments, result.record.units) == (2, 6)
    got = {(e.order, e.line): e for e in result.explanations}
    assert set(got) == {("C1", 1), ("C1", 2), ("A1", 1), ("A2", 1), ("A3", 1), ("B1", 1)}
    summary = {key: (e.sku, e.backordered, e.allocated) for key, e in got.items()}
    assert summary == {
        ("C1", 1): ("W", 1, 0),
        ("C1", 2): ("G", 1, 0),
        ("A1", 1): ("W", 4, 4),
        ("A2", 1): ("W", 5, 2),
        ("A3", 1): ("W", 1, 0),
        ("B1", 1): ("G", 2, 0),
    }
    assert got[("C1", 1)].reason.startswith("skipped") and "G" in got[("C1", 1)].reason
    assert got[("A1", 1)].reason.startswith("filled")
    assert got[("A2", 1)].reason.startswith("partly filled")
    assert got[("A3", 1)].reason.startswith("not filled") and "behind" in got[("A3", 1)].reason
    assert got[("B1", 1)].reason.startswith("not filled") and "received" in got[("B1", 1)].reason


def test_real_run_with_explain_reports_what_it_wrote(backlog):
    enable()

    result = run("secondary", explain=True)

    given = {(e.order, e.line): e.allocated for e in result.explanations}
    assert given == {("A1", 1): 4, ("A1", 2): 1, ("A2", 1): 2, ("A3", 1): 1}
    assert shipments() == EXPECTED["secondary"]


@pytest.mark.parametrize("process", PROCESSES)
def test_failed_run_is_rolled_back_and_recorded(backlog, process, monkeypatch):
    enable()
    before = snapshot()
    real_write = allocation._write_allocation

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)
        assert count("shipment") > 0  # the shipments were written inside the transaction
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(allocation, "_write_allocation", write_then_fail)

    record = run(process).record

    assert record.outcome == "failed"
    assert "disk on fire" in record.error
    assert snapshot() == before
    assert shipments() == []
    assert stock("W") == (6, 0, 6, 9)
    assert runs() == [(process, "manual", "failed", 0, 0, 0, 0, record.error)]
    assert_clean()

    monkeypatch.undo()
    again = run(process).record

    assert again.outcome == "ok"
    assert shipments() == EXPECTED[process]
    assert_clean()


@pytest.mark.parametrize("trigger", ["schedule", "catch-up", "manual", "cli"])
def test_run_record_keeps_its_trigger(backlog, trigger):
    enable()

    record = run("primary", trigger).record

    row = runs()[-1]
    assert row == (
        "primary",
        trigger,
        "ok",
        record.ledger_rows,
        record.products,
        record.shipments,
        record.units,
        "",
    )
    assert (record.ledger_rows, record.products, record.shipments, record.units) == (1, 1, 2, 6)


def test_unknown_process_or_trigger_is_rejected(store):
    with pytest.raises(ValueError):
        allocation.run_process("tertiary", "manual")
    with pytest.raises(ValueError):
        allocation.run_process("primary", "whenever")
    assert count("run") == 0


@pytest.mark.parametrize("process", PROCESSES)
def test_run_killed_midway_leaves_nothing_and_the_next_run_is_clean(backlog, process, target):
    enable()
    before = snapshot()

    killed = program(target, process, "die")
    _out, err = killed.communicate(timeout=120)

    assert killed.returncode == 9, err
    database.close()
    open_database(target)
    assert snapshot() == before
    assert count("run") == 0

    run(process)

    assert shipments() == EXPECTED[process]
    assert_clean()


@pytest.mark.parametrize(
    "pair", [("secondary", "secondary"), ("primary", "secondary"), ("primary", "primary")]
)
def test_runs_started_together_never_allocate_a_unit_twice(backlog, pair, monkeypatch, target):
    """The first run holds on inside its transaction until the second has asked for the write
    lock (a sign from the database, not a pause), so the two runs overlap for certain."""
    enable()
    real_budgets = allocation._budgets
    first_inside, asking, go = threading.Event(), threading.Event(), threading.Event()
    committed_before: list[int] = []  # runs committed when each run read the stock

    def held_budgets(*args):
        budgets = real_budgets(*args)
        committed_before.append(query("SELECT COUNT(*) FROM run")[0][0])
        first_inside.set()
        assert go.wait(120), "the test never let the first run go on"
        return budgets

    monkeypatch.setattr(allocation, "_budgets", held_budgets)
    errors: list[BaseException] = []

    def note_lock_asked(sql: str) -> None:  # SQLite: the run's BEGIN IMMEDIATE asks for the lock
        if sql.startswith("BEGIN"):
            asking.set()

    def worker(process: str, watched: bool) -> None:
        try:
            if watched and not is_postgres(target):
                database.db.connect(reuse_if_open=True)
                database.db.connection().set_trace_callback(note_lock_asked)
            allocation.run_process(process, "schedule")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=worker, args=(p, i == 1)) for i, p in enumerate(pair)]
    threads[0].start()
    assert first_inside.wait(120), errors
    threads[1].start()
    if is_postgres(target):
        wait_for(lambda: lock_waiters(target) == 1, "the second run waiting for the write lock")
    else:
        assert asking.wait(120), errors
    go.set()
    for t in threads:
        t.join(60)

    assert errors == []
    assert committed_before == [0, 1], "the second run read the stock before the first committed"
    assert [r[2] for r in runs()] == ["ok", "ok"]
    on_hand, committed, available, backordered = stock("W")
    assert (on_hand, committed, available) == (6, 6, 0)
    assert backordered == 3
    if "secondary" in pair:
        assert stock("G") == (2, 2, 0, 2)
    units = sum(q for *_x, lines in shipments() for _l, _s, q in lines)
    assert units == committed + stock("G")[1]
    assert_clean()


def test_runs_in_several_programs_sharing_one_database_never_overlap(backlog, target, tmp_path):
    """The first program holds on inside its run until the two others queue for the write lock."""
    enable()
    signs = tmp_path / "signs"
    signs.mkdir()

    first = program(target, "secondary", "hold", signs)
    wait_for(lambda: any(signs.glob("inside-*")), "the first program inside its run", (first,))
    others = (program(target, "primary", "hold", signs), program(target, "secondary", "hold", signs))

    def queued() -> bool:
        if is_postgres(target):
            return lock_waiters(target) == 2
        return all((signs / f"asking-{p.pid}").exists() for p in others)

    wait_for(queued, "the other programs queueing for the write lock", (first, *others))
    (signs / "go").touch()
    programs = [first, *others]
    outputs = [p.communicate(timeout=120) for p in programs]

    assert [p.returncode for p in programs] == [0, 0, 0], [err for _out, err in outputs]
    assert sorted(out.strip() for out, _err in outputs) == ["ok", "ok", "ok"]
    seen = sorted(int((signs / f"inside-{p.pid}").read_text()) for p in programs)
    assert seen == [0, 1, 2], "a run read the stock before the run ahead of it had committed"
    database.close()
    open_database(target)
    assert stock("W") == (6, 6, 0, 3)
    assert stock("G") == (2, 2, 0, 2)
    assert sum(q for *_x, lines in shipments() for _l, _s, q in lines) == 8
    assert_clean()


def test_run_record_times_its_start_and_end(backlog, monkeypatch):
    enable()
    times = iter([datetime(2026, 11, 24, 18, 0, s) for s in range(0, 60, 5)])
    monkeypatch.setattr(clock, "now", lambda: next(times))

    record = run("secondary", "schedule").record

    assert record.started_at == datetime(2026, 11, 24, 18, 0, 0)
    assert record.finished_at is not None and record.finished_at > record.started_at
    stored = [tuple(str(v) for v in row) for row in query("SELECT started_at, finished_at FROM run")]
    assert stored == [("2026-11-24 18:00:00", record.finished_at.isoformat(" "))]
