"""The demo's history adds up (issue 14, item 6): orders end in the past week, never later than
yesterday; each historical shipment was created when its order was placed and shipped on
Northwind's shipped date; the last week's stay pending."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from backorder_desktop.demo import load_demo
from backorder_desktop.store.database import query
from backorder_desktop.store.rows import to_datetime


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2026, 12, 6)])  # a Wednesday, a Sunday
@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_the_demo_history_ends_before_today_and_shipments_follow_their_orders(
    store: str, today: date
) -> None:
    load_demo(today)
    ordered = [to_datetime(at) for (at,) in query("SELECT ordered_at FROM orders")]
    newest = max(at for at in ordered if at)
    assert today - timedelta(days=7) <= newest.date() < today, newest

    rows = query(
        "SELECT s.created_by, s.created_at, o.ordered_at, s.status, s.closed_at"
        " FROM shipment s JOIN orders o ON o.id = s.order_id"
    )
    assert rows
    for created_by, created, ordered_at, status, closed in rows:
        assert created_by == "order-entry"
        assert to_datetime(created) == to_datetime(ordered_at), "made when its order was placed"
        if status == "shipped":
            shipped = to_datetime(closed)
            assert shipped is not None and shipped >= to_datetime(created)
            assert shipped.date() < today - timedelta(days=7), "the last week's stay pending"
    assert {status for *_, status, _closed in rows} == {"shipped", "pending"}
    # The ledger's commitments are dated as their shipments.
    assert not query(
        "SELECT 1 FROM ledger l JOIN shipment s ON l.document = 'shipment S' || substr('0000000' || s.id, -7)"
        " WHERE l.kind = 'commit' AND l.at <> s.created_at"
    )
    assert all(at <= datetime.combine(today, datetime.min.time()) for at in ordered if at)
