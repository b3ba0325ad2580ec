"""Issue 15: an orders file is imported the streamed way (an order held only while its rows
come, checked and written a part at a time, fields met before read by a look-up) or, when an
order's rows are apart, the held way (every order held to the end of the file). Whichever way a
file takes, the database and the messages are those of the held way with every field parsed by
fields.py, the way every file took before.

Each file is imported three ways, each on its own copy of one database: `import orders` as it
is (streamed with look-ups), streamed with every field parsed by fields.py, and held; then what
each printed (the summary line, or every problem line and the count of the rest) and every row
of every table are compared. Parts are made small (a few lines), so that a file spans several
and a bad row comes after parts were written. And the streamed way is seen to give up exactly
when the rows of an order are apart, also when they come back after their part was written."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import hypothesis.strategies as st
import peewee
import pytest
from hypothesis import HealthCheck, given, settings

from backorder_desktop.domain import clock, orders
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.files import order_import
from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database
from tests.domain.helpers import catalogue, order, receive
from tests.places import Place, is_postgres, table_rows

HEADER = ["order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty"]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make_catalogue(db: str) -> None:
    """Products with and without stock, one discontinued, and an order E1 already entered."""
    open_database(db)
    try:
        with mock.patch.object(clock, "utc_now", lambda: NOW):
            catalogue("P1", "P2", "P3", "P4", "D1", discontinued=("D1",))
            receive(P1=5, P2=3, P4=100)
            order("E1", ("P4", 1))
    finally:
        database.close()


def quick(path: Path) -> str:
    return order_import.import_orders(path)


def careful(path: Path) -> str:
    return order_import.import_orders(path, careful=True)


def held(path: Path) -> str:
    return order_import.summary(order_import.import_held(path), path.name)


def outcome(db: str, path: Path, way: Callable[[Path], str]) -> str:
    """What importing PATH into DB the given way printed: its summary, or its problems."""
    open_database(db)
    try:
        with mock.patch.object(clock, "utc_now", lambda: NOW):
            try:
                return way(path)
            except BadInput as refused:
                return "refused:\n" + "\n".join(refused.lines())
    finally:
        database.close()


def streamed_to_the_end(db: str, path: Path) -> bool:
    """Whether the streamed way took PATH (imported into DB, a copy to throw away) to its end,
    rather than giving up because the rows of an order were apart."""
    open_database(db)
    try:
        order_import.Streamed(path).enter()
    except order_import.Apart:
        return False
    except BadInput:
        pass
    finally:
        database.close()
    return True


def three_ways(place: Place, base: str, path: Path) -> list[tuple[str, dict[str, list[tuple[object, ...]]]]]:
    results = []
    for way in (quick, careful, held):
        db = place.copy(base, way.__name__)
        printed = outcome(db, path, way)
        results.append((printed, comparable(db)))
    return results


def comparable(db: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of DB; on PostgreSQL without the ids of shipment lines, the one
    table whose ids come from a sequence of the server, which a rolled back transaction does not
    give back: a streamed import given up for the held way leaves a gap in them (only there;
    no one sees those ids)."""
    tables = table_rows(db)
    if is_postgres(db):
        tables["shipment_line"] = sorted((row[1:] for row in tables["shipment_line"]), key=repr)
    return tables


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def row(number: str, line: str, sku: str, qty: str, **fields: str) -> list[str]:
    values = {
        "customer": "Acme",
        "ordered_at": "2026-11-24T09:30:00",
        "priority": "5",
        "ship_complete": "false",
    }
    values |= fields
    return [
        number,
        values["customer"],
        values["ordered_at"],
        values["priority"],
        values["ship_complete"],
        line,
        sku,
        qty,
    ]


GOOD = [row("A1", "1", "P1", "2"), row("A1", "2", "P2", "5"), row("A2", "1", "P1", "4", ship_complete="true")]

