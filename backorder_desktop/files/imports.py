"""`import KIND FILE`: all rows or none, every bad row named by file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from backorder_desktop.domain import inventory, orders, products
from backorder_desktop.files import fields
from backorder_desktop.files.csv_reader import Collector, Row, read

KINDS = ("products", "orders", "receipts", "adjustments", "returns")


def import_file(kind: str, path: Path) -> str:
    """Import PATH as KIND; return a one-line summary. BadInput (nothing changed) on any problem."""
    importer: dict[str, Callable[[Path], str]] = {
        "products": import_products,
        "orders": import_orders,
        "receipts": import_receipts,
        "adjustments": import_adjustments,
        "returns": import_returns,
    }
    if kind not in importer:
        raise ValueError(f"unknown import kind {kind!r}")
    return importer[kind](path)


def import_products(path: Path) -> str:
    rows = read(path, ("sku", "name"), ("discontinued",))
    found = Collector()
    items = []
    for row in rows:
        sku = found.field(row, "sku", fields.code)
        name = found.field(row, "name", fields.text)
        discontinued = found.field(row, "discontinued", lambda v: fields.boolean(v, None))
        items.append(products.ProductInput(sku, name, discontinued, row.where))
    found.raise_if_any()
    added, updated = products.save_products(items)
    return f"imported {len(items)} products from {path.name}: {added} added, {updated} updated"


def import_orders(path: Path) -> str:
    rows = read(path, ("order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty"))
    found = Collector()
    entered: dict[str, orders.OrderInput] = {}
    first_row: dict[str, Row] = {}
    line_seen: dict[tuple[str, int], str] = {}
    for row in rows:
        number = found.field(row, "order", fields.text)
        line = found.field(row, "line", fields.positive)
        sku = found.field(row, "sku", fields.text)
        qty = found.field(row, "qty", fields.positive)
        if number is None:
            continue
        order = entered.get(number)
        if order is None:
            # The order's own fields are read from its first row; later rows must repeat them.
            customer = found.field(row, "customer", fields.text)
            ordered_at = found.field(row, "ordered_at", fields.timestamp)
            priority = found.field(row, "priority", fields.priority)
            ship_complete = found.field(row, "ship_complete", fields.boolean)
            order = orders.OrderInput(
                number, customer or "", ordered_at, priority or 5, bool(ship_complete), where=row.where
            )
            entered[number] = order
            first_row[number] = row
        else:
            first = first_row[number]
            for column in ("customer", "ordered_at", "priority", "ship_complete"):
                if row.values[column].strip() != first.values[column].strip():
                    found.add(row.where, column, f"differs from {first.where} for the same order {number!r}")
        if line is not None:
            key = (number, line)
            if key in line_seen:
                found.add(row.where, "line", f"order {number!r} line {line} repeats {line_seen[key]}")
                continue  # reported here; the order's own check must not report it again
            line_seen[key] = row.where
        if line is not None and sku is not None and qty is not None:
            order.lines.append(orders.LineInput(line, sku, qty, row.where))
    batch = list(entered.values())
    for order in batch:
        order.lines.sort(key=lambda ln: ln.line)
    found.raise_if_any(
        lambda: orders.enter_orders(
            [o for o in batch if o.where not in found.bad_rows and o.lines], check_only=True
        )
    )
    result = orders.enter_orders(batch)
    return (
        f"imported {result.orders} orders ({result.lines} lines) from {path.name}:"
        f" {result.committed} units committed in {result.shipments} shipments,"
        f" {result.backordered} backordered"
    )


def import_receipts(path: Path) -> str:
    rows = read(path, ("receipt", "received_at", "sku", "qty"))
    found = Collector()
    receipts: dict[str, inventory.ReceiptInput] = {}
    first_row: dict[str, Row] = {}
    for row in rows:
        number = found.field(row, "receipt", fields.code)
        received_at = found.field(row, "received_at", fields.timestamp)
        sku = found.field(row, "sku", fields.code)
        qty = found.field(row, "qty", fields.positive)
        if number is None:
            continue
        receipt = receipts.get(number)
        if receipt is None:
            receipt = inventory.ReceiptInput(number, received_at, where=row.where)
            receipts[number] = receipt
            first_row[number] = row
        elif row.values["received_at"].strip() != first_row[number].values["received_at"].strip():
            found.add(
                row.where,
                "received_at",
                f"differs from {first_row[number].where} for the same receipt {number!r}",
            )
        if sku is not None and qty is not None:
            receipt.lines.append(inventory.ReceiptLineInput(sku, qty, row.where))
    found.raise_if_any(
        lambda: inventory.receive(
            [r for r in receipts.values() if r.where not in found.bad_rows and r.lines], check_only=True
        )
    )
    units = inventory.receive(list(receipts.values()))
    return f"imported {len(receipts)} receipts from {path.name}: {units} units received"


def import_adjustments(path: Path) -> str:
    rows = read(path, ("sku", "qty", "reason"))
    found = Collector()
    items = []
    for row in rows:
        sku = found.field(row, "sku", fields.code)
        qty = found.field(row, "qty", fields.signed)
        reason = found.field(row, "reason", fields.text)
        items.append(inventory.AdjustmentInput(sku, qty, reason, row.where))
    found.raise_if_any(
        lambda: inventory.adjust([a for a in items if a.where not in found.bad_rows], check_only=True)
    )
    net = inventory.adjust(items)
    return f"imported {len(items)} adjustments from {path.name}: net change {net:+d} units"


def import_returns(path: Path) -> str:
    rows = read(path, ("order", "sku", "qty"))
    found = Collector()
    items = []
    for row in rows:
        number = found.field(row, "order", fields.code)
        sku = found.field(row, "sku", fields.code)
        qty = found.field(row, "qty", fields.positive)
        items.append(inventory.ReturnInput(number, sku, qty, row.where))
    found.raise_if_any(
        lambda: inventory.record_returns([r for r in items if r.where not in found.bad_rows], check_only=True)
    )
    units = inventory.record_returns(items)
    return f"imported {len(items)} returns from {path.name}: {units} units back on hand"
