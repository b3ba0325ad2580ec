"""A row of the activity log stays one line a person can read, however big the change (a receipt
of 200,000 lines once wrote three megabytes into one row, and the Activity tab took 1.8 s to
draw it)."""

from __future__ import annotations

from datetime import datetime

from backorder_desktop.domain import inventory, products
from backorder_desktop.store.database import query


def test_a_big_receipt_names_its_first_lines_and_counts_the_rest(store: str) -> None:
    products.save_products(
        [products.ProductInput(f"P-{n:03d}", f"Part {n}", False, "test") for n in range(50)]
    )
    inventory.receive(
        [
            inventory.ReceiptInput(
                "R-BIG",
                datetime(2026, 12, 1, 8),
                [inventory.ReceiptLineInput(f"P-{n:03d}", 2) for n in range(50)],
            )
        ]
    )
    ((details,),) = query("SELECT details FROM activity WHERE action = 'receipt'")
    assert details == (
        "100 units received: P-000 2, P-001 2, P-002 2, P-003 2, P-004 2, P-005 2, P-006 2, P-007 2,"
        " P-008 2, P-009 2 and 40 more lines"
    )
