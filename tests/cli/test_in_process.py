"""The command-line tests run the program in process (tests/cli/conftest.py): there it must give
what the installed script gives in a process of its own, the same exit status and the same
text on stdout and stderr, byte for byte. Each case runs both ways, on the small world (one copy
for the commands that only read, a copy each way for those that write), and the two are
compared whole: status, outputs and the files written.

BACKORDER_TEST_SUBPROCESS=1 runs every other command-line test in a process of its own too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Saved, cli_on
from tests.places import Place, Shelf, sqlite_only

FILES = {
    # Every problem on its own line, a hidden character shown escaped, a full-width SKU.
    "bad.csv": "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
    "2001,Acme Ltd,2026-11-21T09:00:00,5,false,1,Ｃ-300\u202e,2\n"
    "2002,Acme Ltd,not a date,5,maybe,1,NO-SUCH,-1\n",
    "products.csv": "sku,name\nE-500,Écrous « inox » ✓\n",
    "adjustments.csv": "sku,qty,reason\nB-200,7,found a box\n",
}

# What argparse answers before any database is opened (so on SQLite only).
ARGUMENTS: dict[str, list[str]] = {
    "version": ["--version"],
    "help": ["--help"],
    "run help": ["run", "--help"],
    "unknown command": ["frobnicate"],
    "bad choice": ["export", "stock", "--format", "xml"],
    "explain without dry run": ["run", "primary", "--explain"],
}
# Commands that change nothing in the database: both ways run on one copy per kind.
READING: dict[str, list[str]] = {
    "export stock": ["export", "stock"],
    "export shipments json": ["export", "shipments", "--format", "json"],
    "export to a file": ["export", "backorders", "-o", "backorders.csv"],
    "export to a folder": ["export", "stock", "-o", "."],
    "check": ["check"],
    "schedules": ["schedules"],
    "schedules json": ["schedules", "--format", "json"],
    "bad schedule": ["schedules", "set", "7792", "--every", "0"],
    "bad import": ["import", "orders", "bad.csv"],
    "missing file": ["import", "orders", "no-such.csv"],
    "refused ship": ["ship", "S0000001"],
    "hidden character": ["void-order", "9\u200b99"],
    "no such order": ["void-order", "Ördér-1"],
}
# Commands that write: each way on a copy of its own.
WRITING: dict[str, list[str]] = {
    "prefs": ["prefs", "--order-by", "date"],
    "import with accents": ["import", "products", "products.csv"],
    "ship": ["ship", "S0000002"],
    "void order": ["void-order", "1003"],
    "adjustments": ["import", "adjustments", "adjustments.csv"],
}


def both_ways(place: Place, where: Path, argv: list[str], db: Callable[[], str]) -> list[tuple[object, ...]]:
    """ARGV run in process and in a process of its own, each on the database DB() gives: the exit
    status, stdout, stderr (where the database is named DB) and the files written."""
    seen = []
    for own in (False, True):
        folder = where / ("own" if own else "here")
        folder.mkdir()
        cli = cli_on(place, db(), where=folder, subprocess=own)
        for name, text in FILES.items():
            cli.write(name, text)
        done = cli.run(*argv)
        written = {p.name: p.read_bytes() for p in folder.iterdir() if p.name not in FILES and p.is_file()}
        seen.append(
            (done.returncode, done.stdout.replace(cli.db, "DB"), done.stderr.replace(cli.db, "DB"), written)
        )
    return seen


@pytest.fixture
def shared_copy(place: Place, shelf: Shelf, saved_world: Saved) -> str:
    """One copy of the small world per kind, for the commands that only read."""
    return shelf.once(place.kind, "in process, reading", lambda on: on.copy(saved_world.db, "reading"))


@sqlite_only
@pytest.mark.parametrize("case", ARGUMENTS)
def test_what_argparse_answers_is_the_same_in_process(
    place: Place, shared_copy: str, tmp_path: Path, case: str
) -> None:
    seen = both_ways(place, tmp_path, ARGUMENTS[case], lambda: shared_copy)
    assert seen[0] == seen[1]


@pytest.mark.parametrize("case", READING)
def test_a_command_that_reads_gives_the_same_in_process(
    place: Place, shared_copy: str, tmp_path: Path, case: str
) -> None:
    seen = both_ways(place, tmp_path, READING[case], lambda: shared_copy)
    assert seen[0] == seen[1]


@pytest.mark.parametrize("case", WRITING)
def test_a_command_that_writes_gives_the_same_in_process(
    place: Place, saved_world: Saved, tmp_path: Path, case: str
) -> None:
    seen = both_ways(place, tmp_path, WRITING[case], lambda: place.copy(saved_world.db, "copy"))
    assert seen[0] == seen[1]


@sqlite_only
def test_in_process_leaves_the_umask_the_folder_and_the_environment_as_they_were(
    place: Place, saved_world: Saved, tmp_path: Path
) -> None:
    folder, environment = Path.cwd(), dict(os.environ)
    umask = os.umask(0o022)
    os.umask(umask)
    cli = cli_on(place, place.copy(saved_world.db, "copy"), where=tmp_path)
    cli.env["TZ"] = "America/New_York"
    assert cli.run("export", "stock", "-o", "stock.csv").returncode == 0
    assert stat.S_IMODE((tmp_path / "stock.csv").stat().st_mode) == 0o600  # the program's umask, inside
    assert (Path.cwd(), dict(os.environ)) == (folder, environment)
    assert os.umask(umask) == umask
    assert (cli.home / "logs" / "backorder-desktop.log").exists()  # its log, in its own home
