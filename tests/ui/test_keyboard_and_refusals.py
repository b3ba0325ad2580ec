"""Schedule Setup by keyboard, and what a refusal leaves on screen (issue 14, items 4 and 5):
Tab moves between controls, the focus is visible, a typed time or a held arrow key is one
change, and a refused value gives way to what is saved while its message stays with it."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication

from backorder_desktop.domain import processes, schedules
from backorder_desktop.ui import schedule_tab
from tests.ui.helpers import click, settle
from tests.ui.test_schedule_setup import open_schedule_setup, select, type_every, type_time

PRIMARY, SECONDARY = processes.PRIMARY_CODE, processes.SECONDARY_CODE


def test_a_refused_value_gives_way_to_the_saved_one_and_its_message_stays_with_it(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    type_time(qtbot, tab.start, "2000")  # after the end, 19:00
    qtbot.waitUntil(lambda: tab.message.text().endswith(schedule_tab.REFUSED), timeout=5_000)
    assert tab.message.text().startswith("End: the window ends (19:00) before it starts (20:00)")
    assert tab.start.time() == QTime(7, 0), "the editor shows the Start that is saved"
    assert schedules.load(PRIMARY).rule.start == time(7)

    # Another schedule: the message was about the Primary's, and goes.
    select(tab, SECONDARY)
    assert tab.message.text() == ""
    assert not tab.start.styleSheet() and not tab.end.styleSheet()
    select(tab, PRIMARY)
    assert tab.message.text() == ""

    # Refused again, then fixed: the message gives way to the save.
    type_every(qtbot, tab, "0")
    settle()
    assert tab.message.text().startswith("Run every: ")
    type_every(qtbot, tab, "15")
    qtbot.waitUntil(lambda: tab.message.text().startswith("Saved at "), timeout=5_000)
    assert not tab.every.styleSheet()
    assert schedules.load(PRIMARY).rule.every == 15


def test_a_typed_time_and_a_held_arrow_key_are_each_one_change(qtbot, window, monkeypatch):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    saved: list[tuple[time, time]] = []
    real_save = schedules.save

    def recording_save(code, **change):
        saved.append((change["start"], change["end"]))
        return real_save(code, **change)

    monkeypatch.setattr(schedules, "save", recording_save)
    # Click on the hour and type over it: 08:30, saved once, not 08:3x on the way. The click
    # lands on the box's line edit, as a person's does on a real screen.
    text = tab.start.lineEdit()
    qtbot.mouseClick(text, Qt.MouseButton.LeftButton, pos=QPoint(6, text.height() // 2))
    qtbot.waitUntil(lambda: tab.start.lineEdit().selectedText() == "07", timeout=5_000)
    qtbot.keyClicks(tab.start, "0830")
    qtbot.waitUntil(lambda: schedules.load(PRIMARY).rule.start == time(8, 30), timeout=5_000)
    settle()
    assert saved == [(time(8, 30), time(19))]
    assert tab.start.time() == QTime(8, 30)

    # The end's minutes, held Up five steps (auto-repeat), then let go: one save.
    tab.end.setFocus()
    tab.end.setCurrentSectionIndex(1)
    for _ in range(5):
        qtbot.keyPress(tab.end, Qt.Key.Key_Up)
    qtbot.keyRelease(tab.end, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=5_000)
    settle()
    assert saved[1] == (time(8, 30), time(19, 5)), saved
    assert schedules.load(PRIMARY).rule.end == time(19, 5)


def test_tab_leaves_a_table_and_the_focus_frame_can_be_seen(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    views = window.findChildren(QAbstractItemView)
    assert views and not any(view.tabKeyNavigation() for view in views), "Tab moves between controls"
    tab.table.setFocus()
    qtbot.waitUntil(lambda: tab.table.hasFocus(), timeout=5_000)
    reached = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert tab.enabled in reached, f"Tab from the table reached {reached}, not the editor"

    # The focused control wears a frame of the selection colour, two pixels wide.
    select(tab, PRIMARY)
    button = tab.run_now
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=5_000)
    highlight = button.palette().color(QPalette.ColorRole.Highlight)
    focused = button.grab().toImage()
    frame = sum(
        QColor(focused.pixel(x, y)) == highlight
        for x in range(focused.width())
        for y in range(focused.height())
    )
    click(qtbot, tab.enabled)  # the focus goes elsewhere
    settle()
    unfocused = button.grab().toImage()
    plain = sum(
        QColor(unfocused.pixel(x, y)) == highlight
        for x in range(unfocused.width())
        for y in range(unfocused.height())
    )
    assert frame > 2 * (focused.width() + focused.height()) and plain < frame / 4, (frame, plain)


def test_typing_the_saved_value_again_takes_the_refusal_away(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    type_time(qtbot, tab.end, "0600")
    qtbot.waitUntil(lambda: tab.message.text().endswith(schedule_tab.REFUSED), timeout=5_000)
    assert tab.end.styleSheet() and tab.end.time() == QTime(19, 0)
    type_time(qtbot, tab.end, "1900")  # the saved value, typed again: nothing to save
    qtbot.waitUntil(lambda: tab.message.text() == "", timeout=5_000)
    assert not tab.end.styleSheet()
