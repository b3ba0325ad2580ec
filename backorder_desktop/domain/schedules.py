"""The two automation schedules as saved: validation in one place, for the window and the command line."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from backorder_desktop.domain import activity, clock, preferences, team
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.domain.planning import DAYS, UNITS, Rule, last_due, next_run
from backorder_desktop.domain.processes import PROCESS_OF
from backorder_desktop.store.database import executemany, query, write
from backorder_desktop.store.rows import read, to_bool, to_datetime

MAX_EVERY = {"minutes": 1440, "hours": 168, "days": 365}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    code: int
    name: str
    rule: Rule
    saved_at: datetime | None

    @property
    def process(self) -> str:
        return PROCESS_OF[self.code]


@dataclass(frozen=True)
class LastRun:
    started_at: datetime
    outcome: str


def parse_time(value: str, field: str) -> time:
    """HH:MM on a 24-hour clock, or BadInput naming FIELD."""
    match = _HHMM.match(value.strip())
    if not match:
        raise BadInput([Problem("schedule", field, f"{value!r} is not a time like 07:00 (HH:MM, 24-hour)")])
    return time(int(match.group(1)), int(match.group(2)))


def parse_days(value: str) -> frozenset[int]:
    """'mon,tue,...' or ranges such as 'mon-fri' (as the activity log writes them) to weekday
    numbers, or BadInput naming what is not a day."""
    days: set[int] = set()
    wrong: list[str] = []
    for part in (p.strip().lower() for p in value.split(",")):
        if not part:
            continue
        first, dash, last = part.partition("-")
        ends = [_day(first.strip()), _day(last.strip()) if dash else _day(first.strip())]
        if None in ends:
            wrong.append(part)
            continue
        start, end = ends
        assert start is not None and end is not None
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    if wrong:
        raise BadInput(
            [
                Problem(
                    "schedule", "days", f"{', '.join(wrong)}: days are mon, tue, ... sun, or a range: mon-fri"
                )
            ]
        )
    return frozenset(days)


def _day(name: str) -> int | None:
    """The weekday number of a day's name or its first three letters ('mon', 'Monday')."""
    for names in (DAYS, _FULL):
        if name in names:
            return names.index(name)
    return None


_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _from_row(row: tuple) -> Schedule:
    code, name, enabled, every, unit, days, start, end, saved_at = row
    rule = Rule(
        to_bool(enabled),
        int(every),
        unit,
        frozenset(DAYS.index(d) for d in days.split(",") if d),
        time.fromisoformat(start),
        time.fromisoformat(end),
    )
    return Schedule(code, name, rule, to_datetime(saved_at))


_COLUMNS = 'code, name, enabled, every, unit, days, start, "end", saved_at'


def load_all() -> list[Schedule]:
    """Both schedules, by code."""
    return [_from_row(r) for r in query(f"SELECT {_COLUMNS} FROM schedule ORDER BY code")]


def load(code: int) -> Schedule:
    rows = query(f"SELECT {_COLUMNS} FROM schedule WHERE code = ?", (code,))
    if not rows:
        codes = " and ".join(map(str, sorted(PROCESS_OF)))
        raise BadInput([Problem("schedule", "code", f"no schedule {code} (the codes are {codes})")])
    (row,) = rows  # the code is the key
    return _from_row(row)


def problems_with(rule: Rule, where: str = "schedule") -> list[Problem]:
    """What cannot be right in RULE, each naming its field."""
    problems = []
    if rule.unit not in UNITS:
        problems.append(Problem(where, "unit", f"{rule.unit!r} is not minutes, hours or days"))
    elif not 1 <= rule.every <= MAX_EVERY[rule.unit]:
        problems.append(
            Problem(
                where,
                "every",
                f"must be 1 to {MAX_EVERY[rule.unit]} {rule.unit}, not {rule.every}",
            )
        )
    if rule.enabled and not rule.days:
        problems.append(Problem(where, "days", "choose at least one day while the schedule is on"))
    if rule.unit != "days" and rule.end < rule.start:
        problems.append(
            Problem(where, "end", f"the window ends ({rule.end:%H:%M}) before it starts ({rule.start:%H:%M})")
        )
    return problems


