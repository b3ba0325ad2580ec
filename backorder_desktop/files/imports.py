"""`import KIND FILE`: all rows or none, every bad row named by file, line and field."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from backorder_desktop.domain import customers, inventory, orders, products
from backorder_desktop.domain.words import (
    plainly_counted as counted,
)  # digits alone: scripts read these lines
from backorder_desktop.files import fields
from backorder_desktop.files.csv_reader import Collector, Row, Rows, read

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


ORDER_COLUMNS = ("order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty")
ORDER_FIELDS = ("customer", "ordered_at", "priority", "ship_complete")  # repeated on each row of an order


def import_orders(path: Path) -> str:
    """Orders, one row per line. The file is streamed: of each order only its fields and its
    lines are kept, as tuples with line numbers, and repeated texts (SKUs, customers) once."""
    rows = Rows(path, ORDER_COLUMNS)
    name = rows.name
    problems = Collector(name, note_bad_rows=False)  # orders left out of the check: first_row_bad
    i_order, i_customer, i_ordered_at, i_priority, i_ship, i_line, i_sku, i_qty = (
        rows.columns[column] for column in ORDER_COLUMNS
    )
    i_fields = (i_customer, i_ordered_at, i_priority, i_ship)
    index: dict[str, int] = {}  # order number -> its place in `entered`
    entered: list[orders.OrderInput] = []
    written_as: list[tuple[str, ...]] = []  # each order's fields as its first row wrote them
    first_row_bad: set[int] = set()  # orders left out of the database check
    # A repeated line is found without a look-up while each order's lines come in ascending
    # order (the usual file); an order whose lines come out of order gets a map of its own.
    top_line: list[int] = []  # per order, the highest line number so far
    out_of_order: dict[int, dict[int, int]] = {}  # order's place -> {line: the row it is on}
    same = sys.intern  # a text that repeats (a SKU, a customer) kept once
    for at, record in rows:
        before = problems.count
        number = problems.value(at, "order", record[i_order], fields.code)
        line = problems.value(at, "line", record[i_line], fields.positive)
        sku = problems.value(at, "sku", record[i_sku], fields.code)
        qty = problems.value(at, "qty", record[i_qty], fields.positive)
        if number is None:
            continue
        place = index.get(number)
        if place is None:
            # The order's own fields are read from its first row; later rows must repeat them.
            customer = problems.value(at, "customer", record[i_customer], fields.text)
            ordered_at = problems.value(at, "ordered_at", record[i_ordered_at], fields.timestamp)
            priority = problems.value(at, "priority", record[i_priority], fields.priority)
            ship_complete = problems.value(at, "ship_complete", record[i_ship], fields.boolean)
            place = len(entered)
            index[number] = place
            entered.append(
                orders.OrderInput(
                    number, same(customer or ""), ordered_at, priority or 5, bool(ship_complete), where=at
                )
            )
            top_line.append(0)
            written_as.append(
                (
                    same(record[i_customer].strip()),
                    record[i_ordered_at].strip(),
                    same(record[i_priority].strip()),
                    same(record[i_ship].strip()),
                )
            )
            if problems.count > before:
                first_row_bad.add(place)
        else:
            first = written_as[place]
            for column, i, value in zip(ORDER_FIELDS, i_fields, first, strict=True):
                if record[i].strip() != value:
                    problems.add(
                        f"{name}:{at}",
                        column,
                        f"differs from {name}:{entered[place].where} for the same order {number!r}",
                    )
        if line is not None:
            seen = out_of_order.get(place)
            if seen is None and line > top_line[place]:
                top_line[place] = line
            else:
                if seen is None:
                    seen = out_of_order[place] = {ln.line: int(ln.where) for ln in entered[place].lines}
                if line in seen:
                    problems.add(
                        f"{name}:{at}", "line", f"order {number!r} line {line} repeats {name}:{seen[line]}"
                    )
                    continue  # reported here; the order's own check must not report it again
                seen[line] = at
            # A row with a bad SKU or quantity keeps its line number, for the repeats (qty 0).
            entered[place].lines.append(orders.LineInput(line, same(sku or ""), qty or 0, at))
    del index, written_as, top_line, out_of_order
    if problems:
        for order in entered:
            order.lines = [ln for ln in order.lines if ln.qty]
    rows.finish()
    for order in entered:
        order.lines.sort()  # by line number: each is in an order once
    problems.raise_if_any(
        lambda: orders.enter_orders(
            [o for i, o in enumerate(entered) if i not in first_row_bad and o.lines],
            check_only=True,
            source=name,
        )
    )
    result = orders.enter_orders(entered, source=name)
    return (
        f"imported {counted(result.orders, 'order')} ({counted(result.lines, 'line')}) from {path.name}:"
        f" {counted(result.committed, 'unit')} committed in {counted(result.shipments, 'shipment')},"
        f" {result.backordered} backordered"
    )


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
