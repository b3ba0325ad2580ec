"""`import KIND FILE`: all rows or none, every bad row named by file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from backorder_desktop.domain import customers, inventory, products
from backorder_desktop.domain.words import (
    plainly_counted as counted,
)  # digits alone: scripts read these lines
from backorder_desktop.files import fields
from backorder_desktop.files.csv_reader import Collector, Row, read
from backorder_desktop.files.order_import import import_orders

KINDS = ("products", "customers", "orders", "receipts", "adjustments", "returns")


def import_file(kind: str, path: Path) -> str:
    """Import PATH as KIND; return a one-line summary. BadInput (nothing changed) on any problem."""
    importer: dict[str, Callable[[Path], str]] = {
        "products": import_products,
        "customers": import_customers,
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
    problems = Collector()
    items = []
    for row in rows:
        sku = problems.field(row, "sku", fields.code)
        name = problems.field(row, "name", fields.text)
        discontinued = problems.field(row, "discontinued", lambda v: fields.boolean(v, None))
        items.append(products.ProductInput(sku, name, discontinued, row.where))
    problems.raise_if_any()
    added, updated = products.save_products(items, source=path.name)
    return f"imported {counted(len(items), 'product')} from {path.name}: {added} added, {updated} updated"


CUSTOMER_COLUMNS = ("customer", "address", "city", "region", "postal_code", "country")


def import_customers(path: Path) -> str:
    """Ship-to addresses: a known customer's address is replaced; only `customer` is required to
    hold something."""
    rows = read(path, CUSTOMER_COLUMNS)
    problems = Collector()
    items = []
    for row in rows:
        name = problems.field(row, "customer", fields.text)
        address, city, region, postal_code, country = (
            problems.field(row, column, lambda v: fields.text(v, required=False)) or ""
            for column in customers.ADDRESS_FIELDS
        )
        items.append(
            customers.CustomerInput(name or "", address, city, region, postal_code, country, row.where)
        )
    problems.raise_if_any(lambda: customers.check([c for c in items if c.where not in problems.bad_rows]))
    added, updated = customers.save_customers(items, source=path.name)
    imported = counted(len(items), "customer")
    return f"imported {imported} from {path.name}: {added:,} added, {updated:,} updated"


def import_receipts(path: Path) -> str:
    rows = read(path, ("receipt", "received_at", "sku", "qty"))
    problems = Collector()
    receipts: dict[str, inventory.ReceiptInput] = {}
    first_row: dict[str, Row] = {}
    for row in rows:
        number = problems.field(row, "receipt", fields.code)
        received_at = problems.field(row, "received_at", fields.timestamp)
        sku = problems.field(row, "sku", fields.code)
        qty = problems.field(row, "qty", fields.positive)
        if number is None:
            continue
        receipt = receipts.get(number)
        if receipt is None:
            receipt = inventory.ReceiptInput(number, received_at, where=row.where)
            receipts[number] = receipt
            first_row[number] = row
        elif row.values["received_at"].strip() != first_row[number].values["received_at"].strip():
            problems.add(
                row.where,
                "received_at",
                f"differs from {first_row[number].where} for the same receipt {number!r}",
            )
        if sku is not None and qty is not None:
            receipt.lines.append(inventory.ReceiptLineInput(sku, qty, row.where))
    problems.raise_if_any(
        lambda: inventory.receive(
            [r for r in receipts.values() if r.where not in problems.bad_rows and r.lines], check_only=True
        )
    )
    units = inventory.receive(list(receipts.values()), source=path.name)
    return f"imported {counted(len(receipts), 'receipt')} from {path.name}: {counted(units, 'unit')} received"


def import_adjustments(path: Path) -> str:
    rows = read(path, ("sku", "qty", "reason"))
    problems = Collector()
    items = []
    for row in rows:
        sku = problems.field(row, "sku", fields.code)
        qty = problems.field(row, "qty", fields.signed)
        reason = problems.field(row, "reason", fields.text)
        items.append(inventory.AdjustmentInput(sku, qty, reason, row.where))
    problems.raise_if_any(
        lambda: inventory.adjust([a for a in items if a.where not in problems.bad_rows], check_only=True)
    )
    net = inventory.adjust(items, source=path.name)
    return f"imported {counted(len(items), 'adjustment')} from {path.name}: net change {net:+d} units"


def import_returns(path: Path) -> str:
    rows = read(path, ("order", "sku", "qty"))
    problems = Collector()
    items = []
    for row in rows:
        number = problems.field(row, "order", fields.code)
        sku = problems.field(row, "sku", fields.code)
        qty = problems.field(row, "qty", fields.positive)
        items.append(inventory.ReturnInput(number, sku, qty, row.where))
    problems.raise_if_any(
        lambda: inventory.record_returns(
            [r for r in items if r.where not in problems.bad_rows], check_only=True
        )
    )
    units = inventory.record_returns(items, source=path.name)
    return f"imported {counted(len(items), 'return')} from {path.name}: {counted(units, 'unit')} back on hand"