def save(
    code: int,
    *,
    enabled: bool | None = None,
    every: int | None = None,
    unit: str | None = None,
    days: frozenset[int] | None = None,
    start: time | None = None,
    end: time | None = None,
) -> Schedule:
    """Change some fields of a schedule; nothing is saved if the result cannot be right.

    Only an administrator may (NeedsAdministrator otherwise); a change is logged with its old
    and new values, in its transaction."""
    team.require_administrator("changing the schedules")
    with write():
        current = load(code)
        rule = current.rule
        changes: dict[str, Any] = {
            "enabled": enabled,
            "every": every,
            "unit": unit,
            "days": days,
            "start": start,
            "end": end,
        }
        rule = replace(rule, **{k: v for k, v in changes.items() if v is not None})
        problems = problems_with(rule, f"schedule {code}")
        if problems:
            raise BadInput(problems)
        executemany(
            'UPDATE schedule SET enabled = ?, every = ?, unit = ?, days = ?, start = ?, "end" = ?,'
            " saved_at = ? WHERE code = ?",
            [
                (
                    rule.enabled,
                    rule.every,
                    rule.unit,
                    ",".join(DAYS[d] for d in sorted(rule.days)),
                    f"{rule.start:%H:%M}",
                    f"{rule.end:%H:%M}",
                    clock.now(),
                    code,
                )
            ],
        )
        said = activity.changes(settings(current.rule), settings(rule))
        if said:
            activity.record("schedule", str(code), said)
    return load(code)


def settings(rule: Rule) -> dict[str, object]:
    """A schedule's fields as the activity log writes them: on, every, unit, days, start, end."""
    return {
        "on": "on" if rule.enabled else "off",
        "every": rule.every,
        "unit": rule.unit,
        "days": days_text(rule.days),
        "start": f"{rule.start:%H:%M}",
        "end": f"{rule.end:%H:%M}",
    }


def days_text(days: Collection[int]) -> str:
    """Weekdays in short: runs of three or more days as a range, 'mon-fri', 'mon,wed,sat-sun'."""
    ordered = sorted(days)
    if not ordered:
        return "none"
    parts: list[str] = []
    start = previous = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == previous + 1:
            previous = day
            continue
        if previous - start >= 2:
            parts.append(f"{DAYS[start]}-{DAYS[previous]}")
        else:
            parts += [DAYS[d] for d in range(start, previous + 1)]
        if day is not None:
            start = previous = day
    return ",".join(parts)


def last_run(process: str) -> LastRun | None:
    """The latest real run of PROCESS, whatever started it (dry runs do not count)."""
    runs = read(
        LastRun,
        "SELECT started_at, outcome FROM run WHERE process = ? AND outcome <> 'dry-run'"
        " ORDER BY started_at DESC, id DESC LIMIT 1",
        (process,),
    )
    return runs[0] if runs else None


def next_run_of(schedule: Schedule, now: datetime, tz: tzinfo) -> datetime | None:
    """The schedule's next run after NOW (aware), as local wall time; None while off."""
    moment = next_run(schedule.rule, now, tz)
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


# A slot passed this long ago with no run recorded since is no longer said to be running: its run
# was lost (the program running it was killed, or none was open) and the next slot will do.
RUNNING_AT_MOST = timedelta(minutes=10)


@dataclass(frozen=True)
class Upcoming:
    """What a schedule does next, seen at one moment: run a slot now, or its next slot."""

    running: bool
    next_at: datetime | None  # local wall time of the next slot; None while the schedule is off


@dataclass(frozen=True)
class Timetable:
    """The schedules as saved and when each process last ran: all it takes to say, at any moment,
    which slot comes next and whether one is being run by whichever program of the team took it."""

    schedules: list[Schedule]
    last_runs: dict[str, LastRun | None]  # each process's latest real run
    backorders_enabled: bool

    def upcoming(self, now: datetime, tz: tzinfo, running: Collection[str] = ()) -> dict[str, Upcoming]:
        """Each process's next slot after NOW (aware), or that it runs now: RUNNING names the
        processes this program is running; a slot of the last RUNNING_AT_MOST with no run
        started since is taken to be running elsewhere (runs are recorded when they end)."""
        found = {}
        for row in self.schedules:
            busy = row.process in running
            if not busy and row.rule.enabled and self.backorders_enabled:
                last = self.last_runs.get(row.process)
                marks = [t.replace(tzinfo=tz) for t in (last.started_at if last else None, row.saved_at) if t]
                busy = last_due(row.rule, max([now - RUNNING_AT_MOST, *marks]), now, tz) is not None
            moment = next_run(row.rule, now, tz)
            found[row.process] = Upcoming(
                busy, moment.astimezone(tz).replace(tzinfo=None) if moment else None
            )
        return found


def timetable() -> Timetable:
    """The schedules, their processes' latest runs and whether back order management is on."""
    rows = load_all()
    return Timetable(
        rows, {row.process: last_run(row.process) for row in rows}, preferences.load().backorders_enabled
    )
