"""Real programs on one database for the team-schedule tests, sharing one fast clock.

The planner's smallest unit is a minute, and a test cannot wait minutes per slot. Every program a
test starts here reads the test-only clock BACKORDER_TEST_CLOCK (domain/clock.py): the same
instant at the same real moment in every process, running SPEED times faster than real time, so
a schedule slot falls every 60 / SPEED seconds. The engines still tick each real second (10 clock
seconds, well under the engine's jump threshold of 32), and poll the database every 15 clock
seconds (1.5 real). Programs run in UTC, so that slots and run records read alike.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from backorder_desktop.domain.allocation import TEST_PAUSE
from backorder_desktop.domain.clock import TEST_CLOCK

ROOT = Path(__file__).resolve().parent.parent.parent
PROGRAM = str(Path(sys.executable).parent / "backorder-desktop")
SAVED = ROOT / "tests" / "store" / "saved"
SPEED = 10.0
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)  # slots fall on any day; a weekday all the same
EVERY_MINUTE = ["--on", "--every", "1", "--unit", "minutes", "--days", "mon,tue,wed,thu,fri,sat,sun"]
EVERY_MINUTE += ["--start", "00:00", "--end", "23:59"]


@dataclass
class FastClock:
    """START at the real instant ANCHOR (epoch seconds), SPEED times faster than real time."""

    start: datetime
    anchor: float = field(default_factory=time.time)

    def setting(self) -> str:
        return f"{self.start.isoformat()} {SPEED:g} {self.anchor!r}"

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.anchor) * SPEED)

    def sleep_until(self, moment: datetime) -> None:
        real = self.anchor + (moment - self.start).total_seconds() / SPEED
        time.sleep(max(0.0, real - time.time()))


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return TUESDAY.replace(hour=hour, minute=minute, second=second)


def environment(home: Path, clock: FastClock | None, pause: float | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(BACKORDER_DESKTOP_HOME=str(home), TZ="UTC", PYTHONPATH=str(ROOT))
    env.pop(TEST_CLOCK, None)
    env.pop(TEST_PAUSE, None)
    if clock is not None:
        env[TEST_CLOCK] = clock.setting()
    if pause is not None:
        env[TEST_PAUSE] = f"{pause:g}"
    return env


def command(db: str, home: Path, clock: FastClock | None, *args: str) -> str:
    """ARGS run by the program on DB; its stdout. Fails the test unless it exits 0."""
    done = subprocess.run(
        [PROGRAM, "--db", db, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(home, clock),
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}: {done.stderr}"
    return done.stdout


def prepared(db: str, home: Path) -> None:
    """Products, orders waiting and a receipt on DB, back order management on: work for a Primary."""
    for kind in ("products", "orders", "receipts"):
        command(db, home, None, "import", kind, str(SAVED / f"{kind}.csv"))
    command(db, home, None, "prefs", "--enable")


@dataclass
class Program:
    """A program started for a test: a `scheduler` service or a window's engine."""

    name: str
    home: Path
    process: subprocess.Popen[str]
    said: Path  # its stderr: a service's lines
    printed: Path  # its stdout
    streams: tuple[IO[str], IO[str]]

    def log(self) -> str:
        path = self.home / "logs" / "backorder-desktop.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def lines(self) -> list[str]:
        return self.said.read_text(encoding="utf-8").splitlines() if self.said.exists() else []

    def stop(self, number: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send signal NUMBER unless it has ended; its exit status (killed if it does not exit)."""
        if self.process.poll() is None:
            self.process.send_signal(number)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            for stream in self.streams:
                stream.close()

    def children(self) -> list[int]:
        """The ids of its child processes (a window's run in progress)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found += [int(pid) for pid in (task / "children").read_text().split()]
        return found


def start(
    kind: str,
    db: str,
    folder: Path,
    name: str,
    clock: FastClock,
    pause: float | None = None,
) -> Program:
    """KIND is "service" (`backorder-desktop scheduler`) or "window" (the engine as a window builds
    it, running each process in a child process: tests/scheduling/window_engine.py)."""
    home = folder / name
    home.mkdir(parents=True, exist_ok=True)
    said, printed = home / "stderr.txt", home / "stdout.txt"
    if kind == "service":
        argv = [PROGRAM, "--db", db, "scheduler"]
    else:
        argv = [sys.executable, "-m", "tests.scheduling.window_engine", db]
    out, err = printed.open("w", encoding="utf-8"), said.open("w", encoding="utf-8")
    process = subprocess.Popen(
        argv, stdout=out, stderr=err, text=True, env=environment(home, clock, pause), cwd=ROOT
    )
    return Program(name, home, process, said, printed, (out, err))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.05)


def ready(programs: list[Program], timeout: float = 60) -> None:
    """Wait until every program has loaded the schedules (its first "next runs" line)."""
    for program in programs:
        wait_for(
            lambda p=program: (
                any(line.startswith("next runs:") for line in p.lines())  # type: ignore[misc]
                or p.process.poll() is not None
            ),
            timeout,
            f"{program.name} to start",
        )
        assert program.process.poll() is None, f"{program.name} ended: {program.lines()}"


def run_lines(program: Program) -> list[str]:
    """A program's lines about runs (one per run)."""
    return [line for line in program.lines() if "Backorder Process (" in line]


def taken_lines(program: Program, found: str = "") -> list[str]:
    """The program's log lines about a slot it found taken (FOUND: "before it started" or "in the
    run's transaction"; any, by default)."""
    return [
        line
        for line in program.log().splitlines()
        if "taken: another program ran it" in line and f"(found {found}" in line
    ]


def holding(program: Program) -> bool:
    """Whether the program has logged that a run of it is held inside its transaction (TEST_PAUSE)."""
    return f"{TEST_PAUSE}: holding the run" in program.log()


def rows(db: str, sql: str) -> list[tuple[object, ...]]:
    """Rows read straight from DB, as another program would (not through the code under test)."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]
    connection = sqlite3.connect(db, timeout=30)
    try:
        return [tuple(row) for row in connection.execute(sql).fetchall()]
    finally:
        connection.close()


def slot_runs(db: str) -> list[tuple[str, str, str, int]]:
    """Runs with a slot: (slot 'HH:MM', trigger, outcome, units), in slot order."""
    found = rows(db, "SELECT slot, trigger, outcome, units FROM run WHERE slot IS NOT NULL ORDER BY slot, id")
    return [
        (str(slot)[11:16], str(trigger), str(outcome), int(str(units)))
        for slot, trigger, outcome, units in found
    ]


def units_allocated(db: str) -> int:
    (total,) = rows(db, "SELECT COALESCE(SUM(qty), 0) FROM shipment_line")[0]
    return int(str(total))


def clean_units(place_copy: str, home: Path) -> int:
    """The units one clean Primary run allocates on (a copy of) the prepared database."""
    said = command(place_copy, home, None, "run", "primary")
    return int(next(line for line in said.splitlines() if line.startswith("units: ")).split(": ")[1])


def check(db: str, home: Path) -> None:
    """`check` passes on DB."""
    command(db, home, None, "check")