# name -> the rows of a file (the header of HEADER), each meant to show one way things go.
FILES: dict[str, list[list[str]]] = {
    "good": [*GOOD, row("A3", "1", "P3", "7"), row("A3", "2", "P4", "9999"), row("A3", "3", "P1", "1")],
    "ship complete, filled and not": [
        row("S1", "1", "P4", "3", ship_complete="true"),
        row("S1", "2", "P4", "3", ship_complete="TRUE"),
        row("S2", "1", "P1", "5", ship_complete="true"),
        row("S2", "2", "P2", "4", ship_complete="true"),
        row("S3", "1", "P1", "9", ship_complete=""),
    ],
    "lines out of order": [row("B1", "3", "P1", "1"), row("B1", "1", "P2", "1"), row("B1", "2", "P1", "9")],
    "texts written differently": [
        row(" C1 ", "1", "Ｐ1", "01", customer=" Acme ", priority=" 3", ordered_at="2026-11-24 09:30:00"),
        row("C1", "2", " P2", "10000", customer="Acme", priority="3", ordered_at="2026-11-24 09:30:00"),
        row("Ｃ2", "1", "P4", "2", ordered_at="2026-11-24", priority=""),
        row("C3", "1", "P4", "2", ordered_at="2026-11-24T09:30:00+02:00"),
    ],
    "orders apart": [*GOOD, row("A1", "3", "P3", "1"), row("A4", "1", "P4", "2")],
    "orders apart, back after their part was written, on a bad first row": [
        *[row(f"W{n}", "1", "P4", "1") for n in range(9)],
        row("W9", "1", "P4", "x"),
        row("W1", "2", "P4", "1", customer=""),
    ],
    "orders apart, back after their part was written": [
        *[row(f"W{n}", "1", "P4", "1") for n in range(9)],
        row("W1", "2", "P4", "1"),
    ],
    "orders apart, with problems": [*GOOD, row("A1", "3", "NOPE", "1"), row("A4", "1", "P4", "x")],
    "bad last row": [row(f"L{n}", "1", "P4", "1") for n in range(12)] + [row("L99", "1", "P4", "-1")],
    "unknown, discontinued, existing": [
        *GOOD,
        row("E1", "1", "P1", "1"),
        row("A5", "1", "NOPE", "1"),
        row("A5", "2", "D1", "1"),
        row("A6", "1", "", "2"),
    ],
    "bad fields everywhere": [
        row("", "1", "P1", "1"),
        row("F1", "0", "P1", "x", customer=""),
        row("F1", "1", "P1", "1", customer="Bolt"),
        row("F2", "1", "P\u200b1", "2", ordered_at="2026-02-30T09:00:00"),
        row("F3", "1", "P1", "1000000001", priority="10", ship_complete="yes"),
        row("F3", "1", "P2", "1", priority="9"),
        row("F4", "2", "P2", "1"),
        row("F4", "2", "P1", "1"),
        row("F4", "1", "P1", "1"),
        row("F4", "1", "P1", "1"),
        row("F5", "1", "x" * 300, "2", customer="y" * 300),
        row("F6\x00", "1", "P1", "1"),
    ],
    "a first row's bad field hides the order from the database check": [
        row("G1", "1", "P1", "0"),
        row("G1", "2", "NOPE", "1"),
        row("G2", "1", "NOPE", "1"),
    ],
    "more than 100 problems": [row(f"H{n}", "1", "NOPE" if n % 3 else "P1", "1") for n in range(150)]
    + [row(f"H{n}", "1", "P1", "x") for n in range(150, 200)],
}


@pytest.fixture
def base(place: Place) -> str:
    db = place.new("base")
    make_catalogue(db)
    return db


@pytest.fixture
def small_parts() -> Iterator[None]:
    with mock.patch.object(orders, "WRITE_CHUNK", 4):
        yield


@pytest.mark.parametrize("name", FILES)
def test_every_way_gives_the_same_database_and_messages(
    name: str, place: Place, base: str, small_parts: None, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(FILES[name]), encoding="utf-8")
    (printed, tables), *others = three_ways(place, base, path)

    for other_printed, other_tables in others:
        assert other_printed == printed
        assert other_tables == tables
    # The streamed way took the file to its end, unless an order's rows were apart.
    assert streamed_to_the_end(place.copy(base, "probe"), path) == ("apart" not in name)
    if printed.startswith("refused"):
        assert tables == comparable(base)  # nothing written
    else:
        assert printed.startswith("imported ")


