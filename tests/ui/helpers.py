"""Helpers for the window's tests: waiting for background work, clicking like a person."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QCheckBox, QWidget

from backorder_desktop.ui.workers import wait_for_background


def settle(rounds: int = 4) -> None:
    """Let every background task finish and deliver its result (which may start another task)."""
    for _ in range(rounds):
        assert wait_for_background(20_000), "background work did not finish"
        QApplication.processEvents()


def click(qtbot, widget: QWidget) -> None:
    """A left click on WIDGET (on a check box: on its indicator, where a person clicks)."""
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(6, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_row(qtbot, view: QAbstractItemView, row: int, column: int = 0) -> None:
    """Click a row of a table the way a person does (clears the previous selection)."""
    index = view.model().index(row, column)
    QApplication.processEvents()  # a tab just made current lays its table out first
    qtbot.waitUntil(lambda: view.isVisible() and view.visualRect(index).isValid(), timeout=5_000)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert view.selectionModel().isRowSelected(row), f"row {row} of {view.accessibleName()} not selected"


def click_tab(qtbot, window, index: int) -> None:
    """Click the title of tab INDEX in the window's tab bar."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
