"""Packing slips as PDF: one page per shipment, written with Qt's PDF writer."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

from backorder_desktop.domain.browse import shipment_lines
from backorder_desktop.domain.shipments import shipment_number
from backorder_desktop.store.database import query


def slip_html(sid: int) -> str:
    """One shipment's packing slip as HTML."""
    number, customer, ordered_at, status, created_at = query(
        "SELECT o.number, o.customer, o.ordered_at, s.status, s.created_at FROM shipment s"
        " JOIN orders o ON o.id = s.order_id WHERE s.id = ?",
        (sid,),
    )[0]
    rows = "".join(
        f"<tr><td>{line}</td><td>{html.escape(sku)}</td><td>{html.escape(name)}</td>"
        f"<td align='right'>{qty}</td></tr>"
        for line, sku, name, qty in shipment_lines(sid)
    )
    return (
        f"<h1>Packing slip {shipment_number(sid)}</h1>"
        f"<p><b>Customer:</b> {html.escape(customer)}<br><b>Order:</b> {html.escape(number)}"
        f" (ordered {str(ordered_at)[:16]})<br><b>Shipment created:</b> {str(created_at)[:16]}"
        f"<br><b>Status:</b> {status}</p>"
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
