"""Schema version 1: the tables as the first release wrote them.

A frozen copy: later versions add a numbered step here; this file never changes.
The tables as the program uses them today are checked in tests/store/test_schema.py.
"""

from typing import Any

import peewee as pw


def up(migrator: Any, db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Counter(Base):
        name = pw.CharField(primary_key=True)
        value = pw.BigIntegerField(default=0)

    class Preferences(Base):
        id = pw.IntegerField(primary_key=True)
        backorders_enabled = pw.BooleanField(default=False)
        allocation_order = pw.CharField(default="priority")

    class Product(Base):
        sku = pw.CharField(unique=True)
        name = pw.CharField()
        discontinued = pw.BooleanField(default=False)
        on_hand = pw.IntegerField(default=0)
        committed = pw.IntegerField(default=0)
        backordered = pw.IntegerField(default=0)

    class Order(Base):
        id = pw.IntegerField(primary_key=True)
        number = pw.CharField(unique=True)
        customer = pw.CharField()
        ordered_at = pw.DateTimeField()
        priority = pw.SmallIntegerField(default=5)
        ship_complete = pw.BooleanField(default=False)
        status = pw.CharField(default="open", index=True)

        class Meta:
            table_name = "orders"

    class OrderLine(Base):
        id = pw.IntegerField(primary_key=True)
        order = pw.ForeignKeyField(Order)
        line = pw.IntegerField()
        product = pw.ForeignKeyField(Product, index=False)
        ordered = pw.IntegerField()
        committed = pw.IntegerField(default=0)
        shipped = pw.IntegerField(default=0)
        backordered = pw.IntegerField(default=0)
        cancelled = pw.IntegerField(default=0)

        class Meta:
            indexes = ((("order", "line"), True),)

    class ProcessRun(Base):
        process = pw.CharField()
        trigger = pw.CharField()
        started_at = pw.DateTimeField()
        finished_at = pw.DateTimeField(null=True)
        outcome = pw.CharField()
        ledger_rows = pw.IntegerField(default=0)
        products = pw.IntegerField(default=0)
        shipments = pw.IntegerField(default=0)
        units = pw.IntegerField(default=0)
        error = pw.TextField(default="")
        waiting = pw.IntegerField(null=True)

        class Meta:
            table_name = "run"

    class Shipment(Base):
        id = pw.IntegerField(primary_key=True)
        order = pw.ForeignKeyField(Order)
        created_at = pw.DateTimeField(index=True)
        created_by = pw.CharField()
        run = pw.ForeignKeyField(ProcessRun, null=True)
        status = pw.CharField(default="pending", index=True)
        closed_at = pw.DateTimeField(null=True)

    class ShipmentLine(Base):
        shipment = pw.ForeignKeyField(Shipment)
        order_line = pw.ForeignKeyField(OrderLine)
        product = pw.ForeignKeyField(Product, index=False)
        qty = pw.IntegerField()

    class Receipt(Base):
        number = pw.CharField(unique=True)
        received_at = pw.DateTimeField()

    class ReceiptLine(Base):
        receipt = pw.ForeignKeyField(Receipt)
        product = pw.ForeignKeyField(Product, index=False)
        qty = pw.IntegerField()

    class Adjustment(Base):
        product = pw.ForeignKeyField(Product)
        qty = pw.IntegerField()
        reason = pw.CharField()
        created_at = pw.DateTimeField()

    class CustomerReturn(Base):
        order = pw.ForeignKeyField(Order)
        product = pw.ForeignKeyField(Product)
        qty = pw.IntegerField()
        created_at = pw.DateTimeField()

    class LedgerEntry(Base):
        id = pw.IntegerField(primary_key=True)
        kind = pw.CharField()
        product = pw.ForeignKeyField(Product, index=False)
        on_hand_delta = pw.IntegerField(default=0)
        committed_delta = pw.IntegerField(default=0)
        at = pw.DateTimeField()
        document = pw.CharField()

        class Meta:
            table_name = "ledger"

    class Watermark(Base):
        process = pw.CharField(primary_key=True)
        ledger_id = pw.BigIntegerField(default=0)

    class Schedule(Base):
        code = pw.IntegerField(primary_key=True)
        name = pw.CharField()
        enabled = pw.BooleanField(default=False)
        every = pw.IntegerField()
        unit = pw.CharField()
        days = pw.CharField()
        start = pw.CharField()
        end = pw.CharField()
        saved_at = pw.DateTimeField(null=True)

    OrderLine.add_index(
        OrderLine.index(OrderLine.product, where=OrderLine.backordered > 0, name="order_line_waiting")
    )
    LedgerEntry.add_index(LedgerEntry.index(LedgerEntry.kind, LedgerEntry.id, name="ledger_kind"))
    tables = [
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
    db.create_tables(tables)

    Counter.insert_many(
        [{"name": name, "value": 0} for name in ("orders", "order_line", "shipment", "ledger")]
    ).execute()
    Preferences.create(id=1, backorders_enabled=False, allocation_order="priority")
    Watermark.insert_many([{"process": "primary"}, {"process": "secondary"}]).execute()
    Schedule.insert_many(
        [
            {
                "code": 7792,
                "name": "Primary Backorder Process",
                "enabled": False,
                "every": 30,
                "unit": "minutes",
                "days": "mon,tue,wed,thu,fri",
                "start": "07:00",
                "end": "19:00",
            },
            {
                "code": 8050,
                "name": "Secondary Backorder Process",
                "enabled": False,
                "every": 1,
                "unit": "days",
                "days": "mon,tue,wed,thu,fri",
                "start": "18:00",
                "end": "18:00",
            },
        ]
    ).execute()
