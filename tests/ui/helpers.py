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
    model = view.model()
    QApplication.processEvents()  # a tab just made current lays its table out first
    # Its rows are read off the window's thread when it is shown: the row is there once read.
    qtbot.waitUntil(
        lambda: (
            view.isVisible()
            and model.rowCount() > row
            and view.visualRect(model.index(row, column)).isValid()
        ),
        timeout=5_000,
    )
    index = model.index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert view.selectionModel().isRowSelected(row), f"row {row} of {view.accessibleName()} not selected"


def click_tab(qtbot, window, index: int) -> None:
    """Click the title of tab INDEX in the window's tab bar."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def read_every_row(model) -> None:
    """Let a table read every one of its rows, as when the person scrolls down to the end: a
    block of rows not read yet is asked for by showing it, and read off the window's thread."""
    from backorder_desktop.domain.browse import PAGE

    for _ in range(50):
        missing = [r for r in range(0, model.rowCount(), PAGE) if model.data(model.index(r, 0)) is None]
        if not missing:
            return
        settle()
    raise AssertionError(f"rows {missing} of {type(model).__name__} were never read")


def products_shown(window) -> int:
    """How many products the Inventory tab shows when the person looks at it (then back to the
    screen they were on)."""
    was = window.tabs.currentWidget()
    window.tabs.setCurrentWidget(window.inventory)
    settle()
    shown = window.inventory.model.rowCount()
    window.tabs.setCurrentWidget(was)
    settle()
    return shown