def test_the_files_say_what_they_are_meant_to(
    place: Place, base: str, small_parts: None, tmp_path: Path
) -> None:
    """The table above is worth comparing: good files import, bad ones are refused for the
    reasons they were written with (read off the held way's lines)."""
    printed = {}
    for name in (
        "good",
        "bad last row",
        "more than 100 problems",
        "a first row's bad field hides the order from the database check",
    ):
        path = tmp_path / "orders.csv"
        path.write_text(csv_text(FILES[name]), encoding="utf-8")
        printed[name] = outcome(place.copy(base, "look"), path, held)
    assert printed["good"] == (
        "imported 3 orders (6 lines) from orders.csv: 105 units committed in 2 shipments, 9913 backordered"
    )
    assert printed["bad last row"] == "refused:\norders.csv:14: qty: '-1' is not a positive whole number"
    lines = printed["more than 100 problems"].splitlines()
    assert len(lines) == 102 and lines[-1] == "… and 50 more problems in orders.csv"
    assert printed["a first row's bad field hides the order from the database check"].splitlines() == [
        "refused:",
        "orders.csv:2: qty: 0 is not a positive whole number",
        "orders.csv:4: sku: unknown SKU 'NOPE'",
    ]


def test_a_bad_last_row_after_parts_were_written_leaves_nothing(
    place: Place, base: str, small_parts: None, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    path.write_text(csv_text(FILES["bad last row"]), encoding="utf-8")
    db = place.copy(base, "late")
    before = table_rows(db)
    written = []
    real_write = orders.Entry.write

    def write(entry: orders.Entry, part: list[orders.OrderInput]) -> None:
        written.append(len(part))
        real_write(entry, part)

    with mock.patch.object(orders.Entry, "write", write):
        printed = outcome(db, path, quick)

    # Two parts of four orders were written before the last row was read (the third part,
    # checked with it, was not).
    assert written == [4, 4]
    assert printed == "refused:\nlate.csv:14: qty: '-1' is not a positive whole number"
    assert table_rows(db) == before


def test_a_failure_while_writing_a_later_part_leaves_nothing(
    place: Place, base: str, small_parts: None, tmp_path: Path
) -> None:
    """A real refusal by the database (a trigger on one order line) while the last part is
    written, after the first parts were."""
    db = place.copy(base, "refusing")
    open_database(db)
    try:
        if is_postgres(db):
            database.db.execute_sql(
                "CREATE FUNCTION refuse_line() RETURNS trigger AS $$ BEGIN"
                " IF NEW.line = 99 THEN RAISE EXCEPTION 'refused line 99'; END IF; RETURN NEW; END $$"
                " LANGUAGE plpgsql"
            )
            database.db.execute_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON order_line"
                " FOR EACH ROW EXECUTE FUNCTION refuse_line()"
            )
        else:
            database.db.execute_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON order_line WHEN NEW.line = 99"
                " BEGIN SELECT RAISE(ABORT, 'refused line 99'); END"
            )
    finally:
        database.close()
    before = table_rows(db)
    path = tmp_path / "refused.csv"
    path.write_text(
        csv_text([*FILES["good"], row("Z1", "1", "P1", "1"), row("Z1", "99", "P1", "1")]), encoding="utf-8"
    )

    with pytest.raises(peewee.DatabaseError, match="refused line 99"):
        outcome(db, path, quick)

    assert table_rows(db) == before


# -- any file ----------------------------------------------------------------------------------

NUMBERS = ["A1", "A2", "A3", "A4", " A2", "Ａ3", "E1", "", "B\x00"]
CUSTOMERS = ["Acme", "Bolt Co", " Acme", "", "x" * 256]
TIMES = ["2026-11-24T09:30:00", "2026-11-25 10:00:00", "2026-11-24", "2026-11-24T09:30:00+02:00"]
BAD_TIMES = ["2026-02-30T09:00:00", "soon", "2026-11-24T25:00:00"]
PRIORITIES = ["", "1", "5", "9", " 3"]
BAD_PRIORITIES = ["0", "10", "x"]
SHIPS = ["false", "true", "", "TRUE"]
SKUS = ["P1", "P2", "P3", "P4", "P4 ", "Ｐ1"]
BAD_SKUS = ["D1", "NOPE", "", "P\u200b1", "x" * 300]
QTYS = ["1", "2", "5", "12", "9999", "10000", "01"]
BAD_QTYS = ["0", "-1", "x", "", "1000000001", " 2 "]


