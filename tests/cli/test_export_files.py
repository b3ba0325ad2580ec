"""What an export leaves on disk (SPEC 7, issue 10): no cell a spreadsheet would run as a
formula, and `-o FILE` written whole through a private temporary file that no failure leaves
behind, that never follows a planted link, and that keeps the mode of the file it replaces."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.conftest import PROGRAM, Cli
from tests.faults.conftest import fill_up, needs_root, small_disk
from tests.places import sqlite_only

__all__ = ["small_disk"]  # a fixture shared with tests/faults

# Text a spreadsheet would run: every one of SPEC 7's leading characters, in every text column.
FORMULA_PRODUCTS = (
    "sku,name\n"
    '"=HYPERLINK(""http://evil.example/?q=1"",""click"")",Formula\n'
    "@SUM(1+1),At sign\n"
    "-2+3,Minus\n"
    "+cmd|' /C calc'!A0,Plus\n"
)
FORMULA_RECEIPTS = (
    "receipt,received_at,sku,qty\n=R1,2026-11-20T08:00:00,@SUM(1+1),5\n=R1,2026-11-20T08:00:00,-2+3,2\n"
)
FORMULA_ORDERS = (
    "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
    '+cmd|\' /C calc\'!A0,"=HYPERLINK(""http://evil.example"")",2026-11-21T09:00:00,5,false,1,@SUM(1+1),5\n'
    "-2+3,@Evil Co,2026-11-21T10:00:00,5,false,1,-2+3,4\n"
)
HYPERLINK = '=HYPERLINK("http://evil.example/?q=1","click")'


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def formulas(cli: Cli) -> Cli:
    """S0000001 (order '+cmd…', 5 of @SUM(1+1)) pending; order '-2+3' has 2 committed, 2 waiting;
    @SUM(1+1) adjusted to 2 on hand under 5 committed (available -3)."""
    cli.import_ok("products", "products.csv", FORMULA_PRODUCTS)
    cli.import_ok("receipts", "receipts.csv", FORMULA_RECEIPTS)
    cli.import_ok("orders", "orders.csv", FORMULA_ORDERS)
    cli.import_ok("adjustments", "adjustments.csv", "sku,qty,reason\n@SUM(1+1),-3,-count correction\n")
    return cli


def test_csv_exports_neutralise_formulas_and_keep_numbers(formulas: Cli) -> None:
    shipments = csv_rows(formulas.export_text("shipments"))
    assert [row[1:3] + row[8:] for row in shipments[1:]] == [
        ["'+cmd|' /C calc'!A0", '\'=HYPERLINK("http://evil.example")', "'@SUM(1+1)", "5"],
        ["'-2+3", "'@Evil Co", "'-2+3", "2"],
    ]
    backorders = csv_rows(formulas.export_text("backorders"))
    assert [row[:2] + row[3:] for row in backorders[1:]] == [["'-2+3", "'@Evil Co", "5", "1", "'-2+3", "2"]]
    stock = csv_rows(formulas.export_text("stock"))
    assert stock[1:] == [
        ["'+cmd|' /C calc'!A0", "0", "0", "0", "0"],
        ["'-2+3", "2", "2", "0", "2"],
        ["'=" + HYPERLINK[1:], "0", "0", "0", "0"],
        ["'@SUM(1+1)", "2", "5", "-3", "0"],  # a negative number is a number, written as it is
    ]


def test_json_exports_are_never_altered(formulas: Cli) -> None:
    shipments = json.loads(formulas.export_text("shipments", "json"))
    assert [(s["order"], s["customer"], s["sku"], s["qty"]) for s in shipments] == [
        ("+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example")', "@SUM(1+1)", 5),
        ("-2+3", "@Evil Co", "-2+3", 2),
    ]
    stock = json.loads(formulas.export_text("stock", "json"))
    assert [(s["sku"], s["available"]) for s in stock] == [
        ("+cmd|' /C calc'!A0", 0),
        ("-2+3", 0),
        (HYPERLINK, 0),
        ("@SUM(1+1)", -3),
    ]


def test_a_leading_tab_or_carriage_return_is_neutralised_too(formulas: Cli) -> None:
    """The importers trim values, so such text only comes from elsewhere (another program, an
    older version): put it in the database directly, as they would."""
    execute(formulas.db, "UPDATE orders SET customer = ? WHERE number = ?", ("\tTabbed", "-2+3"))
    execute(formulas.db, "UPDATE orders SET customer = ? WHERE number = ?", ("\r=1+1", "+cmd|' /C calc'!A0"))
    target = formulas.cwd / "shipments.csv"  # read as written: stdout as text would turn CR into LF
    formulas.ok("export", "shipments", "-o", target)
    shipments = csv_rows(target.read_bytes().decode("utf-8"))
    assert [row[2] for row in shipments[1:]] == ["'\r=1+1", "'\tTabbed"]
    as_json = json.loads(formulas.export_text("shipments", "json"))
    assert [s["customer"] for s in as_json] == ["\r=1+1", "\tTabbed"]


def execute(db: str, sql: str, params: tuple[object, ...]) -> None:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as connection:
            connection.execute(sql.replace("?", "%s"), params)
        return
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        with connection:
            connection.execute(sql, params)
    finally:
        connection.close()


# -- export -o FILE ------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files an export may have left in FOLDER."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".partial")))


@sqlite_only
@pytest.mark.subprocess
def test_o_naming_a_folder_is_one_line_and_creates_nothing(world: Cli) -> None:
    folder = world.cwd / "reports"
    folder.mkdir()
    before = sorted(p.name for p in world.cwd.iterdir())
    done = world.run("export", "stock", "-o", folder)
    assert done.returncode == 1, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "is a folder" in lines[0] and str(folder) in lines[0], done.stderr
    assert sorted(p.name for p in world.cwd.iterdir()) == before
    assert list(folder.iterdir()) == []


@sqlite_only
def test_a_link_planted_at_the_old_partial_name_is_not_followed(world: Cli) -> None:
    victim = world.cwd / "victim.txt"
    victim.write_text("precious\n")
    target = world.cwd / "stock.csv"
    planted = world.cwd / "stock.csv.partial"
    planted.symlink_to(victim)
    done = world.run("export", "stock", "-o", target)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert planted.is_symlink() and os.readlink(planted) == str(victim)
    assert target.read_text(encoding="utf-8") == world.export_text("stock")
    assert not target.is_symlink()
    assert leftovers(world.cwd) == ["stock.csv.partial"]  # only the planted link


@sqlite_only
@pytest.mark.subprocess
def test_a_new_export_is_private_and_a_replaced_one_keeps_its_mode(world: Cli) -> None:
    fresh = world.cwd / "fresh.csv"
    assert world.run("export", "stock", "-o", fresh).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600

    shared = world.cwd / "shared.csv"
    shared.write_text("old contents\n")
    shared.chmod(0o644)
    assert world.run("export", "stock", "-o", shared, "--format", "json").returncode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert json.loads(shared.read_text(encoding="utf-8"))[0]["sku"] == "A-100"
    assert leftovers(world.cwd) == []


@needs_root
@sqlite_only
@pytest.mark.subprocess
def test_a_full_disk_leaves_no_file_and_frees_what_it_wrote(world: Cli, small_disk: Path) -> None:
    world.import_ok(
        "products",
        "many.csv",
        "sku,name\n"
        + "".join(f"MANY-{n:06d},A product with a long name number {n}\n" for n in range(20_000)),
    )
    filler = fill_up(small_disk)
    free = os.statvfs(small_disk).f_bfree
    target = small_disk / "stock.csv"
    done = world.run("export", "stock", "-o", target)
    assert done.returncode == 1, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and str(target) in lines[0], done.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"], "no export, no temporary file"
    assert os.statvfs(small_disk).f_bfree == free, "the space the export took is free again"
    filler.unlink()
    assert world.run("export", "stock", "-o", target).returncode == 0
    assert sorted(p.name for p in small_disk.iterdir()) == ["stock.csv"]


def _export_waiting_on_a_lock(world: Cli, target: Path) -> subprocess.Popen[str]:
    """An `export stock -o TARGET` that has made its temporary file and waits for the product
    table, which the caller holds locked."""
    import psycopg

    env = {**os.environ, "BACKORDER_DESKTOP_HOME": str(world.home)}
    export = subprocess.Popen(
        [PROGRAM, "--db", world.db, "export", "stock", "-o", str(target)],
        cwd=world.cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal: a test run started in the background (`pytest &` in a script)
        # ignores SIGINT, and a child would inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    # Autocommit: inside a transaction, pg_stat_activity would show the same moment again and again.
    with psycopg.connect(world.db, autocommit=True) as watcher:
        while True:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE 'SELECT sku%FROM product' AND datname = current_database()"
            ).fetchone()
            if row and row[0] and leftovers(target.parent):
                return export
            assert export.poll() is None, export.communicate()
            assert time.monotonic() < deadline, "the export never started waiting"
            time.sleep(0.05)


# A reader that waits on a lock: PostgreSQL (SQLite's readers never wait).
@pytest.mark.parametrize("place", ["postgresql"], indirect=True)
@pytest.mark.parametrize("fault", ["interrupted", "query cancelled"])
def test_an_export_that_fails_midway_leaves_nothing(world: Cli, fault: str) -> None:
    import psycopg

    out = world.cwd / "out"
    out.mkdir()
    target = out / "stock.csv"
    with psycopg.connect(world.db) as locker:
        locker.execute("LOCK TABLE product IN ACCESS EXCLUSIVE MODE")
        export = _export_waiting_on_a_lock(world, target)
        if fault == "interrupted":
            export.send_signal(signal.SIGINT)  # Ctrl-C
        else:
            with psycopg.connect(world.db, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
        _stdout, stderr = export.communicate(timeout=60)
    assert export.returncode != 0, stderr
    if fault == "query cancelled":
        assert export.returncode == 1 and len(stderr.splitlines()) == 1, stderr
    assert list(out.iterdir()) == [], "neither the export nor its temporary file"
