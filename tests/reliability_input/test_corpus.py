"""Bad input (issue 6 item 4; SPEC 6, 7): every file of the malformed corpus is refused
with exit 2, every stderr line is `error: FILE:LINE[: FIELD]: message` naming the
right line (and field), and the database is exactly as it was (all four exports,
and every table row). Plus a 100,000-row (everyday) and a 1,000,000-row
(BACKORDER_FULL=1) orders file whose only bad row is the last."""

from __future__ import annotations

import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Saved, cli_on
from tests.places import Place, Shelf, table_rows
from tests.reliability_input.make_corpus import CORPUS

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
FULL = os.environ.get("BACKORDER_FULL") == "1"
# SPEC 6: `error: <file name>:<line>[: <field>]: <message>`, one line per problem.
ERROR_LINE = re.compile(r"^error: (?P<file>[^:/\\]+):(?P<line>\d+): (?P<rest>.+)$")

# The expected problems of every corpus file: (line, field), field None for a
# problem of the whole line or file. Line 1 is the header. The kind is the name's prefix.
EXPECTED: dict[str, list[tuple[int, str | None]]] = {
    # products
    "products-latin1.csv": [(3, None)],  # the é of "Café" is the first byte that is not UTF-8
    "products-utf16-bom.csv": [(1, None)],
    "products-bom-extra-column.csv": [(1, "colour")],
    "products-missing-name-column.csv": [(1, "name")],
    "products-empty.csv": [(1, None)],
    "products-header-only.csv": [(2, None)],
    "products-blank-sku.csv": [(3, "sku")],
    "products-long-sku.csv": [(2, "sku")],
    "products-duplicate-sku.csv": [(4, "sku")],
    "products-sql-name-bad-boolean.csv": [(3, "discontinued")],
    "products-formula-name-too-many-fields.csv": [(3, None)],
    "products-too-few-fields.csv": [(3, None)],
    "products-open-quote.csv": [(2, None)],  # the quote opens on line 2
    # orders
    "orders-latin1.csv": [(3, None)],
    "orders-utf16-bom.csv": [(1, None)],
    "orders-bom-unknown-sku.csv": [(3, "sku")],
    "orders-missing-qty-column.csv": [(1, "qty")],
    "orders-extra-column.csv": [(1, "note")],
    "orders-header-only.csv": [(2, None)],
    "orders-blank-lines-only.csv": [(1, None)],
    "orders-open-quote.csv": [(3, None)],
    "orders-huge-qty.csv": [(2, "qty")],
    "orders-negative-qty.csv": [(3, "qty")],
    "orders-qty-with-units.csv": [(2, "qty")],
    "orders-qty-decimal.csv": [(2, "qty")],
    "orders-date-us.csv": [(2, "ordered_at")],
    "orders-date-dotted.csv": [(2, "ordered_at")],
    "orders-date-month-13.csv": [(2, "ordered_at")],
    "orders-date-february-30.csv": [(2, "ordered_at")],
    "orders-date-year-10000-in-utc.csv": [(2, "ordered_at")],  # 9999-12-31T23:59:59-14:00
    "orders-date-year-0-in-utc.csv": [(3, "ordered_at")],  # 0001-01-01T00:00:00+14:00
    "orders-duplicate-line.csv": [(3, "line")],
    "orders-number-in-database.csv": [(3, "order")],  # 1002 is in the world
    "orders-discontinued-product.csv": [(2, "sku")],
    "orders-unknown-sku.csv": [(2, "sku")],
    "orders-ship-complete-yes.csv": [(2, "ship_complete")],
    "orders-priority-0.csv": [(2, "priority")],
    "orders-priority-10.csv": [(2, "priority")],
    "orders-sql-customer-unknown-sku.csv": [(3, "sku")],
    "orders-formula-customer-bad-date.csv": [(3, "ordered_at")],
    "orders-too-many-fields.csv": [(3, None)],
    "orders-too-few-fields.csv": [(2, None)],
    "orders-blank-sku.csv": [(2, "sku")],
    "orders-long-sku.csv": [(2, "sku")],
    "orders-customer-differs.csv": [(3, "customer")],
    "orders-line-zero.csv": [(2, "line")],
    # receipts
    "receipts-number-in-database.csv": [(3, "receipt")],  # R-1 is in the world
    "receipts-duplicate-sku.csv": [(3, "sku")],
    "receipts-unknown-sku.csv": [(2, "sku")],
    "receipts-date-dotted.csv": [(2, "received_at")],
    "receipts-huge-qty.csv": [(2, "qty")],
    "receipts-negative-qty.csv": [(2, "qty")],
    "receipts-zero-qty.csv": [(2, "qty")],
    "receipts-qty-with-units.csv": [(2, "qty")],
    "receipts-latin1.csv": [(3, None)],
    "receipts-missing-columns.csv": [(1, "received_at"), (1, "qty")],
    "receipts-header-only.csv": [(2, None)],
    "receipts-bom-column-twice.csv": [(1, "qty")],
    "receipts-received-at-differs.csv": [(3, "received_at")],
    # adjustments
    "adjustments-zero.csv": [(2, "qty")],
    "adjustments-qty-with-units.csv": [(2, "qty")],
    "adjustments-qty-decimal.csv": [(2, "qty")],
    "adjustments-huge.csv": [(2, "qty")],
    "adjustments-below-zero.csv": [(3, "qty")],  # A-100 has 4 on hand: 4 + 2 - 7 < 0
    "adjustments-blank-reason.csv": [(2, "reason")],
    "adjustments-unknown-sku.csv": [(3, "sku")],
    "adjustments-sql-reason-unknown-sku.csv": [(3, "sku")],
    "adjustments-empty.csv": [(1, None)],
    "adjustments-missing-reason-column.csv": [(1, "reason")],
    # returns (order 1001 shipped A-100 6 and B-200 4; 1003 shipped nothing)
    "returns-above-shipped.csv": [(2, "qty")],
    "returns-total-above-shipped.csv": [(3, "qty")],
    "returns-nothing-shipped.csv": [(2, "qty")],
    "returns-unknown-order.csv": [(2, "order")],
    "returns-unknown-sku.csv": [(2, "sku")],
    "returns-negative.csv": [(2, "qty")],
    "returns-decimal.csv": [(2, "qty")],
    "returns-utf16-bom.csv": [(1, None)],
    "returns-extra-column.csv": [(1, "reason")],
    "returns-formula-order-too-few-fields.csv": [(3, None)],
}
FIELDS = {
    "sku",
    "name",
    "discontinued",
    "order",
    "customer",
    "ordered_at",
    "priority",
    "ship_complete",
    "line",
    "qty",
    "receipt",
    "received_at",
    "reason",
    "header",
    "colour",
    "note",
}


