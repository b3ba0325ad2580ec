"""The window as a whole: accessible names, keyboard, errors people can read, geometry, screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from backorder_desktop.domain import browse, inventory, processes, schedules, shipments
from backorder_desktop.ui.dialogs import ReceiveDialog
from backorder_desktop.ui.errors import ErrorReporter, ReportDialog, describe
from tests.provoked import locked_error
from tests.ui.helpers import click_row, settle

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QSpinBox,
    QTimeEdit,
    QDateEdit,
    QDialogButtonBox,
    QCheckBox,
    QAbstractItemView,
    QPlainTextEdit,
)
# Composite widgets: what they hold (a spin box's line edit, a combo's list, a table's scroll bars and
# corner button) is theirs, not a control of ours.
COMPOSITES = (QAbstractSpinBox, QComboBox, QAbstractItemView, QLineEdit, QPlainTextEdit)
SCREENS = (
    "order-entry",
    "schedule-setup",
    "shipments",
    "orders",
    "backorders",
    "inventory",
    "run-log",
    "activity",
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def our_controls(window) -> list[QWidget]:
    """The controls on the tabs, without Qt's private children of composite widgets."""
    pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
    found = []
    for page in pages:
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, CONTROLS) or isinstance(widget, QHeaderView):
                continue
            if widget.objectName().startswith("qt_"):
                continue
            parent, private = widget.parentWidget(), False
            while parent is not None and parent is not page:
                if isinstance(parent, COMPOSITES) or parent.objectName().startswith("qt_"):
                    private = True
                    break
                parent = parent.parentWidget()
            if not private:
                found.append(widget)
    return found


def test_every_control_has_an_accessible_name_equal_to_its_label(window):
    controls = our_controls(window)
    assert len(controls) > 30
    buddies: dict[int, str] = {}
    for page in (window.tabs.widget(i) for i in range(window.tabs.count())):
        for label in page.findChildren(QLabel):
            if label.buddy() is not None:
                buddies[id(label.buddy())] = label.text().replace("&", "").rstrip(":")
    problems = []
    for widget in controls:
        name = widget.accessibleName()
        what = f"{type(widget).__name__} {name or widget.objectName() or '(unnamed)'}"
        if not name:
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            problems.append(f"{what} {text!r}: no accessible name")
            continue
        if isinstance(widget, QAbstractButton) and name != widget.text().replace("&", ""):
            problems.append(f"{what}: accessible name {name!r} is not its text {widget.text()!r}")
        if id(widget) in buddies and name != buddies[id(widget)]:
            problems.append(f"{what}: accessible name {name!r} is not its label {buddies[id(widget)]!r}")
    assert problems == []
    # Every labelled control was seen by the walk.
    assert len(buddies) >= 10
    assert window.tabs.accessibleName() == "Screens"


def test_keyboard_shortcuts_switch_tabs_and_focus_search(qtbot, window):
    window.activateWindow()
    qtbot.waitActive(window)
    for number in (2, 3, 4, 5, 6, 7, 8, 1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == number - 1, f"Ctrl+{number}"

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    search = window.shipments.search
    search.setText("abc")
    window.shipments.view.setFocus()
    assert not search.hasFocus()
    qtbot.keyClick(window.shipments.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(search.hasFocus, timeout=5_000)
    assert QApplication.focusWidget() is search
    assert search.selectedText() == "abc", "the search text is selected, ready to type over"
    search.clear()

    # On the other tabs with a search box too.
    for index, tab in ((3, window.orders), (4, window.backorders), (5, window.inventory)):
        window.tabs.setCurrentIndex(index)
        tab.view.setFocus()
        qtbot.keyClick(tab.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(tab.search.hasFocus, timeout=5_000)
    settle()


def test_database_problem_is_a_clear_message_not_a_traceback(qtbot, window, tmp_path: Path):
    locked = locked_error(tmp_path)  # a real SQLITE_BUSY: errors are known by their code, not words
    plain = describe(locked, "/data/backorders.sqlite3")
    assert plain is not None
    assert plain.startswith("/data/backorders.sqlite3: ")
    assert "busy" in plain and "try again" in plain
    assert "Traceback" not in plain and "OperationalError" not in plain
    assert describe(RuntimeError("a bug")) is None, "a bug is not dressed up as a plain message"

    # A bug: the error hook shows a report the person can copy.
    window.activateWindow()
    qtbot.waitActive(window)
    reporter = window.reporter
    raise_and_report(reporter, "the flux capacitor is empty")
    qtbot.waitUntil(lambda: bool(report_dialogs()), timeout=5_000)
    (dialog,) = report_dialogs()
    report = dialog.report.toPlainText()
    assert report.startswith("Backorder Desktop ")
    assert "Traceback (most recent call last)" in report
    assert "RuntimeError: the flux capacitor is empty" in report
    assert dialog.report.isReadOnly()
    assert reporter.shown == ["RuntimeError: the flux capacitor is empty"]
    (copy,) = [b for b in dialog.findChildren(QAbstractButton) if b.text() == "Copy report"]
    QApplication.clipboard().clear()
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == report
    dialog.close()
    qtbot.waitUntil(lambda: not report_dialogs(), timeout=5_000)

    # In the window: a message box a person can read, no report dialog.
    window.show_error(locked, "Traceback (most recent call last): …")
    settle()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    assert "busy" in boxes[0].text() and "Traceback" not in boxes[0].text()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog) and w.isVisible()]
    boxes[0].close()

    # The same when the application is not the active one (an error in a background thread while the
    # person works in another program): the report must still stay on screen.
    window.hide()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is None, timeout=5_000)
    raise_and_report(reporter, "while nobody was looking")
    qtbot.waitUntil(lambda: len(reporter.shown) == 2, timeout=5_000)
    settle()
    dialogs = report_dialogs()
    assert len(dialogs) == 1, "the report dialog vanished: nothing keeps it alive without an active window"
    assert "while nobody was looking" in dialogs[0].report.toPlainText()


