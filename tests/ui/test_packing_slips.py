"""Staff print packing slips and a pick list from the Shipments tab (issue 14), and the PDFs are
read back as a person and a scanner would: one shipment a page, its address, its barcodes, no
slip for a void shipment, a shipped one marked so; the pick list by product in shelf order.

BACKORDER_SCREENSHOTS=1 saves a slip's page, the pick list and the print preview as pictures in
docs/screenshots (to refresh the docs)."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolBar

from backorder_desktop.domain import clock, orders, team
from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.customers import addresses
from backorder_desktop.domain.packing import PackingSlip, PickLine, PickList, SlipLine
from backorder_desktop.store.database import query
from backorder_desktop.ui import packing_slip, pick_list
from backorder_desktop.ui.main_window import MainWindow
from backorder_desktop.ui.paper import PrintPreview, write_pdf
from tests.paperwork import SHIPMENT_NUMBER, barcodes, page_picture, page_texts
from tests.ui.helpers import click_tab, settle

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHIPMENTS_TAB = 2
WALK_IN = "Walk-in Trade Counter"  # a customer the customers import never named


def shots(tmp_path: Path) -> Path:
    """Where pictures go: docs/screenshots with BACKORDER_SCREENSHOTS=1, else a scratch folder."""
    folder = SCREENSHOTS if os.environ.get("BACKORDER_SCREENSHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def order_without_an_address() -> int:
    """A new order for a customer with no address on file; the id of the shipment it made."""
    (sku,) = query(
        "SELECT sku FROM product WHERE on_hand - committed > 2 AND NOT discontinued ORDER BY sku LIMIT 1"
    )[0]
    line = orders.LineInput(1, sku, 2)
    orders.enter_orders([orders.OrderInput("W-1", WALK_IN, clock.now(), 5, False, [line])])
    return int(query("SELECT MAX(id) FROM shipment")[0][0])


def five_shipments() -> dict[str, int]:
    """The five newest shipments once a walk-in order is entered: the walk-in's, two more
    pending, one voided and one shipped (by the person running the tests)."""
    walk_in = order_without_an_address()
    newest = [int(sid) for (sid,) in query("SELECT id FROM shipment ORDER BY id DESC LIMIT 5")]
    assert newest[0] == walk_in
    chosen = dict(zip(("walk_in", "pending", "void", "shipped", "other"), newest, strict=True))
    shipping.void([chosen["void"]])
    shipping.ship([chosen["shipped"]])
    return chosen


def show_shipments(qtbot, window: MainWindow) -> None:
    click_tab(qtbot, window, SHIPMENTS_TAB)
    window.shipments.refresh()
    settle()


def select(qtbot, window: MainWindow, ids: list[int]) -> None:
    """Click the row of the first of IDS, then Ctrl+click the others, as a person picks rows."""
    view, model = window.shipments.view, window.shipments.model
    for n, sid in enumerate(ids):
        row = model.row_of(sid)
        assert row is not None, f"shipment {sid} is not in the table"
        index = model.index(row, 0)
        view.scrollTo(index)
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(index).center()
        )
    assert sorted(window.shipments.selected_ids()) == sorted(ids)


def messages() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def preview_of(qtbot, window: MainWindow) -> PrintPreview:
    qtbot.waitUntil(lambda: window.shipments.paperwork.preview is not None, timeout=20_000)
    preview = window.shipments.paperwork.preview
    assert preview is not None
    qtbot.waitUntil(preview.isVisible, timeout=20_000)
    return preview


def save_pdf(preview: PrintPreview, target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Save as PDF… from the preview's tool bar, naming TARGET in the file dialog."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    (toolbar,) = preview.findChildren(QToolBar)
    assert preview.save_pdf in toolbar.actions(), "Save as PDF… is in the preview's tool bar"
    preview.save_pdf.trigger()
    assert not preview.isVisible()


def test_staff_print_five_slips_one_shipment_a_page_and_the_void_one_is_refused(
    qtbot, demo_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    chosen = five_shipments()
    number = {name: shipping.shipment_number(sid) for name, sid in chosen.items()}
    show_shipments(qtbot, window)
    select(qtbot, window, list(chosen.values()))

    qtbot.mouseClick(window.shipments.slip_button, Qt.MouseButton.LeftButton)
    settle()
    (box,) = messages()
    assert box.text().startswith(f"{number['void']} is void: a void shipment has nothing to pack")
    box.button(QMessageBox.StandardButton.Ok).click()
    preview = preview_of(qtbot, window)
    assert preview.windowTitle() == f"Packing slips: 4 shipments ({number['void']} left out: void)"
    if os.environ.get("BACKORDER_SCREENSHOTS"):
        QApplication.processEvents()
        assert preview.grab().save(str(shots(tmp_path) / "packing-slip-preview.png"))
    target = tmp_path / "slips.pdf"
    save_pdf(preview, target, monkeypatch)
    assert window.statusBar().currentMessage() == f"Wrote 4 packing slips (4 pages) to {target}."

    pages = page_texts(target)
    printed = sorted(sid for name, sid in chosen.items() if name != "void")
    assert len(pages) == len(printed) == 4, "one page a slip"
    for page, sid in zip(pages, printed, strict=True):
        assert set(SHIPMENT_NUMBER.findall(page)) == {shipping.shipment_number(sid)}, "one shipment a page"
    assert not any(number["void"] in page for page in pages)
    by_number = {SHIPMENT_NUMBER.findall(page)[0]: page for page in pages}
    # The ship-to address from the customers the demo imported; the walk-in has none on file.
    for name in ("pending", "other", "shipped"):
        ((customer,),) = query(
            "SELECT o.customer FROM shipment s JOIN orders o ON o.id = s.order_id WHERE s.id = ?",
            (chosen[name],),
        )
        address = addresses([customer])[customer]
        for line in address.lines():
            assert line in by_number[number[name]], f"{line!r} of {customer}'s address"
    assert "no address on file" in by_number[number["walk_in"]]
    assert WALK_IN in by_number[number["walk_in"]]
    assert re.search(
        rf"SHIPPED \d{{4}}-\d\d-\d\d \d\d:\d\d by {re.escape(team.who().user)}", by_number[number["shipped"]]
    )
    assert sum("SHIPPED" in page for page in pages) == 1
    # A scanner reads the shipment and the order number off each page.
    for n, sid in enumerate(printed, 1):
        ((order,),) = query(
            "SELECT o.number FROM shipment s JOIN orders o ON o.id = s.order_id WHERE s.id = ?", (sid,)
        )
        picture = page_picture(target, n, tmp_path / f"page-{n}.png")
        assert sorted(barcodes(picture)) == sorted([shipping.shipment_number(sid), order])
    first = page_picture(
        target, printed.index(chosen["pending"]) + 1, shots(tmp_path) / "packing-slip.png", dpi=80
    )
    assert first.stat().st_size > 10_000


def test_the_print_button_goes_through_the_systems_print_dialog_to_a_printer(
    qtbot, demo_app, tmp_path: Path
) -> None:
    """Print… in the preview opens the system's print dialog; accepted, the slips go to the
    printer it names (here its PDF printer, as no printer is installed on the test machine)."""
    window, _engine, _bridge = demo_app
    chosen = five_shipments()
    show_shipments(qtbot, window)
    select(qtbot, window, [chosen["pending"], chosen["other"]])
    qtbot.mouseClick(window.shipments.slip_button, Qt.MouseButton.LeftButton)
    settle()
    preview = preview_of(qtbot, window)
    target = tmp_path / "printed.pdf"
    preview.printer().setOutputFileName(str(target))
    (print_action,) = [a for a in preview.findChildren(type(preview.save_pdf)) if a.text() == "Print"]

    def accept_the_print_dialog() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(10, accept_the_print_dialog)  # not open yet: look again when it is
            return
        dialogs[0].accept()

    QTimer.singleShot(0, accept_the_print_dialog)
    print_action.trigger()  # the print dialog's own event loop runs until it is accepted
    settle()
    assert not preview.isVisible()
    assert window.statusBar().currentMessage() == f"Printed 2 packing slips to {target}."
    pages = page_texts(target)
    assert [SHIPMENT_NUMBER.findall(page)[0] for page in pages] == [
        shipping.shipment_number(sid) for sid in sorted([chosen["pending"], chosen["other"]])
    ]


def test_a_void_shipment_alone_gets_no_slip_and_the_message_says_why(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    chosen = five_shipments()
    show_shipments(qtbot, window)
    select(qtbot, window, [chosen["void"]])
    qtbot.mouseClick(window.shipments.slip_button, Qt.MouseButton.LeftButton)
    settle()
    (box,) = messages()
    assert box.windowTitle() == "No packing slip"
    assert box.text() == (
        f"{shipping.shipment_number(chosen['void'])} is void: a void shipment has nothing to pack,"
        " so it gets no packing slip."
    )
    assert window.shipments.paperwork.preview is None, "no preview, nothing to print"
    box.close()


def test_no_pick_list_without_a_pending_shipment_and_a_pdf_that_cannot_be_written_is_said(
    qtbot, demo_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    chosen = five_shipments()
    show_shipments(qtbot, window)
    select(qtbot, window, [chosen["shipped"], chosen["void"]])
    qtbot.mouseClick(window.shipments.pick_button, Qt.MouseButton.LeftButton)
    settle()
    (box,) = messages()
    assert (box.windowTitle(), box.text()) == (
        "No pick list",
        f"Only pending shipments are picked: {shipping.shipment_number(chosen['shipped'])} is shipped,"
        f" {shipping.shipment_number(chosen['void'])} is void.",
    )
    box.close()
    assert window.shipments.paperwork.preview is None

    select(qtbot, window, [chosen["pending"]])
    qtbot.mouseClick(window.shipments.pick_button, Qt.MouseButton.LeftButton)
    settle()
    preview = preview_of(qtbot, window)
    nowhere = tmp_path / "no such folder" / "pick-list.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(nowhere), "PDF (*.pdf)"))
    preview.save_pdf.trigger()
    qtbot.waitUntil(lambda: bool(messages()), timeout=10_000)
    (box,) = messages()
    assert box.text() == f"{nowhere} cannot be written: choose another folder or name."
    box.close()
    assert preview.isVisible(), "the preview stays open, to try another name"
    assert not nowhere.parent.exists()


def test_staff_print_a_pick_list_of_the_pending_shipments_by_product_in_shelf_order(
    qtbot, demo_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    chosen = five_shipments()
    pending = sorted(chosen[name] for name in ("walk_in", "pending", "other"))
    show_shipments(qtbot, window)
    select(qtbot, window, list(chosen.values()))
    qtbot.mouseClick(window.shipments.pick_button, Qt.MouseButton.LeftButton)
    settle()
    preview = preview_of(qtbot, window)
    assert preview.windowTitle() == "Pick list: 3 shipments"
    target = tmp_path / "pick-list.pdf"
    save_pdf(preview, target, monkeypatch)
    assert window.statusBar().currentMessage() == f"Wrote the pick list (1 page) to {target}."

    (page,) = page_texts(target)
    # What the pending shipments hold, read here with SQL of the test's own.
    marks = ", ".join("?" * len(pending))
    wanted = query(
        "SELECT p.sku, SUM(sl.qty) FROM shipment_line sl JOIN product p ON p.id = sl.product_id"
        f" WHERE sl.shipment_id IN ({marks}) GROUP BY p.sku",
        tuple(pending),
    )
    rows = re.findall(r"^\s*(NW-\d{3})\s+.*?\s(\d+)\s+S\d{7}", page, flags=re.MULTILINE)
    assert [(sku, int(qty)) for sku, qty in rows] == sorted((sku, int(qty)) for sku, qty in wanted)
    assert f"{len(wanted)} products, {sum(int(q) for _s, q in wanted)} units" in page
    for sid in pending:
        assert shipping.shipment_number(sid) in page
    assert f"{shipping.shipment_number(chosen['void'])} (void)" in page
    assert f"{shipping.shipment_number(chosen['shipped'])} (shipped)" in page
    picture = page_picture(target, 1, shots(tmp_path) / "pick-list.png", dpi=80)
    assert picture.stat().st_size > 10_000


def slip(sid: int, customer: str, lines: list[SlipLine]) -> PackingSlip:
    """A pending shipment's slip, made up, with no address on file."""
    at = datetime(2026, 11, 24, 9, 0)
    return PackingSlip(
        id=sid,
        order=f"{10_207 + sid}",
        customer=customer,
        ordered_at=at,
        status="pending",
        created_at=at,
        created_by="order-entry",
        closed_at=None,
        closed_user=None,
        address=None,
        lines=lines,
    )


