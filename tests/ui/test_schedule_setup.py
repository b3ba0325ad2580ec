"""System Preferences › Automation Schedules › Schedule Setup (SPEC 5): every valid change saves by itself,
a value that cannot be right is refused where it is typed, and loading never saves."""

from __future__ import annotations

from datetime import time

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QPushButton

from backorder_desktop.domain import clock, planning, processes, schedules
from backorder_desktop.ui import schedule_tab
from backorder_desktop.ui.format import when
from tests.ui.helpers import click, click_tab, settle

PRIMARY, SECONDARY = processes.PRIMARY_CODE, processes.SECONDARY_CODE
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def open_schedule_setup(qtbot, window):
    click_tab(qtbot, window, 1)
    tab = window.schedule_setup
    assert window.tabs.currentWidget() is tab
    return tab


def select(tab, code: int) -> None:
    row = [int(tab.table.item(r, 1).text()) for r in range(tab.table.rowCount())].index(code)
    tab.table.selectRow(row)
    assert tab.code == code


def type_every(qtbot, tab, text: str) -> None:
    """Type TEXT over Run every and press Enter, as an administrator does."""
    tab.every.setFocus()
    tab.every.selectAll()
    qtbot.keyClicks(tab.every, text)
    qtbot.keyClick(tab.every, Qt.Key.Key_Return)


def type_time(qtbot, box, digits: str) -> None:
    """Click into a time box, type DIGITS over the hour and minutes, and press Enter."""
    box.setFocus()
    box.setCurrentSectionIndex(0)
    box.setSelectedSection(box.currentSection())
    qtbot.keyClicks(box, digits)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def expected_next_runs(rule: planning.Rule) -> set[str]:
    """The next run as the window writes it, at this minute and the next (the clock may tick)."""
    tz = clock.local_zone()
    found = set()
    for _ in range(2):
        moment = planning.next_run(rule, clock.utc_now(), tz)
        found.add(when(moment.astimezone(tz).replace(tzinfo=None) if moment else None, "off"))
    return found


