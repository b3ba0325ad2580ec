"""Rows with names: database values read once into the types the program works with.

SQLite keeps a time as ISO text and a flag as 0 or 1; PostgreSQL hands out datetimes
and bools. A read that crosses into the domain, the window or the command line comes
through here: its row type (a NamedTuple or a dataclass) names the fields and, by their
annotations, the values they hold, and the database's values are converted to them once,
here, so that no caller needs to know which database it reads.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from backorder_desktop.store.database import db, param, query

R = TypeVar("R")
BATCH = 10_000


def to_datetime(value: object) -> datetime | None:
    """A stored time as a datetime (SQLite keeps ISO text); None stays None."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def to_iso(value: object) -> str | None:
    """A stored time as ISO 8601 text to the second, for files; None stays None. SQLite's text
    is rewritten rather than parsed: an export writes a million of them."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value).replace(" ", "T")[:19]


def to_bool(value: object) -> bool:
    """A stored flag as a bool (SQLite keeps 0 or 1)."""
    return bool(value)


_CONVERSIONS: dict[object, Callable[[Any], Any]] = {datetime: to_datetime, bool: to_bool}


def _value_type(hint: object) -> object:
    """The type a field holds: `datetime | None` holds a datetime."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kinds = [kind for kind in typing.get_args(hint) if kind is not type(None)]
        return kinds[0] if len(kinds) == 1 else hint
    return hint


_converters: dict[type, Callable[[Sequence[Any]], Any]] = {}


def converter(row_type: type[R]) -> Callable[[Sequence[Any]], R]:
    """What makes a ROW_TYPE of a database row whose values come in the order of its fields:
    the fields annotated datetime or bool (or either | None) are converted, the rest pass as
    they are (the SQL casts whatever a database would otherwise hand out differently)."""
    made = _converters.get(row_type)
    if made is None:
        made = _converters[row_type] = _converter(row_type)
    return made


def _converter(row_type: type[R]) -> Callable[[Sequence[Any]], R]:
    hints = typing.get_type_hints(row_type)
    if dataclasses.is_dataclass(row_type):
        names = [f.name for f in dataclasses.fields(row_type)]
        make: Callable[[list[Any]], R] = lambda values: row_type(*values)  # noqa: E731
    else:
        names = list(row_type._fields)  # type: ignore[attr-defined]
        make = row_type._make  # type: ignore[attr-defined]
    changes = [
        (index, _CONVERSIONS[kind])
        for index, name in enumerate(names)
        if (kind := _value_type(hints[name])) in _CONVERSIONS
    ]

    def convert(row: Sequence[Any]) -> R:
        values = list(row)
        for index, change in changes:
            values[index] = change(values[index])
        return make(values)

    return convert


def read(row_type: type[R], sql: str, params: tuple[Any, ...] = ()) -> list[R]:
    """The rows of a hand-written read (with '?' placeholders) as ROW_TYPEs."""
    convert = converter(row_type)
    return [convert(row) for row in query(sql, params)]


def stream(row_type: type[R], sql: str, params: tuple[Any, ...] = ()) -> Iterator[R]:
    """Like `read`, a batch at a time: for reads too big to hold at once (exports)."""
    convert = converter(row_type)
    cursor = db.execute_sql(sql.replace("?", param()), params)
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            yield convert(row)
