"""What a run left in the tables it writes, as one fingerprint per table.

The benchmark compares them: every repeat of a run must leave the same tables, its floor
(plain statements writing the rows the run wrote) the same again, and the run on PostgreSQL
the same as on SQLite. Times of day are left out (each run has its own), and for a comparison
across databases so are the people (an operating-system login on SQLite, a role on the server).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

# The tables a run writes, with the columns that hold the moment it ran.
WRITTEN = {
    "run": ("started_at", "finished_at"),
    "shipment": ("created_at",),
    "shipment_line": (),
    "order_line": (),
    "product": (),
    "ledger": ("at",),
    "counter": (),
    "watermark": (),
}
PEOPLE = {"shipment": ("created_user", "closed_user")}
KEYS = {"counter": "name", "watermark": "process"}  # the others have an id


def fingerprints(connection: Any, people: bool = True) -> dict[str, str]:
    """Table -> a hash of its rows (in order of key), for a DB-API CONNECTION to either database.
    Without PEOPLE, the columns naming who made a row are left out."""
    found = {}
    for table, moments in WRITTEN.items():
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        names = [column[0] for column in cursor.description]
        left_out = set(moments) | (set() if people else set(PEOPLE.get(table, ())))
        kept = [name for name in names if name not in left_out]
        cursor.execute(f"SELECT {', '.join(kept)} FROM {table} ORDER BY {KEYS.get(table, 'id')}")
        digest = hashlib.sha256()
        for row in sorted(cursor.fetchall()) if table in KEYS else _every_row(cursor):
            digest.update(repr(tuple(_plain(value) for value in row)).encode())
        found[table] = digest.hexdigest()[:16]
    return found


def _every_row(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while rows := cursor.fetchmany(10_000):
        yield from rows


def _plain(value: object) -> object:
    """VALUE as SQLite hands it over: booleans as 0 or 1, times as ISO text, whole numbers as int."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """The tables whose fingerprints differ."""
    return sorted(table for table in first if first[table] != second.get(table))
