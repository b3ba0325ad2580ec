"""SPEC 5, when a schedule runs: pure planning in a real time zone (America/New_York), no database.

Slots are the window start plus whole multiples of the interval, not after the
window end, on the chosen days, in local time. Moments are compared in real
time (UTC): two aware datetimes of one zone compare as wall times in Python,
which is exactly what goes wrong in the hour that repeats when clocks go back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backorder_desktop.domain.planning import DAY_ZERO, Rule, describe, describe_days, last_due, next_run

NY = ZoneInfo("America/New_York")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))

# SPEC 5: the two schedules' defaults when turned on.
PRIMARY_DEFAULT = Rule(True, 30, "minutes", WEEKDAYS, time(7, 0), time(19, 0))
SECONDARY_DEFAULT = Rule(True, 1, "days", WEEKDAYS, time(18, 0), time(18, 0))


def ny(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=NY, fold=fold)


def rule(
    every: int,
    unit: str = "minutes",
    days: frozenset[int] = EVERY_DAY,
    start: time = time(0, 0),
    end: time = time(23, 59),
    enabled: bool = True,
) -> Rule:
    return Rule(enabled, every, unit, days, start, end)


def real(moment: datetime | None) -> datetime | None:
    """The instant, in UTC, so comparisons are in real time whatever the zone and fold."""
    return None if moment is None else moment.astimezone(UTC)


def following(r: Rule, after: datetime, count: int) -> list[datetime]:
    """COUNT successive next runs, each asked for right after the previous one."""
    found = []
    for _ in range(count):
        moment = next_run(r, after, NY)
        assert moment is not None
        found.append(moment)
        after = moment
    return found


def walls(moments: list[datetime]) -> list[str]:
    return [m.astimezone(NY).strftime("%a %Y-%m-%d %H:%M") for m in moments]


# --- each unit ---------------------------------------------------------------------------------


def test_every_30_minutes_runs_at_the_next_half_hour() -> None:
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 24, 10, 5), NY)) == real(ny(2026, 11, 24, 10, 30))
    assert walls(following(PRIMARY_DEFAULT, ny(2026, 11, 24, 10, 5), 3)) == [
        "Tue 2026-11-24 10:30",
        "Tue 2026-11-24 11:00",
        "Tue 2026-11-24 11:30",
    ]


def test_next_run_is_strictly_after_a_moment_that_is_itself_a_slot() -> None:
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 24, 10, 30), NY)) == real(ny(2026, 11, 24, 11, 0))
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 24, 10, 29, 59), NY)) == real(ny(2026, 11, 24, 10, 30))


def test_every_7_minutes_counts_from_the_window_start_not_from_the_hour() -> None:
    r = rule(7, start=time(8, 3), end=time(9, 0))
    assert walls(following(r, ny(2026, 11, 24, 8, 0), 4)) == [
        "Tue 2026-11-24 08:03",
        "Tue 2026-11-24 08:10",
        "Tue 2026-11-24 08:17",
        "Tue 2026-11-24 08:24",
    ]


def test_every_2_hours_runs_on_the_even_hours_from_the_window_start() -> None:
    r = rule(2, "hours", start=time(7, 0), end=time(19, 0))
    assert walls(following(r, ny(2026, 11, 24, 16, 0), 3)) == [
        "Tue 2026-11-24 17:00",
        "Tue 2026-11-24 19:00",
        "Wed 2026-11-25 07:00",
    ]


def test_every_5_hours_never_runs_after_the_window_end() -> None:
    r = rule(5, "hours", start=time(7, 0), end=time(19, 0))  # 07:00, 12:00, 17:00 (22:00 is past the end)
    assert walls(following(r, ny(2026, 11, 24, 6, 0), 4)) == [
        "Tue 2026-11-24 07:00",
        "Tue 2026-11-24 12:00",
        "Tue 2026-11-24 17:00",
        "Wed 2026-11-25 07:00",
    ]


def test_every_day_runs_at_the_start_time_only() -> None:
    assert walls(following(SECONDARY_DEFAULT, ny(2026, 11, 24, 18, 0), 2)) == [
        "Wed 2026-11-25 18:00",
        "Thu 2026-11-26 18:00",
    ]
    assert real(next_run(SECONDARY_DEFAULT, ny(2026, 11, 24, 17, 59), NY)) == real(ny(2026, 11, 24, 18, 0))


def test_every_2_days_skips_a_day_and_falls_on_the_same_dates_whenever_it_is_asked() -> None:
    r = rule(2, "days", start=time(18, 0), end=time(18, 0))
    from_monday = walls(following(r, ny(2026, 11, 23, 12, 0), 4))
    assert from_monday == [
        "Tue 2026-11-24 18:00",
        "Thu 2026-11-26 18:00",
        "Sat 2026-11-28 18:00",
        "Mon 2026-11-30 18:00",
    ]
    # asked a day later, or a week later, it still falls on the same (even-numbered) dates
    assert walls(following(r, ny(2026, 11, 24, 19, 0), 2)) == from_monday[1:3]
    later = next_run(r, ny(2026, 12, 1, 0, 0), NY)
    assert later is not None
    assert (later.date() - DAY_ZERO).days % 2 == (date(2026, 11, 24) - DAY_ZERO).days % 2


def test_every_2_days_on_weekdays_only_leaves_out_the_weekend_slot() -> None:
    r = rule(2, "days", days=WEEKDAYS, start=time(18, 0), end=time(18, 0))
    assert walls(following(r, ny(2026, 11, 23, 12, 0), 3)) == [
        "Tue 2026-11-24 18:00",
        "Thu 2026-11-26 18:00",
        "Mon 2026-11-30 18:00",
    ]


# --- days and the window -----------------------------------------------------------------------


def test_friday_evening_waits_for_monday_morning_on_a_weekday_schedule() -> None:
    friday_after_the_last_slot = ny(2026, 11, 27, 19, 0)
    assert real(next_run(PRIMARY_DEFAULT, friday_after_the_last_slot, NY)) == real(ny(2026, 11, 30, 7, 0))
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 28, 12, 0), NY)) == real(ny(2026, 11, 30, 7, 0))


def test_the_last_friday_slot_is_the_window_end_itself() -> None:
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 27, 18, 45), NY)) == real(ny(2026, 11, 27, 19, 0))


def test_only_the_chosen_days_get_runs() -> None:
    r = rule(1, "hours", days=frozenset({MON, WED}), start=time(8, 0), end=time(9, 0))
    assert walls(following(r, ny(2026, 11, 23, 8, 30), 4)) == [
        "Mon 2026-11-23 09:00",
        "Wed 2026-11-25 08:00",
        "Wed 2026-11-25 09:00",
        "Mon 2026-11-30 08:00",
    ]


def test_the_window_end_is_included_when_it_falls_on_a_multiple() -> None:
    r = rule(45, start=time(7, 0), end=time(19, 0))  # 12 hours = 16 x 45 minutes
    assert real(next_run(r, ny(2026, 11, 24, 18, 30), NY)) == real(ny(2026, 11, 24, 19, 0))


def test_nothing_runs_after_the_window_end_when_it_is_not_a_multiple() -> None:
    r = rule(50, start=time(7, 0), end=time(19, 0))  # ..., 18:40; 19:30 would be past the end
    assert real(next_run(r, ny(2026, 11, 24, 18, 0), NY)) == real(ny(2026, 11, 24, 18, 40))
    assert real(next_run(r, ny(2026, 11, 24, 18, 40), NY)) == real(ny(2026, 11, 25, 7, 0))


def test_the_window_start_is_the_first_slot_of_the_day() -> None:
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 24, 0, 1), NY)) == real(ny(2026, 11, 24, 7, 0))
    assert real(next_run(PRIMARY_DEFAULT, ny(2026, 11, 24, 6, 59, 59), NY)) == real(ny(2026, 11, 24, 7, 0))


def test_a_window_of_one_minute_runs_once_a_day() -> None:
    r = rule(15, start=time(12, 0), end=time(12, 0))
    assert walls(following(r, ny(2026, 11, 24, 11, 0), 2)) == ["Tue 2026-11-24 12:00", "Wed 2026-11-25 12:00"]


# --- midnight, month and year ends -------------------------------------------------------------


def test_a_schedule_starting_at_midnight_runs_at_midnight() -> None:
    r = rule(30)
    assert real(next_run(r, ny(2026, 11, 24, 23, 30), NY)) == real(ny(2026, 11, 25, 0, 0))
    assert real(next_run(r, ny(2026, 11, 24, 23, 59, 59), NY)) == real(ny(2026, 11, 25, 0, 0))


def test_the_day_after_the_last_of_the_month_is_the_first_of_the_next() -> None:
    assert real(next_run(rule(30), ny(2026, 11, 30, 23, 45), NY)) == real(ny(2026, 12, 1, 0, 0))
    assert real(next_run(SECONDARY_DEFAULT, ny(2026, 9, 30, 18, 0), NY)) == real(ny(2026, 10, 1, 18, 0))


def test_the_year_turns_over_into_the_next() -> None:
    assert real(next_run(rule(30), ny(2026, 12, 31, 23, 45), NY)) == real(ny(2027, 1, 1, 0, 0))
    # Thursday 31 December 18:00 -> Friday 1 January 2027 18:00
    assert real(next_run(SECONDARY_DEFAULT, ny(2026, 12, 31, 18, 0), NY)) == real(ny(2027, 1, 1, 18, 0))


def test_a_leap_day_is_an_ordinary_day() -> None:
    assert real(next_run(SECONDARY_DEFAULT, ny(2028, 2, 28, 18, 0), NY)) == real(ny(2028, 2, 29, 18, 0))


# --- daylight saving (America/New_York) --------------------------------------------------------


def test_spring_forward_skips_the_0230_slot_that_does_not_exist() -> None:
    r = rule(1, "days", start=time(2, 30), end=time(2, 30))
    # Sunday 2026-03-08 has no 02:30 (02:00 EST -> 03:00 EDT): that day's run is left out, no exception.
    assert real(next_run(r, ny(2026, 3, 7, 12, 0), NY)) == real(ny(2026, 3, 8, 2, 30) + timedelta(days=1))
    assert walls([next_run(r, ny(2026, 3, 7, 12, 0), NY)]) == ["Mon 2026-03-09 02:30"]  # type: ignore[list-item]


def test_spring_forward_goes_from_0130_straight_to_0300() -> None:
    r = rule(30)
    slots = following(r, ny(2026, 3, 8, 1, 0), 3)
    assert walls(slots) == ["Sun 2026-03-08 01:30", "Sun 2026-03-08 03:00", "Sun 2026-03-08 03:30"]
    assert slots[1] - slots[0] == timedelta(minutes=90)  # as wall times
    assert real(slots[1]) - real(slots[0]) == timedelta(minutes=30)  # real time: 06:30 UTC -> 07:00 UTC


def test_spring_forward_last_due_across_the_gap() -> None:
    r = rule(30)
    since, now = ny(2026, 3, 8, 1, 40), ny(2026, 3, 8, 3, 10)
    assert real(last_due(r, since, now, NY)) == real(ny(2026, 3, 8, 3, 0))
    just_before_0300 = datetime(
        2026, 3, 8, 6, 59, 59, tzinfo=UTC
    )  # 01:59:59 EST, the last second before the gap
    assert last_due(r, since, just_before_0300, NY) is None


def test_fall_back_runs_the_0130_slot_once_not_twice() -> None:
    r = rule(30)
    first_0130 = ny(2026, 11, 1, 1, 30, fold=0)  # 05:30 UTC, EDT
    second_0130 = ny(2026, 11, 1, 1, 30, fold=1)  # 06:30 UTC, EST
    assert real(first_0130) != real(second_0130)
    assert real(next_run(r, ny(2026, 11, 1, 1, 0, fold=0), NY)) == real(first_0130)
    after_first = next_run(r, first_0130, NY)
    assert real(after_first) != real(second_0130)
    assert real(after_first) == real(ny(2026, 11, 1, 2, 0))  # 07:00 UTC


def test_fall_back_the_night_gives_each_wall_slot_once() -> None:
    r = rule(30)
    night = following(r, ny(2026, 11, 1, 0, 15), 5)
    assert walls(night) == [
        "Sun 2026-11-01 00:30",
        "Sun 2026-11-01 01:00",
        "Sun 2026-11-01 01:30",
        "Sun 2026-11-01 02:00",
        "Sun 2026-11-01 02:30",
    ]
    instants = [real(m) for m in night]
    assert instants == sorted(set(instants))  # strictly increasing in real time


def test_fall_back_next_run_asked_during_the_repeated_hour_is_in_the_future() -> None:
    r = rule(30)
    during_repeat = ny(2026, 11, 1, 1, 15, fold=1)  # 06:15 UTC: the 01:30 slot (05:30 UTC) is already past
    upcoming = next_run(r, during_repeat, NY)
    assert upcoming is not None
    assert real(upcoming) > real(during_repeat), (
        f"next run {upcoming} ({real(upcoming)}) is before the moment asked {real(during_repeat)}"
    )
    assert real(upcoming) == real(ny(2026, 11, 1, 2, 0))


def test_fall_back_a_utc_clock_in_the_repeated_hour_gets_0200() -> None:
    r = rule(30)
    during_repeat = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 01:15 EST, the second 01:15
    assert real(next_run(r, during_repeat, NY)) == real(ny(2026, 11, 1, 2, 0))


def test_fall_back_last_due_never_reports_a_slot_outside_the_interval() -> None:
    r = rule(15)
    since, now = ny(2026, 11, 1, 1, 40, fold=1), ny(2026, 11, 1, 1, 50, fold=1)  # 06:40 -> 06:50 UTC
    found = last_due(r, since, now, NY)
    assert found is None, f"last_due gave {found} ({real(found)}), outside ({real(since)}, {real(now)}]"


def test_daily_run_in_the_repeated_hour_runs_once_on_fall_back_day() -> None:
    r = rule(1, "days", start=time(1, 30), end=time(1, 30))
    runs = following(r, ny(2026, 10, 31, 12, 0), 2)
    assert walls(runs) == ["Sun 2026-11-01 01:30", "Mon 2026-11-02 01:30"]
    assert real(runs[0]) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first occurrence


# --- last_due ------------------------------------------------------------------------------------


def test_last_due_is_the_latest_slot_in_the_interval() -> None:
    assert real(last_due(PRIMARY_DEFAULT, ny(2026, 11, 24, 7, 10), ny(2026, 11, 24, 9, 5), NY)) == real(
        ny(2026, 11, 24, 9, 0)
    )


def test_last_due_includes_now_and_excludes_since() -> None:
    slot = ny(2026, 11, 24, 9, 0)
    assert real(last_due(PRIMARY_DEFAULT, ny(2026, 11, 24, 8, 45), slot, NY)) == real(slot)
    assert last_due(PRIMARY_DEFAULT, slot, ny(2026, 11, 24, 9, 29), NY) is None


def test_last_due_is_none_between_two_slots_or_when_time_did_not_move() -> None:
    assert last_due(PRIMARY_DEFAULT, ny(2026, 11, 24, 7, 31), ny(2026, 11, 24, 7, 59), NY) is None
    now = ny(2026, 11, 24, 12, 0)
    assert last_due(PRIMARY_DEFAULT, now, now, NY) is None
    assert last_due(PRIMARY_DEFAULT, now, now - timedelta(hours=5), NY) is None


def test_last_due_for_hours() -> None:
    r = rule(5, "hours", start=time(7, 0), end=time(19, 0))
    assert real(last_due(r, ny(2026, 11, 24, 6, 0), ny(2026, 11, 24, 23, 0), NY)) == real(
        ny(2026, 11, 24, 17, 0)
    )


def test_last_due_over_a_weekend_for_the_end_of_day_process() -> None:
    friday_after = ny(2026, 11, 27, 18, 30)
    assert last_due(SECONDARY_DEFAULT, friday_after, ny(2026, 11, 30, 17, 59), NY) is None
    assert real(last_due(SECONDARY_DEFAULT, friday_after, ny(2026, 11, 30, 18, 0), NY)) == real(
        ny(2026, 11, 30, 18, 0)
    )


def test_last_due_for_every_2_days_across_a_week() -> None:
    r = rule(2, "days", start=time(18, 0), end=time(18, 0))
    assert real(last_due(r, ny(2026, 11, 23, 0, 0), ny(2026, 11, 27, 23, 0), NY)) == real(
        ny(2026, 11, 26, 18, 0)
    )


def test_last_due_after_a_long_absence_is_still_the_latest_slot() -> None:
    assert real(last_due(PRIMARY_DEFAULT, ny(2026, 6, 1, 9, 0), ny(2026, 11, 24, 10, 5), NY)) == real(
        ny(2026, 11, 24, 10, 0)
    )


def test_a_rule_that_is_off_or_has_no_days_never_runs() -> None:
    now = ny(2026, 11, 24, 10, 5)
    off = rule(30, enabled=False)
    no_days = rule(30, days=frozenset())
    for r in (off, no_days):
        assert next_run(r, now, NY) is None
        assert last_due(r, now - timedelta(days=3), now, NY) is None


def test_utc_and_local_inputs_give_the_same_instant() -> None:
    local = ny(2026, 11, 24, 10, 5)
    assert real(next_run(PRIMARY_DEFAULT, local, NY)) == real(
        next_run(PRIMARY_DEFAULT, local.astimezone(UTC), NY)
    )


# --- describe ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "text"),
    [
        (PRIMARY_DEFAULT, "Every 30 minutes, Mon–Fri, 07:00–19:00"),
        (SECONDARY_DEFAULT, "Daily, Mon–Fri, at 18:00"),
        (
            rule(2, "hours", frozenset({MON, WED}), time(8, 0), time(17, 0)),
            "Every 2 hours, Mon, Wed, 08:00–17:00",
        ),
        (rule(1, "hours", WEEKDAYS, time(8, 0), time(17, 0)), "Every hour, Mon–Fri, 08:00–17:00"),
        (rule(1, "minutes", WEEKDAYS, time(8, 0), time(8, 30)), "Every minute, Mon–Fri, 08:00–08:30"),
        (rule(3, "days", frozenset({SAT, SUN}), time(6, 0), time(6, 0)), "Every 3 days, Sat, Sun, at 06:00"),
    ],
    ids=["primary-default", "secondary-default", "two-hours", "one-hour", "one-minute", "three-days"],
)
def test_describe_summarises_a_rule(r: Rule, text: str) -> None:
    assert describe(r) == text


def test_describe_days_names_runs_and_lists() -> None:
    assert describe_days(WEEKDAYS) == "Mon–Fri"
    assert describe_days(EVERY_DAY) == "Every day"
    assert describe_days(frozenset({MON, WED, FRI})) == "Mon, Wed, Fri"
    assert describe_days(frozenset({THU, FRI, SAT})) == "Thu–Sat"
    assert describe_days(frozenset({TUE})) == "Tue"
    assert describe_days(frozenset()) == "No days"


# --- the SPEC 5 defaults -------------------------------------------------------------------------


def test_primary_default_runs_every_half_hour_on_weekdays_from_7_to_19() -> None:
    monday = ny(2026, 11, 23, 0, 0)
    day = []
    after = monday
    while True:
        moment = next_run(PRIMARY_DEFAULT, after, NY)
        assert moment is not None
        if moment.date() != monday.date():
            break
        day.append(moment.strftime("%H:%M"))
        after = moment
    assert day == [f"{h:02d}:{m:02d}" for h in range(7, 19) for m in (0, 30)] + ["19:00"]
    assert len(day) == 25


def test_secondary_default_runs_at_18_on_weekdays_only() -> None:
    week = following(SECONDARY_DEFAULT, ny(2026, 11, 22, 12, 0), 6)  # from Sunday
    assert walls(week) == [
        "Mon 2026-11-23 18:00",
        "Tue 2026-11-24 18:00",
        "Wed 2026-11-25 18:00",
        "Thu 2026-11-26 18:00",
        "Fri 2026-11-27 18:00",
        "Mon 2026-11-30 18:00",
    ]


# --- properties against a brute force over minutes -------------------------------------------------

BOUND = timedelta(days=3)
DST_CHANGES = (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    unit = draw(st.sampled_from(["minutes", "hours", "days"]))
    every = draw(st.integers(1, {"minutes": 180, "hours": 12, "days": 3}[unit]))
    days = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start, 1439))
    return Rule(True, every, unit, days, time(start // 60, start % 60), time(end // 60, end % 60))


def instants() -> st.SearchStrategy[datetime]:
    """UTC instants to the second: anywhere in 2026, within a day and a half of a DST change, or
    within two hours of one (the skipped and the repeated hour)."""

    def around(seconds: int) -> st.SearchStrategy[datetime]:
        return st.tuples(st.sampled_from(DST_CHANGES), st.integers(-seconds, seconds)).map(
            lambda p: p[0] + timedelta(seconds=p[1])
        )

    anywhere = st.integers(0, 365 * 86400).map(lambda s: YEAR_START + timedelta(seconds=s))
    return st.one_of(anywhere, around(36 * 3600), around(2 * 3600))


def is_slot(r: Rule, instant: datetime) -> bool:
    """Whether the whole-minute INSTANT is a slot, worked out from the SPEC wording alone."""
    local = instant.astimezone(NY)
    if local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset():
        return False  # the second pass through a repeated wall time: the slot ran at the first
    if local.weekday() not in r.days:
        return False
    minute = local.hour * 60 + local.minute
    start = r.start.hour * 60 + r.start.minute
    if r.unit == "days":
        return minute == start and (local.date() - DAY_ZERO).days % r.every == 0
    end = r.end.hour * 60 + r.end.minute
    step = r.every * (60 if r.unit == "hours" else 1)
    return start <= minute <= end and (minute - start) % step == 0


def minutes_after(t: datetime, until: datetime) -> list[datetime]:
    """Whole UTC minutes strictly after T and strictly before UNTIL."""
    first = t.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    found = []
    while first < until:
        found.append(first)
        first += timedelta(minutes=1)
    return found


def check_next_run(r: Rule, t: datetime) -> None:
    upcoming = next_run(r, t, NY)
    bound = t.astimezone(UTC) + BOUND
    if upcoming is None:
        assert not any(is_slot(r, m) for m in minutes_after(t, bound)), "a slot exists but next_run is None"
        return
    when = upcoming.astimezone(UTC)
    assert when > t.astimezone(UTC), f"next_run {upcoming} is not after {t}"
    local = upcoming.astimezone(NY)
    assert local.weekday() in r.days
    if r.unit == "days":
        assert local.time() == r.start
    else:
        assert r.start <= local.time() <= r.end
    assert is_slot(r, when), f"{upcoming} is not a slot"
    skipped = [m for m in minutes_after(t, min(when, bound)) if is_slot(r, m)]
    assert not skipped, f"slot {skipped[0].astimezone(NY)} lies between {t} and next_run {upcoming}"


def check_last_due(r: Rule, since: datetime, now: datetime) -> None:
    found = last_due(r, since, now, NY)
    slots = [m for m in minutes_after(since, now + timedelta(microseconds=1)) if is_slot(r, m)]
    expected = slots[-1] if slots else None
    assert real(found) == expected, f"last_due {found} ({real(found)}), brute force {expected}"


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# The second 01:15 of fall-back night (06:15 UTC), where wall-time comparisons go wrong.
REPEATED_HOUR = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)
EVERY_15_MINUTES = Rule(True, 15, "minutes", EVERY_DAY, time(0, 0), time(23, 59))


@PROPERTY
@given(r=rules(), t=instants())
def test_next_run_from_a_utc_clock_is_the_first_slot_after_now(r: Rule, t: datetime) -> None:
    check_next_run(r, t)


@PROPERTY
@given(r=rules(), t=instants())
@example(r=EVERY_15_MINUTES, t=REPEATED_HOUR)
def test_next_run_from_a_local_clock_is_the_first_slot_after_now(r: Rule, t: datetime) -> None:
    check_next_run(r, t.astimezone(NY))  # fold=1 during the repeated hour


@PROPERTY
@given(r=rules(), t=instants(), span=st.integers(0, 2 * 86400))
def test_last_due_from_a_utc_clock_is_the_latest_slot_in_between(r: Rule, t: datetime, span: int) -> None:
    check_last_due(r, t, t + timedelta(seconds=span))


@PROPERTY
@given(r=rules(), t=instants(), span=st.integers(0, 2 * 86400))
@example(r=EVERY_15_MINUTES, t=REPEATED_HOUR, span=20 * 60)
def test_last_due_from_a_local_clock_is_the_latest_slot_in_between(r: Rule, t: datetime, span: int) -> None:
    check_last_due(r, t.astimezone(NY), (t + timedelta(seconds=span)).astimezone(NY))
