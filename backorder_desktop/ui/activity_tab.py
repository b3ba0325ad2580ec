"""Activity: every change a person or a script made, newest first (SPEC 8): who, on which machine,
when, what, and the old and new values of settings. Nobody can change these rows; the tab only
reads them, lazily like the Shipments table, filtered by action, person, days and a search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import processes
from backorder_desktop.domain.activity import ACTIONS, Entry
from backorder_desktop.domain.browse import ActivityListing, Column, Filters, activity_users
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.table_model import ListingModel, reload_in_place
from backorder_desktop.ui.widgets import DateRange, fit_columns, label_for, named, search_box, table_view
from backorder_desktop.ui.workers import in_background

# How each action reads in the window (the export and the command line keep the stored words).
ACTION_NAMES = {
    "prefs": "Preferences",
    "schedule": "Schedule",
    "import": "Import",
    "receipt": "Receipt",
    "adjustment": "Adjustment",
    "return": "Return",
    "ship": "Ship",
    "void-shipment": "Void shipment",
    "void-order": "Void order",
    "run": "Run",
    "grant": "Grant",
    "upgrade": "Upgrade",
}
SHOWN = {
    "at": lambda at: f"{at:%Y-%m-%d %H:%M:%S}",
    "action": lambda action: ACTION_NAMES.get(action, str(action)),
}
LEAD = "Every change made by a person or a script, newest first. Nobody can change or delete them."


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


def subject_text(entry: Entry) -> str:
    """The subject as people name it: a process by its name, a schedule by its code and name."""
    if entry.action == "run":
        return processes.NAMES.get(entry.subject, entry.subject)
    if entry.action == "schedule" and entry.subject.isdigit():
        process = processes.PROCESS_OF.get(int(entry.subject))
        return f"{entry.subject} {processes.NAMES[process]}" if process else entry.subject
    return entry.subject


LONGEST = 500  # characters of a cell shown


class ActivityModel(ListingModel):
    """The activity listing, with subjects named as people name them."""

    def text(self, column: Column, row: Any) -> str:
        if column.field == "subject":
            return subject_text(row)
        said = super().text(column, row)
        # A row written before details were kept short (a receipt of 200,000 lines named them
        # all) is cut here: a table cell of megabytes stalls the window while Qt lays it out.
        return said if len(said) <= LONGEST else said[:LONGEST] + "…"


class ActivityTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = ActivityListing()
        self.model = ActivityModel(listing, SHOWN, self)
        self.view = table_view("Activity")
        self.view.setModel(self.model)
        fit_columns(self.view, listing.index_of("details"))
        self.view.sortByColumn(listing.index_of("id"), Qt.SortOrder.DescendingOrder)

        self.action = QComboBox()
        self.action.addItem("All", None)
        for action in ACTIONS:
            self.action.addItem(action_name(action), action)
        self.user = QComboBox()
        self.user.addItem("All", None)
        self.user.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.dates = DateRange("Between", self.apply_filters)
        self.search = search_box("Subject, details or user")
        filters = QHBoxLayout()
        filters.addWidget(label_for("Action:", self.action))
        filters.addWidget(self.action)
        filters.addWidget(label_for("User:", self.user))
        filters.addWidget(self.user)
        self.dates.add_to(filters)
        filters.addWidget(label_for("Search:", self.search))
        filters.addWidget(self.search, 1)

        self.count = named(QLabel(""), "Changes shown")
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(LEAD))
        bottom.addStretch()
        bottom.addWidget(self.count)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.action.currentIndexChanged.connect(self.apply_filters)
        self.user.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.model.modelReset.connect(self._update_count)

    def filters(self) -> Filters:
        since, until = self.dates.days()
        return Filters(
            search=self.search.text(),
            action=self.action.currentData(),
            user=self.user.currentData(),
            since=since,
            until=until,
        )

    def apply_filters(self) -> None:
        self.model.set_filters(self.filters())

    def refresh(self) -> None:
        """Read the changes anew off the window's thread (a database just opened), and the people
        who made them."""
        self.reload()

    def reload(self) -> None:
        """Read the changes again off the window's thread (something was written), keeping the
        selection and the rows in view; and the people of the User filter."""
        reload_in_place(self.view)
        self.reload_users()

    def reload_users(self) -> None:
        in_background(activity_users, self.show_users)

    def show_users(self, users: list[str]) -> None:
        """The User filter's choices: All, and everyone the log names; the choice made stays,
        unless nobody of that name is left (another database): then All."""
        chosen = self.user.currentData()
        shown = [self.user.itemData(i) for i in range(1, self.user.count())]
        if shown == users:
            return
        with QSignalBlocker(self.user):
            self.user.clear()
            self.user.addItem("All", None)
            for user in users:
                self.user.addItem(user, user)
            self.user.setCurrentIndex(max(0, self.user.findData(chosen)))
        if self.user.currentData() != chosen:
            self.apply_filters()

    def _update_count(self) -> None:
        self.count.setText(counted(self.model.total, "change", "changes"))
