"""When a schedule runs: pure functions of (rule, last run, now), in a real time zone.

Slots are wall-clock times: the window start plus whole multiples of the
interval, not after the window end, on the chosen days. A slot that does not
exist (the hour skipped when clocks go forward) is left out; a slot in the
hour that repeats when clocks go back runs once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = ("minutes", "hours", "days")
# Every N days counts whole days from this Monday, so "every 2 days" falls on
# the same dates whoever computes it and whenever.
DAY_ZERO = date(2001, 1, 1)


@dataclass(frozen=True)
class Rule:
    """An automation schedule's timing, as the administrator set it."""

    enabled: bool
    every: int
    unit: str
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time


def slots_on(rule: Rule, day: date) -> list[time]:
    """The wall-clock times the rule runs on DAY (ignoring time-zone gaps)."""
    if day.weekday() not in rule.days:
        return []
    if rule.unit == "days":
        return [rule.start] if (day - DAY_ZERO).days % rule.every == 0 else []
    step = rule.every * (60 if rule.unit == "hours" else 1)
    first = rule.start.hour * 60 + rule.start.minute
    last = rule.end.hour * 60 + rule.end.minute
    return [time(m // 60, m % 60) for m in range(first, last + 1, step)]


def _aware(day: date, at: time, tz: tzinfo) -> datetime | None:
    """DAY at wall time AT in TZ, or None if that wall time does not exist there."""
    wall = datetime.combine(day, at)
    moment = wall.replace(tzinfo=tz, fold=0)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        return None  # skipped by a daylight-saving jump
    return moment


def _search_days(rule: Rule) -> int:
    """How many days ahead a slot must appear, if the rule has any."""
    return 7 * rule.every + 8 if rule.unit == "days" else 8


def next_run(rule: Rule, after: datetime, tz: tzinfo) -> datetime | None:
    """The first slot strictly after AFTER (an aware time), or None if the rule never runs."""
    if not rule.enabled or not rule.days:
        return None
    # Compared in UTC: two aware times in one zone compare as wall times, which
    # would confuse the two occurrences of the hour repeated when clocks go back.
    after = after.astimezone(UTC)
    local = after.astimezone(tz)
    for offset in range(_search_days(rule) + 1):
        day = local.date() + timedelta(days=offset)
        for at in slots_on(rule, day):
            moment = _aware(day, at, tz)
            if moment is not None and moment.astimezone(UTC) > after:
                return moment
    return None


def last_due(rule: Rule, since: datetime, now: datetime, tz: tzinfo) -> datetime | None:
    """The latest slot in (SINCE, NOW], or None: whether a run was missed between two instants."""
    since, now = since.astimezone(UTC), now.astimezone(UTC)
    if not rule.enabled or not rule.days or now <= since:
        return None
    local_now = now.astimezone(tz)
    first_day = max(since.astimezone(tz).date(), local_now.date() - timedelta(days=_search_days(rule)))
    day = local_now.date()
    while day >= first_day:
        for at in reversed(slots_on(rule, day)):
            moment = _aware(day, at, tz)
            if moment is not None and since < moment.astimezone(UTC) <= now:
                return moment
        day -= timedelta(days=1)
    return None


def describe(rule: Rule) -> str:
    """A readable summary, e.g. 'Every 30 minutes, Mon–Fri, 07:00–19:00'."""
    unit = rule.unit if rule.every != 1 else rule.unit.rstrip("s")
    every = f"Every {rule.every} {unit}" if rule.every != 1 else f"Every {unit}"
    if every == "Every day":
        every = "Daily"
    days = describe_days(rule.days)
    if rule.unit == "days":
        return f"{every}, {days}, at {rule.start:%H:%M}"
    return f"{every}, {days}, {rule.start:%H:%M}–{rule.end:%H:%M}"


def describe_days(days: frozenset[int]) -> str:
    """'Mon–Fri', 'Every day', 'Mon, Wed, Fri', or 'No days'."""
    names = [DAYS[d].capitalize() for d in sorted(days)]
    if not names:
        return "No days"
    if len(names) == 7:
        return "Every day"
    ordered = sorted(days)
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)
