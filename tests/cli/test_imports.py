"""`import KIND FILE` happy paths (SPEC 3, 6, 7): what each import does to the exports."""

from __future__ import annotations

from tests.cli.conftest import (
    ORDERS_CSV,
    PRODUCTS_CSV,
    RECEIPTS_CSV,
    WORLD_STOCK,
    Cli,
    assert_sorted,
)


def _stock(cli: Cli) -> dict[str, dict[str, int]]:
    return {row["sku"]: {k: int(v) for k, v in row.items() if k != "sku"} for row in cli.export("stock")}


def test_import_products_lists_them_in_stock_sorted_by_sku(cli: Cli) -> None:
    out = cli.import_ok("products", "products.csv", PRODUCTS_CSV)
    assert "4" in out
    rows = cli.export("stock")
    assert [r["sku"] for r in rows] == ["A-100", "B-200", "C-300", "D-400"]
    assert all(r[c] == "0" for r in rows for c in ("on_hand", "committed", "available", "backordered"))
    assert cli.export("shipments") == []
    assert cli.export("backorders") == []


def test_import_products_without_the_optional_column_and_in_any_column_order(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "name,sku\nWidget,W-1\nGadget,G-1\n")
    assert [r["sku"] for r in cli.export("stock")] == ["G-1", "W-1"]
    # Reading a file with a UTF-8 byte-order mark (as spreadsheet programs save it) works too.
    cli.import_ok("products", "bom.csv", "\ufeffsku,name\nH-1,Hinge\n")
    assert [r["sku"] for r in cli.export("stock")] == ["G-1", "H-1", "W-1"]


def test_import_receipts_raises_on_hand(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS_CSV)
    out = cli.import_ok("receipts", "receipts.csv", RECEIPTS_CSV)
    assert "14" in out  # units received
    stock = _stock(cli)
    assert stock["A-100"] == {"on_hand": 10, "committed": 0, "available": 10, "backordered": 0}
    assert stock["B-200"] == {"on_hand": 4, "committed": 0, "available": 4, "backordered": 0}
    assert stock["C-300"]["on_hand"] == 0


def test_import_orders_commits_what_is_available_and_backorders_the_rest(cli: Cli) -> None:
    cli.import_ok("products", "products.csv", PRODUCTS_CSV)
    cli.import_ok("receipts", "receipts.csv", RECEIPTS_CSV)
    cli.import_ok("orders", "orders.csv", ORDERS_CSV)

    shipments = cli.export("shipments")
    assert [(s["shipment"], s["order"], s["line"], s["sku"], s["qty"]) for s in shipments] == [
        ("S0000001", "1001", "1", "A-100", "6"),
        ("S0000001", "1001", "2", "B-200", "4"),
        ("S0000002", "1002", "1", "A-100", "4"),
    ]
    for s in shipments:
        assert s["created_by"] == "order-entry"
        assert s["run"] == ""
        assert s["status"] == "pending"
    assert shipments[0]["customer"] == "Acme Ltd"
    assert shipments[2]["customer"] == "Bolt & Co"

    backorders = cli.export("backorders")
    assert backorders == [
        {
            "order": "1001",
            "customer": "Acme Ltd",
            "ordered_at": "2026-11-21T09:00:00",
            "priority": "5",
            "line": "2",
            "sku": "B-200",
            "qty_backordered": "2",
        },
        {
            "order": "1002",
            "customer": "Bolt & Co",
            "ordered_at": "2026-11-21T10:00:00",
            "priority": "1",
            "line": "1",
            "sku": "A-100",
            "qty_backordered": "4",
        },
        {
            "order": "1003",
            "customer": "Core Inc",
            "ordered_at": "2026-11-21T11:00:00",
            "priority": "5",
            "line": "1",
            "sku": "C-300",
            "qty_backordered": "2",
        },
    ]
    stock = _stock(cli)
    assert stock["A-100"] == {"on_hand": 10, "committed": 10, "available": 0, "backordered": 4}
    assert stock["B-200"] == {"on_hand": 4, "committed": 4, "available": 0, "backordered": 2}
    assert stock["C-300"] == {"on_hand": 0, "committed": 0, "available": 0, "backordered": 2}
    cli.ok("check")


