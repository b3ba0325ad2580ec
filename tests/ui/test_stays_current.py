"""The window stays current: what another program writes (the command line here, in a process of its
own) shows within five seconds without a click, with the selected rows and the rows in view kept;
F5 and View › Refresh show it at once; the next runs are counted from now, and a slot being run
reads "running now"."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from backorder_desktop.domain import clock, planning, processes, schedules
from backorder_desktop.store.database import query
from backorder_desktop.ui.format import when
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database
from tests.ui.helpers import click_row, settle

CLI = Path(sys.executable).parent / "backorder-desktop"
NOTICED_WITHIN_MS = 5_000  # the promise, from the other program's exit
EVERY_DAY = frozenset(range(7))


def another_program(db: str, *args: str) -> str:
    """Run the command line on DB in a process of its own, as a colleague at another desk would."""
    done = subprocess.run([str(CLI), "--db", db, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def shown(view: QTableView, row: int, field: str) -> str:
    """The text of FIELD's column in ROW of VIEW, as the person reads it."""
    model = view.model()
    column = model.listing.index_of(field)
    for _ in range(20):  # a row is read off the window's thread when it is first shown
        text = model.data(model.index(row, column))
        if text is not None:
            break
        settle()
    return str(text)


def rows_shown(view: QTableView, field: str) -> list[str]:
    return [shown(view, row, field) for row in range(view.model().rowCount())]


def selected(view: QTableView, field: str) -> list[str]:
    return [shown(view, index.row(), field) for index in view.selectionModel().selectedRows()]


def receipt_file(folder: Path, number: str, sku: str, qty: int) -> Path:
    path = folder / f"{number}.csv"
    path.write_text(
        f"receipt,received_at,sku,qty\n{number},2026-11-24T09:30:00,{sku},{qty}\n", encoding="utf-8"
    )
    return path


def test_a_receipt_imported_by_another_program_shows_with_the_selection_and_rows_in_view_kept(
    qtbot, demo_app, window_db: str, tmp_path: Path
):
    window, _engine, _bridge = demo_app
    tab = window.inventory
    window.tabs.setCurrentWidget(tab)
    view = tab.view
    click_row(qtbot, view, 45)  # far enough down that the table scrolled
    top = view.rowAt(0)
    assert top > 0, "the table did not scroll: the test would prove nothing about the rows in view"
    top_sku, sku = shown(view, top, "sku"), shown(view, 45, "sku")
    before = int(shown(view, 45, "on_hand").replace(",", ""))

    another_program(window_db, "import", "receipts", str(receipt_file(tmp_path, "R-ELSEWHERE-1", sku, 500)))
    qtbot.waitUntil(lambda: shown(view, 45, "on_hand") == f"{before + 500:,}", timeout=NOTICED_WITHIN_MS)
    assert selected(view, "sku") == [sku], "the selected product is still the selected one"
    assert shown(view, view.rowAt(0), "sku") == top_sku, "the rows in view stayed where they were"
    assert tab.count.text() == "77 products shown"


def test_shipments_shipped_and_made_by_another_program_show_and_the_selected_one_stays_selected(
    qtbot, demo_app, window_db: str
):
    window, _engine, _bridge = demo_app
    tab = window.shipments
    window.tabs.setCurrentWidget(tab)
    tab.status.setCurrentIndex(tab.status.findData("pending"))
    settle()
    view = tab.view
    pending = query("SELECT COUNT(*) FROM shipment WHERE status = 'pending'")[0][0]
    assert pending > 5
    assert tab.count.text() == f"{pending} shipments shown"
    click_row(qtbot, view, 2)
    mine = selected(view, "number")
    other = shown(view, 5, "number")
    assert shown(view, 5, "status") == "Pending"

    another_program(window_db, "ship", other)
    qtbot.waitUntil(lambda: tab.count.text() == f"{pending - 1} shipments shown", timeout=NOTICED_WITHIN_MS)
    assert other not in rows_shown(view, "number"), "a shipped one left the pending list"
    assert selected(view, "number") == mine
    assert tab.detail_title.text() == f"Lines of {mine[0]}"

    # The Primary run of another program makes new shipments: they come in at the top, in bold.
    another_program(window_db, "run", "primary")
    qtbot.waitUntil(lambda: tab.count.text() != f"{pending - 1} shipments shown", timeout=NOTICED_WITHIN_MS)
    made = int(tab.count.text().split()[0].replace(",", "")) - (pending - 1)
    assert made > 0
    assert selected(view, "number") == mine, "the selected shipment is still selected"
    new_ones = rows_shown(view, "number")[:made]
    assert all(number > mine[0] for number in new_ones), "newest first"
    model = view.model()
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    qtbot.waitUntil(lambda: window.tabs.tabText(2) == f"Shipments ({made} new)", timeout=NOTICED_WITHIN_MS)
    assert window.run_log.model.rowCount() == 0, "a tab out of sight is read when it is shown"
    window.tabs.setCurrentWidget(window.run_log)
    qtbot.waitUntil(lambda: window.run_log.model.rowCount() == 1, timeout=NOTICED_WITHIN_MS)


