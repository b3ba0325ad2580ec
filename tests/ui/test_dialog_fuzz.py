"""Fuzzing the window's forms (issue 6 item 4): generated input in the Receive shipment dialog
and generated sequences of edits in the schedule editor. Whatever is entered, the form either
saves exactly what it shows, or refuses with messages that start with a control's label and
saves nothing; never an error report. BACKORDER_FULL=1 runs more examples."""

from __future__ import annotations

import os
from datetime import time

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialogButtonBox

from backorder_desktop.domain import identifiers, schedules
from backorder_desktop.store.database import query
from backorder_desktop.ui import schedule_tab
from backorder_desktop.ui.dialogs import ReceiveDialog
from backorder_desktop.ui.widgets import INVALID
from tests.ui.helpers import click_tab, settle

FULL = os.environ.get("BACKORDER_FULL") == "1"
FUZZ = settings(
    max_examples=300 if FULL else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SKUS = ["NW-001", "NW-002", "NW-017", "nw-001", "NO-SUCH", "", "NW-001;", "'; DROP TABLE product; --"]
QUANTITIES = ["1", "24", "0", "-3", "1.5", "12pcs", "²", "1e3", "1000000000", "1000000001", "9" * 25, ""]
QUANTITIES += ["0001", "9" * 5_000]
NUMBERS = st.one_of(
    st.sampled_from(["", "PO-1", "po-1", "x'); DROP TABLE receipt; --", '=HYPERLINK("x")', "R" * 255]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
)
LINE = st.one_of(
    st.tuples(st.sampled_from(SKUS), st.sampled_from(QUANTITIES)).map(" ".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)


def receipts_count() -> int:
    return int(query("SELECT COUNT(*) FROM receipt")[0][0])


def stock() -> list[tuple]:
    return query("SELECT sku, on_hand, committed, backordered FROM product ORDER BY sku")


@FUZZ
@given(number=NUMBERS, lines=st.lists(LINE, max_size=5))
def test_receive_dialog_saves_what_it_shows_or_refuses_by_label(qtbot, demo_app, number, lines) -> None:
    window, _engine, _bridge = demo_app
    dialog = ReceiveDialog(window.inventory)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.number.setText(number)
    dialog.lines.setPlainText("\n".join(lines))
    shown_number, shown_lines = dialog.number.text(), dialog.lines.toPlainText()
    receipts, before = receipts_count(), stock()

    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle()

    event("refused" if dialog.isVisible() else "saved")
    if dialog.isVisible():
        problems = dialog.error.text().splitlines()
        assert problems, "refused without a word"
        for problem in problems:
            assert problem.startswith(("Receipt number", "Received at", "Lines")), problem
            assert "Not saved" not in problem, f"an error that is not the person's: {problem}"
        assert receipts_count() == receipts and stock() == before, "refused, yet something was saved"
        assert any(w.styleSheet() == INVALID for _label, w in dialog.fields.values())
    else:
        assert receipts_count() == receipts + 1
        # Saved as a file's number would be: NFKC ("¼" is "1⁄4"), without the spaces around it.
        (saved_id,) = query("SELECT id FROM receipt WHERE number = ?", (identifiers.normal(shown_number),))[0]
        saved = sorted(
            query(
                "SELECT p.sku, rl.qty FROM receipt_line rl JOIN product p ON p.id = rl.product_id"
                " WHERE rl.receipt_id = ?",
                (saved_id,),
            )
        )
        typed = sorted(
            (sku, int(qty))
            for sku, qty in (line.split() for line in shown_lines.splitlines() if line.strip())
        )
        assert saved == typed, "what was saved is not what the dialog showed"
    dialog.close()


EDITS = st.one_of(
    st.tuples(st.just("every"), st.integers(-20, 2_000)),
    st.tuples(st.just("unit"), st.sampled_from(["minutes", "hours", "days"])),
    st.tuples(st.just("day"), st.integers(0, 6)),
    st.tuples(st.just("enabled"), st.booleans()),
    st.tuples(st.just("start"), st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))),
    st.tuples(st.just("end"), st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))),
)


@FUZZ
@given(edits=st.lists(EDITS, min_size=1, max_size=12))
def test_schedule_editor_saves_what_it_shows_or_refuses_by_label(qtbot, window, edits) -> None:
    click_tab(qtbot, window, 1)
    tab = window.schedule_setup
    tab.load()
    settle()
    for kind, value in edits:
        before = schedules.load(tab.code).rule
        if kind == "every":
            tab.every.setValue(value)
            tab.every.editingFinished.emit()  # as Enter or Tab would
        elif kind == "unit":
            tab.unit.setCurrentIndex(tab.unit.findData(value))
        elif kind == "day":
            tab.days[value].toggle()
        elif kind == "enabled":
            tab.enabled.setChecked(value)
        else:
            getattr(tab, kind).setTime(QTime(*value))
            getattr(tab, kind).editingFinished.emit()  # as Enter or Tab would
        settle()
        saved = schedules.load(tab.code).rule
        message = tab.message.text()
        refused = message.endswith(schedule_tab.REFUSED)
        event("refused" if refused else "saved" if saved != before else "unchanged")
        if refused:
            assert message.split(":")[0] in {"Run every", "Unit", "On days", "Start", "End", "Schedule on"}
            assert saved == before, f"after {kind}={value!r}: refused, yet saved"
        # Refused or not, the editor shows exactly what the database holds.
        if True:
            assert not schedules.problems_with(saved), f"saved a schedule that cannot be right: {saved}"
            assert saved.every == tab.every.value() and saved.unit == tab.unit.currentData()
            assert saved.enabled == tab.enabled.isChecked()
            assert saved.days == frozenset(i for i, box in enumerate(tab.days) if box.isChecked())
            start, end = tab.start.time(), tab.end.time()
            assert (saved.start, saved.end) == (
                time(start.hour(), start.minute()),
                time(end.hour(), end.minute()),
            )
