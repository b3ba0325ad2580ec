"""SPEC 5 and 6, the `schedules` command: shows both schedules with their next and last run, sets one
with the same validation as the window, and refuses a wrong value with exit 2, naming the field.

The installed `backorder-desktop` runs in a subprocess on a scratch database, in the New York time
zone (TZ), so next runs can be checked against the planner in a zone with daylight saving.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from backorder_desktop.domain import planning
from tests.cli.conftest import Cli, build, cli_on, own_process
from tests.places import Place, Shelf, table_rows

ZONE = "America/New_York"
NY = ZoneInfo(ZONE)
KEYS = ["code", "name", "on", "every", "unit", "days", "start", "end", "next_run", "last_run"]
ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
SET_15 = [
    "--on",
    "--every",
    "15",
    "--unit",
    "minutes",
    "--days",
    "mon,wed",
    "--start",
    "08:00",
    "--end",
    "17:00",
]
RULE_15 = planning.Rule(True, 15, "minutes", frozenset({0, 2}), time(8, 0), time(17, 0))


def program(db: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    return db.run(*args)


def ok(db: Cli, *args: str) -> str:
    done = program(db, *args)
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def shown(db: Cli) -> list[dict[str, object]]:
    data = json.loads(ok(db, "schedules", "--format", "json"))
    assert isinstance(data, list)
    return data


def saved_rows(db: Cli) -> list[tuple[object, ...]]:
    """The schedule table as stored, read without the program (saved_at included), by code."""
    return table_rows(db.db)["schedule"]


def table_line(stdout: str, code: int) -> str:
    lines = [line for line in stdout.splitlines() if line.startswith(str(code))]
    assert len(lines) == 1, f"no single line for {code} in:\n{stdout}"
    return lines[0]


def expected_next(rule: planning.Rule, before: datetime, after: datetime) -> set[str]:
    """The next run the planner gives just before and just after the command (a slot may pass)."""
    found = set()
    for now in (before, after):
        moment = planning.next_run(rule, now, NY)
        assert moment is not None
        found.add(moment.astimezone(NY).replace(tzinfo=None).isoformat(timespec="seconds"))
    return found


@pytest.fixture
def db(place: Place, request: pytest.FixtureRequest) -> Cli:
    """The program, in the New York zone, on a new database."""
    cli = cli_on(place, place.new("schedules"), subprocess=own_process(request))
    cli.env["TZ"] = ZONE
    return cli


@pytest.fixture
def primary_on(place: Place, shelf: Shelf) -> Cli:
    """A database with the Primary schedule set to every 15 minutes, Mon and Wed, 08:00–17:00."""

    def set_15(builder: Cli) -> None:
        builder.env["TZ"] = ZONE
        builder.ok("schedules", "set", "7792", *SET_15)

    saved = shelf.once(place.kind, "primary on", lambda on: build(on, "primary-on", set_15))
    cli = cli_on(place, place.copy(saved.db, "schedules"))
    cli.env["TZ"] = ZONE
    return cli


# --- showing -----------------------------------------------------------------------------------------


def test_schedules_shows_both_schedules_off_with_no_next_or_last_run(db: Cli) -> None:
    out = ok(db, "schedules")
    header = out.splitlines()[0]
    assert "next run" in header and "last run" in header
    primary, secondary = table_line(out, 7792), table_line(out, 8050)
    assert "Primary Backorder Process" in primary and " off " in primary
    assert "Every 30 minutes, Mon–Fri, 07:00–19:00" in primary
    assert "Secondary Backorder Process" in secondary and " off " in secondary
    assert "Mon–Fri, at 18:00" in secondary
    for line in (primary, secondary):
        assert line.rstrip().endswith("never")
        assert " - " in line  # no next run while off


def test_schedules_shows_the_next_run_and_the_last_run(db: Cli) -> None:
    record = ok(db, "run", "primary")  # backorder management is off: a skipped run, still the last run
    started = re.search(r"^started_at: (\S+)$", record, re.MULTILINE)
    assert started, record
    ok(db, "schedules", "set", "7792", "--on")
    before = datetime.now(UTC)
    out = ok(db, "schedules")
    after = datetime.now(UTC)
    primary, secondary = table_line(out, 7792), table_line(out, 8050)
    default = planning.Rule(True, 30, "minutes", frozenset(range(5)), time(7, 0), time(19, 0))
    assert " on " in primary
    assert any(moment in primary for moment in expected_next(default, before, after)), primary
    assert primary.rstrip().endswith(f"{started.group(1)} (skipped)")
    assert secondary.rstrip().endswith("never")


def test_schedules_json_has_exactly_the_spec_keys(db: Cli) -> None:
    data = shown(db)
    assert [item["code"] for item in data] == [7792, 8050]
    for item in data:
        assert list(item) == KEYS
    primary, secondary = data
    assert primary == {
        "code": 7792,
        "name": "Primary Backorder Process",
        "on": False,
        "every": 30,
        "unit": "minutes",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "07:00",
        "end": "19:00",
        "next_run": None,
        "last_run": None,
    }
    assert (secondary["name"], secondary["on"], secondary["every"], secondary["unit"]) == (
        "Secondary Backorder Process",
        False,
        1,
        "days",
    )
    assert (secondary["days"], secondary["start"]) == (["mon", "tue", "wed", "thu", "fri"], "18:00")


def test_schedules_json_gives_next_and_last_run_as_local_iso_times(db: Cli) -> None:
    ok(db, "run", "secondary")
    ok(db, "schedules", "set", "8050", "--on")
    before = datetime.now(UTC)
    secondary = shown(db)[1]
    after = datetime.now(UTC)
    assert isinstance(secondary["next_run"], str) and ISO_SECONDS.match(secondary["next_run"])
    assert isinstance(secondary["last_run"], str) and ISO_SECONDS.match(secondary["last_run"])
    default = planning.Rule(True, 1, "days", frozenset(range(5)), time(18, 0), time(18, 0))
    assert secondary["next_run"] in expected_next(default, before, after)
    assert secondary["next_run"].endswith("T18:00:00")
    local_now = datetime.now(NY).replace(tzinfo=None)
    assert abs((datetime.fromisoformat(secondary["last_run"]) - local_now).total_seconds()) < 120


# --- setting ---------------------------------------------------------------------------------------------


def test_schedules_set_saves_the_change_and_shows_it(db: Cli) -> None:
    before = datetime.now(UTC)
    out = ok(db, "schedules", "set", "7792", *SET_15)
    after = datetime.now(UTC)
    line = table_line(out, 7792)
    assert " on " in line
    assert "Every 15 minutes, Mon, Wed, 08:00–17:00" in line
    assert any(moment in line for moment in expected_next(RULE_15, before, after)), line

    primary = shown(db)[0]
    assert {k: primary[k] for k in ("on", "every", "unit", "days", "start", "end")} == {
        "on": True,
        "every": 15,
        "unit": "minutes",
        "days": ["mon", "wed"],
        "start": "08:00",
        "end": "17:00",
    }
    upcoming = datetime.fromisoformat(str(primary["next_run"]))
    assert upcoming.weekday() in (0, 2)
    assert time(8, 0) <= upcoming.time() <= time(17, 0) and upcoming.minute % 15 == 0
    stored = saved_rows(db)[0]
    assert stored[-1] is not None, "saved_at not set"


def test_schedules_set_json_and_turning_off_again(primary_on: Cli) -> None:
    data = json.loads(ok(primary_on, "schedules", "set", "7792", "--off", "--format", "json"))
    assert [list(item) for item in data] == [KEYS, KEYS]
    assert data[0]["on"] is False and data[0]["next_run"] is None
    assert data[0]["every"] == 15  # the other fields are kept


def test_schedules_set_changes_only_what_is_given(primary_on: Cli) -> None:
    ok(primary_on, "schedules", "set", "7792", "--every", "20")
    primary = shown(primary_on)[0]
    assert (primary["every"], primary["days"], primary["start"], primary["end"]) == (
        20,
        ["mon", "wed"],
        "08:00",
        "17:00",
    )


# --- refused ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--every", "0"], "every"),
        (["--every", "-5"], "every"),
        (["--every", "1441"], "every"),
        (["--every", "ten"], "every"),
        (["--unit", "weeks"], "unit"),
        (["--days", ""], "days"),
        (["--days", "mon,funday"], "days"),
        (["--start", "10:00", "--end", "09:00"], "end"),
        (["--start", "17:30"], "end"),
        (["--start", "25:00"], "start"),
        (["--end", "7am"], "end"),
        (["--start", "07:60"], "start"),
    ],
    ids=[
        "every-zero",
        "every-negative",
        "every-too-large",
        "every-not-a-number",
        "unknown-unit",
        "no-days",
        "unknown-day",
        "end-before-start",
        "start-after-saved-end",
        "hour-25",
        "am-pm",
        "minute-60",
    ],
)
def test_a_refused_value_exits_2_naming_the_field_and_changes_nothing(
    primary_on: Cli, args: list[str], field: str
) -> None:
    before = saved_rows(primary_on)
    done = program(primary_on, "schedules", "set", "7792", *args)
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert field in done.stderr, done.stderr
    assert "Every" not in done.stdout, "a refused change still printed the schedules"
    assert saved_rows(primary_on) == before


@pytest.mark.subprocess
def test_an_unknown_schedule_code_exits_2(db: Cli) -> None:
    done = program(db, "schedules", "set", "1234", "--on")
    assert done.returncode == 2
    assert "7792" in done.stderr
