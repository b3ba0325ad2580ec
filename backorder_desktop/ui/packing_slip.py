"""Packing slips: each shipment on a page of its own (more pages only for a shipment too long
for one, each saying so), with the ship-to address, the shipment and order numbers as Code 128
barcodes, and the lines with a box to tick as each is packed. A shipped shipment's slip says so
across its top; a void one gets none (domain/packing.py)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt

from backorder_desktop.domain.packing import PackingSlip, SlipLine
from backorder_desktop.domain.processes import creator_name
from backorder_desktop.domain.words import counted
from backorder_desktop.ui.format import cell
from backorder_desktop.ui.paper import GREY, Drawing, Sheet

TITLE = "Packing slips"
ROW = 7.5  # mm, a line of the table
TABLE_HEAD = 8.0
TOTALS = 10.0
FOOT = 22.0  # the signatures and the page number, at the bottom of every page
BARCODE_HIGH = 13.0
SHIPPED_BANNER = 14.0
ADDRESS_BLOCK = 54.0  # mm: a name of two lines and an address of five
# The table's columns: title, width in mm (None: what the others leave), alignment.
RIGHT = Qt.AlignmentFlag.AlignRight
LEFT = Qt.AlignmentFlag.AlignLeft
CENTER = Qt.AlignmentFlag.AlignHCenter
COLUMNS: tuple[tuple[str, float | None, Qt.AlignmentFlag], ...] = (
    ("Packed", 16.0, CENTER),
    ("Line", 12.0, RIGHT),
    ("SKU", 30.0, LEFT),
    ("Product", None, LEFT),
    ("Quantity", 24.0, RIGHT),
)
GAP = 2.5  # mm between columns


def shipped_mark(slip: PackingSlip) -> str:
    """What a shipped shipment's slip says across its top: "SHIPPED 2026-12-02 15:01 by bob"."""
    mark = "SHIPPED"
    if slip.closed_at is not None:
        mark += f" {cell(slip.closed_at)}"
    if slip.closed_user:
        mark += f" by {slip.closed_user}"
    return mark


def _head_height(slip: PackingSlip, first: bool) -> float:
    if not first:
        return BARCODE_HIGH + 9
    return BARCODE_HIGH + 9 + (SHIPPED_BANNER if slip.status == "shipped" else 0) + ADDRESS_BLOCK


def pages_of(slip: PackingSlip, height: float) -> list[list[SlipLine]]:
    """SLIP's lines split into pages of HEIGHT mm: as many on the first as fit under the address,
    the rest on pages of their own."""
    room = height - FOOT - TABLE_HEAD - TOTALS
    first = max(1, math.floor((room - _head_height(slip, True)) / ROW))
    later = max(1, math.floor((room - _head_height(slip, False)) / ROW))
    pages = [slip.lines[:first]]
    rest = slip.lines[first:]
    while rest:
        pages.append(rest[:later])
        rest = rest[later:]
    return pages


def drawing(slips: list[PackingSlip]) -> Drawing:
    """What draws SLIPS, one shipment a page."""

    def draw(sheet: Sheet) -> int:
        drawn = 0
        for slip in slips:
            pages = pages_of(slip, sheet.height)
            for number, lines in enumerate(pages, 1):
                if drawn:
                    sheet.new_page()
                drawn += 1
                y = _draw_head(sheet, slip, number == 1)
                y = _draw_table(sheet, y, lines)
                if number == len(pages):
                    _draw_totals(sheet, y, slip)
                _draw_foot(sheet, slip, number, len(pages))
        return drawn

    return draw


def _draw_barcode(sheet: Sheet, right: float, y: float, text: str, high: float) -> None:
    """TEXT as a barcode ending at RIGHT, with the text under it; the text alone where it cannot
    be one (a character Code 128 does not hold, or too long for the page)."""
    width = sheet.barcode_width(text)
    readable = Sheet.font(9, mono=True)
    if width is None or width > right:
        sheet.text(0, y, right, high, text, Sheet.font(12, bold=True, mono=True), RIGHT)
        return
    sheet.barcode(right - width, y, high, text)
    sheet.text(right - width, y + high, width, 4.5, text, readable, CENTER)


def _draw_head(sheet: Sheet, slip: PackingSlip, first: bool) -> float:
    width = sheet.width
    sheet.text(
        0,
        0,
        100,
        5,
        "PACKING SLIP" if first else "PACKING SLIP (continued)",
        Sheet.font(9, bold=True),
        color=GREY,
    )
    sheet.text(0, 5, 100, 11, slip.number, Sheet.font(24, bold=True))
    _draw_barcode(sheet, width, 0, slip.number, BARCODE_HIGH)
    y = BARCODE_HIGH + 9
    if not first:
        return y
    if slip.status == "shipped":
        high = SHIPPED_BANNER - 3
        note = 52.0  # mm for the words on the right
        sheet.box(0, y, width, high, thickness=0.8)
        sheet.text(4, y, width - note - 8, high, shipped_mark(slip), Sheet.font(14, bold=True))
        copy = "Already shipped: this slip is a copy"
        sheet.text(width - note - 4, y, note, high, copy, Sheet.font(8.5, italic=True), RIGHT)
        y += SHIPPED_BANNER
    _draw_ship_to(sheet, 0, y, width * 0.5, slip)
    _draw_order(sheet, width * 0.55, y, width * 0.45, slip)
    return y + ADDRESS_BLOCK


