"""Shipments (SPEC 1, 3): staff review what the processes created, filter, mark shipped and void."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from backorder_desktop.domain import allocation, products
from backorder_desktop.domain.browse import shipment_lines
from backorder_desktop.store.database import query
from backorder_desktop.ui import shipments_tab
from tests.ui.helpers import click, click_row, click_tab, read_every_row, settle

PRIMARY_NAME = "Primary Backorder Process"


def shown(tab, column: int) -> list[str]:
    model = tab.model
    read_every_row(model)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def status_in_db(sid: int) -> str:
    return query("SELECT status FROM shipment WHERE id = ?", (sid,))[0][0]


def units_by_sku(sid: int) -> Counter[str]:
    found: Counter[str] = Counter()
    for _line, sku, _name, qty in shipment_lines(sid):
        found[sku] += qty
    return found


def figures(skus) -> dict[str, tuple[int, int, int]]:
    return {s: (p.on_hand, p.committed, p.backordered) for s, p in products.by_sku(skus).items()}


def inventory_shown(window, sku: str) -> tuple[int, int, int]:
    """SKU's figures as the Inventory tab shows them (looked at, then back to where one was)."""
    was = window.tabs.currentWidget()
    window.tabs.setCurrentWidget(window.inventory)
    settle()
    model = window.inventory.model
    try:
        for r, row in enumerate(model.rows):
            if row.sku == sku:
                return tuple(int(model.data(model.index(r, c)).replace(",", "")) for c in (2, 3, 5))
        raise AssertionError(f"{sku} not in the Inventory table")
    finally:
        window.tabs.setCurrentWidget(was)
        settle()


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def yes(parent, title, text) -> bool:
        asked.append(title)
        return True

    monkeypatch.setattr(shipments_tab, "confirm", yes)
    return asked


def test_staff_see_primary_shipments_filter_them_ship_one_void_another_and_stock_changes(
    qtbot, demo_app, confirmed
):
    window, _engine, _bridge = demo_app
    record = allocation.run_process("primary", "manual").record
    assert record.outcome == "ok" and record.shipments > 2
    click_tab(qtbot, window, 2)
    tab = window.shipments
    tab.refresh()

    tab.created_by.setCurrentIndex(tab.created_by.findText(PRIMARY_NAME))
    settle()
    creators = shown(tab, 4)
    assert len(creators) == record.shipments
    assert set(creators) == {PRIMARY_NAME}
    assert tab.count.text() == f"{record.shipments} shipments shown"
    assert set(shown(tab, 7)) == {"Pending"}

    # Mark the first one shipped.
    click_row(qtbot, tab.view, 0)
    (to_ship,) = tab.selected_ids()
    assert tab.detail_title.text().startswith("Lines of ")
    assert tab.lines.rowCount() == len(shipment_lines(to_ship))
    shipped_units = units_by_sku(to_ship)
    before = figures(shipped_units)
    click(qtbot, tab.ship_button)
    settle()
    assert confirmed == ["Mark shipped"]
    assert status_in_db(to_ship) == "shipped"
    row = tab.model.row_of(to_ship)
    assert tab.model.data(tab.model.index(row, 7)) == "Shipped"
    assert tab.selected_ids() == [to_ship], "the shipped row stays selected"
    after = figures(shipped_units)
    for sku, qty in shipped_units.items():
        on_hand, committed, backordered = before[sku]
        assert after[sku] == (on_hand - qty, committed - qty, backordered), sku
        assert inventory_shown(window, sku) == after[sku]

    # Void another one.
    click_row(qtbot, tab.view, 1)
    (to_void,) = tab.selected_ids()
    assert to_void != to_ship
    voided_units = units_by_sku(to_void)
    before = figures(voided_units)
    click(qtbot, tab.void_button)
    settle()
    assert confirmed == ["Mark shipped", "Void shipments"]
    assert status_in_db(to_void) == "void"
    assert status_in_db(to_ship) == "shipped"
    row = tab.model.row_of(to_void)
    assert tab.model.data(tab.model.index(row, 7)) == "Void"
    after = figures(voided_units)
    for sku, qty in voided_units.items():
        on_hand, committed, backordered = before[sku]
        assert after[sku] == (on_hand, committed - qty, backordered + qty), sku
        assert inventory_shown(window, sku) == after[sku]

    # The rest are still pending, and the filter still shows only the Primary's.
    statuses = Counter(shown(tab, 7))
    assert statuses == Counter({"Pending": record.shipments - 2, "Shipped": 1, "Void": 1})
    assert set(shown(tab, 4)) == {PRIMARY_NAME}
    assert "Voided 1 shipment: " in window.statusBar().currentMessage()


