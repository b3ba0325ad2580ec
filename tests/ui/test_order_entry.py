"""Management Preferences › Order Entry (SPEC 1): read-only until Edit; Save writes, Cancel restores."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from backorder_desktop.domain import preferences
from backorder_desktop.ui import main_window
from tests.ui.helpers import click, click_tab, settle

Answer = QMessageBox.StandardButton


def controls_enabled(window) -> dict[str, bool]:
    tab = window.order_entry
    return {
        "enable": tab.enable.isEnabled(),
        "order_by": tab.order_by.isEnabled(),
        "edit": tab.edit_button.isEnabled(),
        "save": tab.save_button.isEnabled(),
        "cancel": tab.cancel_button.isEnabled(),
    }


READ_ONLY = {"enable": False, "order_by": False, "edit": True, "save": False, "cancel": False}
EDITING = {"enable": True, "order_by": True, "edit": False, "save": True, "cancel": True}


def test_admin_enables_backorder_management_with_edit_and_save_and_it_persists(qtbot, open_window):
    window, _engine, _bridge = open_window()
    tab = window.order_entry
    assert window.tabs.currentWidget() is tab
    assert controls_enabled(window) == READ_ONLY
    assert not tab.enable.isChecked()

    # A click on the disabled box does nothing before Edit.
    click(qtbot, tab.enable)
    assert not tab.enable.isChecked()

    click(qtbot, tab.edit_button)
    assert controls_enabled(window) == EDITING
    click(qtbot, tab.enable)
    assert tab.enable.isChecked()
    assert tab.has_unsaved_changes()
    click(qtbot, tab.save_button)
    settle()

    assert preferences.load().backorders_enabled is True
    assert preferences.load().allocation_order == "priority"
    assert tab.state.text() == "Saved."
    assert controls_enabled(window) == READ_ONLY
    assert tab.enable.isChecked()
    assert not tab.has_unsaved_changes()

    window.close()
    again, _engine, _bridge = open_window()
    assert again.order_entry.enable.isChecked()
    assert not again.order_entry.enable.isEnabled()


def test_cancel_restores_the_saved_preferences(qtbot, window):
    tab = window.order_entry
    click(qtbot, tab.edit_button)
    click(qtbot, tab.enable)
    tab.order_by.setCurrentIndex(tab.order_by.findData("date"))
    assert tab.enable.isChecked()
    assert tab.has_unsaved_changes()

    click(qtbot, tab.cancel_button)
    settle()

    assert not tab.enable.isChecked()
    assert tab.order_by.currentData() == "priority"
    assert controls_enabled(window) == READ_ONLY
    assert tab.state.text() == "Changes dropped."
    assert preferences.load() == preferences.OrderEntryPreferences(False, "priority")


class Prompt:
    """Stands in for QMessageBox.question: gives the queued answers and records each question."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.asked: list[str] = []

    def __call__(self, parent, title, text, *args, **kwargs) -> Answer:
        self.asked.append(text)
        return self.answers.pop(0) if self.answers else Answer.Cancel


@pytest.fixture
def prompt(monkeypatch: pytest.MonkeyPatch) -> Prompt:
    fake = Prompt()
    monkeypatch.setattr(main_window.QMessageBox, "question", staticmethod(fake))
    return fake


def test_leaving_order_entry_with_unsaved_changes_asks(qtbot, window, prompt):
    tab = window.order_entry
    click(qtbot, tab.edit_button)
    click(qtbot, tab.enable)
    tab.order_by.setCurrentIndex(tab.order_by.findData("date"))

    # Cancel: the person stays on Order Entry, still editing, with the changes kept.
    prompt.answers.append(Answer.Cancel)
    click_tab(qtbot, window, 1)
    settle()
    assert window.tabs.currentIndex() == 0
    assert tab.enable.isChecked()
    assert tab.order_by.currentData() == "date"
    assert tab.editing
    assert "Order Entry" in prompt.asked[0]
    asked_on_cancel = len(prompt.asked)
    assert preferences.load() == preferences.OrderEntryPreferences(False, "priority")

    # Discard: the tab changes and the saved values come back.
    prompt.answers.append(Answer.Discard)
    click_tab(qtbot, window, 1)
    settle()
    assert window.tabs.currentIndex() == 1
    assert not tab.enable.isChecked()
    assert tab.order_by.currentData() == "priority"
    assert not tab.editing
    assert preferences.load() == preferences.OrderEntryPreferences(False, "priority")

    # Save: the tab changes and the edits are written.
    click_tab(qtbot, window, 0)
    click(qtbot, tab.edit_button)
    click(qtbot, tab.enable)
    prompt.answers.append(Answer.Save)
    click_tab(qtbot, window, 2)
    settle()
    assert window.tabs.currentIndex() == 2
    assert preferences.load().backorders_enabled is True
    assert tab.enable.isChecked()
    assert not tab.editing

    # Nothing changed: no question.
    asked = len(prompt.asked)
    click_tab(qtbot, window, 0)
    click(qtbot, tab.edit_button)
    click_tab(qtbot, window, 3)
    assert len(prompt.asked) == asked
    assert window.tabs.currentIndex() == 3

    # One tab change, one question (checked last so that the steps above still run).
    assert asked_on_cancel == 1, f"Cancel: the prompt was shown {asked_on_cancel} times for one tab change"
