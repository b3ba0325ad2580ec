"""Packing slips as PDF: one page per shipment, written with Qt's PDF writer."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

from backorder_desktop.domain.browse import shipment_lines, shipment_summary
from backorder_desktop.domain.shipments import shipment_number


def slip_html(sid: int) -> str:
    """One shipment's packing slip as HTML."""
    shipment = shipment_summary(sid)
    rows = "".join(
        f"<tr><td>{line}</td><td>{html.escape(sku)}</td><td>{html.escape(name)}</td>"
        f"<td align='right'>{qty}</td></tr>"
        for line, sku, name, qty in shipment_lines(sid)
    )
    return (
        f"<h1>Packing slip {shipment_number(sid)}</h1>"
        f"<p><b>Customer:</b> {html.escape(shipment.customer)}<br><b>Order:</b> {html.escape(shipment.order)}"
        f" (ordered {shipment.ordered_at:%Y-%m-%d %H:%M})"
        f"<br><b>Shipment created:</b> {shipment.created_at:%Y-%m-%d %H:%M}"
        f"<br><b>Status:</b> {shipment.status}</p>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th>Line</th><th>SKU</th><th>Product</th><th>Quantity</th></tr>"
        f"{rows}</table><p>Packed by: ____________  Checked by: ____________</p>"
    )


def write_packing_slips(ids: list[int], path: Path) -> int:
    """Write one page per shipment to the PDF at PATH; return the pages written."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle("Packing slips")
    document = QTextDocument()
    pages = "<div style='page-break-after: always'>".join(slip_html(sid) for sid in ids)
    document.setHtml(pages)
    document.print_(writer)
    return len(ids)
