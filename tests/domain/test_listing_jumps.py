"""A jump through a table (the scroll bar dragged) reads by offset; one past the middle is read
from the other end, in the opposite order, so that dragging to the end of 500,000 shipments
skips none rather than 499,800 (issue 15). Either way the rows are those a full reading has at
that place, in every sort of every table, on SQLite and PostgreSQL."""

from __future__ import annotations

from backorder_desktop.domain import processes
from backorder_desktop.domain.browse import BackorderListing, Filters, ShipmentListing, StockListing
from tests.domain.helpers import at, catalogue, enable, order, receive, run


def test_a_jump_anywhere_reads_the_rows_a_full_reading_has_there(store: str) -> None:
    catalogue("W", "G", "T", "Q", "R", "S", "U")
    enable()
    for n in range(14):  # orders of four customers, some lines waiting, some filled
        order(
            f"A{n:02d}",
            ("W", 1 + n % 3),
            ("G", 2),
            ("Q", 1),
            ("R", n % 2 + 1),
            when=at(n),
            customer=f"Customer {n % 4}",
        )
    receive(W=12, G=9, T=4)
    run(processes.PRIMARY)
    for listing in (ShipmentListing(), StockListing(), BackorderListing()):
        for column, shown in enumerate(listing.columns):
            if shown.sort is None:
                continue
            for descending in (False, True):
                everything = listing.page(Filters(), column, descending, limit=1000)
                total = len(everything.rows)
                assert total == listing.count(Filters()) > 5, type(listing).__name__
                for start in range(1, total + 1):
                    jumped = listing.page(Filters(), column, descending, limit=3, offset=start)
                    where = (type(listing).__name__, shown.title, descending, start)
                    assert jumped.rows == everything.rows[start : start + 3], where
                    assert jumped.keys == everything.keys[start : start + 3], where
