"""Fuzzing the importers in-process (issue 6 item 4): generated CSV files, with right,
wrong and missing columns and cells of every sort, either import or raise BadInput
whose every problem names '<file>:<line>' (or the file, for a problem of the file);
never another exception, and after BadInput the database is exactly as it was. After
an import, `check` finds nothing wrong and the rows read back from the database are
what the file said, read here by a reader of the test's own."""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backorder_desktop.domain import shipments
from backorder_desktop.domain.check import check
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.files.imports import KINDS, import_file
from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database
from tests.cli.conftest import ORDERS_CSV, PRODUCTS_CSV, RECEIPTS_CSV
from tests.places import copy_database, table_rows

FULL = os.environ.get("BACKORDER_FULL") == "1"
EXAMPLES = 1000 if FULL else 100

COLUMNS = {
    "products": ["sku", "name", "discontinued"],
    "customers": ["customer", "address", "city", "region", "postal_code", "country"],
    "orders": ["order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty"],
    "receipts": ["receipt", "received_at", "sku", "qty"],
    "adjustments": ["sku", "qty", "reason"],
    "returns": ["order", "sku", "qty"],
}
WRONG_COLUMNS = ["colour", "SKU", "Qty", "", " sku", "notes", "order number", "qty;sku", "ñame"]
COUNTED = ("product", "orders", "receipt", "ledger")

SKUS = ["A-100", "B-200", "C-300", "D-400", "Z-999", "a-100", " A-100 ", "", "S" * 300]
NUMBERS = ["1", "2", "7", "0", "-1", "-5", "+3", "1.5", "12 pcs", "5kg", "1e3", "", " 4 ", "٣"]
NUMBERS += [str(10**9), str(10**9 + 1), str(10**30), str(-(10**30)), "0x10", "1_000"]
DATES = ["2026-11-24T09:30:00", "2026-11-24", "2026-11-24 09:30", "2026-11-24T09:30:00Z"]
DATES += ["2026-11-24T09:30:00+02:00", "2026-13-01", "2026-02-30", "11/24/2026", "24.11.2026", ""]
DATES += ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-11-24T25:00:00"]
BOOLEANS = ["true", "false", "TRUE", "False", "yes", "no", "1", "0", ""]
KEYS = ["1001", "1002", "1003", "5001", "5002", "R-1", "R-2", "", "x'); DROP TABLE orders; --"]
TEXTS = ["Acme Ltd", '=HYPERLINK("http://evil.example/","x")', "x'); DROP TABLE product; --", "N" * 256]
POOLS = {
    "sku": SKUS,
    "qty": NUMBERS,
    "line": NUMBERS,
    "priority": [*NUMBERS, "9", "10"],
    "ordered_at": DATES,
    "received_at": DATES,
    "ship_complete": BOOLEANS,
    "discontinued": BOOLEANS,
    "order": KEYS,
    "receipt": KEYS,
    "customer": TEXTS,
    "name": TEXTS,
    "reason": [*TEXTS, "", "damage"],
}
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",\"\n\r\t ;'=\x00\ufeff-0123456789")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=20,
)
TIMES = st.builds(
    lambda moment, zone: moment.isoformat() + zone,
    st.one_of(st.datetimes(), st.sampled_from([datetime.min, datetime.max])),
    st.sampled_from(["", "", "Z", "+14:00", "-14:00", "+05:30", "-0800"]),
)


# A value that is right for the column (in the template's world), so that whole
# files import often enough for the success path to be fuzzed too.
GOOD = {
    "products": {
        "sku": ["E-500", "F-600", "A-100"],
        "name": TEXTS[:3],
        "discontinued": ["true", "false", ""],
    },
    "customers": {
        "customer": ["Acme Ltd", "Bolt & Co", "Zed Corp"],
        "address": ["1 Harbour Road", "Unit 4, Mill Lane", ""],
        "city": ["Portsmouth", ""],
        "region": ["OR", ""],
        "postal_code": ["PO1 3AX", ""],
        "country": ["UK", ""],
    },
    "orders": {
        "order": ["5001", "5002"],
        "customer": ["Acme Ltd"],
        "ordered_at": ["2026-11-24T09:30:00"],
        "priority": ["5"],
        "ship_complete": ["false"],
        "line": ["1", "2", "3"],
        "sku": ["A-100", "B-200", "C-300"],
        "qty": ["1", "3"],
    },
    "receipts": {
        "receipt": ["R-2", "R-3"],
        "received_at": ["2026-11-24T07:00:00"],
        "sku": ["A-100", "C-300"],
    },
    "adjustments": {"sku": ["A-100", "C-300"], "qty": ["2", "-1"], "reason": ["count correction"]},
    "returns": {"order": ["1001"], "sku": ["A-100", "B-200"], "qty": ["1"]},
}


