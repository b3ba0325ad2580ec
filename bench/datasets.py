"""Benchmark data sets: generated at a given scale from a fixed seed, written in bulk."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from backorder_desktop.domain import inventory, preferences
from backorder_desktop.store.database import executemany, reserve_ids, write

START = datetime(2026, 1, 5, 8, 0)


def waiting_orders(lines: int, products: int, orders: int, seed: int = 7) -> None:
    """Open orders whose every line is backordered (no stock), written directly in bulk.

    Written as order entry would leave them when nothing is on hand: the
    lines are backordered in full, the products' backordered figures agree.
    """
    rng = random.Random(seed)
    with write():
        executemany(
            "INSERT INTO product (id, sku, name, discontinued, on_hand, committed, backordered)"
            " VALUES (?, ?, ?, FALSE, 0, 0, 0)",
            [(p, f"P{p:06d}", f"Product {p}") for p in range(1, products + 1)],
        )
        _backordered_orders(rng, lines, products, orders, "O", START)
    preferences.save(backorders_enabled=True)


def _backordered_orders(
    rng: random.Random, lines: int, products: int, orders: int, prefix: str, start: datetime
) -> None:
    """ORDERS open orders numbered PREFIX0000000 up from START, a minute apart, with LINES lines
    over products 1 to PRODUCTS, every line backordered in full and added to its product's
    backordered figure (inside the caller's write transaction)."""
    first_order = reserve_ids("orders", orders)
    executemany(
        "INSERT INTO orders (id, number, customer, ordered_at, priority, ship_complete, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'open')",
        [
            (
                first_order + o,
                f"{prefix}{o:07d}",
                f"Customer {rng.randrange(2000)}",
                start + timedelta(minutes=o),
                rng.randint(1, 9),
                rng.random() < 0.05,
            )
            for o in range(orders)
        ],
    )
    first_line = reserve_ids("order_line", lines)
    per_order: dict[int, int] = {}
    rows = []
    backordered: dict[int, int] = {}
    for n in range(lines):
        # Lines of one order are entered together, so their ids are consecutive, as in order entry.
        order_id = first_order + n * orders // lines
        per_order[order_id] = per_order.get(order_id, 0) + 1
        product = rng.randint(1, products)
        qty = rng.randint(1, 12)
        backordered[product] = backordered.get(product, 0) + qty
        rows.append((first_line + n, order_id, per_order[order_id], product, qty, qty))
    executemany(
        "INSERT INTO order_line (id, order_id, line, product_id, ordered, committed, shipped,"
        " backordered, cancelled) VALUES (?, ?, ?, ?, ?, 0, 0, ?, 0)",
        rows,
    )
    executemany(
        "UPDATE product SET backordered = backordered + ? WHERE id = ?",
        [(q, p) for p, q in backordered.items()],
    )


def receive_everything(products: int, share: float = 1.0, seed: int = 8) -> None:
    """One receipt covering SHARE of every product's backorder."""
    from backorder_desktop.store.database import query

    wanted = dict(query("SELECT sku, backordered FROM product WHERE backordered > 0"))
    lines = [inventory.ReceiptLineInput(sku, max(1, int(q * share))) for sku, q in sorted(wanted.items())]
    inventory.receive([inventory.ReceiptInput(f"R-BENCH-{seed}", START, lines)])


def orders_csv(path: Path, lines: int, products: int, seed: int = 9) -> None:
    """An orders import file of LINES lines over existing products P000001..."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty"])
        order, line = 0, 0
        for _n in range(lines):
            if line == 0 or rng.random() < 0.4:
                order += 1
                line = 0
                header = (
                    f"I{order:07d}",
                    f"Customer {rng.randrange(2000)}",
                    (START + timedelta(minutes=order)).isoformat(),
                    rng.randint(1, 9),
                    "false",
                )
            line += 1
            out.writerow([*header, line, f"P{rng.randint(1, products):06d}", rng.randint(1, 12)])


def more_waiting_orders(lines: int, products: int, orders: int, seed: int = 11) -> None:
    """A second batch of open orders, every line backordered, over the products P000001 up to
    P{PRODUCTS} that already exist (after a history: `waiting_orders`, a receipt and a run). The
    orders are numbered N0000000 up and ordered after every order of the first batch."""
    rng = random.Random(seed)
    from backorder_desktop.store.database import query

    with write():
        (latest,) = query("SELECT MAX(ordered_at) FROM orders")[0]
        start = (datetime.fromisoformat(str(latest)) if latest else START) + timedelta(days=1)
        _backordered_orders(rng, lines, products, orders, "N", start)
