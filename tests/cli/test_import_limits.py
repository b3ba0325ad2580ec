"""Issue 10, import errors and big files: at most 100 problems are printed, then one line
`error: … and N more problems in FILE`; the header check is linear; an orders file is
streamed and written in parts inside one transaction (all rows or none)."""

from __future__ import annotations

import random
from collections import defaultdict

from tests.cli.conftest import Cli, file_errors

ORDERS_HEADER = "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
PRODUCTS = "sku,name\nA-1,Anchors\nB-2,Bolts\nC-3,Clamps\n"


def order_rows(count: int, qty: str = "1", start: int = 1) -> str:
    return "".join(f"{n},Acme,2026-11-23T09:00:00,5,false,1,A-1,{qty}\n" for n in range(start, start + count))


def shown_and_rest(stderr: str) -> tuple[list[str], str]:
    """The problem lines, and the last line (which counts the problems not shown)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[:-1], lines[-1]


def test_at_most_100_problems_then_one_line_with_the_count(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS)
    path = cli.write("bad.csv", ORDERS_HEADER + order_rows(250, qty="x"))
    done = cli.run("import", "orders", path)
    assert done.returncode == 2, done.stderr[-2000:]
    shown, last = shown_and_rest(done.stderr)
    assert len(shown) == 100, done.stderr[-2000:]
    assert [(int(m["line"]), m["field"]) for m in file_errors("\n".join(shown))] == [
        (n, "qty") for n in range(2, 102)
    ]
    assert last == "error: … and 150 more problems in bad.csv"
    assert cli.export("backorders") == []


def test_reimporting_3000_orders_prints_100_problems_and_the_count(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS)
    path = cli.write("orders.csv", ORDERS_HEADER + order_rows(3000))
    cli.ok("import", "orders", path)
    before = cli.export("backorders")
    done = cli.run("import", "orders", path)
    assert done.returncode == 2
    shown, last = shown_and_rest(done.stderr)
    found = file_errors("\n".join(shown))
    assert [(int(m["line"]), m["field"]) for m in found] == [(n, "order") for n in range(2, 102)]
    assert all("already exists" in m["message"] for m in found)
    assert last == "error: … and 2900 more problems in orders.csv"
    assert cli.export("backorders") == before


def test_a_header_of_100000_columns_is_refused_in_101_lines(cli: Cli) -> None:
    """Checked once per column (it took minutes when each column was counted again)."""
    header = ORDERS_HEADER.strip() + ",note" * 100_000
    path = cli.write("wide.csv", header + "\n" + "1,Acme,2026-11-23,5,false,1,A-1,1\n")
    done = cli.run("import", "orders", path)
    assert done.returncode == 2
    shown, last = shown_and_rest(done.stderr)
    assert len(shown) == 100
    assert all(line.startswith("error: wide.csv:1: note: unexpected column 'note'") for line in shown)
    # 100,000 unexpected columns and one column that appears more than once
    assert last == "error: … and 99901 more problems in wide.csv"


def test_other_importers_cap_their_problems_too(cli: Cli) -> None:
    path = cli.write("products.csv", "sku,name\n" + "".join(f"S-{n},\n" for n in range(150)))
    done = cli.run("import", "products", path)
    assert done.returncode == 2
    shown, last = shown_and_rest(done.stderr)
    assert [(int(m["line"]), m["field"]) for m in file_errors("\n".join(shown))] == [
        (n, "name") for n in range(2, 102)
    ]
    assert last == "error: … and 50 more problems in products.csv"
    # Rows of the wrong shape are counted the same way.
    path = cli.write("short.csv", "sku,qty,reason\n" + "A-1,1\n" * 120)
    done = cli.run("import", "adjustments", path)
    assert done.returncode == 2
    shown, last = shown_and_rest(done.stderr)
    assert len(shown) == 100 and all("has 2 fields, the header has 3" in line for line in shown)
    assert last == "error: … and 20 more problems in short.csv"


def test_a_repeated_line_is_found_when_an_orders_lines_come_out_of_order(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS)
    rows = [
        "7,Acme,2026-11-23T09:00:00,5,false,3,A-1,1",  # line 2 of the file
        "8,Bolt Co,2026-11-23T09:00:00,5,false,1,A-1,1",
        "7,Acme,2026-11-23T09:00:00,5,false,1,B-2,x",  # a bad qty keeps its line number
        "7,Acme,2026-11-23T09:00:00,5,false,2,B-2,1",
        "7,Acme,2026-11-23T09:00:00,5,false,3,C-3,1",  # repeats line 2
        "7,Acme,2026-11-23T09:00:00,5,false,1,C-3,1",  # repeats line 4
        "8,Bolt Co,2026-11-23T09:00:00,5,false,1,B-2,1",  # repeats line 3 (in order)
    ]
    path = cli.write("mixed.csv", ORDERS_HEADER + "\n".join(rows) + "\n")
    done = cli.run("import", "orders", path)
    assert done.returncode == 2
    found = [(int(m["line"]), m["field"], m["message"]) for m in file_errors(done.stderr)]
    assert found == [
        (4, "qty", "'x' is not a positive whole number"),
        (6, "line", "order '7' line 3 repeats mixed.csv:2"),
        (7, "line", "order '7' line 1 repeats mixed.csv:4"),
        (8, "line", "order '8' line 1 repeats mixed.csv:3"),
    ]


def test_50000_lines_in_any_order_import_as_order_entry_would(cli: Cli) -> None:
    """Orders entered in the order they first appear, each order's lines by line number
    (whatever their order in the file), stock committed first come first served."""
    cli.import_ok("products", "products.csv", PRODUCTS)
    cli.import_ok(
        "receipts", "receipts.csv", "receipt,received_at,sku,qty\nR-1,2026-11-20T08:00:00,A-1,5000\n"
    )
    rng = random.Random(10)
    lines: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for n in range(50_000):
        number = 100_000 + n // 4 if n < 40_000 else 100_000 + rng.randrange(12_000)
        lines[number].append((len(lines[number]) + 1, rng.choice(["A-1", "B-2", "C-3"]), rng.randint(1, 5)))
    rows = [(number, line) for number, its in lines.items() for line in its]
    rng.shuffle(rows)  # lines of one order far apart, and out of order
    text = "".join(
        f"{number},Customer {number % 97},2026-11-23T09:00:00,5,false,{line},{sku},{qty}\n"
        for number, (line, sku, qty) in rows
    )
    path = cli.write("big.csv", ORDERS_HEADER + text)
    out = cli.ok("import", "orders", path)
    # What order entry does, in the order each order first appears in the file.
    first_seen = list(dict.fromkeys(number for number, _line in rows))
    available = 5000
    expected = []
    for number in first_seen:
        for line, sku, qty in sorted(lines[number]):
            commit = min(available, qty) if sku == "A-1" else 0
            available -= commit
            if qty - commit:
                expected.append(
                    {"order": str(number), "line": str(line), "sku": sku, "qty": str(qty - commit)}
                )
    waiting = [
        {"order": b["order"], "line": b["line"], "sku": b["sku"], "qty": b["qty_backordered"]}
        for b in cli.export("backorders")
    ]
    key = lambda row: (row["order"], int(row["line"]))  # noqa: E731
    assert sorted(waiting, key=key) == sorted(expected, key=key)
    assert f"imported {len(first_seen)} orders (50000 lines) from big.csv: 5000 units committed" in out
    assert cli.run("check").returncode == 0


def test_a_bad_row_at_the_end_of_a_50000_line_file_changes_nothing(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS)
    before = cli.snapshot()
    path = cli.write("late.csv", ORDERS_HEADER + order_rows(49_999) + "Z-1,Acme,2026-11-23,5,false,1,Q-9,1\n")
    done = cli.run("import", "orders", path)
    assert done.returncode == 2
    assert [(int(m["line"]), m["field"]) for m in file_errors(done.stderr)] == [(50_001, "sku")]
    assert cli.snapshot() == before