def test_orders_are_entered_in_the_order_they_first_appear_in_the_file(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nX-1,Thing\n")
    cli.import_ok("receipts", "r.csv", "receipt,received_at,sku,qty\nR-9,2026-11-20T08:00:00,X-1,5\n")
    # 2002 is older and more urgent, but 2001 comes first in the file: it is entered first.
    cli.import_ok(
        "orders",
        "o.csv",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        "2001,Late,2026-11-22T12:00:00,9,false,1,X-1,4\n"
        "2002,Early,2026-11-01T08:00:00,1,false,1,X-1,4\n",
    )
    shipments = cli.export("shipments")
    assert [(s["order"], s["qty"]) for s in shipments] == [("2001", "4"), ("2002", "1")]
    assert [(b["order"], b["qty_backordered"]) for b in cli.export("backorders")] == [("2002", "3")]


def test_orders_with_columns_in_any_order_and_lines_spread_over_the_file(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nX-1,Thing\nY-1,Other\n")
    cli.import_ok(
        "orders",
        "o.csv",
        "qty,sku,line,order,customer,priority,ship_complete,ordered_at\n"
        "3,Y-1,2,3001,Zed,,false,2026-11-22T12:00:00\n"
        "2,X-1,1,3002,Amy,2,true,2026-11-22T13:00:00\n"
        "5,X-1,1,3001,Zed,,false,2026-11-22T12:00:00\n",
    )
    backorders = cli.export("backorders")
    assert [(b["order"], b["line"], b["sku"], b["priority"], b["qty_backordered"]) for b in backorders] == [
        ("3001", "1", "X-1", "5", "5"),  # an empty priority is the default, 5
        ("3001", "2", "Y-1", "5", "3"),
        ("3002", "1", "X-1", "2", "2"),
    ]
    assert_sorted("backorders", backorders)


def test_ship_complete_order_commits_nothing_unless_every_line_can_be_filled(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nX-1,Thing\nY-1,Other\n")
    cli.import_ok(
        "receipts",
        "r.csv",
        "receipt,received_at,sku,qty\nR-1,2026-11-20T08:00:00,X-1,10\nR-1,2026-11-20T08:00:00,Y-1,1\n",
    )
    cli.import_ok(
        "orders",
        "o.csv",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        "4001,Whole,2026-11-22T12:00:00,5,true,1,X-1,3\n"
        "4001,Whole,2026-11-22T12:00:00,5,true,2,Y-1,2\n"
        "4002,Part,2026-11-22T13:00:00,5,false,1,X-1,3\n"
        "4002,Part,2026-11-22T13:00:00,5,false,2,Y-1,2\n",
    )
    shipments = cli.export("shipments")
    assert [(s["order"], s["line"], s["qty"]) for s in shipments] == [("4002", "1", "3"), ("4002", "2", "1")]
    backorders = cli.export("backorders")
    assert [(b["order"], b["line"], b["qty_backordered"]) for b in backorders] == [
        ("4001", "1", "3"),
        ("4001", "2", "2"),
        ("4002", "2", "1"),
    ]


def test_import_adjustments_changes_on_hand_both_ways(world: Cli) -> None:
    out = world.import_ok(
        "adjustments",
        "adj.csv",
        "sku,qty,reason\nC-300,5,count correction\nA-100,-1,damage\nB-200,+2,found on the shelf\n",
    )
    assert "+6" in out  # net change
    stock = _stock(world)
    assert stock["C-300"] == {"on_hand": 5, "committed": 0, "available": 5, "backordered": 2}
    assert stock["B-200"] == {"on_hand": 2, "committed": 0, "available": 2, "backordered": 2}
    # A person's negative adjustment may push on hand below committed (SPEC 2).
    assert stock["A-100"] == {"on_hand": 3, "committed": 4, "available": -1, "backordered": 4}
    # Adjustments do not fill backorders by themselves: that is the processes' job.
    assert len(world.export("backorders")) == 3


def test_import_returns_raise_on_hand(world: Cli) -> None:
    out = world.import_ok("returns", "ret.csv", "order,sku,qty\n1001,A-100,2\n1001,B-200,4\n")
    assert "6" in out
    stock = _stock(world)
    assert stock["A-100"] == {"on_hand": 6, "committed": 4, "available": 2, "backordered": 4}
    assert stock["B-200"] == {"on_hand": 4, "committed": 0, "available": 4, "backordered": 2}
    # What is left to return: A-100 4 more; returning exactly that is still fine.
    world.import_ok("returns", "ret2.csv", "order,sku,qty\n1001,A-100,4\n")
    assert _stock(world)["A-100"]["on_hand"] == 10
    world.ok("check")


def test_the_world_fixture_is_what_the_imports_make(world: Cli) -> None:
    assert world.export("stock") == WORLD_STOCK
    statuses = [(s["shipment"], s["status"]) for s in world.export("shipments")]
    assert statuses == [("S0000001", "shipped"), ("S0000001", "shipped"), ("S0000002", "pending")]