def test_shipments_table_refreshes_after_a_run_keeping_selection(qtbot, demo_app):
    window, engine, bridge = demo_app
    click_tab(qtbot, window, 2)
    tab = window.shipments
    assert window.tabs.tabText(2) == "Shipments"
    newest_before = query("SELECT MAX(id) FROM shipment")[0][0]
    click_row(qtbot, tab.view, 0)
    (selected,) = tab.selected_ids()
    assert selected == newest_before
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.FontRole) is None

    with qtbot.waitSignal(bridge.run_finished, timeout=20_000) as finished:
        assert engine.run_now("primary") is not None
    settle()
    record = finished.args[0]
    assert record.outcome == "ok" and record.shipments > 0

    new_ids = [sid for (sid,) in query("SELECT id FROM shipment WHERE id > ? ORDER BY id", (newest_before,))]
    assert len(new_ids) == record.shipments
    shown_ids = [tab.model.row_id(r) for r in range(tab.model.rowCount())]
    assert shown_ids[: len(new_ids)] == sorted(new_ids, reverse=True), "new shipments on top"
    assert tab.selected_ids() == [selected], "the selected shipment is still selected"
    selected_row = tab.model.row_of(selected)
    assert tab.view.selectionModel().isRowSelected(selected_row)
    for sid in new_ids:
        font = tab.model.data(tab.model.index(tab.model.row_of(sid), 2), Qt.ItemDataRole.FontRole)
        assert font is not None and font.bold(), f"new shipment {sid} is bold"
    assert tab.model.data(tab.model.index(selected_row, 2), Qt.ItemDataRole.FontRole) is None
    assert window.tabs.tabText(2) == f"Shipments ({len(new_ids)} new)"
    assert set(shown(tab, 4)[: len(new_ids)]) == {PRIMARY_NAME}

    # Leaving the tab marks them seen.
    click_tab(qtbot, window, 3)
    assert window.tabs.tabText(2) == "Shipments"


def test_shipments_model_passes_qtmodeltester(qtmodeltester, demo_app):
    window, _engine, _bridge = demo_app
    allocation.run_process("primary", "manual")
    window.load_all()
    for tab in (window.shipments, window.backorders, window.inventory, window.run_log):
        window.tabs.setCurrentWidget(tab)  # a screen is read when it is shown
        settle()
        assert tab.model.rowCount() > 0
        qtmodeltester.check(tab.model)


def test_mark_shipped_and_void_are_offered_only_for_pending_shipments(qtbot, demo_app, confirmed):
    window, _engine, _bridge = demo_app
    record = allocation.run_process("primary", "manual").record
    assert record.outcome == "ok" and record.shipments > 2
    click_tab(qtbot, window, 2)
    tab = window.shipments
    tab.created_by.setCurrentIndex(tab.created_by.findText(PRIMARY_NAME))
    settle()
    buttons = (tab.ship_button, tab.void_button)
    assert not any(b.isEnabled() for b in buttons), "nothing selected"
    assert tab.ship_button.toolTip() == "Select pending shipments first."

    click_row(qtbot, tab.view, 0)
    assert all(b.isEnabled() for b in buttons), "a pending shipment"
    click(qtbot, tab.ship_button)
    settle()
    assert confirmed == ["Mark shipped"]
    (shipped,) = tab.selected_ids()
    number = tab.model.row(tab.model.row_of(shipped)).number
    assert not any(b.isEnabled() for b in buttons), "the shipped row stays selected"
    assert tab.ship_button.toolTip() == f"{number} is shipped: only pending shipments can be marked shipped."
    assert tab.void_button.toolTip() == f"{number} is shipped: only pending shipments can be voided."

    # A pending row as well as the shipped one: still not, since it would not apply to all.
    also = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    tab.view.selectionModel().select(tab.model.index(1, 0), also)
    assert len(tab.selected_ids()) == 2 and not tab.ship_button.isEnabled()
    click_row(qtbot, tab.view, 1)  # the pending one alone
    assert all(b.isEnabled() for b in buttons)
    assert tab.void_button.toolTip() == shipments_tab.VOID_TIP
    assert confirmed == ["Mark shipped"], "no question was asked of a shipment it could not apply to"

    # One of a kind reads in the singular.
    assert window.statusBar().currentMessage().startswith("Marked 1 shipment shipped: ")
    tab.status.setCurrentIndex(tab.status.findText("Shipped"))
    settle()
    assert tab.count.text() == "1 shipment shown"
