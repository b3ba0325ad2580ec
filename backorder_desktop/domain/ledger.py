"""The inventory ledger: every change to on hand or committed, and the stock figures it drives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.store.database import add_to_rows, insert_rows, reserve_ids, stamp

# Kinds of ledger rows, and which process looks at which.
RECEIPT = "receipt"
ADJUSTMENT = "adjustment"
RETURN = "return"
COMMIT = "commit"  # order entry or a process puts units into a pending shipment
SHIP = "ship"
RELEASE = "release"  # a pending shipment voided: its units are available again
PRIMARY_KINDS = (RECEIPT,)
SECONDARY_KINDS = (ADJUSTMENT, RETURN, RELEASE)


# A ledger row's columns, in the order of the tuples written.
COLUMNS = ("id", "kind", "product_id", "on_hand_delta", "committed_delta", "at", "document")
ON_HAND, COMMITTED = range(2)  # the two running sums `record` keeps per product


class Movement(NamedTuple):
    """One ledger row to append (a tuple: a run builds a hundred thousand of them)."""

    kind: str
    product_id: int
    on_hand_delta: int
    committed_delta: int
    document: str


def record(movements: Iterable[Movement], at: datetime) -> int:
    """Append MOVEMENTS to the ledger and apply them to the products' stock figures.

    Must run inside a write transaction. Returns the number of rows written.
    """
    rows = list(movements)
    if not rows:
        return 0
    first = reserve_ids("ledger", len(rows))
    when = stamp(at)
    insert_rows(
        "ledger",
        COLUMNS,
        [
            (first + i, m.kind, m.product_id, m.on_hand_delta, m.committed_delta, when, m.document)
            for i, m in enumerate(rows)
        ],
    )
    # Running sums per product in two-item lists, not objects: a run records 100,000 movements.
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for m in rows:
        totals[m.product_id][ON_HAND] += m.on_hand_delta
        totals[m.product_id][COMMITTED] += m.committed_delta
    add_to_rows(
        "product",
        ("on_hand", "committed"),
        [(pid, on_hand, committed) for pid, (on_hand, committed) in totals.items()],
    )
    return len(rows)


def change_backordered(deltas: dict[int, int]) -> None:
    """Apply changes to the products' backordered figures (inside a write transaction)."""
    add_to_rows("product", ("backordered",), [(pid, delta) for pid, delta in deltas.items() if delta])
