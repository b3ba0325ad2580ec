"""Database faults seen from the window (issue 6 item 5): a file locked past the busy timeout,
a file that is not a database, one from a newer version, a read-only file, a full disk and a
PostgreSQL server that goes away. Each is provoked for real while a person works in the window:
a plain message (never a traceback), nothing committed lost, and the same click works once the
fault ends, without restarting the program."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from backorder_desktop.domain import allocation
from backorder_desktop.domain.check import check
from backorder_desktop.store import database
from backorder_desktop.store.database import query
from backorder_desktop.ui import main_window, shipments_tab
from tests.faults.conftest import (
    fill_up,
    needs_root,
    own_server,
    server_control,
    small_disk,
    write_big_orders,
)
from tests.places import postgres_database
from tests.ui.helpers import click, click_row, click_tab, products_shown, settle

__all__ = ["own_server", "small_disk"]  # fixtures shared with tests/faults

CLI = Path(sys.executable).parent / "backorder-desktop"


def messages() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def the_message(qtbot) -> str:
    """The one message box on screen, closed after reading: its text, checked to be plain."""
    qtbot.waitUntil(lambda: bool(messages()), timeout=60_000)
    settle()
    (box,) = messages()
    text = box.text()
    assert "Traceback" not in text and "Error:" not in text, text
    box.close()
    return text


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shipments_tab, "confirm", lambda parent, title, text: True)


def open_from_menu(qtbot, window, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """File › Open database…, choosing TARGET in the dialogs as a person would."""
    server = target.startswith("postgresql://")
    kind = "A PostgreSQL server…" if server else "A SQLite file…"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kwargs: (kind, True))
    monkeypatch.setattr(main_window, "ask_server", lambda parent: target)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (target, ""))
    (action,) = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "&Open database…"]
    action.trigger()
    settle()


def pending_shipment_selected(qtbot, window) -> int:
    """After a Primary run, the first pending shipment selected on the Shipments tab."""
    assert allocation.run_process("primary", "manual").record.shipments > 0
    click_tab(qtbot, window, 2)
    tab = window.shipments
    tab.refresh()
    settle()
    model = tab.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 7)) == "Pending")
    click_row(qtbot, tab.view, row)
    (chosen,) = tab.selected_ids()
    return chosen


def status_shown(window, shipment: int) -> str:
    model = window.shipments.model
    return model.data(model.index(model.row_of(shipment), 7))


def status_saved(shipment: int) -> str:
    return query("SELECT status FROM shipment WHERE id = ?", (shipment,))[0][0]


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-second busy timeout for the window's connections (BACKORDER_BUSY_TIMEOUT)."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 1.0)


def test_a_file_locked_by_another_writer_says_busy_and_the_same_click_works_after(
    short_busy_timeout, qtbot, demo_app, db_path: Path, confirmed
) -> None:
    window, _engine, _bridge = demo_app
    shipment = pending_shipment_selected(qtbot, window)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program takes the write lock and keeps it
    try:
        click(qtbot, window.shipments.ship_button)
        text = the_message(qtbot)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "busy" in text and "try again" in text, text
    assert status_saved(shipment) == "pending" and status_shown(window, shipment) == "Pending"

    click(qtbot, window.shipments.ship_button)  # the lock is gone: the same click
    settle()
    assert not messages()
    assert status_saved(shipment) == "shipped" and status_shown(window, shipment) == "Shipped"
    assert check().ok


def test_opening_a_file_that_is_not_a_database_says_so_and_keeps_the_open_one(
    qtbot, demo_app, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    title = window.windowTitle()
    damaged = tmp_path / "orders.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    letter = tmp_path / "letter.db"
    letter.write_text("Dear customer, your order is on its way.\n", encoding="utf-8")
    for wrong in (damaged, letter):
        before = wrong.read_bytes()
        open_from_menu(qtbot, window, monkeypatch, str(wrong))
        text = the_message(qtbot)
        assert str(wrong) in text and "not a Backorder Desktop database" in text, text
        assert wrong.read_bytes() == before, "the program wrote into a file that is not its own"
        assert window.target == str(db_path) and window.windowTitle() == title
        assert products_shown(window) == 77, "the open database's products are still shown"


def test_opening_a_database_of_a_newer_version_says_so_and_leaves_it_alone(
    qtbot, demo_app, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    newer = tmp_path / "newer.sqlite3"
    assert subprocess.run([CLI, "--db", newer, "init"], capture_output=True).returncode == 0
    with sqlite3.connect(newer) as raw:
        raw.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('0002_from_the_future', '2027-01-01')"
        )
    raw.close()
    before = newer.read_bytes()
    open_from_menu(qtbot, window, monkeypatch, str(newer))
    text = the_message(qtbot)
    assert "newer version of Backorder Desktop" in text, text
    assert newer.read_bytes() == before
    assert window.target == str(db_path)
    assert products_shown(window) == 77


@needs_root
@pytest.mark.skipif(not shutil.which("chattr"), reason="needs chattr")
def test_a_read_only_file_opens_for_reading_refuses_changes_and_takes_them_once_writable(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, confirmed
) -> None:
    shop = tmp_path / "shop.sqlite3"
    assert subprocess.run([CLI, "--db", shop, "demo"], capture_output=True).returncode == 0
    before = shop.read_bytes()
    if subprocess.run(["chattr", "+i", shop], capture_output=True).returncode != 0:
        pytest.skip("this file system does not support immutable files")
    try:
        open_from_menu(qtbot, window, monkeypatch, str(shop))
        assert window.target == str(shop) and products_shown(window) == 77, "it can be read"
        click_tab(qtbot, window, 2)
        tab = window.shipments
        tab.status.setCurrentIndex(tab.status.findText("Pending"))
        settle()
        click_row(qtbot, tab.view, 0)
        (shipment,) = tab.selected_ids()
        click(qtbot, tab.ship_button)
        text = the_message(qtbot)
    finally:
        subprocess.run(["chattr", "-i", shop], capture_output=True)
    assert "read-only" in text, text
    assert shop.read_bytes() == before
    assert status_saved(shipment) == "pending"

    click(qtbot, tab.ship_button)  # writable again: the same click, without opening it again
    settle()
    assert not messages()
    assert status_saved(shipment) == "shipped"
    assert check().ok


@needs_root
def test_a_full_disk_during_an_import_says_so_keeps_nothing_and_the_import_works_after(
    qtbot, window, small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = small_disk / "shop.sqlite3"
    assert subprocess.run([CLI, "--db", shop, "demo"], capture_output=True).returncode == 0
    open_from_menu(qtbot, window, monkeypatch, str(shop))
    assert window.target == str(shop)
    big = write_big_orders(tmp_path / "orders.csv")
    lines_before = query("SELECT COUNT(*) FROM order_line")[0][0]
    filler = fill_up(small_disk)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(big), ""))

    window.import_csv("orders")
    text = the_message(qtbot)
    assert "disk is full" in text, text
    assert query("SELECT COUNT(*) FROM order_line")[0][0] == lines_before, "nothing of the import is kept"

    filler.unlink()  # the fault ends: the same import from the same menu
    window.import_csv("orders")
    settle()
    assert not messages()
    assert query("SELECT COUNT(*) FROM order_line")[0][0] == lines_before + 40_000
    assert check().ok


def test_a_postgresql_server_that_goes_away_says_so_and_the_window_carries_on_when_it_is_back(
    own_server, qtbot, window, monkeypatch: pytest.MonkeyPatch, confirmed
) -> None:
    server, data = own_server
    url = postgres_database(server)
    assert subprocess.run([CLI, "--db", url, "demo"], capture_output=True).returncode == 0
    open_from_menu(qtbot, window, monkeypatch, url)
    assert window.target == url and products_shown(window) == 77
    shipment = pending_shipment_selected(qtbot, window)

    server_control("stop", data)  # the server goes away, at once
    try:
        click(qtbot, window.shipments.ship_button)
        text = the_message(qtbot)
    finally:
        server_control("start", data)  # and comes back
    assert "cannot be reached" in text, text
    assert status_saved(shipment) == "pending", "nothing half-done was kept"

    click(qtbot, window.shipments.ship_button)  # the same click, same window, no restart
    settle()
    assert not messages()
    assert status_saved(shipment) == "shipped" and status_shown(window, shipment) == "Shipped"
    assert check().ok


def test_opening_another_database_takes_no_input_until_done_and_one_choice_at_a_time(
    qtbot, demo_app, db_path: Path, tmp_path: Path
) -> None:
    window, first_engine, _bridge = demo_app
    first_engine.start()
    other = tmp_path / "other.sqlite3"
    assert subprocess.run([CLI, "--db", other, "demo"], capture_output=True).returncode == 0

    window.switch_database(str(other))
    assert not window.tabs.isEnabled() and not window.menuBar().isEnabled(), "input while switching"
    window.switch_database(str(db_path))  # a second choice while the first is still opening
    assert "Still opening" in window.statusBar().currentMessage()
    settle()

    assert window.target == str(other) and str(other) in window.windowTitle()
    assert window.tabs.isEnabled() and window.menuBar().isEnabled()
    assert products_shown(window) == 77
    assert not first_engine._thread.is_alive(), "the first database's scheduler still runs"
    assert window.engine is not first_engine and window.engine._thread.is_alive()
    assert database.db.obj.database == str(other), "the window reads another database than it names"