def test_admin_sets_run_every_and_days_and_it_is_saved_at_once_with_next_run(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    assert tab.editor.title() == "7792 Primary Backorder Process"
    assert not [b for b in tab.findChildren(QPushButton) if "save" in b.text().lower()], "no Save button"
    assert schedules.load(PRIMARY).rule.enabled is False

    click(qtbot, tab.enabled)
    settle()
    assert tab.enabled.isChecked()
    assert schedules.load(PRIMARY).rule.enabled is True
    assert tab.message.text().startswith("Saved")

    type_every(qtbot, tab, "45")
    settle()
    assert tab.every.value() == 45
    assert schedules.load(PRIMARY).rule.every == 45

    click(qtbot, tab.days[MON])
    settle()
    click(qtbot, tab.days[SAT])
    settle()
    assert not tab.days[MON].isChecked()
    assert tab.days[SAT].isChecked()

    saved = schedules.load(PRIMARY)
    assert saved.rule == planning.Rule(
        True, 45, "minutes", frozenset({TUE, WED, THU, FRI, SAT}), time(7), time(19)
    )
    assert saved.saved_at is not None
    assert schedules.load(SECONDARY).rule.enabled is False, "the other schedule is untouched"

    # What the administrator reads: the summary, the next run in the editor and in the table.
    assert tab.summary.text() == planning.describe(saved.rule)
    assert "45" in tab.summary.text()
    expected = expected_next_runs(saved.rule)
    assert tab.next_run.text().removeprefix("Next run: ") in expected
    row = [int(tab.table.item(r, 1).text()) for r in range(tab.table.rowCount())].index(PRIMARY)
    assert tab.table.item(row, 0).text() == "On"
    assert tab.table.item(row, 3).text() == planning.describe(saved.rule)
    assert tab.table.item(row, 4).text() in expected
    assert tab.message.text().startswith("Saved at ")
    assert all(not w.styleSheet() for w in (tab.every, tab.enabled, *tab.days))


def db_rules() -> dict[int, tuple]:
    return {s.code: (s.rule, s.saved_at) for s in schedules.load_all()}


def test_invalid_schedule_value_is_refused_and_not_saved(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    click(qtbot, tab.enabled)
    settle()
    assert schedules.load(PRIMARY).rule.enabled is True

    # Run every 0.
    before = db_rules()
    type_every(qtbot, tab, "0")
    settle()
    assert tab.every.value() == 30, "the editor shows what is saved"
    assert tab.every.styleSheet(), "the Run every box is marked"
    assert "every" in tab.message.text().lower()
    assert "not saved" in tab.message.text().lower()
    assert db_rules() == before

    # A negative interval is refused the same way.
    type_every(qtbot, tab, "-5")
    settle()
    assert tab.every.styleSheet()
    assert "not saved" in tab.message.text().lower()
    assert db_rules() == before

    # Back to a valid value: saved, the mark goes.
    type_every(qtbot, tab, "20")
    settle()
    assert not tab.every.styleSheet()
    assert schedules.load(PRIMARY).rule.every == 20

    # No day while on: the first four unticks save, the last one is refused.
    for day in (MON, TUE, WED, THU):
        click(qtbot, tab.days[day])
        settle()
    assert schedules.load(PRIMARY).rule.days == frozenset({FRI})
    before = db_rules()
    click(qtbot, tab.days[FRI])
    settle()
    assert all(box.styleSheet() for box in tab.days), "the day boxes are marked"
    assert tab.days[FRI].isChecked(), "the editor shows what is saved"
    assert "day" in tab.message.text().lower()
    assert "not saved" in tab.message.text().lower()
    assert db_rules() == before

    # End before start.
    tab.load()  # the editor shows what is saved again (Fri on)
    assert tab.days[FRI].isChecked()
    before = db_rules()
    type_time(qtbot, tab.end, "0600")
    settle()
    assert tab.end.styleSheet(), "the End box is marked"
    assert tab.end.time() == QTime(19, 0), "the editor shows what is saved"
    assert "end" in tab.message.text().lower()
    assert "not saved" in tab.message.text().lower()
    assert db_rules() == before
    assert schedules.load(PRIMARY).rule.end == time(19)


def test_loading_a_schedule_does_not_save_it(qtbot, open_window, monkeypatch: pytest.MonkeyPatch):
    window, _engine, bridge = open_window()
    # Values unlike the editor's starting state, so that filling the editor changes every control.
    schedules.save(
        SECONDARY, enabled=True, every=2, unit="days", days=frozenset({SAT, SUN}), start=time(5, 15)
    )
    schedules.save(PRIMARY, enabled=True, every=10, unit="hours", start=time(6, 30), end=time(22, 0))
    before = db_rules()

    calls: list[tuple] = []
    real_save = schedules.save

    def counting_save(*args, **kwargs):
        calls.append((args, kwargs))
        return real_save(*args, **kwargs)

    monkeypatch.setattr(schedule_tab.schedules, "save", counting_save)

    tab = open_schedule_setup(qtbot, window)
    tab.load()
    settle()
    for code in (SECONDARY, PRIMARY, SECONDARY):
        select(tab, code)
        settle()
    assert tab.every.value() == 2
    assert tab.unit.currentData() == "days"
    assert tab.start.time() == QTime(5, 15)
    assert [box.isChecked() for box in tab.days] == [False] * 5 + [True, True]
    window.load_all()
    bridge.schedules_changed.emit({"primary": None, "secondary": None})
    settle()
    select(tab, PRIMARY)
    tab.load()
    settle()
    assert tab.unit.currentData() == "hours"
    assert tab.end.isEnabled()

    assert calls == [], f"loading saved: {calls}"
    assert db_rules() == before
    assert tab.message.text() == ""


def test_schedule_editor_refuses_every_value_that_cannot_be_right(qtbot, window):
    """Beyond the simple cases: the limit of each unit, a unit change that makes Run every wrong,
    text where a number goes, and switching on a schedule without days. Each refusal names the
    control by its label, marks it, and leaves the saved schedule as it was."""
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    click(qtbot, tab.enabled)
    settle()

    def refused(label: str, fragment: str, before: dict) -> None:
        message = tab.message.text()
        assert message.startswith(f"{label}: ") and fragment in message, message
        assert message.endswith(f"— {schedule_tab.REFUSED}"), message
        assert db_rules() == before, f"saved although refused: {message}"

    for unit, limit in (("minutes", 1440), ("hours", 168), ("days", 365)):
        type_every(qtbot, tab, "1")
        settle()
        tab.unit.setCurrentIndex(tab.unit.findData(unit))
        settle()
        assert schedules.load(PRIMARY).rule.unit == unit
        before = db_rules()
        type_every(qtbot, tab, str(limit + 1))
        settle()
        refused("Run every", f"must be 1 to {limit} {unit}, not {limit + 1}", before)
        assert tab.every.styleSheet(), f"Run every is not marked for {limit + 1} {unit}"
        type_every(qtbot, tab, str(limit))
        settle()
        assert not tab.every.styleSheet()
        assert schedules.load(PRIMARY).rule.every == limit

    # 200 minutes is fine; the same 200 in hours is not, and the unit change is refused.
    tab.unit.setCurrentIndex(tab.unit.findData("minutes"))
    settle()
    type_every(qtbot, tab, "200")
    settle()
    assert schedules.load(PRIMARY).rule == planning.Rule(
        True, 200, "minutes", frozenset(range(5)), time(7), time(19)
    )
    before = db_rules()
    tab.unit.setCurrentIndex(tab.unit.findData("hours"))
    settle()
    refused("Run every", "must be 1 to 168 hours, not 200", before)

    # Letters, units and decimals cannot be typed where a number goes.
    tab.load()
    before = db_rules()
    for typed in ("ten", "5 min", "1.5"):
        type_every(qtbot, tab, typed)
        settle()
        assert tab.every.text().lstrip("-").isdigit() or tab.every.text() == "", tab.every.text()
    type_every(qtbot, tab, "200")
    settle()
    assert db_rules()[PRIMARY][0] == before[PRIMARY][0], "the schedule is still every 200 minutes"

    # Off, every day may be unticked; switching on without a day is refused.
    click(qtbot, tab.enabled)
    settle()
    for box in tab.days:
        if box.isChecked():
            click(qtbot, box)
            settle()
    assert schedules.load(PRIMARY).rule.days == frozenset()
    before = db_rules()
    click(qtbot, tab.enabled)
    settle()
    refused("On days", "at least one day", before)
    assert all(box.styleSheet() for box in tab.days)
    assert schedules.load(PRIMARY).rule.enabled is False


def test_a_number_typed_into_run_every_is_saved_once_when_typing_pauses(qtbot, window, monkeypatch):
    """Every change saves by itself, and a typed number is one change: saved when typing
    pauses, without Enter, and never digit by digit on the way."""
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    saved_every: list[int] = []
    real_save = schedules.save

    def recording_save(code, **change):
        saved_every.append(change["every"])
        return real_save(code, **change)

    monkeypatch.setattr(schedules, "save", recording_save)
    tab.every.setFocus()
    tab.every.selectAll()
    qtbot.keyClicks(tab.every, "45")  # and the administrator stops typing: no Enter
    qtbot.waitUntil(lambda: schedules.load(PRIMARY).rule.every == 45, timeout=5_000)
    settle()
    assert saved_every == [45]
    assert tab.message.text().startswith("Saved at ")

    before = db_rules()
    tab.every.selectAll()
    qtbot.keyClicks(tab.every, "1441")
    qtbot.waitUntil(lambda: tab.message.text().endswith(schedule_tab.REFUSED), timeout=5_000)
    settle()
    assert saved_every == [45], "14 and 144 were saved on the way to 1441"
    assert db_rules() == before

    assert tab.every.value() == 45, "the editor shows what is saved"
    # A refresh nobody asked for (the scheduler reports) leaves the refusal said and marked.
    window._schedules_changed(window.engine.next_runs())
    assert tab.every.value() == 45 and tab.every.styleSheet()
    assert tab.message.text().startswith("Run every: ")


def test_a_late_result_of_an_earlier_save_does_not_hide_a_refusal(qtbot, window):
    tab = open_schedule_setup(qtbot, window)
    select(tab, PRIMARY)
    click(qtbot, tab.days[SAT])  # saved in the background...
    type_every(qtbot, tab, "1441")  # ...while this is refused at once
    settle()
    assert tab.message.text() == f"Run every: must be 1 to 1440 minutes, not 1441 — {schedule_tab.REFUSED}"
    assert tab.every.styleSheet()
    qtbot.waitUntil(lambda: tab.days[SAT].isChecked(), timeout=5_000)  # saved meanwhile: shown
    assert tab.every.value() == 30
    saved = schedules.load(PRIMARY).rule
    assert SAT in saved.days and saved.every == 30, "the day was saved, the refused number not"
