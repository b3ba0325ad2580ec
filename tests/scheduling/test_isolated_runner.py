"""The window's runs happen in a child process: same result, progress reported, failures recorded."""

from __future__ import annotations

from datetime import datetime

from backorder_desktop.domain import inventory, orders, preferences, products
from backorder_desktop.scheduling.isolated import isolated_runner
from backorder_desktop.store.database import query


def _backlog() -> None:
    products.save_products([products.ProductInput("A", "Apple", False, "test")])
    orders.enter_orders(
        [orders.OrderInput("1", "Ann", datetime(2026, 11, 2, 9), lines=[orders.LineInput(1, "A", 5)])]
    )
    inventory.receive(
        [inventory.ReceiptInput("R1", datetime(2026, 11, 3, 9), [inventory.ReceiptLineInput("A", 3)])]
    )
    preferences.save(backorders_enabled=True)


def test_run_in_a_child_process_creates_the_shipment_and_reports_progress(store: str) -> None:
    _backlog()
    seen = []
    result = isolated_runner(store)("primary", "manual", progress=seen.append)
    assert (result.record.outcome, result.record.units, result.record.shipments) == ("ok", 3, 1)
    assert result.record.trigger == "manual" and result.record.id > 0
    assert seen and seen[-1].units == 3
    assert query("SELECT created_by, status FROM shipment WHERE run_id = ?", (result.record.id,)) == [
        ("primary", "pending")
    ]


def test_a_child_that_dies_is_recorded_as_a_failed_run(store: str, tmp_path) -> None:
    _backlog()
    result = isolated_runner(str(tmp_path / "missing" / "nowhere.sqlite3"))("primary", "schedule")
    assert result.record.outcome == "failed"
    assert "stopped before it finished" in result.record.error
    assert query("SELECT outcome FROM run") == [("failed",)]
    assert query("SELECT COUNT(*) FROM shipment")[0][0] == 0
