"""Outgoing shipments: created pending, then shipped or voided by staff."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from backorder_desktop.domain import activity, clock, identifiers, ledger, team
from backorder_desktop.domain.errors import BadInput, Problem, Refused
from backorder_desktop.domain.products import chunks
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import executemany, insert_rows, query, reserve_ids, stamp, write

NUMBER_PATTERN = re.compile(r"^S?0*(\d+)$", re.IGNORECASE)
# The largest id an integer column holds on either database (SQLite's and PostgreSQL's BIGINT).
MAX_ID = 2**63 - 1


NUMBER_FORMAT = "S%07d"  # the number people see: S and seven digits, so that text order is number order
DOCUMENT = "shipment " + NUMBER_FORMAT  # what the ledger rows of a shipment name


def shipment_number(shipment_id: int) -> str:
    """The number people see of a shipment."""
    return NUMBER_FORMAT % shipment_id


def shipment_id(number: str) -> int | None:
    """The id behind a shipment number ('S0000042' or '42'), or None if it is not one
    (too large for any id included: no database could look it up)."""
    match = NUMBER_PATTERN.match(identifiers.normal(number))
    if match is None or len(match.group(1)) > len(str(MAX_ID)):  # int() of 5,000 digits fails
        return None
    sid = int(match.group(1))
    return sid if sid <= MAX_ID else None


# The columns of a new shipment and of its lines, in the order of the tuples written.
COLUMNS = ("id", "order_id", "created_at", "created_by", "run_id", "status", "created_user")
LINE_COLUMNS = ("shipment_id", "order_line_id", "product_id", "qty")
PENDING = "pending"

# A line of a new shipment: (order line id, product id, qty). A plain tuple, not a NamedTuple:
# a run creates up to 100,000 of them, and a NamedTuple costs three times as much to build.
NewLine = tuple[int, int, int]


@dataclass
class NewShipment:
    """A shipment to create: its order and its lines."""

    order_id: int
    lines: list[NewLine] = field(default_factory=list)


def create(
    shipments: list[NewShipment], created_by: str, at: datetime, run_id: int | None = None
) -> list[int]:
    """Write pending shipments, their lines and the ledger rows committing their units.

    The caller moves the units on the order lines. Inside a write transaction.
    """
    if not shipments:
        return []
    first = reserve_ids("shipment", len(shipments))
    ids = list(range(first, first + len(shipments)))
    when = stamp(at)
    person = team.who().user
    insert_rows(
        "shipment",
        COLUMNS,
        [
            (sid, s.order_id, when, created_by, run_id, PENDING, person)
            for sid, s in zip(ids, shipments, strict=True)
        ],
    )
    insert_rows(
        "shipment_line",
        LINE_COLUMNS,
        [
            (sid, line, product, qty)
            for sid, s in zip(ids, shipments, strict=True)
            for line, product, qty in s.lines
        ],
    )
    movements = []
    for sid, shipment in zip(ids, shipments, strict=True):
        document = DOCUMENT % sid
        movements += [
            ledger.Movement(ledger.COMMIT, product, 0, qty, document) for _l, product, qty in shipment.lines
        ]
    ledger.record(movements, at)
    return ids


@dataclass(frozen=True)
class _Line:
    shipment_id: int
    order_id: int
    order_status: str
    order_line_id: int
    product_id: int
    qty: int


def _pending_lines(ids: list[int], action: str) -> list[_Line]:
    """The lines of the given shipments, refusing unknown or non-pending ones."""
    status_of: dict[int, str] = {}
    lines: list[_Line] = []
    for part in chunks(ids):
        marks = ", ".join("?" * len(part))
        for sid, status in query(f"SELECT id, status FROM shipment WHERE id IN ({marks})", tuple(part)):
            status_of[sid] = status
        lines += [
            _Line(*row)
            for row in query(
                "SELECT s.id, s.order_id, o.status, sl.order_line_id, sl.product_id, sl.qty"
                " FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id"
                " JOIN orders o ON o.id = s.order_id"
                f" WHERE s.id IN ({marks}) ORDER BY s.id, sl.id",
                tuple(part),
            )
        ]
    missing = [i for i in ids if i not in status_of]
    if missing:
        raise BadInput([Problem(shipment_number(i), "", "no such shipment") for i in missing])
    not_pending = [f"{shipment_number(i)} is {status_of[i]}" for i in ids if status_of[i] != "pending"]
    if not_pending:
        raise Refused(f"cannot {action}: " + "; ".join(not_pending) + " (only pending shipments)")
    return lines


def parse_numbers(numbers: Iterable[str]) -> list[int]:
    """Shipment ids from numbers as people type them; bad ones are BadInput."""
    ids: list[int] = []
    problems: list[Problem] = []
    for number in numbers:
        sid = shipment_id(number)
        if sid is None and NUMBER_PATTERN.match(identifiers.normal(number)):
            problems.append(
                Problem(identifiers.shown(number), "shipment", "too large to be a shipment number")
            )
        elif sid is None:
            problems.append(
                Problem(identifiers.shown(number), "shipment", "not a shipment number (like S0000042)")
            )
        elif sid not in ids:
            ids.append(sid)
    if problems:
        raise BadInput(problems)
    return ids


def ship(ids: list[int], at: datetime | None = None) -> int:
    """Mark pending shipments shipped: on hand and committed fall. Returns units shipped."""
    at = at or clock.now()
    with write():
        lines = _pending_lines(ids, "ship")
        _refuse_shipping_more_than_on_hand(lines)
        person = team.who().user
        executemany(
            "UPDATE shipment SET status = 'shipped', closed_at = ?, closed_user = ? WHERE id = ?",
            [(at, person, sid) for sid in ids],
        )
        executemany(
            "UPDATE order_line SET committed = committed - ?, shipped = shipped + ? WHERE id = ?",
            [(ln.qty, ln.qty, ln.order_line_id) for ln in lines],
        )
        ledger.record(
            (
                ledger.Movement(
                    ledger.SHIP,
                    ln.product_id,
                    -ln.qty,
                    -ln.qty,
                    f"shipment {shipment_number(ln.shipment_id)}",
                )
                for ln in lines
            ),
            at,
        )
        close_orders_fully_shipped({ln.order_id for ln in lines})
        activity.record_many(_what_each_had("ship", ids, lines))
    return sum(ln.qty for ln in lines)


def _what_each_had(action: str, ids: list[int], lines: list[_Line]) -> list[tuple[str, str, str]]:
    """An activity row per shipment of IDS: its lines and units."""
    units: dict[int, int] = defaultdict(int)
    count: dict[int, int] = defaultdict(int)
    for ln in lines:
        units[ln.shipment_id] += ln.qty
        count[ln.shipment_id] += 1
    return [
        (action, shipment_number(sid), f"{counted(count[sid], 'line')}, {counted(units[sid], 'unit')}")
        for sid in ids
    ]


def _refuse_shipping_more_than_on_hand(lines: list[_Line]) -> None:
    """Units not on the shelf cannot leave it (after a negative count, on hand may be below committed)."""
    wanted: dict[int, int] = defaultdict(int)
    for ln in lines:
        wanted[ln.product_id] += ln.qty
    short = []
    for part in chunks(sorted(wanted)):
        marks = ", ".join("?" * len(part))
        for pid, sku, on_hand in query(
            f"SELECT id, sku, on_hand FROM product WHERE id IN ({marks})", tuple(part)
        ):
            if wanted[pid] > on_hand:
                short.append(f"{wanted[pid]} of {sku} wanted, {on_hand} on hand")
    if short:
        raise Refused("cannot ship: " + "; ".join(short) + " (record a receipt or adjustment first)")


def close_orders_fully_shipped(order_ids: set[int]) -> None:
    """Open orders whose every line has shipped in full become closed."""
    executemany(
        "UPDATE orders SET status = 'closed' WHERE id = ? AND status = 'open' AND NOT EXISTS"
        " (SELECT 1 FROM order_line WHERE order_id = orders.id AND shipped < ordered)",
        [(oid,) for oid in sorted(order_ids)],
    )


def void(ids: list[int], at: datetime | None = None) -> int:
    """Void pending shipments: their units become available and go back on backorder."""
    at = at or clock.now()
    with write():
        lines = _pending_lines(ids, "void")
        _release(ids, lines, at)
        activity.record_many(_what_each_had("void-shipment", ids, lines))
    return sum(ln.qty for ln in lines)


def _release(ids: list[int], lines: list[_Line], at: datetime) -> None:
    """Void shipments IDS; units go back on backorder, or are cancelled on a voided order."""
    person = team.who().user
    executemany(
        "UPDATE shipment SET status = 'void', closed_at = ?, closed_user = ? WHERE id = ?",
        [(at, person, sid) for sid in ids],
    )
    to_backorder = [ln for ln in lines if ln.order_status == "open"]
    to_cancel = [ln for ln in lines if ln.order_status != "open"]
    executemany(
        "UPDATE order_line SET committed = committed - ?, backordered = backordered + ? WHERE id = ?",
        [(ln.qty, ln.qty, ln.order_line_id) for ln in to_backorder],
    )
    executemany(
        "UPDATE order_line SET committed = committed - ?, cancelled = cancelled + ? WHERE id = ?",
        [(ln.qty, ln.qty, ln.order_line_id) for ln in to_cancel],
    )
    backordered: dict[int, int] = defaultdict(int)
    for ln in to_backorder:
        backordered[ln.product_id] += ln.qty
    ledger.change_backordered(backordered)
    ledger.record(
        (
            ledger.Movement(
                ledger.RELEASE, ln.product_id, 0, -ln.qty, f"shipment {shipment_number(ln.shipment_id)}"
            )
            for ln in lines
        ),
        at,
    )


def void_order(number: str, at: datetime | None = None) -> tuple[int, int]:
    """Void an open order: its pending shipments are voided and its backorders cancelled.

    Returns (units released, units of backorder cancelled).
    """
    at = at or clock.now()
    number = identifiers.normal(number)
    hidden = identifiers.hidden_message(number)
    if hidden:
        raise BadInput([Problem("order", "", hidden)])
    with write():
        rows = query("SELECT id, status FROM orders WHERE number = ?", (number,))
        if not rows:
            raise BadInput([Problem(repr(number), "order", "no such order")])
        order_id, status = rows[0]
        if status != "open":
            raise Refused(f"cannot void order {number}: it is {status} (only open orders)")
        executemany("UPDATE orders SET status = 'void' WHERE id = ?", [(order_id,)])
        pending = [
            sid
            for (sid,) in query(
                "SELECT id FROM shipment WHERE order_id = ? AND status = 'pending' ORDER BY id",
                (order_id,),
            )
        ]
        lines = _pending_lines(pending, "void") if pending else []
        _release(pending, lines, at)
        waiting = query(
            "SELECT id, product_id, backordered FROM order_line WHERE order_id = ? AND backordered > 0",
            (order_id,),
        )
        executemany(
            "UPDATE order_line SET cancelled = cancelled + backordered, backordered = 0 WHERE id = ?",
            [(line_id,) for line_id, _p, _q in waiting],
        )
        cancelled: dict[int, int] = defaultdict(int)
        for _line_id, product_id, qty in waiting:
            cancelled[product_id] -= qty
        ledger.change_backordered(cancelled)
        released = sum(ln.qty for ln in lines)
        voided = activity.listed([shipment_number(sid) for sid in pending], "shipment") or "none"
        activity.record(
            "void-order",
            number,
            f"{counted(released, 'committed unit')} released (shipments voided: {voided});"
            f" {counted(-sum(cancelled.values()), 'backordered unit')} cancelled",
        )
    return released, -sum(cancelled.values())
