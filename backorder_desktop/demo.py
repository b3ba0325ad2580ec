"""`demo`: a living data set built from the Northwind sample (resources/northwind).

The 830 orders are entered in date order against opening stock that covers
most, not all, of the history, so real backorders arise where demand outran
stock. Each historical shipment is dated when its order was placed and shipped
on Northwind's shipped date; the last week's stay pending for review, and the
suppliers' open purchase orders arrive as receipts that the first Primary run
can allocate. Dates move forward by whole weeks so the newest order is from the
past week, never today, and weekdays stay true.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from backorder_desktop.domain import clock, inventory, ledger, orders, preferences, products, shipments
from backorder_desktop.domain.customers import CustomerInput, save_customers
from backorder_desktop.domain.errors import Refused
from backorder_desktop.paths import resource
from backorder_desktop.store.database import executemany, query, write

# Share of each product's historical shipped demand on the shelf at the start:
# enough to serve most of the history, short enough that the recent months wait.
OPENING_SHARE = 0.85


def _table(name: str) -> list[dict[str, str]]:
    text = resource(f"northwind/{name}.csv").read_bytes().decode("utf-8")  # as is: csv reads the line ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sku(product_id: str) -> str:
    return f"NW-{int(product_id):03d}"


def _shift(orders_table: list[dict[str, str]], today: date) -> timedelta:
    """Whole weeks (weekdays stay true) that bring the newest order to yesterday or the six days
    before: never today, whose hours may be still to come."""
    last = max(date.fromisoformat(o["OrderDate"]) for o in orders_table)
    weeks = (today - timedelta(days=1) - last).days // 7
    return timedelta(weeks=weeks)


def _ordered_at(order: dict[str, str], shift: timedelta) -> datetime:
    day = date.fromisoformat(order["OrderDate"]) + shift
    number = int(order["OrderID"])
    return datetime.combine(day, time(8 + number % 9, number * 7 % 60))


def load_demo(today: date | None = None) -> str:
    """Fill an empty database with the demo data set; Refused if it holds anything."""
    today = today or clock.now().date()
    with write():
        if query("SELECT COUNT(*) FROM product")[0][0] or query("SELECT COUNT(*) FROM orders")[0][0]:
            raise Refused("the database is not empty: demo fills only an empty database")
        summary = _load(today)
    return summary


def _load(today: date) -> str:
    catalogue = _table("products")
    history = sorted(_table("orders"), key=lambda o: (o["OrderDate"], int(o["OrderID"])))
    details: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _table("order_details"):
        details[row["OrderID"]].append(row)
    customers = {c["CustomerID"]: c["CompanyName"] for c in _table("customers")}
    shift = _shift(history, today)

    products.save_products(
        [products.ProductInput(sku(p["ProductID"]), p["ProductName"], False, "northwind") for p in catalogue],
        source="demo: products.csv",
    )
    # The ship-to addresses packing slips print, under the names the orders give.
    save_customers(
        [
            CustomerInput(
                c["CompanyName"],
                c["Address"],
                c["City"],
                c["Region"],
                c["PostalCode"],
                c["Country"],
                f"customers.csv:{n}",
            )
            for n, c in enumerate(_table("customers"), 2)
        ],
        source="demo: customers.csv",
    )
    shipped_demand: dict[str, int] = defaultdict(int)
    for order in history:
        if order["ShippedDate"]:
            for line in details[order["OrderID"]]:
                shipped_demand[line["ProductID"]] += int(line["Quantity"])
    opening = [
        inventory.AdjustmentInput(
            sku(p["ProductID"]),
            int(p["UnitsInStock"]) + int(shipped_demand[p["ProductID"]] * OPENING_SHARE),
            "opening balance",
        )
        for p in catalogue
    ]
    first_day = datetime.combine(date.fromisoformat(history[0]["OrderDate"]) + shift, time(7))
    inventory.adjust([a for a in opening if a.qty > 0], at=first_day, source="demo: opening balances")

    entered = [
        orders.OrderInput(
            number=o["OrderID"],
            customer=customers[o["CustomerID"]],
            ordered_at=_ordered_at(o, shift),
            # Speedy Express orders are the rush ones; a two-week required date
            # means the customer wants it all at once.
            priority={"1": 3, "2": 5, "3": 6}[o["ShipVia"]],
            ship_complete=(date.fromisoformat(o["RequiredDate"]) - date.fromisoformat(o["OrderDate"])).days
            <= 14,
            lines=[
                orders.LineInput(n, sku(d["ProductID"]), int(d["Quantity"]))
                for n, d in enumerate(details[o["OrderID"]], 1)
            ],
        )
        for o in history
    ]
    result = orders.enter_orders(entered, at=first_day, source="demo: orders.csv")
    _date_the_shipments_as_their_orders()

    # Shipped on Northwind's shipped date, in the afternoon; the last week's stay pending.
    week_ago = today - timedelta(days=7)
    shipped_on = {
        o["OrderID"]: date.fromisoformat(o["ShippedDate"]) + shift
        for o in history
        if o["ShippedDate"] and date.fromisoformat(o["ShippedDate"]) + shift < week_ago
    }
    by_day: dict[date, list[int]] = defaultdict(list)
    for sid, number in query(
        "SELECT s.id, o.number FROM shipment s JOIN orders o ON o.id = s.order_id"
        " WHERE s.status = 'pending' ORDER BY s.id"
    ):
        if number in shipped_on:
            by_day[shipped_on[number]].append(sid)
    for day, ids in sorted(by_day.items()):
        shipments.ship(ids, at=datetime.combine(day, time(15)))
    to_ship = [sid for ids in by_day.values() for sid in ids]

    products.save_products(
        [
            products.ProductInput(sku(p["ProductID"]), p["ProductName"], True, "northwind")
            for p in catalogue
            if p["Discontinued"] == "1"
        ],
        source="demo: discontinued products",
    )
    receipts = _open_purchase_orders(catalogue, today)
    inventory.receive(receipts, at=datetime.combine(today, time(6, 30)))
    preferences.save(backorders_enabled=True)
    return (
        f"demo data: {len(catalogue)} products, {result.orders} orders ({result.lines} lines),"
        f" {result.backordered} units backordered, {len(to_ship)} shipments shipped,"
        f" {len(receipts)} incoming shipments waiting for the Primary run"
    )


def _date_the_shipments_as_their_orders() -> None:
    """The history's shipments were made when their orders were entered, not today: each one's
    time, and its commitment's in the ledger, is its order's."""
    made = query(
        "SELECT s.id, o.ordered_at FROM shipment s JOIN orders o ON o.id = s.order_id"
        " WHERE s.created_by = 'order-entry'"
    )
    executemany("UPDATE shipment SET created_at = ? WHERE id = ?", [(at, sid) for sid, at in made])
    executemany(
        "UPDATE ledger SET at = ? WHERE kind = ? AND document = ?",
        [(at, ledger.COMMIT, f"shipment {shipments.shipment_number(sid)}") for sid, at in made],
    )


def _open_purchase_orders(catalogue: list[dict[str, str]], today: date) -> list[inventory.ReceiptInput]:
    """One receipt per supplier for the units Northwind shows on order."""
    by_supplier: dict[str, list[inventory.ReceiptLineInput]] = defaultdict(list)
    for p in catalogue:
        if int(p["UnitsOnOrder"]) > 0 and p["Discontinued"] != "1":
            by_supplier[p["SupplierID"]].append(
                inventory.ReceiptLineInput(sku(p["ProductID"]), int(p["UnitsOnOrder"]))
            )
    received = datetime.combine(today, time(6, 30))
    return [
        inventory.ReceiptInput(f"PO-{today:%Y%m%d}-{int(supplier):02d}", received, lines)
        for supplier, lines in sorted(by_supplier.items(), key=lambda kv: int(kv[0]))
    ]
