"""Only `init` and `demo` create a database (SPEC 6, issue 10): every other command refuses a
path with no database and creates no file; a file of another application, a text file, an
empty file and a database of a newer version are refused and left untouched, byte for byte."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from backorder_desktop.store.schema import MIGRATIONS
from tests.cli.conftest import Cli, cli_on
from tests.places import Place, sqlite_only

# Every command but init and demo, as a person would type it on a mistyped --db.
REFUSING = {
    "export": ["export", "shipments", "-o", "nightly.csv"],
    "export-stdout": ["export", "stock"],
    "check": ["check"],
    "run": ["run", "primary"],
    "dry-run": ["run", "primary", "--dry-run"],
    "prefs": ["prefs"],
    "prefs-set": ["prefs", "--enable"],
    "schedules": ["schedules"],
    "schedules-set": ["schedules", "set", "7792", "--on"],
    "import": ["import", "products", "products.csv"],
    "ship": ["ship", "S0000001"],
    "void-order": ["void-order", "1001"],
}


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"not one line: {stderr!r}"
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in stderr
    return lines[0]


@sqlite_only
@pytest.mark.parametrize("command", list(REFUSING))
def test_a_mistyped_path_is_refused_with_how_to_create_one_and_no_file_appears(
    place: Place, tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    typo = folder / "typo.db"
    cli = cli_on(place, str(typo), where=tmp_path, subprocess=True)
    cli.write("products.csv", "sku,name\nA-1,Anchors\n")
    before = files_in(folder), files_in(tmp_path)
    done = cli.run(*REFUSING[command])
    assert done.returncode == 1, done.stderr
    line = one_error_line(done.stderr)
    assert line == f"error: {typo}: no database here; create one with: backorder-desktop init --db {typo}"
    assert (files_in(folder), files_in(tmp_path)) == before, "a refused command created a file"
    assert not (tmp_path / "nightly.csv").exists()


@sqlite_only
def test_the_default_place_is_refused_too_and_says_plain_init(place: Place, tmp_path: Path) -> None:
    cli = cli_on(place, "unused", where=tmp_path, subprocess=True)
    done = cli.run("check", db=False)
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert line.endswith("no database here; create one with: backorder-desktop init"), line
    assert not (cli.home / "backorders.sqlite3").exists()
    assert cli.run("init", db=False).returncode == 0
    assert cli.run("check", db=False).returncode == 0


def test_init_creates_an_empty_database_with_both_schedules_off_and_then_changes_nothing(
    place: Place,
) -> None:
    db = place.bare("fresh")
    cli = cli_on(place, db)
    created = cli.run("init")
    assert created.returncode == 0, created.stderr
    assert "created" in created.stdout + created.stderr
    schedules = json.loads(cli.ok("schedules", "--format", "json"))
    assert [s["on"] for s in schedules] == [False, False]
    assert cli.export("stock") == []
    before = cli.snapshot()
    again = cli.run("init")
    assert again.returncode == 0, again.stderr
    assert "already" in again.stdout + again.stderr and "nothing changed" in again.stdout + again.stderr
    assert cli.snapshot() == before


@sqlite_only
def test_demo_creates_a_missing_database_and_fills_it(place: Place, tmp_path: Path) -> None:
    cli = cli_on(place, str(tmp_path / "shop.sqlite3"), where=tmp_path)
    assert cli.run("demo").returncode == 0
    assert len(cli.export("stock")) == 77


def other_applications_files(folder: Path) -> dict[str, Path]:
    """SQLite files other programs made: one with its own `product` table, one in WAL mode,
    one with an application id of its own, one bare (valid header, no tables)."""
    files = {}
    shop = folder / "other-shop.db"
    with sqlite3.connect(shop) as raw:
        raw.execute("CREATE TABLE product (code TEXT PRIMARY KEY, label TEXT, price REAL)")
        raw.execute("INSERT INTO product VALUES ('X1', 'Widget', 9.5)")
    files["own product table"] = shop
    notes = folder / "notes.db"
    raw = sqlite3.connect(notes)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("CREATE TABLE note (body TEXT)")
    raw.execute("INSERT INTO note VALUES ('remember the milk')")
    raw.commit()
    raw.close()
    files["wal mode"] = notes
    tagged = folder / "tagged.db"
    with sqlite3.connect(tagged) as raw:
        raw.execute("PRAGMA application_id = 1234567")
        raw.execute("CREATE TABLE schema_migration (name TEXT, applied TEXT)")
        raw.execute("INSERT INTO schema_migration VALUES ('0001_initial', '2026-01-01')")
    files["another application id"] = tagged
    peewee_app = folder / "peewee-app.db"
    with sqlite3.connect(peewee_app) as raw:  # another program using the same migration runner
        raw.execute("CREATE TABLE schema_migration (name TEXT, applied TEXT)")
        raw.execute("INSERT INTO schema_migration VALUES ('0001_initial', '2026-01-01')")
        raw.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY)")
    files["same migration runner"] = peewee_app
    return files


def assert_untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before, f"{path.name} was changed"
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(f"{path}{suffix}").exists(), f"{path.name}{suffix} was left behind"


@sqlite_only
@pytest.mark.parametrize("command", [["export", "stock"], ["check"], ["init"], ["demo"], ["prefs"]])
def test_another_applications_sqlite_file_is_refused_and_left_byte_for_byte(
    place: Place, tmp_path: Path, command: list[str]
) -> None:
    for what, path in other_applications_files(tmp_path).items():
        before = path.read_bytes()
        done = cli_on(place, str(path), where=tmp_path).run(*command)
        assert done.returncode == 1, f"{what}: {done.stderr}"
        line = one_error_line(done.stderr)
        assert str(path) in line and "another application" in line, f"{what}: {line}"
        assert_untouched(path, before)


@sqlite_only
@pytest.mark.parametrize("command", [["export", "stock"], ["init"], ["demo"]])
def test_a_text_file_is_refused_in_one_line_and_left_alone(
    place: Place, tmp_path: Path, command: list[str]
) -> None:
    letter = tmp_path / "letter.db"
    letter.write_text("Dear customer, your order is on its way.\n", encoding="utf-8")
    before = letter.read_bytes()
    done = cli_on(place, str(letter), where=tmp_path).run(*command)
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "not a Backorder Desktop database" in line, line
    assert_untouched(letter, before)


@sqlite_only
def test_an_empty_file_is_refused_but_init_makes_it_a_database(place: Place, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    cli = cli_on(place, str(empty), where=tmp_path)
    done = cli.run("export", "stock")
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "empty" in line and f"init --db {empty}" in line, line
    assert_untouched(empty, b"")
    assert cli.run("init").returncode == 0
    assert cli.run("check").returncode == 0


def newer(db: Path, how: str) -> None:
    """Make DB look written by a newer version: a step in its history this program does not
    know (journal left in rollback mode, as an old program might), or a schema version in its
    header (left in WAL mode, as ours are)."""
    raw = sqlite3.connect(db)
    if how == "history":
        raw.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('0099_from_the_future', '2027-01-01')"
        )
        raw.commit()
        raw.execute("PRAGMA journal_mode=delete")
    else:
        raw.execute("PRAGMA user_version = 99")
        raw.commit()
    raw.close()


@sqlite_only
@pytest.mark.parametrize("how", ["history", "header"])
@pytest.mark.parametrize("command", [["export", "stock"], ["init"], ["demo"], ["check"]])
def test_a_database_of_a_newer_version_is_refused_before_any_pragma(
    place: Place, tmp_path: Path, command: list[str], how: str
) -> None:
    db = tmp_path / "newer.sqlite3"
    cli = cli_on(place, str(db), where=tmp_path)
    assert cli.run("init").returncode == 0
    newer(db, how)
    before = db.read_bytes()
    done = cli.run(*command)
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "newer version of Backorder Desktop" in line and "(schema 99," in line, line
    assert_untouched(db, before)


APPLICATION_ID = 0x426B4F72
SCHEMA_VERSION = max(int(step.name[:4]) for step in MIGRATIONS.glob("[0-9]*.py"))  # the newest step known


@sqlite_only
def test_our_databases_carry_our_application_id_and_older_ones_get_it(place: Place, tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite3"
    cli = cli_on(place, str(db), where=tmp_path)
    assert cli.run("init").returncode == 0
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION, "in the header"
        raw.execute("PRAGMA application_id = 0")  # as the versions before this one wrote it
        raw.execute("PRAGMA user_version = 0")
    raw.close()
    assert cli.run("export", "stock").returncode == 0, "an older file of ours is recognised"
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


@pytest.mark.parametrize("place", ["postgresql"], indirect=True)
def test_postgresql_an_empty_database_is_set_up_only_by_init_and_a_foreign_one_is_refused(
    place: Place,
) -> None:
    import psycopg

    empty = place.bare("empty")
    cli = cli_on(place, empty)
    done = cli.run("export", "stock")
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "no tables" in line and "backorder-desktop init --db" in line, line
    with psycopg.connect(empty) as conn:
        tables = conn.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables.fetchone()[0] == 0, "a refused command set the database up"
    with_password = empty.replace("postgres@", "postgres:s3cret-pw@", 1)  # trust: any password
    done = cli.run("check", db=with_password)
    assert done.returncode == 1 and "s3cret-pw" not in done.stderr and ":***@" in done.stderr, done.stderr
    assert cli.run("init").returncode == 0
    assert cli.run("check").returncode == 0

    foreign = place.bare("foreign")
    with psycopg.connect(foreign) as conn:
        conn.execute("CREATE TABLE product (code TEXT PRIMARY KEY, label TEXT)")
        conn.execute("INSERT INTO product VALUES ('X1', 'Widget')")
    for command in (["export", "stock"], ["init"], ["demo"]):
        done = cli_on(place, foreign).run(*command)
        assert done.returncode == 1
        assert "another application" in one_error_line(done.stderr)
    with psycopg.connect(foreign) as conn:
        names = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        assert [n for (n,) in names] == ["product"]
        assert conn.execute("SELECT * FROM product").fetchall() == [("X1", "Widget")]


def test_commands_on_a_database_made_by_init_work(cli: Cli) -> None:
    """The fixtures' databases are made with init, as a person's are."""
    assert cli.export("stock") == []
    assert cli.run("check").returncode == 0
