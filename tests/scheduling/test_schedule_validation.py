"""SPEC 5, saved schedules: both exist from the first start, off, with their defaults; a value that
cannot be right is refused with a message naming its field and nothing is saved; every valid change
is saved at once."""

from __future__ import annotations

import sqlite3
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest

from backorder_desktop.domain import clock, processes
from backorder_desktop.domain import schedules as saved_schedules
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.domain.planning import Rule

PRIMARY, SECONDARY = processes.PRIMARY_CODE, processes.SECONDARY_CODE
WEEKDAYS = frozenset(range(5))
SAVED_AT = datetime(2026, 11, 24, 10, 15, 42)


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: SAVED_AT)


def refused_fields(code: int, **changes: Any) -> list[str]:
    """Try to save CHANGES; insist it is refused with nothing saved; return the fields named."""
    before = saved_schedules.load(code)
    with pytest.raises(BadInput) as refused:
        saved_schedules.save(code, **changes)
    assert saved_schedules.load(code) == before, "a refused change was saved"
    for problem in refused.value.problems:
        assert problem.message, "a refusal without a message"
        assert problem.field in str(refused.value)
    return [p.field for p in refused.value.problems]


# --- what exists from the first start --------------------------------------------------------------


def test_both_schedules_exist_from_the_first_start_and_are_off(store: Path) -> None:
    primary, secondary = saved_schedules.load_all()
    assert (primary.code, primary.name, primary.process) == (PRIMARY, "Primary Backorder Process", "primary")
    assert (secondary.code, secondary.name, secondary.process) == (
        SECONDARY,
        "Secondary Backorder Process",
        "secondary",
    )
    assert not primary.rule.enabled
    assert not secondary.rule.enabled


def test_turned_on_the_primary_runs_every_30_minutes_weekdays_7_to_19(store: Path) -> None:
    saved = saved_schedules.save(PRIMARY, enabled=True)
    assert saved.rule == Rule(True, 30, "minutes", WEEKDAYS, time(7, 0), time(19, 0))


def test_turned_on_the_secondary_runs_every_day_on_weekdays_at_18(store: Path) -> None:
    saved = saved_schedules.save(SECONDARY, enabled=True)
    assert (saved.rule.enabled, saved.rule.every, saved.rule.unit, saved.rule.days, saved.rule.start) == (
        True,
        1,
        "days",
        WEEKDAYS,
        time(18, 0),
    )


# --- refused -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("every", [0, -1, -30])
def test_a_zero_or_negative_interval_is_refused(store: Path, every: int) -> None:
    assert refused_fields(PRIMARY, every=every) == ["every"]


@pytest.mark.parametrize(
    ("unit", "every"), [("minutes", 1441), ("hours", 169), ("days", 366), ("days", 10**9)]
)
def test_an_absurdly_large_interval_is_refused(store: Path, unit: str, every: int) -> None:
    assert refused_fields(PRIMARY, every=every, unit=unit) == ["every"]


def test_an_unknown_unit_is_refused(store: Path) -> None:
    assert refused_fields(PRIMARY, unit="weeks") == ["unit"]


def test_no_day_while_on_is_refused(store: Path) -> None:
    assert refused_fields(PRIMARY, enabled=True, days=frozenset()) == ["days"]


def test_turning_on_a_schedule_left_with_no_days_is_refused(store: Path) -> None:
    saved_schedules.save(PRIMARY, enabled=False, days=frozenset())  # allowed while off
    assert saved_schedules.load(PRIMARY).rule.days == frozenset()
    assert refused_fields(PRIMARY, enabled=True) == ["days"]


def test_a_window_that_ends_before_it_starts_is_refused(store: Path) -> None:
    assert refused_fields(PRIMARY, start=time(10, 0), end=time(9, 59)) == ["end"]


def test_moving_the_start_past_the_saved_end_is_refused(store: Path) -> None:
    assert refused_fields(PRIMARY, start=time(19, 1)) == ["end"]  # the saved end is 19:00