def _draw_ship_to(sheet: Sheet, x: float, y: float, w: float, slip: PackingSlip) -> None:
    """The ship-to block: the customer and each address line wrapped within W, as many as the
    block holds (a packer needs the whole street, not its first half)."""
    sheet.text(x, y, w, 5, "SHIP TO", Sheet.font(8, bold=True), color=GREY)
    bottom = y + ADDRESS_BLOCK - 4
    top = y + 5
    name = Sheet.font(13, bold=True)
    high = min(sheet.text_height(slip.customer, name, w), bottom - top)
    sheet.text(x, top, w, high, slip.customer, name, wrap=True)
    top += high + 0.5
    lines = slip.address.lines() if slip.address is not None else []
    if not lines:
        sheet.text(x, top, w, 6, "no address on file", Sheet.font(11, italic=True), color=GREY)
        return
    plain = Sheet.font(11)
    for line in lines:
        high = sheet.text_height(line, plain, w)
        if top + high > bottom:
            sheet.text(x, top, w, max(bottom - top, 5), line, plain)  # one line, cut short
            return
        sheet.text(x, top, w, high, line, plain, wrap=True)
        top += high


def _draw_order(sheet: Sheet, x: float, y: float, w: float, slip: PackingSlip) -> None:
    sheet.text(x, y, w, 5, f"ORDER {slip.order}", Sheet.font(8, bold=True), RIGHT, color=GREY)
    _draw_barcode(sheet, x + w, y + 6, slip.order, 11)
    small = Sheet.font(9)
    sheet.text(x, y + 23, w, 5, f"Ordered {cell(slip.ordered_at)}", small, RIGHT)
    sheet.text(
        x, y + 28, w, 5, f"Created {cell(slip.created_at)} by {creator_name(slip.created_by)}", small, RIGHT
    )
    if slip.status == "pending":
        sheet.text(x, y + 33, w, 5, "Pending: to pack and ship", Sheet.font(9, bold=True), RIGHT)


def _column_edges(width: float) -> list[tuple[float, float]]:
    fixed = sum(w for _t, w, _a in COLUMNS if w is not None) + GAP * (len(COLUMNS) - 1)
    edges = []
    x = 0.0
    for _title, w, _align in COLUMNS:
        span = w if w is not None else width - fixed
        edges.append((x, span))
        x += span + GAP
    return edges


def _draw_table(sheet: Sheet, y: float, lines: list[SlipLine]) -> float:
    edges = _column_edges(sheet.width)
    sheet.shade(0, y, sheet.width, TABLE_HEAD)
    bold = Sheet.font(9.5, bold=True)
    for (title, _w, align), (x, span) in zip(COLUMNS, edges, strict=True):
        sheet.text(x + 1, y, span - 1, TABLE_HEAD, title, bold, align)
    y += TABLE_HEAD
    plain, mono = Sheet.font(10.5), Sheet.font(10.5, mono=True)
    for line in lines:
        tick_x, tick_w = edges[0]
        sheet.box(tick_x + (tick_w - 4.5) / 2, y + (ROW - 4.5) / 2, 4.5, 4.5)
        values = (f"{line.line}", line.sku, line.product, f"{line.qty:,}")
        fonts = (plain, mono, plain, Sheet.font(11, bold=True))
        for (_t, _w, align), (x, span), value, font in zip(
            COLUMNS[1:], edges[1:], values, fonts, strict=True
        ):
            sheet.text(x + 1, y, span - 1, ROW, value, font, align)
        y += ROW
        sheet.rule(0, y - 0.1, sheet.width, 0.15)
    return y


def _draw_totals(sheet: Sheet, y: float, slip: PackingSlip) -> None:
    total = f"{counted(len(slip.lines), 'line')}, {counted(slip.units, 'unit')}"
    sheet.rule(0, y, sheet.width, 0.4)
    sheet.text(0, y + 1, sheet.width - 1, TOTALS - 2, total, Sheet.font(11, bold=True), RIGHT)


def _draw_foot(sheet: Sheet, slip: PackingSlip, page: int, pages: int) -> None:
    y = sheet.height - FOOT
    sheet.text(
        0,
        y + 2,
        sheet.width,
        8,
        "Packed by: ______________      Checked by: ______________      Date: __________",
        Sheet.font(10),
    )
    sheet.rule(0, y + 13, sheet.width, 0.2)
    sheet.text(
        0,
        y + 14,
        sheet.width,
        6,
        f"{slip.number} · order {slip.order} · page {page} of {pages}",
        Sheet.font(8),
        RIGHT,
        color=GREY,
    )
