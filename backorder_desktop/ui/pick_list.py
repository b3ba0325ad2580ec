"""The pick list: one sheet (or more) for a picker's walk through the shelves, one line per
product in SKU order, with the total to take and the shipments it goes to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from backorder_desktop.domain.packing import PickLine, PickList
from backorder_desktop.domain.words import counted
from backorder_desktop.ui.format import cell
from backorder_desktop.ui.paper import GREY, Drawing, Sheet

TITLE = "Pick list"
ROW = 7.5  # mm, the least height of a line (a line with many shipments wraps and takes more)
TABLE_HEAD = 8.0
FOOT = 16.0
TOTALS = 10.0  # the line of totals under the last page's table
SHOWN = 60  # shipments named on a line, and at the top
RIGHT = Qt.AlignmentFlag.AlignRight
LEFT = Qt.AlignmentFlag.AlignLeft
CENTER = Qt.AlignmentFlag.AlignHCenter
COLUMNS: tuple[tuple[str, float | None, Qt.AlignmentFlag], ...] = (
    ("Picked", 15.0, CENTER),
    ("SKU", 23.0, LEFT),
    ("Product", None, LEFT),
    ("Quantity", 18.0, RIGHT),
    ("For shipments", 52.0, LEFT),
)
GAP = 2.5


def for_shipments(line: PickLine) -> str:
    """The shipments a product goes to: "S0000801 ×4, S0000803 ×2" (a number and its quantity are
    never parted at the end of a line). Past SHOWN shipments, how many more: the line stays
    shorter than a page, and the packing slips say the rest."""
    named = ", ".join(f"{number}\u00a0×{qty:,}" for number, qty in line.shipments[:SHOWN])
    more = len(line.shipments) - SHOWN
    return f"{named} and {counted(more, 'more shipment')}" if more > 0 else named


def _edges(width: float) -> list[tuple[float, float]]:
    fixed = sum(w for _t, w, _a in COLUMNS if w is not None) + GAP * (len(COLUMNS) - 1)
    edges = []
    x = 0.0
    for _title, w, _align in COLUMNS:
        span = w if w is not None else width - fixed
        edges.append((x, span))
        x += span + GAP
    return edges


def _summary(pick: PickList) -> str:
    shipments = counted(len(pick.shipments), "pending shipment")
    return (
        f"Made {cell(pick.made_at)} for {shipments}: {counted(len(pick.lines), 'product')},"
        f" {counted(pick.units, 'unit')} to pick."
    )


def _left_out(pick: PickList) -> str:
    if not pick.left_out:
        return ""
    named = ", ".join(f"{number} ({status})" for number, status in pick.left_out)
    return f"Left out, as only pending shipments are picked: {named}."


def drawing(pick: PickList) -> Drawing:
    """What draws PICK's pages."""

    def draw(sheet: Sheet) -> int:
        edges = _edges(sheet.width)
        wrap_font = Sheet.font(9.5)
        heights = [
            max(ROW, sheet.text_height(for_shipments(line), wrap_font, edges[-1][1] - 1) + 2.5)
            for line in pick.lines
        ]
        intro = "  ".join(part for part in (_summary(pick), _left_out(pick)) if part)
        intro_high = sheet.text_height(intro, Sheet.font(10), sheet.width) + 2
        numbers = f"Shipments: {', '.join(pick.shipments[:SHOWN])}"
        if len(pick.shipments) > SHOWN:
            numbers += f" and {counted(len(pick.shipments) - SHOWN, 'more')}"
        numbers_high = sheet.text_height(numbers, Sheet.font(9), sheet.width) + 3
        top = 14 + intro_high + numbers_high
        pages: list[list[int]] = [[]]
        y = top + TABLE_HEAD
        for i, high in enumerate(heights):
            if y + high > sheet.height - FOOT - TOTALS and pages[-1]:
                pages.append([])
                y = 12 + TABLE_HEAD
            pages[-1].append(i)
            y += high
        for number, rows in enumerate(pages, 1):
            if number > 1:
                sheet.new_page()
            if number == 1:
                sheet.text(0, 0, sheet.width, 12, TITLE, Sheet.font(22, bold=True))
                sheet.text(0, 14, sheet.width, intro_high, intro, Sheet.font(10), wrap=True)
                sheet.text(0, 14 + intro_high, sheet.width, numbers_high, numbers, Sheet.font(9), wrap=True)
                y = top
            else:
                sheet.text(0, 0, sheet.width, 10, f"{TITLE} (continued)", Sheet.font(14, bold=True))
                y = 12
            y = _draw_table(sheet, y, edges, [(pick.lines[i], heights[i]) for i in rows], wrap_font)
            if number == len(pages):
                total = f"{counted(len(pick.lines), 'product')}, {counted(pick.units, 'unit')}"
                sheet.rule(0, y, sheet.width, 0.4)
                sheet.text(0, y + 1, sheet.width - 1, 8, total, Sheet.font(11, bold=True), RIGHT)
            foot = sheet.height - FOOT
            sheet.text(
                0, foot + 1, sheet.width, 7, "Picked by: ______________      Date: __________", Sheet.font(10)
            )
            sheet.rule(0, foot + 9, sheet.width, 0.2)
            sheet.text(
                0,
                foot + 10,
                sheet.width,
                5,
                f"Pick list · page {number} of {len(pages)}",
                Sheet.font(8),
                RIGHT,
                color=GREY,
            )
        return len(pages)

    return draw


def _draw_table(
    sheet: Sheet,
    y: float,
    edges: list[tuple[float, float]],
    rows: list[tuple[PickLine, float]],
    wrap_font: QFont,
) -> float:
    sheet.shade(0, y, sheet.width, TABLE_HEAD)
    bold = Sheet.font(9.5, bold=True)
    for (title, _w, align), (x, span) in zip(COLUMNS, edges, strict=True):
        sheet.text(x + 1, y, span - 1, TABLE_HEAD, title, bold, align)
    y += TABLE_HEAD
    plain, mono = Sheet.font(10.5), Sheet.font(10.5, mono=True)
    for line, high in rows:
        tick_x, tick_w = edges[0]
        sheet.box(tick_x + (tick_w - 4.5) / 2, y + (ROW - 4.5) / 2, 4.5, 4.5)
        for (x, span), value, font, align in (
            (edges[1], line.sku, mono, LEFT),
            (edges[2], line.product, plain, LEFT),
            (edges[3], f"{line.qty:,}", Sheet.font(11, bold=True), RIGHT),
        ):
            sheet.text(x + 1, y, span - 1, ROW, value, font, align)
        x, span = edges[4]
        sheet.text(x + 1, y + 1.25, span - 1, high - 1.25, for_shipments(line), wrap_font, LEFT, wrap=True)
        y += high
        sheet.rule(0, y - 0.1, sheet.width, 0.15)
    return y