def test_a_shipment_too_long_for_a_page_goes_on_over_pages_that_say_so(qapp, tmp_path: Path) -> None:
    """Sixty lines: the first page holds what fits under the address, the next ones the rest,
    each page naming the one shipment and its page; the next shipment starts a page of its own."""
    lines = [SlipLine(n, f"NW-{n:03d}", f"Product {n}", n) for n in range(1, 61)]
    long = slip(41, "Vins et alcools Chevalier", lines)
    short = slip(42, "Toms Spezialitäten", lines[:1])
    target = tmp_path / "long.pdf"
    pages = write_pdf(target, "Packing slips", packing_slip.drawing([long, short]))
    texts = page_texts(target)
    assert len(texts) == pages >= 4
    numbers = [set(SHIPMENT_NUMBER.findall(text)) for text in texts]
    assert numbers == [{"S0000041"}] * (pages - 1) + [{"S0000042"}]
    for n, text in enumerate(texts[:-1], 1):
        assert f"page {n} of {pages - 1}" in text
        assert ("PACKING SLIP (continued)" in text) == (n > 1)
    printed = [int(m) for text in texts[:-1] for m in re.findall(r"^\s+\d+\s+NW-(\d{3})", text, re.MULTILINE)]
    assert printed == list(range(1, 61)), "every line once, in order"
    assert "60 lines, 1,830 units" in texts[-2] and "no address on file" in texts[0]