def report_dialogs() -> list[ReportDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog) and w.isVisible()]


def raise_and_report(reporter: ErrorReporter, text: str) -> None:
    try:
        raise RuntimeError(text)
    except RuntimeError as error:
        reporter.excepthook(type(error), error, error.__traceback__)


def test_window_geometry_is_remembered(qtbot, open_window, home: Path):
    first, _engine, _bridge = open_window()
    assert first.size() == QSize(1180, 720), "the first start has a sensible default size"
    first.resize(930, 610)
    first.move(140, 90)
    qtbot.waitUntil(lambda: first.size() == QSize(930, 610) and first.pos() == QPoint(140, 90), timeout=5_000)
    first.close()
    assert (home / "window.ini").exists()

    second, _engine, _bridge = open_window()
    assert second.size() == QSize(930, 610)
    assert second.pos() == QPoint(140, 90)


def test_screenshots_of_every_tab(qtbot, demo_app, tmp_path):
    """Every tab on the demo data after a Primary run, with the scheduler running. The shots go
    to a scratch folder, or to docs/screenshots with BACKORDER_SCREENSHOTS=1 (to refresh the docs)."""
    folder = SCREENSHOTS if os.environ.get("BACKORDER_SCREENSHOTS") else tmp_path
    window, engine, bridge = demo_app
    window.resize(1280, 760)
    schedules.save(processes.PRIMARY_CODE, enabled=True)
    schedules.save(processes.SECONDARY_CODE, enabled=True)
    engine.start()
    qtbot.waitUntil(lambda: window.scheduler_state.text() == "Scheduler: running", timeout=20_000)
    with qtbot.waitSignal(bridge.run_finished, timeout=20_000):
        assert engine.run_now("primary") is not None
    settle()
    inventory.adjust([inventory.AdjustmentInput("NW-014", 12, "count correction")])
    with qtbot.waitSignal(bridge.run_finished, timeout=20_000):
        assert engine.run_now("secondary") is not None
    settle()

    window.tabs.setCurrentIndex(4)
    click_row(qtbot, window.backorders.view, 0)
    qtbot.mouseClick(window.backorders.why_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Secondary" in window.backorders.explanation.toPlainText(), timeout=20_000)
    window.tabs.setCurrentIndex(1)
    window.schedule_setup.table.selectRow(0)
    shipped = browse.newest_shipment_id() - 1
    shipments.ship([shipped])  # who shipped it, and when, in its row and its detail
    window.shipments.refresh()  # read off the window's thread
    settle()
    window.shipments.view.selectRow(1)  # without visiting the tab, so the new shipments stay new
    assert window.shipments.selected_ids() == [shipped]
    settle()
    assert window.tabs.tabText(2).startswith("Shipments (")

    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(SCREENS):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        if name == "activity":  # read again now it is shown: the runs and changes above, newest first
            settle()
            model = window.activity.model
            newest = [model.data(model.index(r, model.listing.index_of("action"))) for r in range(3)]
            assert newest == ["Ship", "Run", "Adjustment"], newest
        path = folder / f"{name}.png"
        assert window.grab().save(str(path)), path
        assert path.stat().st_size > 10_000
    # Every screen on the smallest screen people work on and on a big one (issue 14).
    for width, height in ((1024, 700), (1920, 1080)):
        window.resize(width, height)
        for index, name in enumerate(SCREENS):
            window.tabs.setCurrentIndex(index)
            settle()
            path = folder / f"{name}-{width}x{height}.png"
            assert window.grab().save(str(path)), path
    window.resize(1280, 760)

    # A refused entry: the dialog says what to correct, by label, and marks the control.
    window.tabs.setCurrentIndex(5)
    dialog = ReceiveDialog(window.inventory)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.number.setText("PO-7781")
    dialog.lines.setPlainText("NW-001 24\nNO-SUCH 5\nNW-004 99999999999999999999")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle()
    assert dialog.isVisible() and "Lines, line 2: unknown SKU 'NO-SUCH'" in dialog.error.text()
    dialog.adjustSize()
    QApplication.processEvents()
    path = folder / "receive-refused.png"
    assert dialog.grab().save(str(path)), path
    dialog.close()
