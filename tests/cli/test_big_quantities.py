"""Quantities up to a billion a line, and the totals they make (issue 10): stock figures, run
figures and ledger rows are 64-bit on both databases, so what SQLite takes PostgreSQL takes too;
and a run that fails, for whatever reason, leaves its `failed` record."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, assert_record, parse_csv
from tests.places import Place

BILLION = 1_000_000_000
ORDERS_HEADER = "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
RECEIPTS_HEADER = "receipt,received_at,sku,qty\n"


def stock(cli: Cli) -> dict[str, dict[str, str]]:
    return {row["sku"]: row for row in cli.export("stock")}


def runs(cli: Cli) -> list[dict[str, str]]:
    return parse_csv("runs", cli.export_text("runs"))


def test_three_billion_of_one_sku_waits_arrives_and_ships(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nBULK,Gravel by the gram\n")
    cli.import_ok(
        "orders",
        "o.csv",
        ORDERS_HEADER
        + "".join(f"G-{n},Quarry {n},2026-11-21T09:00:00,5,false,1,BULK,{BILLION}\n" for n in (1, 2, 3)),
    )
    assert stock(cli)["BULK"]["backordered"] == str(3 * BILLION)
    cli.import_ok(
        "receipts",
        "r.csv",
        RECEIPTS_HEADER + "".join(f"R-{n},2026-11-22T08:00:00,BULK,{BILLION}\n" for n in (1, 2, 3)),
    )
    assert stock(cli)["BULK"]["on_hand"] == str(3 * BILLION)
    cli.ok("prefs", "--enable")
    record = assert_record(cli.ok("run", "primary"), "primary", "ok")
    assert (record["shipments"], record["units"]) == ("3", str(3 * BILLION))
    assert stock(cli)["BULK"] == {
        "sku": "BULK",
        "on_hand": str(3 * BILLION),
        "committed": str(3 * BILLION),
        "available": "0",
        "backordered": "0",
    }
    cli.ok("ship", "S0000001", "S0000002", "S0000003")
    assert stock(cli)["BULK"]["on_hand"] == "0"
    assert cli.run("check").returncode == 0


ONE_ORDER_OF_THREE_BILLION_LINES = ORDERS_HEADER + "".join(
    f"BIG-1,Big Buyer,2026-11-21T09:00:00,5,false,{n},SKU-{n},{BILLION}\n" for n in (1, 2, 3)
)


@pytest.fixture
def big_order(cli: Cli) -> Cli:
    """One order of three lines of a billion (three SKUs), nothing on hand, management on."""
    cli.import_ok("products", "p.csv", "sku,name\nSKU-1,One\nSKU-2,Two\nSKU-3,Three\n")
    cli.import_ok("orders", "o.csv", ONE_ORDER_OF_THREE_BILLION_LINES)
    cli.ok("prefs", "--enable")
    return cli


def test_runs_after_an_order_of_three_billion_lines_succeed(big_order: Cli) -> None:
    assert_record(big_order.ok("run", "secondary"), "secondary", "ok")
    big_order.import_ok(
        "receipts",
        "r.csv",
        RECEIPTS_HEADER + "".join(f"R-1,2026-11-22T08:00:00,SKU-{n},{BILLION}\n" for n in (1, 2, 3)),
    )
    record = assert_record(big_order.ok("run", "primary"), "primary", "ok")
    assert (record["shipments"], record["units"]) == ("1", str(3 * BILLION))
    assert [r["outcome"] for r in runs(big_order)] == ["ok", "ok"]


def _execute(db: str, *statements: str) -> None:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]
        return
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


# A database server that refuses the run's shipments: a real error inside the run's transaction.
REFUSE_SHIPMENTS = {
    "sqlite": [
        "CREATE TRIGGER no_shipments BEFORE INSERT ON shipment"
        " BEGIN SELECT RAISE(ABORT, 'no shipments today'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION no_shipments() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'no shipments today'; END $$",
        "CREATE TRIGGER no_shipments BEFORE INSERT ON shipment EXECUTE FUNCTION no_shipments()",
    ],
}


def test_a_run_that_fails_leaves_its_failed_record(place: Place, big_order: Cli) -> None:
    big_order.import_ok("receipts", "r.csv", RECEIPTS_HEADER + "R-1,2026-11-22T08:00:00,SKU-1,5\n")
    _execute(big_order.db, *REFUSE_SHIPMENTS[place.kind])
    done = big_order.run("run", "primary")
    assert done.returncode == 1, done
    record = assert_record(done.stdout, "primary", "failed")
    assert "no shipments today" in record["error"]
    (line,) = done.stderr.splitlines()  # one line, though the server's error had more
    assert line.startswith("error: the primary run failed: ") and "no shipments today" in line, line
    (failed,) = runs(big_order)
    assert failed["run"] == record["run"] and failed["outcome"] == "failed"
    assert "no shipments today" in failed["error"]
    assert (failed["shipments"], failed["units"]) == ("0", "0")
    assert stock(big_order)["SKU-1"]["committed"] == "0", "the failed run changed nothing"


@pytest.mark.parametrize("place", ["postgresql"], indirect=True)
def test_a_run_whose_record_cannot_hold_its_figures_still_leaves_a_failed_record(big_order: Cli) -> None:
    """The failure that hid itself: the run's record could not hold the units still waiting (a
    32-bit column, as every figure was before), so the run failed, and so did its failure record,
    which computed the same sum. The failure record computes nothing."""
    _execute(big_order.db, "ALTER TABLE run ALTER COLUMN waiting TYPE integer")
    done = big_order.run("run", "secondary")
    assert done.returncode == 1, done
    assert "internal error" not in done.stderr, done.stderr
    record = assert_record(done.stdout, "secondary", "failed")
    assert "out of range" in record["error"], record
    (failed,) = runs(big_order)
    assert (failed["run"], failed["outcome"]) == (record["run"], "failed")
    assert "out of range" in failed["error"]