def test_a_pick_list_longer_than_a_page_goes_on_over_pages(qapp, tmp_path: Path) -> None:
    """Ninety products, one of them for thirty shipments (its line wraps): each product once,
    in shelf order, over pages that say which page they are."""
    many = [(f"S{n:07d}", n) for n in range(1, 31)]
    lines = [PickLine(f"NW-{n}", f"Product {n}", 5, [("S0000001", 5)]) for n in range(2, 91)]
    lines.insert(0, PickLine("NW-1", "Product 1", sum(q for _s, q in many), many))
    pick = PickList(datetime(2026, 12, 2, 9, 0), lines, [number for number, _q in many], [])
    target = tmp_path / "pick.pdf"
    pages = write_pdf(target, "Pick list", pick_list.drawing(pick))
    texts = page_texts(target)
    assert len(texts) == pages >= 3
    for n, text in enumerate(texts, 1):
        assert f"Pick list · page {n} of {pages}" in text
    skus = [int(m) for text in texts for m in re.findall(r"^\s+NW-(\d+)\s", text, re.MULTILINE)]
    assert skus == list(range(1, 91)), "every product once, in shelf order"
    assert "S0000030 ×30" in texts[0], "the long line wraps, nothing cut"
    assert "90 products, 910 units" in texts[-1]