def cell(kind: str, column: str) -> st.SearchStrategy[str]:
    good = GOOD[kind].get(column, ["1"])
    pool = POOLS.get(column, TEXTS)
    chaos = st.one_of(st.sampled_from(pool), st.sampled_from(pool), ANY_TEXT, TIMES, st.integers().map(str))
    if column.endswith("_at"):
        chaos = st.one_of(st.sampled_from(pool), TIMES, chaos)
    return st.integers(0, 19).flatmap(lambda n: st.sampled_from(good) if n < 15 else chaos)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(KINDS))
    header = list(draw(st.permutations(COLUMNS[kind])))
    if draw(st.integers(0, 9)) == 0 and len(header) > 1:
        del header[draw(st.integers(0, len(header) - 1))]
    if draw(st.integers(0, 9)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(WRONG_COLUMNS)))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = [draw(cell(kind, column)) for column in header]
        change = draw(st.integers(0, 19))
        if change == 0:
            row.append(draw(ANY_TEXT))
        elif change == 1 and row:
            row.pop()
        rows.append(row)
    if draw(st.integers(0, 3)) > 0:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
        text = out.getvalue()
    else:  # joined by hand: quotes and commas inside cells break the rows
        text = "".join(",".join(r) + "\n" for r in [header, *rows])
    data = text.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        data = data + draw(st.binary(min_size=1, max_size=4))
    return kind, data


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database with the small world's products, receipt and orders, built once."""
    where = tmp_path_factory.mktemp("fuzz-template")
    path = where / "template.sqlite3"
    open_database(str(path), create=True)
    try:
        for kind, text in (("products", PRODUCTS_CSV), ("receipts", RECEIPTS_CSV), ("orders", ORDERS_CSV)):
            source = where / f"{kind}.csv"
            source.write_text(text, encoding="utf-8", newline="")
            import_file(kind, source)
        shipments.ship([1])  # order 1001: A-100 6 and B-200 4 shipped, so returns can be fuzzed
    finally:
        database.close()
    yield path


def counts(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, int]:
    return {table: len(rows[table]) for table in COUNTED}


# -- what a file says and what the database holds, side by side ------------------------------


def file_rows(data: bytes) -> list[dict[str, str]]:
    """The data rows of an import file that was accepted, read without the program's reader."""
    lines = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = [h.strip() for h in next(lines)]
    return [dict(zip(header, row, strict=True)) for row in lines if row and (len(row) > 1 or row[0].strip())]


def code(value: str) -> str:
    return unicodedata.normalize("NFKC", value.strip()).strip()


def stamp(value: str) -> str:
    """An ISO time as the database keeps it: local time, whole seconds, as text."""
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat(" ")


