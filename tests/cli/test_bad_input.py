"""Bad input and bad usage (SPEC 6, 7): exit 2, one stderr line per problem naming
file, line and field, and the database exactly as it was (all rows or none)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.cli.conftest import (
    FILE_ERROR,
    FILE_ERROR_NO_FIELD,
    Cli,
    Outcome,
    Saved,
    assert_unchanged,
    file_errors,
    run_batch,
)
from tests.places import Place, Shelf

ORDERS_HEADER = "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
GOOD_ORDER = "5001,New Co,2026-11-23T09:00:00,5,false,1,A-100,1\n"
RECEIPTS_HEADER = "receipt,received_at,sku,qty\n"
GOOD_RECEIPT = "R-2,2026-11-23T07:00:00,C-300,3\n"
PRODUCTS_HEADER = "sku,name,discontinued\n"
GOOD_PRODUCT = "E-500,Endcaps,false\n"
ADJUSTMENTS_HEADER = "sku,qty,reason\n"
GOOD_ADJUSTMENT = "C-300,5,count correction\n"
RETURNS_HEADER = "order,sku,qty\n"
GOOD_RETURN = "1001,B-200,1\n"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    text: str
    line: int
    field: str | None  # None: a problem of the whole file, no field to name
    mentions: str = ""  # a value the message should name

    @property
    def name(self) -> str:
        return f"{self.id}.csv"


def order_row(
    qty: str = "2", sku: str = "B-200", when: str = "2026-11-23T10:00:00", number: str = "5002"
) -> str:
    return f"{number},Other Co,{when},5,false,1,{sku},{qty}\n"


CASES = [
    # orders
    Case(
        "orders-number-in-database",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + order_row(number="1002"),
        3,
        "order",
        "1002",
    ),
    Case(
        "orders-repeated-order-and-line",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + "5001,New Co,2026-11-23T09:00:00,5,false,1,B-200,2\n",
        3,
        "line",
    ),
    Case(
        "orders-unknown-sku", "orders", ORDERS_HEADER + GOOD_ORDER + order_row(sku="Z-999"), 3, "sku", "Z-999"
    ),
    Case(
        "orders-discontinued",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + order_row(sku="D-400"),
        3,
        "sku",
        "D-400",
    ),
    Case("orders-qty-not-a-number", "orders", ORDERS_HEADER + GOOD_ORDER + order_row(qty="three"), 3, "qty"),
    Case("orders-qty-fraction", "orders", ORDERS_HEADER + GOOD_ORDER + order_row(qty="1.5"), 3, "qty"),
    Case("orders-qty-zero", "orders", ORDERS_HEADER + GOOD_ORDER + order_row(qty="0"), 3, "qty"),
    Case("orders-qty-negative", "orders", ORDERS_HEADER + GOOD_ORDER + order_row(qty="-2"), 3, "qty"),
    Case(
        "orders-date-not-real",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + order_row(when="2026-02-30T09:00:00"),
        3,
        "ordered_at",
    ),
    Case(
        "orders-date-not-iso",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + order_row(when="24/11/2026 09:30"),
        3,
        "ordered_at",
    ),
    Case(
        "orders-priority-out-of-range",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + "5002,Other Co,2026-11-23T10:00:00,10,false,1,B-200,2\n",
        3,
        "priority",
    ),
    Case(
        "orders-ship-complete-not-boolean",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + "5002,Other Co,2026-11-23T10:00:00,5,yes,1,B-200,2\n",
        3,
        "ship_complete",
    ),
    Case(
        "orders-empty-customer",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + "5002,,2026-11-23T10:00:00,5,false,1,B-200,2\n",
        3,
        "customer",
    ),
    Case(
        "orders-missing-column",
        "orders",
        "order,customer,ordered_at,priority,ship_complete,line,sku\n"
        "5001,New Co,2026-11-23T09:00:00,5,false,1,A-100\n",
        1,
        "qty",
    ),
    Case(
        "orders-order-fields-differ-between-its-rows",
        "orders",
        ORDERS_HEADER + GOOD_ORDER + "5001,Other Name,2026-11-23T09:00:00,5,false,2,B-200,1\n",
        3,
        "customer",
    ),
    Case(
        "orders-extra-column",
        "orders",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty,notes\n"
        "5001,New Co,2026-11-23T09:00:00,5,false,1,A-100,1,rush\n",
        1,
        "notes",
    ),
    # receipts
    Case(
        "receipts-number-in-database",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-1,2026-11-23T07:00:00,A-100,3\n",
        3,
        "receipt",
        "R-1",
    ),
    Case(
        "receipts-repeated-receipt-and-sku",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-2,2026-11-23T07:00:00,C-300,1\n",
        3,
        "sku",
        "C-300",
    ),
    Case(
        "receipts-unknown-sku",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-3,2026-11-23T07:00:00,Z-999,1\n",
        3,
        "sku",
        "Z-999",
    ),
    Case(
        "receipts-qty-not-a-number",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-3,2026-11-23T07:00:00,A-100,ten\n",
        3,
        "qty",
    ),
    Case(
        "receipts-qty-zero",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-3,2026-11-23T07:00:00,A-100,0\n",
        3,
        "qty",
    ),
    Case(
        "receipts-qty-negative",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-3,2026-11-23T07:00:00,A-100,-4\n",
        3,
        "qty",
    ),
    Case(
        "receipts-bad-date",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-3,2026-11-31T07:00:00,A-100,4\n",
        3,
        "received_at",
    ),
    Case("receipts-missing-column", "receipts", "receipt,sku,qty\nR-3,A-100,4\n", 1, "received_at"),
    Case(
        "receipts-received-at-differs-within-a-receipt",
        "receipts",
        RECEIPTS_HEADER + GOOD_RECEIPT + "R-2,2026-11-23T08:00:00,A-100,1\n",
        3,
        "received_at",
    ),
    Case(
        "receipts-extra-column",
        "receipts",
        "receipt,received_at,sku,qty,supplier\nR-3,2026-11-23T07:00:00,A-100,4,X\n",
        1,
        "supplier",
    ),
    # products
    Case(
        "products-repeated-sku",
        "products",
        PRODUCTS_HEADER + GOOD_PRODUCT + "E-500,Endcaps again,false\n",
        3,
        "sku",
        "E-500",
    ),
    Case("products-empty-sku", "products", PRODUCTS_HEADER + GOOD_PRODUCT + ",Nameless,false\n", 3, "sku"),
    Case(
        "products-discontinued-not-boolean",
        "products",
        PRODUCTS_HEADER + GOOD_PRODUCT + "F-600,Files,maybe\n",
        3,
        "discontinued",
    ),
    Case("products-missing-column", "products", "sku\nF-600\n", 1, "name"),
    Case("products-column-twice", "products", "sku,name,name\nF-600,Files,Files\n", 1, "name"),
    Case("products-extra-column", "products", "sku,name,colour\nF-600,Files,red\n", 1, "colour"),
    # adjustments
    Case(
        "adjustments-unknown-sku",
        "adjustments",
        ADJUSTMENTS_HEADER + GOOD_ADJUSTMENT + "Z-999,1,found\n",
        3,
        "sku",
        "Z-999",
    ),
    Case(
        "adjustments-qty-not-a-number",
        "adjustments",
        ADJUSTMENTS_HEADER + GOOD_ADJUSTMENT + "A-100,two,found\n",
        3,
        "qty",
    ),
    Case(
        "adjustments-qty-zero",
        "adjustments",
        ADJUSTMENTS_HEADER + GOOD_ADJUSTMENT + "A-100,0,found\n",
        3,
        "qty",
    ),
    Case(
        "adjustments-empty-reason",
        "adjustments",
        ADJUSTMENTS_HEADER + GOOD_ADJUSTMENT + "A-100,1,\n",
        3,
        "reason",
    ),
    Case("adjustments-missing-column", "adjustments", "sku,qty\nA-100,1\n", 1, "reason"),
    Case("adjustments-extra-column", "adjustments", "sku,qty,reason,who\nA-100,1,found,Ann\n", 1, "who"),
    # returns
    Case(
        "returns-more-than-shipped",
        "returns",
        RETURNS_HEADER + GOOD_RETURN + "1001,A-100,7\n",
        3,
        "qty",
        "A-100",
    ),
    Case(
        "returns-more-than-shipped-less-earlier-rows",
        "returns",
        RETURNS_HEADER + "1001,A-100,4\n1001,A-100,3\n",
        3,
        "qty",
        "A-100",
    ),
    Case("returns-pending-not-shipped", "returns", RETURNS_HEADER + GOOD_RETURN + "1002,A-100,1\n", 3, "qty"),
    Case(
        "returns-product-not-on-order", "returns", RETURNS_HEADER + GOOD_RETURN + "1001,C-300,1\n", 3, "qty"
    ),
    Case(
        "returns-unknown-order",
        "returns",
        RETURNS_HEADER + GOOD_RETURN + "9999,A-100,1\n",
        3,
        "order",
        "9999",
    ),
    Case(
        "returns-unknown-sku", "returns", RETURNS_HEADER + GOOD_RETURN + "1001,Z-999,1\n", 3, "sku", "Z-999"
    ),
    Case("returns-qty-zero", "returns", RETURNS_HEADER + GOOD_RETURN + "1001,A-100,0\n", 3, "qty"),
    Case("returns-qty-negative", "returns", RETURNS_HEADER + GOOD_RETURN + "1001,A-100,-1\n", 3, "qty"),
    Case("returns-qty-not-a-number", "returns", RETURNS_HEADER + GOOD_RETURN + "1001,A-100,x\n", 3, "qty"),
    Case("returns-extra-column", "returns", "order,sku,qty,why\n1001,A-100,1,broken\n", 1, "why"),
    # whole-file problems, every kind
    *[
        Case(f"{kind}-empty-file", kind, "", 1, None)
        for kind in ("products", "orders", "receipts", "adjustments", "returns")
    ],
    *[
        Case(f"{kind}-header-only", kind, header, 0, None)
        for kind, header in (
            ("products", PRODUCTS_HEADER),
            ("orders", ORDERS_HEADER),
            ("receipts", RECEIPTS_HEADER),
            ("adjustments", ADJUSTMENTS_HEADER),
            ("returns", RETURNS_HEADER),
        )
    ],
]


def assert_refused_unchanged(cli: Cli, before: dict[str, str], *args: str) -> str:
    """Run ARGS, insist on exit 2 and an unchanged database; return stderr."""
    done = cli.run(*args)
    assert done.returncode == 2, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.stderr.strip(), "no message on stderr"
    after = cli.snapshot()
    for kind in before:
        assert after[kind] == before[kind], f"export {kind} changed after a refused {' '.join(args)}"
    return done.stderr


@pytest.fixture
def imported(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    """Every bad file of CASES imported into the small world (see run_batch)."""
    return run_batch(
        place,
        shelf,
        "bad imports",
        saved_world,
        {case.id: ["import", case.kind, case.name] for case in CASES},
        {case.name: case.text for case in CASES},
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_import_exits_2_names_file_line_field_and_changes_nothing(
    imported: dict[str, Outcome], case: Case
) -> None:
    outcome = imported[case.id]
    done = outcome.result
    assert done.returncode == 2, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert_unchanged(outcome, f"the refused import of {case.name}")
    stderr = done.stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    if case.field is None:
        # A problem of the whole file: the file and a line, then the message.
        for line in lines:
            match = FILE_ERROR.match(line) or FILE_ERROR_NO_FIELD.match(line)
            assert match, f"stderr line is not `error: FILE:LINE: ...`: {line!r}"
            assert match["file"].endswith(case.name), line
        if case.line:
            numbers = {m["line"] for m in map(FILE_ERROR_NO_FIELD.match, lines) if m}
            assert str(case.line) in numbers, stderr
        return
    found = file_errors(stderr)
    for match in found:
        assert match["file"].endswith(case.name), f"the error does not name {case.name}: {match[0]}"
    hits = [m for m in found if m["line"] == str(case.line) and m["field"] == case.field]
    assert hits, f"no error for {case.name}:{case.line}: {case.field}; stderr:\n{stderr}"
    if case.mentions:
        assert any(case.mentions in m["message"] for m in hits), (
            f"no message names {case.mentions!r}:\n{stderr}"
        )


def test_every_problem_of_a_file_is_reported_one_line_each_in_line_order(
    world: Cli, saved_world: Saved
) -> None:
    path = world.write(
        "many.csv",
        ORDERS_HEADER
        + GOOD_ORDER
        + order_row(sku="Z-999")
        + GOOD_ORDER.replace("5001", "5003")
        + order_row(number="5004", qty="none")
        + order_row(number="5005", when="soon"),
    )
    stderr = assert_refused_unchanged(world, saved_world.snapshot, "import", "orders", str(path))
    found = [(int(m["line"]), m["field"]) for m in file_errors(stderr)]
    assert found == [(3, "sku"), (5, "qty"), (6, "ordered_at")]


def test_importing_the_same_orders_file_twice_changes_nothing_the_second_time(world: Cli) -> None:
    text = ORDERS_HEADER + GOOD_ORDER + order_row() + order_row(number="5003", sku="C-300")
    path = world.write("new-orders.csv", text)
    world.ok("import", "orders", str(path))
    before = world.snapshot()
    assert [b["order"] for b in world.export("backorders")][-2:] == ["5002", "5003"]
    stderr = assert_refused_unchanged(world, before, "import", "orders", str(path))
    found = file_errors(stderr)
    assert {m["field"] for m in found} == {"order"}
    assert {m["line"] for m in found} >= {"2", "3", "4"}, "every order of the file already exists"


def test_importing_the_same_receipts_file_twice_changes_nothing_the_second_time(world: Cli) -> None:
    path = world.write(
        "new-receipts.csv", RECEIPTS_HEADER + GOOD_RECEIPT + "R-2,2026-11-23T07:00:00,B-200,1\n"
    )
    world.ok("import", "receipts", str(path))
    before = world.snapshot()
    stderr = assert_refused_unchanged(world, before, "import", "receipts", str(path))
    found = file_errors(stderr)
    assert any(m["line"] == "2" and m["field"] == "receipt" for m in found), stderr


def test_a_return_beyond_what_is_left_after_earlier_returns_is_refused(world: Cli) -> None:
    world.import_ok("returns", "first.csv", RETURNS_HEADER + "1001,A-100,4\n")
    before = world.snapshot()
    path = world.write("second.csv", RETURNS_HEADER + "1001,A-100,3\n")
    stderr = assert_refused_unchanged(world, before, "import", "returns", str(path))
    found = file_errors(stderr)
    assert [(m["line"], m["field"]) for m in found] == [("2", "qty")]
    # What is left (2) still goes through.
    world.import_ok("returns", "third.csv", RETURNS_HEADER + "1001,A-100,2\n")


def test_a_product_marked_discontinued_by_a_products_import_can_no_longer_be_ordered(world: Cli) -> None:
    world.import_ok("products", "disc.csv", "sku,name,discontinued\nB-200,Bolts,true\n")
    before = world.snapshot()
    path = world.write("o.csv", ORDERS_HEADER + order_row(sku="B-200"))
    stderr = assert_refused_unchanged(world, before, "import", "orders", str(path))
    assert [(m["line"], m["field"]) for m in file_errors(stderr)] == [("2", "sku")]


def test_a_missing_file_is_bad_input(world: Cli, saved_world: Saved) -> None:
    stderr = assert_refused_unchanged(world, saved_world.snapshot, "import", "orders", "no-such-file.csv")
    assert "no-such-file.csv" in stderr


BAD_USAGE = [
    ["frobnicate"],
    ["export", "widgets"],
    ["export", "stock", "--format", "xml"],
    ["import", "widgets", "x.csv"],
    ["import", "orders"],
    ["run", "tertiary"],
    ["run", "primary", "--explain"],
    ["prefs", "--enable", "--disable"],
    ["prefs", "--order-by", "size"],
    ["ship"],
    ["void-shipment", "not-a-number"],
]


@pytest.fixture
def misused(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    return run_batch(
        place,
        shelf,
        "bad usage",
        saved_world,
        {" ".join(argv): argv for argv in BAD_USAGE},
        {"x.csv": "sku,name\nX-1,Thing\n"},
        # argparse itself prints the usage and exits: in a process of its own (once, on SQLite:
        # the database is not opened before the arguments are checked)
        subprocess=place.kind == "sqlite",
    )


@pytest.mark.parametrize("argv", BAD_USAGE, ids=" ".join)
def test_bad_usage_exits_2_and_changes_nothing(misused: dict[str, Outcome], argv: list[str]) -> None:
    outcome = misused[" ".join(argv)]
    assert outcome.result.returncode == 2, outcome.result
    assert outcome.result.stderr.strip(), "no message on stderr"
    assert_unchanged(outcome, " ".join(argv))