def test_f5_and_view_refresh_show_a_change_at_once(qtbot, demo_app, window_db: str, tmp_path: Path):
    window, _engine, _bridge = demo_app
    window.file_watch.stop()  # no look on its own: only the person's request can show the change
    tab = window.inventory
    window.tabs.setCurrentWidget(tab)
    view = tab.view
    sku, before = shown(view, 0, "sku"), int(shown(view, 0, "on_hand").replace(",", ""))

    another_program(window_db, "import", "receipts", str(receipt_file(tmp_path, "R-F5", sku, 7)))
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(view, Qt.Key.Key_F5)
    settle()
    assert shown(view, 0, "on_hand") == f"{before + 7:,}"

    another_program(window_db, "import", "receipts", str(receipt_file(tmp_path, "R-MENU", sku, 5)))
    (view_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"]
    (refresh,) = [a for a in view_menu.actions() if a.text() == "&Refresh"]
    assert refresh.shortcut().toString() == "F5"
    refresh.trigger()
    settle()
    assert shown(view, 0, "on_hand") == f"{before + 12:,}"


def test_nothing_is_read_again_while_nothing_changes(qtbot, demo_app):
    window, _engine, _bridge = demo_app
    window.tabs.setCurrentWidget(window.shipments)
    settle()
    resets: list[int] = []
    for tab in (window.shipments, window.inventory, window.backorders, window.run_log):
        tab.model.modelReset.connect(lambda: resets.append(1))
    for _look in range(4):
        window.file_watch.timeout.emit()
        settle()
    assert resets == [], "the window read its tables again though nothing changed"


def shoot(widget, name: str) -> None:
    """Save what WIDGET shows, for a person to look at (BACKORDER_SHOTS, by default /tmp/current-shots)."""
    folder = Path(os.environ.get("BACKORDER_SHOTS", "/tmp/current-shots"))
    folder.mkdir(parents=True, exist_ok=True)
    settle()  # what is being read arrives, and the layouts it asks for are done
    QApplication.processEvents()
    assert widget.grab().save(str(folder / name))


def test_a_hidden_window_reads_what_changed_when_it_is_shown_again(
    qtbot, demo_app, window_db: str, tmp_path: Path
):
    window, _engine, _bridge = demo_app
    tab = window.inventory
    window.tabs.setCurrentWidget(tab)
    sku, before = shown(tab.view, 0, "sku"), int(shown(tab.view, 0, "on_hand").replace(",", ""))
    window.hide()
    another_program(window_db, "import", "receipts", str(receipt_file(tmp_path, "R-HIDDEN", sku, 9)))
    window.file_watch.timeout.emit()
    settle()
    assert shown(tab.view, 0, "on_hand") == f"{before:,}", "a hidden window read its tables"
    window.show()
    qtbot.waitExposed(window)
    settle()
    assert shown(tab.view, 0, "on_hand") == f"{before + 9:,}"


def at_wall(moment: datetime) -> datetime:
    """MOMENT (aware) as the window's clock reads it: UTC."""
    return moment.astimezone(UTC)


def next_runs_text(window) -> str:
    QApplication.processEvents()
    return window.next_runs.text()


def schedule_cell(window, code: int) -> str:
    table = window.schedule_setup.table
    row = [table.item(r, 1).text() for r in range(table.rowCount())].index(str(code))
    return table.item(row, 4).text()


def test_next_runs_are_counted_from_now_and_follow_a_schedule_saved_elsewhere(
    qtbot, window, window_db: str, monkeypatch: pytest.MonkeyPatch
):
    tz = clock.local_zone()
    now = clock.utc_now()
    monkeypatch.setattr(clock, "utc_now", lambda: now)  # the window's clock stands still
    another_program(
        window_db, "schedules", "set", "7792", "--on", "--every", "30", "--unit", "minutes",
        "--days", "mon,tue,wed,thu,fri,sat,sun", "--start", "00:00", "--end", "23:30",
    )  # fmt: skip
    rule = schedules.load(processes.PRIMARY_CODE).rule
    first = planning.next_run(rule, now, tz)
    assert first is not None
    expected = f"Next runs — Primary: {when(first.replace(tzinfo=None))}, Secondary: off"
    qtbot.waitUntil(lambda: next_runs_text(window) == expected, timeout=NOTICED_WITHIN_MS)
    assert schedule_cell(window, processes.PRIMARY_CODE) == when(first.replace(tzinfo=None))

    # Three quarters of an hour after the next slot (its run and the one after left no record
    # here for a while: nobody says "running now" a quarter of an hour on): the slot after.
    later = first + timedelta(minutes=45)
    monkeypatch.setattr(clock, "utc_now", lambda: at_wall(later))
    after = planning.next_run(rule, at_wall(later), tz)
    assert after is not None and after - later == timedelta(minutes=15)
    expected = f"Next runs — Primary: {when(after.replace(tzinfo=None))}, Secondary: off"
    window.file_watch.timeout.emit()
    settle()
    assert next_runs_text(window) == expected
    assert schedule_cell(window, processes.PRIMARY_CODE) == when(after.replace(tzinfo=None))
    assert window.schedule_setup.next_run.text() == f"Next run: {when(after.replace(tzinfo=None))}"


def test_a_slot_being_run_reads_running_now_until_its_run_is_recorded_by_whoever_ran_it(
    qtbot, demo_app, window_db: str, monkeypatch: pytest.MonkeyPatch
):
    window, engine, bridge = demo_app
    tz = clock.local_zone()
    real = clock.utc_now
    minute = real().astimezone(tz).replace(second=0, microsecond=0)  # a slot of every minute
    # Saved by the administrator a while before that slot.
    monkeypatch.setattr(clock, "utc_now", lambda: at_wall(minute - timedelta(minutes=5)))
    schedules.save(
        processes.PRIMARY_CODE, enabled=True, every=1, unit="minutes", days=EVERY_DAY,
        start=time(0, 0), end=time(23, 59),
    )  # fmt: skip
    # Twenty seconds past the slot, no program has recorded its run yet: someone is running it.
    monkeypatch.setattr(clock, "utc_now", lambda: at_wall(minute + timedelta(seconds=20)))
    window.file_watch.timeout.emit()
    settle()
    assert next_runs_text(window) == "Next runs — Primary: running now, Secondary: off"
    assert schedule_cell(window, processes.PRIMARY_CODE) == "running now"
    shoot(window.statusBar(), "status-bar-running-now.png")

    # Another program (here the command line) runs it; once its record is there, the next slot.
    another_program(window_db, "run", "primary")
    following = (minute + timedelta(minutes=1)).replace(tzinfo=None)
    expected = f"Next runs — Primary: {when(following)}, Secondary: off"
    qtbot.waitUntil(lambda: next_runs_text(window) == expected, timeout=NOTICED_WITHIN_MS)
    assert schedule_cell(window, processes.PRIMARY_CODE) == when(following)
    shoot(window.statusBar(), "status-bar-next-run.png")
    window.tabs.setCurrentWidget(window.schedule_setup)
    shoot(window, "schedule-setup-next-run.png")

    # A run of this window's own scheduler reads "running now" while it runs.
    seen_while_running: list[str] = []
    bridge.run_started.connect(lambda *_args: seen_while_running.append(window.next_runs.text()))
    with qtbot.waitSignal(bridge.run_finished, timeout=30_000):
        assert engine.run_now("primary") is not None
    settle()
    assert seen_while_running == ["Next runs — Primary: running now, Secondary: off"]
    assert next_runs_text(window) == expected


def test_a_change_to_a_postgresql_database_shows_too(
    qtbot, window, window_db: str, tmp_path: Path, request: pytest.FixtureRequest
):
    url = postgres_database(require_postgres(request))
    try:
        another_program(url, "demo")
        window.switch_database(url)
        settle()
        assert window.target == url
        tab = window.inventory
        window.tabs.setCurrentWidget(tab)
        click_row(qtbot, tab.view, 2)
        sku, before = shown(tab.view, 2, "sku"), int(shown(tab.view, 2, "on_hand").replace(",", ""))
        assert sku != "NW-004"

        another_program(url, "import", "receipts", str(receipt_file(tmp_path, "R-SERVER", sku, 40)))
        qtbot.waitUntil(
            lambda: shown(tab.view, 2, "on_hand") == f"{before + 40:,}", timeout=NOTICED_WITHIN_MS
        )
        assert selected(tab.view, "sku") == [sku]
        # An order of a product out of stock (NW-004) waits whole; voided, it moves no stock either.
        window.tabs.setCurrentWidget(window.backorders)
        settle()
        waiting = window.backorders.model.rowCount()
        orders = tmp_path / "orders.csv"
        orders.write_text(
            "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
            "W-1,Wide World Importers,2026-11-24T09:00:00,5,false,1,NW-004,3\n",
            encoding="utf-8",
        )
        another_program(url, "import", "orders", str(orders))
        qtbot.waitUntil(lambda: window.backorders.model.rowCount() == waiting + 1, timeout=NOTICED_WITHIN_MS)
        another_program(url, "void-order", "W-1")
        qtbot.waitUntil(lambda: window.backorders.model.rowCount() == waiting, timeout=NOTICED_WITHIN_MS)
    finally:
        window.switch_database(window_db)
        settle()
        drop_postgres_database(url)
