"""Edges a fresh-eyes review of issue 10 found by hand: `export -o` never replaces a database, the
program's log or a device; every way in caps its problems at 100; an error stays one readable
line whatever a value holds; the hint to create a database is one a person can copy."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import PROGRAM, Cli, cli_on, file_errors
from tests.places import Place, sqlite_only


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, f"not one line: {stderr!r}"
    return lines[0]


@sqlite_only
def test_export_o_never_replaces_the_open_database_or_its_wal(cli: Cli) -> None:
    cli.ok("prefs", "--enable")
    for name in (cli.db, f"{cli.db}-wal"):
        before = Path(name).read_bytes() if Path(name).exists() else None
        done = cli.run("export", "stock", "-o", name)
        assert done.returncode == 1, done
        assert "it is the open database" in one_line(done.stderr)
        assert (Path(name).read_bytes() if Path(name).exists() else None) == before
    assert "back order management: enabled" in cli.ok("prefs"), "the database is intact"


def test_export_o_never_replaces_another_database(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    subprocess.run([PROGRAM, "--db", str(other), "init"], check=True, capture_output=True)
    before = other.read_bytes()
    done = cli.run("export", "stock", "-o", other)
    assert done.returncode == 1
    assert "it is a database; an export never replaces one" in one_line(done.stderr)
    assert other.read_bytes() == before


@pytest.mark.subprocess
def test_export_o_never_replaces_the_programs_log(cli: Cli) -> None:
    cli.ok("check")  # the log exists
    log = cli.home / "logs" / "backorder-desktop.log"
    before = log.read_bytes()
    done = cli.run("export", "stock", "-o", log)
    assert done.returncode == 1
    assert "it is the program's log file" in one_line(done.stderr)
    assert log.read_bytes().startswith(before)


@pytest.mark.subprocess
def test_export_o_onto_a_device_or_a_pipe_leaves_it_one(cli: Cli, tmp_path: Path) -> None:
    # Never the real /dev/null: a program that renames over it (the bug) would replace the
    # machine's own device. A device node of the same kind in the test's folder stands in.
    pipe, device = tmp_path / "pipe", tmp_path / "null"
    os.mkfifo(pipe)
    targets = [pipe]
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        targets.append(device)
    except PermissionError:
        pass  # not root: the pipe alone
    for target in targets:
        done = cli.run("export", "stock", "-o", target)
        assert done.returncode == 1
        assert "it is a device or a pipe, not a file" in one_line(done.stderr)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    if device in targets:
        assert stat.S_ISCHR(os.stat(device).st_mode), "the device is still a device"


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("receipts", "receipt,received_at,sku,qty", "R{n},2026-11-20T08:00:00,NOPE-{n},1"),
        ("adjustments", "sku,qty,reason", "NOPE-{n},-1,count"),
        ("returns", "order,sku,qty", "NO-ORDER-{n},A-100,1"),
    ],
)
def test_every_import_prints_at_most_100_problems_then_a_count(
    cli: Cli, kind: str, header: str, row: str
) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nA-100,Anchors\n")
    lines = "\n".join(row.format(n=n) for n in range(1, 301))
    done = cli.run("import", kind, cli.write(f"{kind}.csv", f"{header}\n{lines}\n"))
    assert done.returncode == 2, done
    printed = done.stderr.splitlines()
    assert len(printed) == 101, printed[-3:]
    assert printed[-1] == f"error: … and 200 more problems in {kind}.csv"
    numbers = [int(m["line"]) for m in file_errors("\n".join(printed[:-1]))]
    assert numbers == sorted(numbers) and numbers[0] == 2, "the first lines, in line order"


def test_a_column_name_with_a_newline_or_a_nul_is_one_readable_line(cli: Cli) -> None:
    done = cli.run("import", "products", cli.write("p.csv", 'sku,name,"ev\nil\x00\u202e"\nX,y,z\n'))
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "\x00" not in line and "\u202e" not in line
    assert "ev\\u000ail\\u0000\\u202e" in line


def test_void_order_with_a_hidden_character_names_it(world: Cli) -> None:
    done = world.run("void-order", "10\u200b01")
    assert done.returncode == 2
    assert "U+200B ZERO WIDTH SPACE" in one_line(done.stderr)


@sqlite_only
def test_the_hint_to_create_a_database_can_be_copied(place: Place, tmp_path: Path) -> None:
    spaced = tmp_path / "my shop.sqlite3"
    cli = cli_on(place, str(spaced), where=tmp_path)
    line = one_line(cli.run("check").stderr)
    program, *words = shlex.split(line.split("create one with: ", 1)[1])
    assert program == "backorder-desktop"
    assert subprocess.run([PROGRAM, *words], capture_output=True).returncode == 0
    assert spaced.exists()
    line = one_line(cli.run("check", db=str(tmp_path / "no-folder" / "x.sqlite3")).stderr)
    assert "the folder" in line and "does not exist" in line and "init" not in line
    line = one_line(cli.run("check", db=str(tmp_path)).stderr)
    assert "is a folder, not a database file" in line


@pytest.mark.parametrize("place", ["postgresql"], indirect=True)
def test_the_hint_on_a_server_carries_no_password_at_all(place: Place) -> None:
    empty = place.bare("empty").replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    done = cli_on(place, empty).run("export", "stock")
    line = one_line(done.stderr)
    assert "s3cret-pw" not in line
    command = line.split("create one with: ", 1)[1]
    assert command.startswith("backorder-desktop init --db postgresql://postgres@"), command