def test_an_order_number_a_barcode_cannot_hold_is_printed_as_text(qapp, tmp_path: Path) -> None:
    odd = slip(7, "Café Ünter den Linden", [SlipLine(1, "NW-001", "Chai", 3)])
    odd = PackingSlip(**{**odd.__dict__, "order": "Bestellung-Ä1"})
    target = tmp_path / "odd.pdf"
    assert write_pdf(target, "Packing slips", packing_slip.drawing([odd])) == 1
    (text,) = page_texts(target)
    assert "Bestellung-Ä1" in text and "Café Ünter den Linden" in text
    assert barcodes(page_picture(target, 1, tmp_path / "odd.png")) == ["S0000007"]


def test_a_long_name_and_a_street_of_two_lines_print_whole_and_apart(qapp, tmp_path: Path) -> None:
    """The reviewer's slip: a long company name and a long street were cut short with "…", and a
    street with a line break in the file printed over the name."""
    import dataclasses

    from backorder_desktop.domain.customers import Address

    name = "A very long customer name that goes on well past half the page, Incorporated"
    street = "Building B, Floor 3, a rather long address line at the industrial estate\nGate 7"
    made = dataclasses.replace(
        slip(43, name, [SlipLine(1, "NW-001", "Chai", 2)]),
        address=Address(name, street, "Berlin", "", "12209", "Germany"),
    )
    target = tmp_path / "address.pdf"
    assert write_pdf(target, "Packing slips", packing_slip.drawing([made])) == 1
    (text,) = page_texts(target)
    words = " ".join(text.split())
    assert "…" not in text
    # Wrapped within its block, each line's words come whole and in order (the order's block
    # beside it may come between the wrapped lines in the text).
    for piece in (
        "A very long customer",
        "Incorporated",
        "Building B, Floor 3,",
        "industrial estate",
        "Gate 7",
    ):
        assert piece in words, piece
    assert words.index("Building B") < words.index("industrial estate") < words.index("Gate 7")
    assert "Berlin 12209" in words and "Germany" in words
