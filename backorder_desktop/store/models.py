"""The tables. Column names are part of hand-written bulk SQL in domain/: keep them in step.

Every quantity, total and count is 64-bit (schema step 0002): totals of lines of up to a
billion units outgrow PostgreSQL's 32-bit INTEGER."""

from __future__ import annotations

import peewee as pw

from backorder_desktop.store.database import db

ORDER_STATUSES = ("open", "closed", "void")
SHIPMENT_STATUSES = ("pending", "shipped", "void")
CREATORS = ("order-entry", "primary", "secondary", "user")


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class Counter(BaseModel):
    """Next-id sequences for tables written in bulk (orders, lines, shipments, ledger)."""

    name = pw.CharField(primary_key=True)
    value = pw.BigIntegerField(default=0)


class Preferences(BaseModel):
    """The Order Entry preferences: one row, id 1."""

    id = pw.IntegerField(primary_key=True)
    backorders_enabled = pw.BooleanField(default=False)
    allocation_order = pw.CharField(default="priority")


class Product(BaseModel):
    """A stock item with its running stock figures (kept in step with the ledger)."""

    id = pw.AutoField()
    sku = pw.CharField(unique=True)
    name = pw.CharField()
    discontinued = pw.BooleanField(default=False)
    on_hand = pw.BigIntegerField(default=0)
    committed = pw.BigIntegerField(default=0)
    backordered = pw.BigIntegerField(default=0)


class Order(BaseModel):
    id = pw.IntegerField(primary_key=True)
    number = pw.CharField(unique=True)
    customer = pw.CharField()
    ordered_at = pw.DateTimeField()
    priority = pw.SmallIntegerField(default=5)
    ship_complete = pw.BooleanField(default=False)
    status = pw.CharField(default="open", index=True)

    class Meta:
        table_name = "orders"


class OrderLine(BaseModel):
    """ordered = committed + shipped + backordered + cancelled, always."""

    id = pw.IntegerField(primary_key=True)
    order = pw.ForeignKeyField(Order, backref="lines")
    line = pw.IntegerField()
    product = pw.ForeignKeyField(Product, index=False)
    ordered = pw.BigIntegerField()
    committed = pw.BigIntegerField(default=0)
    shipped = pw.BigIntegerField(default=0)
    backordered = pw.BigIntegerField(default=0)
    cancelled = pw.BigIntegerField(default=0)

    class Meta:
        indexes = ((("order", "line"), True),)


# The processes look only at waiting lines: a partial index keeps that lookup
# proportional to the backlog, not to the order history.
OrderLine.add_index(
    OrderLine.index(OrderLine.product, where=OrderLine.backordered > 0, name="order_line_waiting")
)


class ProcessRun(BaseModel):
    """The record of one run of a backorder process."""

    id = pw.AutoField()
    process = pw.CharField()
    trigger = pw.CharField()
    started_at = pw.DateTimeField()
    finished_at = pw.DateTimeField(null=True)
    outcome = pw.CharField()
    ledger_rows = pw.BigIntegerField(default=0)
    products = pw.BigIntegerField(default=0)
    shipments = pw.BigIntegerField(default=0)
    units = pw.BigIntegerField(default=0)
    error = pw.TextField(default="")
    waiting = pw.BigIntegerField(null=True)  # units still backordered after the run, for the chart

    class Meta:
        table_name = "run"


class Shipment(BaseModel):
    id = pw.IntegerField(primary_key=True)
    order = pw.ForeignKeyField(Order, backref="shipments")
    created_at = pw.DateTimeField(index=True)
    created_by = pw.CharField()
    run = pw.ForeignKeyField(ProcessRun, null=True)
    status = pw.CharField(default="pending", index=True)
    closed_at = pw.DateTimeField(null=True)


class ShipmentLine(BaseModel):
    id = pw.AutoField()
    shipment = pw.ForeignKeyField(Shipment, backref="lines")
    order_line = pw.ForeignKeyField(OrderLine)
    product = pw.ForeignKeyField(Product, index=False)
    qty = pw.BigIntegerField()


class Receipt(BaseModel):
    """An incoming shipment from a supplier."""

    id = pw.AutoField()
    number = pw.CharField(unique=True)
    received_at = pw.DateTimeField()


class ReceiptLine(BaseModel):
    id = pw.AutoField()
    receipt = pw.ForeignKeyField(Receipt, backref="lines")
    product = pw.ForeignKeyField(Product, index=False)
    qty = pw.BigIntegerField()


class Adjustment(BaseModel):
    id = pw.AutoField()
    product = pw.ForeignKeyField(Product)
    qty = pw.BigIntegerField()
    reason = pw.CharField()
    created_at = pw.DateTimeField()


class CustomerReturn(BaseModel):
    id = pw.AutoField()
    order = pw.ForeignKeyField(Order)
    product = pw.ForeignKeyField(Product)
    qty = pw.BigIntegerField()
    created_at = pw.DateTimeField()


class LedgerEntry(BaseModel):
    """One change to on hand or committed. Append-only: never updated, never deleted."""

    id = pw.BigIntegerField(primary_key=True)
    kind = pw.CharField()
    product = pw.ForeignKeyField(Product, index=False)
    on_hand_delta = pw.BigIntegerField(default=0)
    committed_delta = pw.BigIntegerField(default=0)
    at = pw.DateTimeField()
    document = pw.CharField()

    class Meta:
        table_name = "ledger"


# A process reads only the new rows of its own kinds: (kind, id) finds them without
# stepping over the rows of other kinds, such as a big run's own commits.
LedgerEntry.add_index(LedgerEntry.index(LedgerEntry.kind, LedgerEntry.id, name="ledger_kind"))


class Watermark(BaseModel):
    """The last ledger id a process has evaluated."""

    process = pw.CharField(primary_key=True)
    ledger_id = pw.BigIntegerField(default=0)


class Schedule(BaseModel):
    """An automation schedule (7792 Primary, 8050 Secondary)."""

    code = pw.IntegerField(primary_key=True)
    name = pw.CharField()
    enabled = pw.BooleanField(default=False)
    every = pw.IntegerField()
    unit = pw.CharField()
    days = pw.CharField()
    start = pw.CharField()
    end = pw.CharField()
    saved_at = pw.DateTimeField(null=True)


ALL_MODELS: list[type[BaseModel]] = [
    Counter,
    Preferences,
    Product,
    Order,
    OrderLine,
    ProcessRun,
    Shipment,
    ShipmentLine,
    Receipt,
    ReceiptLine,
    Adjustment,
    CustomerReturn,
    LedgerEntry,
    Watermark,
    Schedule,
]