def test_for_the_days_unit_only_the_start_time_matters(store: Path) -> None:
    saved = saved_schedules.save(SECONDARY, start=time(18, 0), end=time(6, 0))
    assert saved.rule.start == time(18, 0)


def test_every_problem_is_reported_at_once_and_nothing_is_saved(store: Path) -> None:
    fields = refused_fields(
        PRIMARY, enabled=True, every=0, days=frozenset(), start=time(12, 0), end=time(8, 0)
    )
    assert sorted(fields) == ["days", "end", "every"]


def test_a_refused_change_leaves_the_other_schedule_alone_too(store: Path) -> None:
    before = saved_schedules.load_all()
    with pytest.raises(BadInput):
        saved_schedules.save(SECONDARY, every=0)
    assert saved_schedules.load_all() == before


def test_an_unknown_schedule_code_is_refused(store: Path) -> None:
    with pytest.raises(BadInput) as refused:
        saved_schedules.save(1234, enabled=True)
    assert [p.field for p in refused.value.problems] == ["code"]


# --- times typed as text -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["25:00", "7am", "07:60", "24:00", "", "7:00:00", "noon"])
def test_a_time_that_is_not_hh_mm_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(BadInput) as refused:
        saved_schedules.parse_time(text, "start")
    assert [p.field for p in refused.value.problems] == ["start"]
    assert "HH:MM" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"), [("07:00", time(7, 0)), ("23:59", time(23, 59)), ("00:00", time(0))]
)
def test_a_24_hour_time_is_read(text: str, expected: time) -> None:
    assert saved_schedules.parse_time(text, "end") == expected


def test_days_are_read_by_name_and_a_wrong_one_is_refused() -> None:
    assert saved_schedules.parse_days("mon,wed") == frozenset({0, 2})
    assert saved_schedules.parse_days("Sat, SUN") == frozenset({5, 6})
    with pytest.raises(BadInput) as refused:
        saved_schedules.parse_days("mon,funday")
    assert [p.field for p in refused.value.problems] == ["days"]


# --- saved at once ------------------------------------------------------------------------------------


def test_a_valid_change_is_saved_at_once_with_its_time(store: Path) -> None:
    assert saved_schedules.load(PRIMARY).saved_at is None
    saved = saved_schedules.save(
        PRIMARY,
        enabled=True,
        every=15,
        unit="minutes",
        days=frozenset({0, 2}),
        start=time(8, 0),
        end=time(17, 0),
    )
    assert saved.rule == Rule(True, 15, "minutes", frozenset({0, 2}), time(8, 0), time(17, 0))
    assert saved.saved_at == SAVED_AT
    assert saved_schedules.load(PRIMARY) == saved
    # committed: another connection sees it straight away
    sql = 'SELECT enabled, every, unit, days, start, "end", saved_at FROM schedule WHERE code = ?'
    if str(store).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(store)) as other:
            row = other.execute(sql.replace("?", "%s"), (PRIMARY,)).fetchone()
    else:
        with sqlite3.connect(store) as other:
            row = other.execute(sql, (PRIMARY,)).fetchone()
    assert tuple(row[:6]) == (1, 15, "minutes", "mon,wed", "08:00", "17:00")
    assert str(row[6]).replace("T", " ") == "2026-11-24 10:15:42"


def test_a_partial_change_keeps_the_other_fields(store: Path) -> None:
    saved_schedules.save(PRIMARY, enabled=True)
    saved = saved_schedules.save(PRIMARY, every=45)
    assert saved.rule == Rule(True, 45, "minutes", WEEKDAYS, time(7, 0), time(19, 0))
    assert saved_schedules.load(SECONDARY).saved_at is None


def test_the_largest_intervals_are_accepted(store: Path) -> None:
    assert saved_schedules.save(PRIMARY, every=1440, unit="minutes").rule.every == 1440
    assert saved_schedules.save(PRIMARY, every=1, unit="days").rule.every == 1