def kind_of(name: str) -> str:
    return name.split("-", 1)[0]


@dataclass(frozen=True)
class State:
    exports: dict[str, str]
    tables: dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class Outcome:
    result: subprocess.CompletedProcess[str]
    before: State
    after: State


def state(cli: Cli) -> State:
    return State(cli.snapshot(), table_rows(cli.db))


@pytest.fixture
def outcomes(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    """Every corpus file imported into one copy of the world (side by side), then the
    exports and tables compared once; if anything changed, every file again on its own
    copy, so that each case reports what it did itself. Once per kind of database."""

    def import_all(on: Place) -> dict[str, Outcome]:
        shared = cli_on(on, on.copy(saved_world.db, "corpus"), on.folder / "corpus")
        before = State(saved_world.snapshot, table_rows(saved_world.db))
        names = sorted(EXPECTED)
        with ThreadPoolExecutor(max_workers=4) as pool:
            done = list(pool.map(lambda n: shared.run("import", kind_of(n), CORPUS_DIR / n), names))
        after = state(shared)
        if after == before:
            return {n: Outcome(r, before, after) for n, r in zip(names, done, strict=True)}
        result = {}
        for name in names:
            own = cli_on(on, on.copy(saved_world.db, "case"), on.folder / "corpus")
            result[name] = Outcome(own.run("import", kind_of(name), CORPUS_DIR / name), before, state(own))
        return result

    return shelf.once(place.kind, "corpus", import_all)


def test_corpus_files_are_what_make_corpus_writes() -> None:
    on_disk = {p.name: p.read_bytes() for p in CORPUS_DIR.glob("*.csv")}
    assert on_disk == CORPUS, "run `python -m tests.reliability_input.make_corpus`"
    assert set(EXPECTED) == set(CORPUS), set(EXPECTED) ^ set(CORPUS)
    assert len(CORPUS) >= 40
    assert {kind_of(n) for n in CORPUS} == {"products", "orders", "receipts", "adjustments", "returns"}


def reported(name: str, stderr: str) -> list[tuple[int, str | None]]:
    """(line, field) of every stderr line; fails on a line that is not a file error for NAME."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no error message on stderr"
    found = []
    for line in lines:
        match = ERROR_LINE.match(line)
        assert match, f"stderr line is not `error: {name}:LINE[: FIELD]: message`: {line!r}"
        assert match["file"] == name, f"names file {match['file']!r}, not {name!r}: {line!r}"
        field, sep, message = match["rest"].partition(": ")
        if not sep or field not in FIELDS:
            field, message = None, match["rest"]
        assert message.strip(), f"no message: {line!r}"
        assert "Traceback" not in message and "internal error" not in message, line
        found.append((int(match["line"]), field))
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_by_line_and_field(name: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[name]
    done = outcome.result
    shown = (
        f"import {kind_of(name)} {name}\nexit {done.returncode}"
        f"\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    )
    assert "Traceback" not in done.stderr, shown
    assert done.returncode == 2, shown
    assert set(reported(name, done.stderr)) == set(EXPECTED[name]), shown
    for kind in outcome.before.exports:
        assert outcome.after.exports[kind] == outcome.before.exports[kind], f"export {kind} changed\n{shown}"
    for table in outcome.before.tables:
        assert outcome.after.tables[table] == outcome.before.tables[table], f"table {table} changed\n{shown}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_problem_is_reported_twice(name: str, outcomes: dict[str, Outcome]) -> None:
    """SPEC 6: one line per error; the same line and field twice is one problem said twice."""
    done = outcomes[name].result
    if done.returncode != 2:
        pytest.skip("not refused as bad input: see test_bad_file_is_refused_by_line_and_field")
    places = reported(name, done.stderr)
    twice = sorted({p for p in places if places.count(p) > 1}, key=repr)
    assert not twice, f"{name}: reported more than once at {twice}:\n{done.stderr}"


def write_orders(path: Path, rows: int) -> None:
    """ROWS order rows (1,000 lines per order), every one good but the last (qty -1)."""
    header = "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
    good = [
        f"{700000 + i // 1000},Bulk Buyer,2026-11-23T09:00:00,5,false,{i % 1000 + 1},B-200,1\n"
        for i in range(rows - 1)
    ]
    last = rows - 1
    bad = f"{700000 + last // 1000},Bulk Buyer,2026-11-23T09:00:00,5,false,{last % 1000 + 1},B-200,-1\n"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        out.write("".join(good))
        out.write(bad)


def check_big_file(world: Cli, rows: int, timeout: float) -> None:
    before = state(world)
    name = f"orders-{rows}.csv"
    path = world.cwd / name
    write_orders(path, rows)
    started = time.monotonic()
    done = world.run("import", "orders", path, timeout=timeout)
    took = time.monotonic() - started
    shown = f"exit {done.returncode} after {took:.1f} s\nstderr:\n{done.stderr[:2000]}"
    assert done.returncode == 2, shown
    assert reported(name, done.stderr) == [(rows + 1, "qty")], shown
    after = state(world)
    assert after == before, "the database changed"


def test_100_000_rows_one_bad_row_at_the_end(world: Cli) -> None:
    check_big_file(world, 100_000, timeout=120)


@pytest.mark.skipif(not FULL, reason="a million rows takes a while: BACKORDER_FULL=1")
def test_1_000_000_rows_one_bad_row_at_the_end(world: Cli) -> None:
    check_big_file(world, 1_000_000, timeout=900)
