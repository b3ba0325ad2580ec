"""What the warehouse prints: a packing slip per shipment, and a pick list for pending ones.

Qt-free read models: the window draws them (ui/packing_slip.py, ui/pick_list.py). A void
shipment gets no packing slip (nothing is to be packed); a shipped one gets a slip that says
when and by whom it was shipped. Only pending shipments are picked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.domain import clock
from backorder_desktop.domain.customers import Address, addresses
from backorder_desktop.domain.products import chunks
from backorder_desktop.domain.shipments import shipment_number
from backorder_desktop.store.rows import read

_DIGITS = re.compile(r"(\d+)")


class SlipLine(NamedTuple):
    """A line of a packing slip."""

    line: int  # the order line's number
    sku: str
    product: str
    qty: int


class _Head(NamedTuple):
    id: int
    order: str
    customer: str
    ordered_at: datetime
    status: str
    created_at: datetime
    created_by: str
    created_user: str | None
    closed_at: datetime | None
    closed_user: str | None


class _Line(NamedTuple):
    shipment_id: int
    line: int
    sku: str
    product: str
    qty: int


@dataclass(frozen=True)
class PackingSlip:
    """One shipment as its packing slip prints it."""

    id: int
    order: str
    customer: str
    ordered_at: datetime
    status: str  # pending or shipped
    created_at: datetime
    created_by: str  # order-entry, primary, secondary or user
    closed_at: datetime | None  # when it was shipped
    closed_user: str | None  # who shipped it
    address: Address | None  # None: the customer has no address on file
    lines: list[SlipLine]

    @property
    def number(self) -> str:
        return shipment_number(self.id)

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


@dataclass(frozen=True)
class Slips:
    """The packing slips of the shipments asked for, by shipment number, and the void ones
    asked for, which get none."""

    slips: list[PackingSlip]
    void: list[str]  # shipment numbers


def _heads(ids: Sequence[int]) -> list[_Head]:
    heads: list[_Head] = []
    for part in chunks(sorted(set(ids))):
        marks = ", ".join("?" * len(part))
        heads += read(
            _Head,
            "SELECT s.id, o.number, o.customer, o.ordered_at, s.status, s.created_at, s.created_by,"
            " s.created_user, s.closed_at, s.closed_user FROM shipment s JOIN orders o ON o.id = s.order_id"
            f" WHERE s.id IN ({marks})",
            tuple(part),
        )
    return sorted(heads)


def _lines(ids: Sequence[int]) -> dict[int, list[_Line]]:
    found: dict[int, list[_Line]] = defaultdict(list)
    for part in chunks(sorted(set(ids))):
        marks = ", ".join("?" * len(part))
        for line in read(
            _Line,
            "SELECT sl.shipment_id, ol.line, p.sku, p.name, sl.qty FROM shipment_line sl"
            " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
            f" WHERE sl.shipment_id IN ({marks}) ORDER BY sl.shipment_id, ol.line, sl.id",
            tuple(part),
        ):
            found[line.shipment_id].append(line)
    return found


def packing_slips(ids: Sequence[int]) -> Slips:
    """The packing slips of the shipments with IDS (a shipment that does not exist is left out)."""
    heads = _heads(ids)
    void = [h for h in heads if h.status == "void"]
    heads = [h for h in heads if h.status != "void"]
    lines = _lines([h.id for h in heads])
    known = addresses(h.customer for h in heads)
    slips = [
        PackingSlip(
            id=h.id,
            order=h.order,
            customer=h.customer,
            ordered_at=h.ordered_at,
            status=h.status,
            created_at=h.created_at,
            created_by=h.created_by,
            closed_at=h.closed_at,
            closed_user=h.closed_user,
            address=known.get(h.customer),
            lines=[SlipLine(ln.line, ln.sku, ln.product, ln.qty) for ln in lines[h.id]],
        )
        for h in heads
    ]
    return Slips(slips, [shipment_number(h.id) for h in void])


class PickLine(NamedTuple):
    """One product to pick: how many in all, and how many for each shipment (by number)."""

    sku: str
    product: str
    qty: int
    shipments: list[tuple[str, int]]


@dataclass(frozen=True)
class PickList:
    """The products the pending shipments asked for need, in the order of a picker's walk (by
    SKU: the shelves are labelled by SKU), and the shipments asked for that are not pending."""

    made_at: datetime
    lines: list[PickLine]
    shipments: list[str]  # the pending shipments picked for, by number
    left_out: list[tuple[str, str]]  # (number, status) of the shipments that are not pending

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


def shelf_order(sku: str) -> tuple[str | int, ...]:
    """SKU as a picker reads shelf labels: the numbers in it by value ("A-2" before "A-10")."""
    return tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(_DIGITS.split(sku)))


def pick_list(ids: Sequence[int], made_at: datetime | None = None) -> PickList:
    """The pick list of the pending shipments among IDS, made at MADE_AT (now by default)."""
    heads = _heads(ids)
    pending = [h.id for h in heads if h.status == "pending"]
    per_product: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for shipment_lines in _lines(pending).values():
        for line in shipment_lines:
            per_product[(line.sku, line.product)][line.shipment_id] += line.qty
    lines = [
        PickLine(
            sku,
            product,
            sum(by_shipment.values()),
            [(shipment_number(sid), qty) for sid, qty in sorted(by_shipment.items())],
        )
        for (sku, product), by_shipment in sorted(
            per_product.items(), key=lambda item: (shelf_order(item[0][0]), item[0])
        )
    ]
    return PickList(
        made_at or clock.now(),
        lines,
        [shipment_number(sid) for sid in pending],
        [(shipment_number(h.id), h.status) for h in heads if h.status != "pending"],
    )
