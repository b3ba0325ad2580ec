"""Helpers for the command-line tests: every check runs `backorder-desktop` against a scratch
database passed with --db (SPEC sections 6 and 7).

Most run the program in this process, through the entry point `__main__.main(argv, stdout,
stderr)`, in the environment a process of its own would have (the working folder, the home,
the umask, the log file, the time zone, no database left open): a Python start costs 0.2 s,
the command itself a few milliseconds. A `Cli(..., subprocess=True)` (or a test marked
`@pytest.mark.subprocess`, for the `cli` and `world` fixtures) runs the installed script in a
process of its own, for what only a process shows (the script, argparse's exit, signals,
file modes, the log file). BACKORDER_TEST_SUBPROCESS=1 runs every call so: the exit
statuses and outputs are the same either way.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import logging.handlers
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.places import Place, Shelf, frozen

TIMEOUT = 60

# SPEC 7: the export columns, exactly and in order.
COLUMNS: dict[str, list[str]] = {
    "shipments": [
        "shipment",
        "order",
        "customer",
        "created_at",
        "created_by",
        "run",
        "status",
        "line",
        "sku",
        "qty",
    ],
    "backorders": ["order", "customer", "ordered_at", "priority", "line", "sku", "qty_backordered"],
    "stock": ["sku", "on_hand", "committed", "available", "backordered"],
    "runs": [
        "run",
        "process",
        "trigger",
        "started_at",
        "finished_at",
        "outcome",
        "ledger_rows",
        "products",
        "shipments",
        "units",
        "error",
    ],
}
KINDS = tuple(COLUMNS)
ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
# SPEC 6: one line per error; from a file: `error: FILE:LINE: FIELD: message`.
FILE_ERROR = re.compile(r"^error: (?P<file>[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")
FILE_ERROR_NO_FIELD = re.compile(r"^error: (?P<file>[^:]+):(?P<line>\d+): (?P<message>.+)$")


def _find_program() -> str:
    found = shutil.which("backorder-desktop", path=str(Path(sys.executable).parent))
    return found or str(Path(sys.executable).parent / "backorder-desktop")


PROGRAM = _find_program()
# Every call in a process of its own (as before the suite ran commands in process): to check
# that both ways give the same exit statuses and outputs.
ALL_IN_SUBPROCESSES = os.environ.get("BACKORDER_TEST_SUBPROCESS") == "1"
# What the program reads from the environment at each call; any other variable a test sets
# (BACKORDER_BUSY_TIMEOUT, read once at import) needs a process of its own.
READ_PER_CALL = frozenset({"BACKORDER_DESKTOP_HOME", "QT_QPA_PLATFORM", "TZ"})


@dataclass
class Cli:
    """The program, run in CWD with a private home, on database DB (a SQLite file or a
    PostgreSQL URL) unless told otherwise; in this process unless SUBPROCESS."""

    cwd: Path
    db: str
    home: Path
    env: dict[str, str] = field(default_factory=dict)  # set for this program besides the home
    subprocess: bool = False  # the installed script in a process of its own

    def run(
        self, *args: str | Path, db: str | bool | None = True, timeout: float = TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run `backorder-desktop [--db DB] ARGS...`; db=False leaves --db out."""
        command = [PROGRAM]
        if db is not False:
            command += ["--db", str(self.db if db is True or db is None else db)]
        command += [str(a) for a in args]
        env = {"BACKORDER_DESKTOP_HOME": str(self.home), "QT_QPA_PLATFORM": "offscreen", **self.env}
        if not (self.subprocess or ALL_IN_SUBPROCESSES or set(env) - READ_PER_CALL):
            return in_process(command, self.cwd, env)
        full = dict(os.environ)
        full.pop("PYTHONWARNINGS", None)
        full.update(env)
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.cwd, env=full, check=False
        )

    def ok(self, *args: str | Path) -> str:
        """Run ARGS, insist on exit 0 and return stdout."""
        done = self.run(*args)
        assert done.returncode == 0, (
            f"{' '.join(map(str, args))} exited {done.returncode}"
            f"\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
        return done.stdout

    def write(self, name: str, text: str) -> Path:
        """A file in the working directory, written as UTF-8 exactly as given."""
        path = self.cwd / name
        path.write_text(text, encoding="utf-8", newline="")
        return path

    def import_ok(self, kind: str, name: str, text: str) -> str:
        return self.ok("import", kind, self.write(name, text))

    def export_text(self, kind: str, fmt: str = "csv") -> str:
        return self.ok("export", kind, "--format", fmt)

    def export(self, kind: str) -> list[dict[str, str]]:
        """The CSV export KIND as dicts, after checking its header against SPEC 7."""
        return parse_csv(kind, self.export_text(kind))

    def export_json(self, kind: str) -> list[dict[str, object]]:
        return parse_json(kind, self.export_text(kind, "json"))

    def snapshot(self) -> dict[str, str]:
        """The four CSV exports, verbatim (run side by side to keep the suite quick)."""
        with ThreadPoolExecutor(max_workers=len(KINDS)) as pool:
            done = dict(zip(KINDS, pool.map(lambda k: self.run("export", k), KINDS), strict=True))
        for kind, result in done.items():
            assert result.returncode == 0, f"export {kind}: {result.stderr}"
        return {kind: result.stdout for kind, result in done.items()}


# One command at a time in this process: the database proxy, the working folder, the
# environment and the umask are the process's (Cli.snapshot and run_batch call from threads).
_ONE_AT_A_TIME = threading.Lock()


def in_process(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """COMMAND (PROGRAM and its arguments) run by the entry point in this process, in CWD with
    ENV added to the environment; its exit status and outputs as subprocess.run(text=True)
    gives a process's (the bytes the program wrote, decoded with universal newlines)."""
    from backorder_desktop.__main__ import main

    with _ONE_AT_A_TIME, _as_a_process(cwd, env):
        stdout, stderr = _stream(sys.__stdout__, "strict"), _stream(sys.__stderr__, "backslashreplace")
        status = main(command[1:], stdout=stdout, stderr=stderr)
    return subprocess.CompletedProcess(command, status, _read(stdout), _read(stderr))


def _stream(like: object, errors: str) -> io.TextIOWrapper:
    """A stream that encodes as LIKE (this process's own stdout or stderr, which a started
    program would share) into bytes kept in memory."""
    return io.TextIOWrapper(
        io.BytesIO(),
        encoding=getattr(like, "encoding", None) or "utf-8",
        errors=getattr(like, "errors", None) or errors,
        newline="\n",
    )


def _read(stream: io.TextIOWrapper) -> str:
    """What subprocess.run(text=True) would read from a pipe the program wrote STREAM's bytes to."""
    stream.flush()
    written = stream.buffer
    assert isinstance(written, io.BytesIO)
    return io.TextIOWrapper(io.BytesIO(written.getvalue())).read()


@contextmanager
def _as_a_process(cwd: Path, env: dict[str, str]) -> Iterator[None]:
    """For one call: CWD, ENV, this process's umask, a log file of the call's own; afterwards
    all as it was, and no database left open (the entry point sets the umask, adds its log
    handler and opens the database as a process of its own would)."""
    from backorder_desktop.store import database

    # A process whose stdout is a pipe formats argparse's help and usage for 80 columns.
    env = {"COLUMNS": os.environ.get("COLUMNS") or "80", **env}
    folder, umask, was = Path.cwd(), os.umask(0o022), {name: os.environ.get(name) for name in env}
    os.umask(umask)
    root, peewee_log = logging.getLogger(), logging.getLogger("peewee")
    handlers, levels = root.handlers[:], (root.level, peewee_log.level)
    # A log file handler left by an earlier call or test would keep this call's records.
    root.handlers = [h for h in handlers if not isinstance(h, logging.handlers.RotatingFileHandler)]
    opened = database.db.obj
    os.chdir(cwd)
    os.environ.update(env)
    if "TZ" in env:
        time.tzset()
    try:
        yield
    finally:
        database.close()
        database.db.initialize(opened)
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers = handlers
        root.setLevel(levels[0])
        peewee_log.setLevel(levels[1])
        for name, value in was.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if "TZ" in env:
            time.tzset()
        os.chdir(folder)
        os.umask(umask)


def parse_csv(kind: str, text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert rows, f"export {kind} wrote nothing, not even a header"
    assert rows[0] == COLUMNS[kind], f"export {kind} header {rows[0]} is not {COLUMNS[kind]}"
    for row in rows[1:]:
        assert len(row) == len(COLUMNS[kind]), f"export {kind}: row {row} has the wrong number of fields"
    return [dict(zip(COLUMNS[kind], row, strict=True)) for row in rows[1:]]


def parse_json(kind: str, text: str) -> list[dict[str, object]]:
    data = json.loads(text)
    assert isinstance(data, list), f"export {kind} --format json is not a list"
    for item in data:
        assert isinstance(item, dict)
        assert list(item) == COLUMNS[kind], f"export {kind} json keys {list(item)} are not {COLUMNS[kind]}"
    return data


def parse_record(stdout: str) -> dict[str, str]:
    """The `column: value` lines a run prints (its run record), up to the first blank line."""
    record: dict[str, str] = {}
    for line in stdout.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(": ")
        if not sep and line.endswith(":"):
            key, value = line[:-1], ""
        record[key] = value
    return record


def assert_record(stdout: str, process: str, outcome: str) -> dict[str, str]:
    """A run's printed record: every runs column in SPEC order, with the basics right."""
    record = parse_record(stdout)
    assert list(record) == COLUMNS["runs"], f"run printed {list(record)}, not the runs columns:\n{stdout}"
    assert record["run"].isdigit(), stdout
    assert record["process"] == process, stdout
    assert record["trigger"] == "cli", stdout
    assert record["outcome"] == outcome, stdout
    assert ISO_SECONDS.match(record["started_at"]), stdout
    assert ISO_SECONDS.match(record["finished_at"]), stdout
    for column in ("ledger_rows", "products", "shipments", "units"):
        assert record[column].isdigit(), f"{column}: {record[column]!r}"
    return record


def sort_key(kind: str, row: dict[str, str]) -> tuple[str, int]:
    """SPEC 7: rows sorted by their first column, then `line` (where there is one)."""
    first = row[COLUMNS[kind][0]]
    return (first, int(row["line"]) if "line" in row else 0)


def assert_sorted(kind: str, rows: list[dict[str, str]]) -> None:
    keys = [sort_key(kind, row) for row in rows]
    if kind == "runs":  # run ids are numbers: sorted as numbers
        numbers = [int(r["run"]) for r in rows]
        assert numbers == sorted(numbers), numbers
        return
    assert keys == sorted(keys), f"export {kind} is not sorted by its first column, then line"


def file_errors(stderr: str) -> list[re.Match[str]]:
    """Every stderr line as `error: FILE:LINE: FIELD: message`; fails on a line that is not one."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no error message on stderr"
    matches = []
    for line in lines:
        match = FILE_ERROR.match(line)
        assert match, f"stderr line is not `error: FILE:LINE: FIELD: message`: {line!r}"
        matches.append(match)
    return matches


# Scenario used by several modules: a small world with a shipped order, a pending
# shipment and backorders on three products (one more product is discontinued).
PRODUCTS_CSV = """sku,name,discontinued
B-200,Bolts,false
A-100,Anchors,false
C-300,Clamps,false
D-400,Drills,true
"""
RECEIPTS_CSV = """receipt,received_at,sku,qty
R-1,2026-11-20T08:00:00,A-100,10
R-1,2026-11-20T08:00:00,B-200,4
"""
ORDERS_CSV = """order,customer,ordered_at,priority,ship_complete,line,sku,qty
1001,Acme Ltd,2026-11-21T09:00:00,5,false,1,A-100,6
1001,Acme Ltd,2026-11-21T09:00:00,5,false,2,B-200,6
1002,Bolt & Co,2026-11-21T10:00:00,1,false,1,A-100,8
1003,Core Inc,2026-11-21T11:00:00,5,true,1,C-300,2
"""
# After this: S0000001 (order 1001: A-100 6, B-200 4) shipped, S0000002 (order 1002: A-100 4) pending.
WORLD_STOCK = [
    {"sku": "A-100", "on_hand": "4", "committed": "4", "available": "0", "backordered": "4"},
    {"sku": "B-200", "on_hand": "0", "committed": "0", "available": "0", "backordered": "2"},
    {"sku": "C-300", "on_hand": "0", "committed": "0", "available": "0", "backordered": "2"},
    {"sku": "D-400", "on_hand": "0", "committed": "0", "available": "0", "backordered": "0"},
]


def build_world(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS_CSV)
    cli.import_ok("receipts", "receipts.csv", RECEIPTS_CSV)
    cli.import_ok("orders", "orders.csv", ORDERS_CSV)
    cli.ok("ship", "S0000001")


@dataclass(frozen=True)
class Saved:
    """A database built once, and its four exports."""

    db: str
    snapshot: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """One command run on a copy of a saved database, and the four exports afterwards."""

    result: subprocess.CompletedProcess[str]
    before: dict[str, str]
    after: dict[str, str]


def cli_on(place: Place, db: str, where: Path | None = None, subprocess: bool = False) -> Cli:
    """The program in WHERE (PLACE's folder by default) on DB, with a private home; in a
    process of its own if SUBPROCESS."""
    cwd = where or place.folder
    home = cwd / "home"
    home.mkdir(parents=True, exist_ok=True)
    return Cli(cwd=cwd, db=db, home=home, subprocess=subprocess)


def own_process(request: pytest.FixtureRequest) -> bool:
    """Whether the asking test is marked `subprocess`: it is about what only a process of its own
    shows (the installed script, argparse's exit, signals, file modes, the log file)."""
    return request.node.get_closest_marker("subprocess") is not None


def build(place: Place, name: str, fill: Callable[[Cli], None], start: Saved | None = None) -> Saved:
    """A database made by FILL on a new database (or a copy of START), with its exports."""
    builder = cli_on(place, place.copy(start.db, name) if start else place.new(name))
    fill(builder)
    return Saved(frozen(builder.db), builder.snapshot())


def run_batch(
    place: Place,
    shelf: Shelf,
    what: str,
    saved: Saved,
    commands: dict[str, list[str]],
    files: dict[str, str] | None = None,
    subprocess: bool = False,
) -> dict[str, Outcome]:
    """Run each of COMMANDS (expected to be refused) on a copy of SAVED, once per session
    and kind of database (WHAT names the batch); each in a process of its own if SUBPROCESS.

    Four exports after every command would cost four programs per case; instead
    the exports are taken once after the whole batch. If they differ from SAVED's,
    some command changed the database: then every command is run again on its own
    copy with its own exports, so each case reports exactly what it did.
    """

    def run_all(on: Place) -> dict[str, Outcome]:
        where = on.folder / what.replace(" ", "-")
        where.mkdir(parents=True, exist_ok=True)
        shared = cli_on(on, on.copy(saved.db, "shared"), where, subprocess)
        for name, text in (files or {}).items():
            shared.write(name, text)
        # Side by side: refused commands only read, and the busy timeout queues any writer.
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
            done = list(pool.map(lambda argv: shared.run(*argv), commands.values()))
        results = dict(zip(commands, done, strict=True))
        after = shared.snapshot()
        if after == saved.snapshot:
            return {key: Outcome(result, saved.snapshot, after) for key, result in results.items()}
        outcomes = {}
        for key, argv in commands.items():
            own = cli_on(on, on.copy(saved.db, "case"), where, subprocess)
            outcomes[key] = Outcome(own.run(*argv), saved.snapshot, own.snapshot())
        return outcomes

    return shelf.once(place.kind, what, run_all)


def assert_unchanged(outcome: Outcome, what: str) -> None:
    for kind in outcome.before:
        assert outcome.after[kind] == outcome.before[kind], f"export {kind} changed after {what}"


@pytest.fixture
def cli(place: Place, request: pytest.FixtureRequest) -> Cli:
    """The program on a fresh database of this test."""
    return cli_on(place, place.new("test"), subprocess=own_process(request))


@pytest.fixture
def saved_world(place: Place, shelf: Shelf) -> Saved:
    """The small world, built once per session and kind of database."""
    return shelf.once(place.kind, "world", lambda on: build(on, "world", build_world))


@pytest.fixture
def world(place: Place, saved_world: Saved, request: pytest.FixtureRequest) -> Cli:
    """The program on this test's own copy of the small world."""
    return cli_on(place, place.copy(saved_world.db, "world"), subprocess=own_process(request))
