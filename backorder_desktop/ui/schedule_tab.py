"""System Preferences › Automation Schedules › Schedule Setup: every valid change saves by itself.

Only an administrator may change the schedules (SPEC 8): staff see them read-only, with the
reason, and may still start a process with Run now."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import time
from typing import Any

from PySide6.QtCore import QSignalBlocker, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import clock, planning, processes, schedules
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.ui.errors import plain_message
from backorder_desktop.ui.format import when
from backorder_desktop.ui.rights import ONLY_ADMINISTRATOR, refusal_text, refused_for_rights, staff_line
from backorder_desktop.ui.widgets import INVALID, TimeBox, button, label_for, named
from backorder_desktop.ui.workers import in_background

# The editor's label of each field of a schedule, for its messages.
LABELS = {
    "enabled": "Schedule on",
    "every": "Run every",
    "unit": "Unit",
    "days": "On days",
    "start": "Start",
    "end": "End",
}


def labelled_message(problem: Problem) -> str:
    """PROBLEM as the editor says it: the label of the control, then what is wrong."""
    return f"{LABELS.get(problem.field, problem.field)}: {problem.message}"


log = logging.getLogger(__name__)
# What a refusal's message ends with: the editor is back to what is saved.
REFUSED = "not saved; the editor shows the schedule as saved."
# A pause in typing (Run every, a time) this long saves what was typed so far.
TYPING_PAUSE_MS = 800

COLUMNS = ("On", "Code", "Name", "Schedule", "Next run", "Last run", "Last outcome")


def _next_run_text(row: schedules.Schedule, upcoming: schedules.Upcoming) -> str:
    """The Next run cell: the slot, "running now", or why there is none."""
    if upcoming.running:
        return "running now"
    return when(upcoming.next_at, "—" if row.rule.enabled else "off")


class ScheduleTab(QWidget):
    saved = Signal(int)  # schedule code
    run_now_requested = Signal(str)  # process
    timetable_read = Signal()  # the schedules and the latest runs were read again
    refused = Signal(object)  # a change refused for want of rights (the error): the rights are asked again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[schedules.Schedule] = []
        self.timetable = schedules.Timetable([], {}, False)
        self.running: frozenset[str] = frozenset()  # processes this program is running now
        self.code = processes.PRIMARY_CODE
        self.administrator = True  # until the database says otherwise (see set_administrator)
        self.staff = named(QLabel(""), "Rights")
        self.staff.setWordWrap(True)
        self.staff.setStyleSheet("font-weight: bold;")
        self.staff.setVisible(False)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Automation schedules")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Schedule"), QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(110)
        self.table.itemSelectionChanged.connect(self._selected)

        self.editor = QGroupBox("Schedule")
        grid = QGridLayout(self.editor)
        self.enabled = named(QCheckBox("Schedule on"), "Schedule on")
        grid.addWidget(self.enabled, 0, 0, 1, 4)
        self.every = QSpinBox()
        self.every.setRange(-9999, 9999)  # out-of-range values are refused with a message, not clamped
        self.unit = QComboBox()
        for unit in planning.UNITS:
            self.unit.addItem(unit, unit)
        grid.addWidget(label_for("Run every:", self.every), 1, 0)
        grid.addWidget(self.every, 1, 1)
        grid.addWidget(label_for("Unit:", self.unit), 1, 2)
        grid.addWidget(self.unit, 1, 3)
        days_row = QHBoxLayout()
        self.days: list[QCheckBox] = []
        for name in planning.DAYS:
            box = named(QCheckBox(name.capitalize()), name.capitalize())
            self.days.append(box)
            days_row.addWidget(box)
        days_row.addStretch()
        days_label = QLabel("On days:")
        grid.addWidget(days_label, 2, 0)
        grid.addLayout(days_row, 2, 1, 1, 3)
        self.start = TimeBox()
        self.end = TimeBox()
        grid.addWidget(label_for("Start:", self.start), 3, 0)
        grid.addWidget(self.start, 3, 1)
        grid.addWidget(label_for("End:", self.end), 3, 2)
        grid.addWidget(self.end, 3, 3)
        self.summary = named(QLabel(""), "Schedule summary")
        self.next_run = named(QLabel(""), "Next run")
        grid.addWidget(self.summary, 4, 0, 1, 4)
        grid.addWidget(self.next_run, 5, 0, 1, 4)
        self.message = named(QLabel(""), "Schedule message")
        self.message.setWordWrap(True)
        grid.addWidget(self.message, 6, 0, 1, 4)
        self.run_now = button("&Run now", "Start the selected process now, in the background")
        grid.addWidget(self.run_now, 7, 0)
        grid.setColumnStretch(4, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>System Preferences › Automation Schedules › Schedule Setup</b>"))
        layout.addWidget(self.staff)
        layout.addWidget(self.table)
        layout.addWidget(self.editor)
        layout.addStretch()

        # Every change saves what the editor shows, all of it: what a person sees is what is saved.
        self.enabled.toggled.connect(lambda _on: self._save("enabled"))
        # A typed number or time is one change, saved when typing pauses or ends (Enter, Tab,
        # leaving the box), not one per key or per step of a held arrow key: typing 1441 must
        # not save 14 and 144 on the way, nor 08:3 before 08:30.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._typed)
        self._typed_field = ""  # the field whose typing waits for the pause
        self.every.valueChanged.connect(lambda _n: self._typing_in("every"))
        self.start.timeChanged.connect(lambda _t: self._typing_in("start"))
        self.end.timeChanged.connect(lambda _t: self._typing_in("end"))
        self.every.editingFinished.connect(lambda: self._finished("every"))
        self.start.editingFinished.connect(lambda: self._finished("start"))
        self.end.editingFinished.connect(lambda: self._finished("end"))
        self.unit.currentIndexChanged.connect(lambda _i: self._save("unit"))
        for box in self.days:
            box.toggled.connect(lambda _on: self._save("days"))
        self.run_now.clicked.connect(lambda: self.run_now_requested.emit(processes.PROCESS_OF[self.code]))
        self._invalid = False
        self._edits = 0  # changes made in the editor; a result only shows if it is the latest's
        self._saving = 0  # saves on their way to the database
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(lambda: self.message.setText("") if not self._invalid else None)

    def _changers(self) -> list[QWidget]:
        """The controls that change the selected schedule."""
        return [self.enabled, self.every, self.unit, *self.days, self.start, self.end]

    def set_administrator(self, administrator: bool, user: str) -> None:
        """Whether USER, the person signed in, may change the schedules: if not, every control
        that would is disabled, with the reason in its tooltip and on a line of the tab (Run now
        stays: staff may start a process)."""
        self.administrator = administrator
        self.staff.setText("" if administrator else staff_line(user))
        self.staff.setVisible(not administrator)
        for widget in self._changers():
            widget.setToolTip("" if administrator else ONLY_ADMINISTRATOR)
        self._enable_editor(self.unit.currentData())

    def _enable_editor(self, unit: Any) -> None:
        """The editor's controls take input only from an administrator; End, not for daily runs."""
        for widget in self._changers():
            widget.setEnabled(self.administrator and (widget is not self.end or unit != "days"))

    def _typing_in(self, field: str) -> None:
        """FIELD changed by typing or an arrow key: saved at the pause (another field's typing
        that waits is saved first)."""
        if self._typed_field and self._typed_field != field:
            self._typed()
        self._typed_field = field
        self._typing.start()

    def _finished(self, field: str) -> None:
        """Enter, Tab or a click elsewhere in FIELD's box: what was typed there is saved now."""
        if self._typed_field == field:
            self._typed()

    def _typed(self) -> None:
        """Typing ended (a pause, Enter, leaving the box): save now what waits."""
        field, self._typed_field = self._typed_field, ""
        self._typing.stop()
        if field:
            self._save(field)

    def editing(self) -> bool:
        """Whether the editor holds something of the person's that the database does not have
        yet: a number being typed, a save on its way, or a refused value on screen."""
        return self._typing.isActive() or self._saving > 0 or self._invalid

    def _days(self) -> frozenset[int]:
        return frozenset(i for i, box in enumerate(self.days) if box.isChecked())

    def _shown(self) -> dict[str, Any]:
        """The schedule as the editor shows it."""
        start, end = self.start.time(), self.end.time()
        return {
            "enabled": self.enabled.isChecked(),
            "every": self.every.value(),
            "unit": self.unit.currentData(),
            "days": self._days(),
            "start": time(start.hour(), start.minute()),
            "end": time(end.hour(), end.minute()),
        }

    def load(self, keep_edits: bool = False) -> None:
        """Read both schedules into the table and the selected one into the editor (no save
        fires). With KEEP_EDITS (a refresh the person did not ask for), an editor that holds
        something of theirs (see editing()) is left as it is."""
        self.show_timetable(schedules.timetable(), keep_edits)

    def reload(self) -> None:
        """Read the schedules again off the window's thread, then show them (a change made
        elsewhere: the person's edits in progress are kept)."""
        in_background(schedules.timetable, lambda found: self.show_timetable(found, keep_edits=True))

    def show_timetable(self, timetable: schedules.Timetable, keep_edits: bool = False) -> None:
        """Show TIMETABLE in the table and the selected schedule in the editor (see load)."""
        self.timetable = timetable
        self.rows = timetable.schedules
        upcoming = self.upcoming()
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(self.rows))
            for r, row in enumerate(self.rows):
                last = timetable.last_runs.get(row.process)
                values: list[Any] = [
                    "On" if row.rule.enabled else "Off",
                    str(row.code),
                    row.name,
                    planning.describe(row.rule),
                    _next_run_text(row, upcoming[row.process]),
                    when(last.started_at if last else None, "never"),
                    last.outcome if last else "",
                ]
                for c, value in enumerate(values):
                    self.table.setItem(r, c, QTableWidgetItem(value))
                if row.code == self.code:
                    self.table.selectRow(r)
        if not (keep_edits and self.editing()):
            self._fill_editor()
        self.timetable_read.emit()

    def upcoming(self) -> dict[str, schedules.Upcoming]:
        """Each process's next slot from now, or that it runs now (see Timetable.upcoming)."""
        return self.timetable.upcoming(clock.utc_now(), clock.local_zone(), self.running)

    def show_next_runs(self) -> dict[str, schedules.Upcoming]:
        """Bring the next runs shown up to the clock (they are counted from now); return them."""
        upcoming = self.upcoming()
        for r, row in enumerate(self.rows):
            text = _next_run_text(row, upcoming[row.process])
            item = self.table.item(r, COLUMNS.index("Next run"))
            if item is not None and item.text() != text:
                item.setText(text)
        current = self._current()
        if current is not None:
            self._show_next_run(upcoming[current.process])
        return upcoming

    def _current(self) -> schedules.Schedule | None:
        return next((row for row in self.rows if row.code == self.code), None)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            code = self.rows[rows[0].row()].code
            if code != self.code:
                self._typed()  # what was typed for the schedule left is saved for it
                self._mark(None)  # the message goes with the schedule it was about
                self.message.setText("")
            self.code = code
            self._fill_editor()

    def _fill_editor(self) -> None:
        row = self._current()
        if row is None:
            return
        rule = row.rule
        widgets = [self.enabled, self.every, self.unit, self.start, self.end, *self.days]
        blockers = [QSignalBlocker(w) for w in widgets]
        self.editor.setTitle(f"{row.code} {row.name}")
        self.enabled.setChecked(rule.enabled)
        self.every.setValue(rule.every)
        self.unit.setCurrentIndex(self.unit.findData(rule.unit))
        for i, box in enumerate(self.days):
            box.setChecked(i in rule.days)
        self.start.setTime(QTime(rule.start.hour, rule.start.minute))
        self.end.setTime(QTime(rule.end.hour, rule.end.minute))
        self._enable_editor(rule.unit)
        del blockers
        self._show_plan(row)

    def _show_plan(self, row: schedules.Schedule) -> None:
        self.summary.setText(planning.describe(row.rule))
        self._show_next_run(self.upcoming()[row.process])

    def _show_next_run(self, upcoming: schedules.Upcoming) -> None:
        text = "running now" if upcoming.running else when(upcoming.next_at, "none (the schedule is off)")
        if self.next_run.text() != f"Next run: {text}":
            self.next_run.setText(f"Next run: {text}")

    def _widget_for(self, field: str) -> list[QWidget]:
        widgets: dict[str, list[QWidget]] = {
            "every": [self.every],
            "unit": [self.unit],
            "days": list(self.days),
            "start": [self.start],
            "end": [self.end],
            "enabled": [self.enabled],
        }
        return widgets.get(field, [])

    def _mark(self, field: str | None, message: str = "") -> None:
        for widget in [self.every, self.unit, self.start, self.end, self.enabled, *self.days]:
            widget.setStyleSheet("")
        self._invalid = field is not None
        if field is not None:
            for widget in self._widget_for(field):
                widget.setStyleSheet(INVALID)
            self.message.setStyleSheet("color: #c0392b;")
            self.message.setText(message)

    def _refuse(self, row: schedules.Schedule, problems: list[Problem]) -> None:
        """A change cannot be saved: the editor shows ROW as saved again, and the message says
        what was refused and why, by the label of the control (marked until the next change or
        another schedule is chosen)."""
        self._fill_editor()
        said = "; ".join(map(labelled_message, problems))
        self._mark(problems[0].field, f"{said} — {REFUSED}")

    def _save(self, field: str) -> None:
        """FIELD was changed: save the schedule as the editor shows it, or say why not."""
        code = self.code
        change = self._shown()
        row = self._current()
        if row is None:
            return
        if self._invalid and replace(row.rule, **change) == row.rule:
            # Back to what is saved: the refusal was about a value no longer shown.
            self._mark(None)
            self.message.setText("")
            return
        self._edits += 1
        edit = self._edits
        # Refuse at once, where it was typed, without touching the database; the editor goes
        # back to what is saved, and the message says what was refused.
        problems = schedules.problems_with(replace(row.rule, **change), f"schedule {code}")
        if problems:
            self._refuse(row, problems)
            return

        def done(saved: schedules.Schedule) -> None:
            self._saving -= 1
            if edit != self._edits:
                # A later change is on its way or was refused: its result speaks for the editor.
                if self._invalid and self._saving == 0:
                    self.load()  # refused meanwhile: the editor shows what is saved, this too
                self.saved.emit(code)
                return
            self._mark(None)
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(f"Saved at {clock.now():%H:%M:%S}.")
            self._fade.start(4000)
            self.load()
            self.saved.emit(code)

        def failed(error: BaseException, _report: str) -> None:
            self._saving -= 1
            if edit != self._edits:
                log.warning("schedule %s: an earlier change was not saved: %s", code, error)
                return
            if isinstance(error, BadInput):
                self._refuse(row, error.problems)
            elif refused_for_rights(error):
                # Not the person's to change after all: the saved schedule is shown again.
                self._fill_editor()
                self.message.setStyleSheet("color: #c0392b;")
                self.message.setText(f"Not saved: {refusal_text(error)}")
                self.refused.emit(error)
            else:
                self._mark(field, f"Not saved: {plain_message(error)}")

        self._enable_editor(change["unit"])
        self._saving += 1
        in_background(lambda: schedules.save(code, **change), done, failed, serial=True)