def mostly(good: list[str], bad: list[str], odds: int) -> st.SearchStrategy[str]:
    """A good value, or one time in ODDS a bad one (never, with ODDS 0)."""
    if not odds:
        return st.sampled_from(good)
    return st.one_of(*[st.sampled_from(good)] * (odds - 1), st.sampled_from(bad))


@st.composite
def order_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header in any column order and rows: orders of a few lines, sometimes the rows of orders
    apart. Half the files are clean (they import); in the others, now and then a bad field, a
    differing field, a repeated order number or line, a line number out of order, a row of the
    wrong width."""
    odds = draw(st.sampled_from([0, 0, 3, 8]))  # how often a field is bad
    clean = not odds
    rows: list[list[str]] = []
    for n in range(draw(st.integers(1, 10))):
        if clean:  # each order its own number, written in one of the ways that read as it
            number = draw(st.sampled_from([f"A{n}", f" A{n} ", f"Ａ{n}", f"A{n}\u00a0"]))
        else:
            number = draw(st.sampled_from(NUMBERS))
        fields = [
            draw(mostly(CUSTOMERS[:3], CUSTOMERS[3:], odds)),
            draw(mostly(TIMES, BAD_TIMES, odds)),
            draw(mostly(PRIORITIES, BAD_PRIORITIES, odds)),
            draw(mostly(SHIPS, ["yes"], odds)),
        ]
        lines = list(range(1, draw(st.integers(1, 4)) + 1))
        if draw(st.integers(0, 3)) == 0:
            lines = draw(st.permutations(lines))
        if not clean and draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(lines)))
        for line in lines:
            own = list(fields)
            if draw(st.integers(0, 5)) == 0:  # the same value written otherwise, or (unclean) another
                changed = draw(st.integers(0, 3))
                own[changed] = f" {own[changed]} "
                if not clean:
                    others = ["Other Co", "2026-11-26", "7", "true", own[changed]]
                    own[changed] = draw(st.sampled_from(others))
            line_text = str(line)
            if not clean and draw(st.integers(0, 9)) == 0:
                line_text = draw(st.sampled_from(["0", "x", "01"]))
            sku, qty = draw(mostly(SKUS, BAD_SKUS, odds)), draw(mostly(QTYS, BAD_QTYS, odds))
            rows.append([number, *own, line_text, sku, qty])
    if draw(st.integers(0, 3)) == 0:
        rows = draw(st.permutations(rows))
    if not clean and draw(st.integers(0, 15)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), ["A9", "Acme"])
    order_of_columns = draw(st.permutations(range(len(HEADER))))
    header = [HEADER[i] for i in order_of_columns]
    rows = [[r[i] for i in order_of_columns] if len(r) == len(HEADER) else r for r in rows]
    return header, rows


def orders_apart(header: list[str], rows: list[list[str]]) -> bool:
    """Whether the rows of some order (by its number as fields.code reads it) are apart."""
    at = header.index("order")
    read: set[str] = set()
    last = None
    for values in rows:
        if len(values) != len(header):
            continue  # a row of the wrong width is no order's
        number = unicodedata.normalize("NFKC", values[at]).strip()
        if not number or not number.isprintable():
            continue  # a bad order number: the row is no order's
        if number != last:
            if number in read:
                return True
            read.add(number)
            last = number
    return False


@pytest.fixture(scope="module")
def sqlite_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    place = Place("sqlite", tmp_path_factory.mktemp("ways"))
    db = place.new("base")
    make_catalogue(db)
    return db


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=order_files(), chunk=st.integers(1, 6))
def test_any_file_gives_the_same_database_and_messages_every_way(
    file: tuple[list[str], list[list[str]]], chunk: int, sqlite_base: str, tmp_path: Path
) -> None:
    header, rows = file
    path = tmp_path / "any.csv"
    path.write_text(csv_text(rows, header), encoding="utf-8")
    place = Place("sqlite", tmp_path)
    with mock.patch.object(orders, "WRITE_CHUNK", chunk):
        (printed, tables), *others = three_ways(place, sqlite_base, path)
    for other_printed, other_tables in others:
        assert other_printed == printed
        assert other_tables == tables
    if printed.startswith("refused"):
        assert tables == comparable(sqlite_base)
    # The streamed way went to the end unless the rows of an order were apart.
    assert streamed_to_the_end(place.copy(sqlite_base, "probe"), path) == (not orders_apart(header, rows))
