"""What a run gave is written in parts of whole orders, in order of order id (domain/walk.Given):
the shipments are numbered in that order, and a part's writes stay within one stretch of each
table, whatever the order the walk met the orders in."""

from __future__ import annotations

import random

from backorder_desktop.domain.walk import Given


def test_parts_hold_whole_orders_in_order_of_id_and_every_line_once() -> None:
    rng = random.Random(5)
    given = Given()
    expected: dict[int, list[tuple[int, int, int]]] = {}
    order_ids = rng.sample(range(1, 10_000), 300)  # met by the walk in no particular order
    line_id = 0
    for order_id in order_ids:
        for _ in range(rng.randint(1, 6)):
            line_id += 1
            line = (line_id, rng.randint(1, 50), rng.randint(1, 12))
            given.add(order_id, *line)
            expected.setdefault(order_id, []).append(line)

    parts = list(given.parts(100))

    found: dict[int, list[tuple[int, int, int]]] = {}
    for part in parts:
        lines = iter(zip(part.line_ids, part.product_ids, part.qtys, strict=True))
        for order_id, count in zip(part.orders, part.counts, strict=True):
            assert order_id not in found, "an order is in one part, once"
            found[order_id] = [next(lines) for _ in range(count)]
        assert next(lines, None) is None
    assert found == expected
    assert [o for part in parts for o in part.orders] == sorted(order_ids)
    sizes = [len(part.line_ids) for part in parts]
    assert all(100 <= size < 106 for size in sizes[:-1]) and 0 < sizes[-1] < 106
    assert len(given) == sum(sizes) == line_id


def test_nothing_given_makes_no_part() -> None:
    assert list(Given().parts(100)) == []
