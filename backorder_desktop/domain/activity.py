"""The activity log: one row per change a person or a script made (SPEC 7 and 8).

Each row is written by `record` inside the transaction of the change it describes, so a
change and its row are saved together or not at all. The log is append-only: the database
refuses to change or delete its rows (triggers on both kinds; on PostgreSQL also privileges,
and the session's own role is written as the user whatever the program says).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.domain import clock
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import executemany
from backorder_desktop.store.who import who

ACTIONS = (
    "prefs",
    "schedule",
    "import",
    "receipt",
    "adjustment",
    "return",
    "ship",
    "void-shipment",
    "void-order",
    "run",
    "grant",
    "upgrade",  # the one row a database upgraded to the activity log's version starts with
)


class Entry(NamedTuple):
    """One change, as the export and the Activity tab show it."""

    id: int
    at: datetime
    user: str
    host: str
    action: str
    subject: str
    details: str


# The activity table's columns in the order of Entry's fields.
ENTRY_COLUMNS = "id, at, login, host, action, subject, details"


def record(action: str, subject: str, details: str = "") -> None:
    """Log one change; inside the change's write transaction."""
    record_many([(action, subject, details)])


def record_many(changes: Iterable[tuple[str, str, str]]) -> None:
    """Log several changes of one transaction (action, subject, details), in this order, at the
    time they are made (a change entered for another time, a receipt dated last week, is logged
    now: the log says when people did things)."""
    person = who()
    when = clock.now()
    rows = []
    for action, subject, details in changes:
        if action not in ACTIONS:
            raise ValueError(f"unknown activity {action!r}")
        rows.append((when, person.user, person.host, action, subject, details))
    executemany(
        "INSERT INTO activity (at, login, host, action, subject, details) VALUES (?, ?, ?, ?, ?, ?)", rows
    )


LISTED = 10  # items a row of the log names; the rest are counted


def listed(items: list[str], noun: str) -> str:
    """ITEMS joined, the first LISTED of them, the rest counted: a receipt of 200,000 lines is
    logged in a line a person can read (and a window can draw), not in three megabytes."""
    shown = ", ".join(items[:LISTED])
    more = len(items) - LISTED
    return shown if more <= 0 else f"{shown} and {counted(more, 'more ' + noun)}"


def changes(old: Mapping[str, object], new: Mapping[str, object]) -> str:
    """The settings that differ, old -> new, in NEW's order: 'on: off -> on; every: 30 -> 15'."""
    return "; ".join(
        f"{name}: {old.get(name)} -> {value}" for name, value in new.items() if old.get(name) != value
    )