def holds(db: Path) -> dict[str, Any]:
    """What the database holds of everything an import writes, keyed by the file's terms."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:

        def rows(sql: str) -> list[Any]:
            return connection.execute(sql).fetchall()

        orders: dict[str, Any] = {
            number: [customer, at, priority, bool(complete), []]
            for number, customer, at, priority, complete in rows(
                "SELECT number, customer, ordered_at, priority, ship_complete FROM orders"
            )
        }
        for number, line, sku, qty in rows(
            "SELECT o.number, ol.line, p.sku, ol.ordered FROM order_line ol"
            " JOIN orders o ON o.id = ol.order_id JOIN product p ON p.id = ol.product_id ORDER BY ol.line"
        ):
            orders[number][4].append((line, sku, qty))
        receipts: dict[str, Any] = {n: [at, []] for n, at in rows("SELECT number, received_at FROM receipt")}
        for number, sku, qty in rows(
            "SELECT r.number, p.sku, rl.qty FROM receipt_line rl JOIN receipt r ON r.id = rl.receipt_id"
            " JOIN product p ON p.id = rl.product_id"
        ):
            receipts[number][1].append((sku, qty))
        return {
            "products": {
                sku: (name, bool(d)) for sku, name, d in rows("SELECT sku, name, discontinued FROM product")
            },
            "on_hand": dict(rows("SELECT sku, on_hand FROM product")),
            "customers": {
                name: tuple(address)
                for name, *address in rows(
                    "SELECT name, address, city, region, postal_code, country FROM customer"
                )
            },
            "orders": {n: (*fields[:4], sorted(fields[4])) for n, fields in orders.items()},
            "receipts": {n: (at, sorted(lines)) for n, (at, lines) in receipts.items()},
            "adjustments": sorted(
                rows("SELECT p.sku, a.qty, a.reason FROM adjustment a JOIN product p ON p.id = a.product_id")
            ),
            "returns": sorted(
                rows(
                    "SELECT o.number, p.sku, r.qty FROM customer_return r JOIN orders o ON o.id = r.order_id"
                    " JOIN product p ON p.id = r.product_id"
                )
            ),
        }
    finally:
        connection.close()


def after_import(kind: str, data: bytes, before: dict[str, Any]) -> dict[str, Any]:
    """What the database must hold after importing DATA as KIND onto BEFORE."""
    after = copy.deepcopy(before)
    new_orders: dict[str, Any] = {}
    new_receipts: dict[str, Any] = {}
    for row in file_rows(data):
        if kind == "products":
            sku, discontinued = code(row["sku"]), row.get("discontinued", "").strip().lower()
            kept = after["products"].get(sku, (None, False))[1]
            after["products"][sku] = (row["name"].strip(), discontinued == "true" if discontinued else kept)
            after["on_hand"].setdefault(sku, 0)
        elif kind == "customers":
            address = ("address", "city", "region", "postal_code", "country")
            after["customers"][row["customer"].strip()] = tuple(row[column].strip() for column in address)
        elif kind == "orders":
            order = new_orders.setdefault(
                code(row["order"]),
                [
                    row["customer"].strip(),
                    stamp(row["ordered_at"]),
                    int(row["priority"].strip() or 5),
                    row["ship_complete"].strip().lower() == "true",
                    [],
                ],
            )
            order[4].append((int(row["line"].strip()), code(row["sku"]), int(row["qty"].strip())))
        elif kind == "receipts":
            receipt = new_receipts.setdefault(code(row["receipt"]), [stamp(row["received_at"]), []])
            receipt[1].append((code(row["sku"]), int(row["qty"].strip())))
            after["on_hand"][code(row["sku"])] += int(row["qty"].strip())
        elif kind == "adjustments":
            sku, qty = code(row["sku"]), int(row["qty"].strip())
            after["adjustments"].append((sku, qty, row["reason"].strip()))
            after["on_hand"][sku] += qty
        else:
            sku, qty = code(row["sku"]), int(row["qty"].strip())
            after["returns"].append((code(row["order"]), sku, qty))
            after["on_hand"][sku] += qty
    after["orders"].update({n: (*o[:4], sorted(o[4])) for n, o in new_orders.items()})
    after["receipts"].update({n: (at, sorted(lines)) for n, (at, lines) in new_receipts.items()})
    after["adjustments"].sort()
    after["returns"].sort()
    return after


@st.composite
def good_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """Files whose every cell is right for its column, in any column order, with or without
    the optional column, a BOM, CRLF, spaces about cells and blank lines: most import, so that
    what an import wrote is read back and compared often (a few repeat a key and are refused)."""
    kind = draw(st.sampled_from(KINDS))
    header = list(draw(st.permutations(COLUMNS[kind])))
    if kind == "products" and draw(st.booleans()):
        header.remove("discontinued")
    rows = [
        [draw(st.sampled_from(GOOD[kind].get(column, ["1"]))) for column in header]
        for _ in range(draw(st.integers(1, 4)))
    ]
    if kind in ("receipts", "adjustments", "returns") and draw(st.booleans()):
        rows = [
            [
                cell if column != "qty" else str(draw(st.integers(1, 3)))
                for column, cell in zip(header, row, strict=True)
            ]
            for row in rows
        ]
    spaced = draw(st.booleans())
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for row in rows:
        writer.writerow([f" {cell} " if spaced else cell for cell in row])
        if draw(st.integers(0, 4)) == 0:
            out.write("\n")
    data = out.getvalue().encode("utf-8")
    return kind, (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


def import_and_verify(template: Path, kind: str, data: bytes) -> None:
    """Import DATA as KIND on a copy of TEMPLATE: either it imports, `check` finds nothing wrong
    and the database holds what the file said, or BadInput names file:line and changes nothing."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        where = Path(scratch)
        db = copy_database(template, where / "fuzz.sqlite3")
        source = where / f"{kind}-fuzz.csv"
        source.write_bytes(data)
        before = table_rows(str(db))
        held_before = holds(db)
        open_database(str(db))
        try:
            import_file(kind, source)
            event(f"{kind}: imported")
            report = check()
            assert report.violations == [], f"check after importing {kind}: {report.violations}"
            database.close()
            assert holds(db) == after_import(kind, data, held_before), (
                f"the {kind} read back from the database are not what the file said"
            )
        except BadInput as error:
            event(f"{kind}: BadInput")
            place = re.compile(rf"^{re.escape(source.name)}:\d+$")
            assert error.problems, "BadInput with no problem"
            for problem in error.problems:
                assert place.match(problem.where) or problem.where == str(source), (
                    f"problem without file:line: {problem!r}"
                )
                assert problem.message.strip(), f"problem without a message: {problem!r}"
            database.close()
            after = table_rows(str(db))
            assert counts(after) == counts(before)
            assert after == before, "BadInput, yet the database changed"
        finally:
            database.close()


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(case=csv_files())
def test_importers_succeed_or_say_where(template: Path, case: tuple[str, bytes]) -> None:
    import_and_verify(template, *case)


@FUZZ_SETTINGS
@given(case=good_files())
def test_what_an_import_wrote_is_what_the_file_said(template: Path, case: tuple[str, bytes]) -> None:
    import_and_verify(template, *case)
