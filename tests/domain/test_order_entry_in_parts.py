"""Issue 10, big files: order entry writes a big batch in parts, inside its one transaction.
The parts are made small here (WRITE_CHUNK) so that a few orders span several of them."""

from __future__ import annotations

import peewee
import pytest

from backorder_desktop.domain import orders
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.store.database import db, is_postgres, query
from tests.domain.helpers import assert_clean, catalogue, count, order_input, receive, shipments, stock


@pytest.fixture
def small_parts(store: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(orders, "WRITE_CHUNK", 5)
    catalogue("W", "G")
    receive(W=20)
    return store


def batch() -> list[orders.OrderInput]:
    """30 orders of 2 lines (W 1..3, G 2); stock for the first ten or so."""
    return [order_input(f"A{n:02d}", ("W", 1 + n % 3), ("G", 2)) for n in range(30)]


def test_orders_written_in_parts_are_entered_in_sequence(small_parts: str) -> None:
    result = orders.enter_orders(batch())

    wanted = [1 + n % 3 for n in range(30)]
    committed, left = [], 20
    for qty in wanted:
        committed.append(min(left, qty))
        left -= committed[-1]
    assert (result.orders, result.lines, result.committed) == (30, 60, 20)
    assert result.shipments == sum(1 for c in committed if c)
    assert result.backordered == sum(wanted) - 20 + 60
    assert shipments() == [
        (f"A{n:02d}", "order-entry", "pending", [(1, "W", c)]) for n, c in enumerate(committed) if c
    ]
    # Ids follow the sequence across parts: order by order, line by line.
    rows = query(
        "SELECT o.number, ol.line FROM order_line ol JOIN orders o ON o.id = ol.order_id ORDER BY ol.id"
    )
    assert [tuple(r) for r in rows] == [(f"A{n:02d}", line) for n in range(30) for line in (1, 2)]
    assert stock("W") == (20, 20, 0, sum(wanted) - 20)
    assert stock("G") == (0, 0, 0, 60)
    assert_clean()


def test_a_failure_in_the_last_part_leaves_nothing_written(small_parts: str) -> None:
    """A real refusal by the database while the last part is written (a trigger on one line)."""
    if is_postgres(small_parts):
        db.execute_sql(
            "CREATE FUNCTION refuse_line() RETURNS trigger AS $$ BEGIN"
            " IF NEW.line = 99 THEN RAISE EXCEPTION 'refused line 99'; END IF; RETURN NEW; END $$"
            " LANGUAGE plpgsql"
        )
        db.execute_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON order_line FOR EACH ROW EXECUTE FUNCTION refuse_line()"
        )
    else:
        db.execute_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON order_line WHEN NEW.line = 99"
            " BEGIN SELECT RAISE(ABORT, 'refused line 99'); END"
        )
    last = order_input("Z", ("W", 1))
    last.lines[0] = last.lines[0]._replace(line=99)
    before = (stock("W"), stock("G"), count("ledger"), count("shipment"))

    with pytest.raises(peewee.DatabaseError, match="refused line 99"):
        orders.enter_orders([*batch(), last])

    assert count("orders") == 0 and count("order_line") == 0
    assert (stock("W"), stock("G"), count("ledger"), count("shipment")) == before


def test_problems_are_capped_at_100_with_the_count(small_parts: str) -> None:
    wrong = [order_input(f"B{n:03d}", ("NOPE", 1)) for n in range(250)]

    with pytest.raises(BadInput) as refused:
        orders.enter_orders(wrong)

    assert len(refused.value.problems) == 100
    assert refused.value.more == 150
    assert str(refused.value).splitlines()[-1] == "… and 150 more problems"
