"""`export KIND`: shipments, backorders, stock, runs and activity, as CSV or JSON, in SPEC column order."""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any, TextIO

import peewee

from backorder_desktop.domain.activity import ENTRY_COLUMNS, Entry
from backorder_desktop.domain.allocation import RUN_COLUMNS, RunRecord
from backorder_desktop.domain.shipments import shipment_number
from backorder_desktop.logs import LOG_NAME
from backorder_desktop.paths import log_dir
from backorder_desktop.store.database import binary_text, db, query, unindexed
from backorder_desktop.store.identity import SQLITE_HEADER
from backorder_desktop.store.rows import stream, to_iso

KINDS = ("shipments", "backorders", "stock", "runs", "activity")
COLUMNS = {
    "shipments": (
        "shipment",
        "order",
        "customer",
        "created_at",
        "created_by",
        "run",
        "status",
        "line",
        "sku",
        "qty",
    ),
    "backorders": ("order", "customer", "ordered_at", "priority", "line", "sku", "qty_backordered"),
    "stock": ("sku", "on_hand", "committed", "available", "backordered"),
    "runs": (
        "run",
        "process",
        "trigger",
        "started_at",
        "finished_at",
        "outcome",
        "ledger_rows",
        "products",
        "shipments",
        "units",
        "error",
    ),
    "activity": ("id", "at", "user", "host", "action", "subject", "details"),
}
BATCH = 10_000
# What makes a spreadsheet read a cell as a formula (or, for tab and CR, shift it into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


iso = to_iso  # a time as the files write it: ISO 8601 local time to the second


def run_row(record: RunRecord) -> tuple[Any, ...]:
    """A run record as a row of the runs export."""
    return (
        record.id,
        record.process,
        record.trigger,
        iso(record.started_at),
        iso(record.finished_at),
        record.outcome,
        record.ledger_rows,
        record.products,
        record.shipments,
        record.units,
        record.error,
    )


def _stream(sql: str) -> Iterator[tuple[Any, ...]]:
    cursor = db.execute_sql(sql)
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def rows(kind: str) -> Iterable[tuple[Any, ...]]:
    """The rows of an export in its COLUMNS' order, sorted by their first column, then line.

    Plain tuples, each built as it streams past by the names its values are read into: an
    export may hold a million lines. Text sorts as plain text (by code point) on every database.
    """
    if kind == "shipments":
        return (
            (shipment_number(sid), number, customer, iso(created), by, run, status, line, sku, qty)
            for sid, number, customer, created, by, run, status, line, sku, qty in _stream(
                "SELECT s.id, o.number, o.customer, s.created_at, s.created_by, s.run_id, s.status,"
                " ol.line, p.sku, sl.qty FROM shipment s JOIN orders o ON o.id = s.order_id"
                " JOIN shipment_line sl ON sl.shipment_id = s.id"
                " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
                " ORDER BY s.id, ol.line"
            )
        )
    if kind == "backorders":
        return (
            (number, customer, iso(ordered_at), priority, line, sku, waiting)
            for number, customer, ordered_at, priority, line, sku, waiting in _stream(
                "SELECT o.number, o.customer, o.ordered_at, o.priority, ol.line, p.sku, ol.backordered"
                " FROM order_line ol JOIN orders o ON o.id = ol.order_id"
                " JOIN product p ON p.id = ol.product_id"
                f" WHERE ol.backordered > 0 AND {unindexed('o.status')} = 'open'"
                f" ORDER BY {binary_text('o.number')}, ol.line"
            )
        )
    if kind == "stock":
        stock = query("SELECT sku, on_hand, committed, on_hand - committed, backordered FROM product")
        stock.sort()  # by SKU: it comes first, and no two products share one
        return stock
    if kind == "runs":
        return (run_row(record) for record in stream(RunRecord, f"SELECT {RUN_COLUMNS} FROM run ORDER BY id"))
    if kind == "activity":
        return (
            (entry.id, iso(entry.at), *entry[2:])
            for entry in stream(Entry, f"SELECT {ENTRY_COLUMNS} FROM activity ORDER BY id")
        )
    raise ValueError(f"unknown export kind {kind!r}")


def shipment_rows(ids: list[int]) -> Iterator[tuple[Any, ...]]:
    """The shipments export's rows of the shipments IDS, in that order (each one's lines by line):
    the window's export of what it shows."""
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        marks = ", ".join("?" * len(part))
        found: dict[int, list[tuple[Any, ...]]] = {}
        for sid, number, customer, created, by, run, status, line, sku, qty in query(
            "SELECT s.id, o.number, o.customer, s.created_at, s.created_by, s.run_id, s.status,"
            " ol.line, p.sku, sl.qty FROM shipment s JOIN orders o ON o.id = s.order_id"
            " JOIN shipment_line sl ON sl.shipment_id = s.id"
            " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
            f" WHERE s.id IN ({marks}) ORDER BY s.id, ol.line",
            tuple(part),
        ):
            found.setdefault(sid, []).append(
                (shipment_number(sid), number, customer, iso(created), by, run, status, line, sku, qty)
            )
        for sid in part:
            yield from found.get(sid, [])


def write_file(
    kind: str, path: Path, fmt: str = "csv", given: Iterable[tuple[Any, ...]] | None = None
) -> int:
    """Write the export KIND to PATH whole or not at all: a reader never sees half a file.

    The rows go to a temporary file of a random name, created exclusively beside PATH (so no
    link planted there is followed) and readable by its owner only; it is removed on any
    failure, Ctrl-C included, and renamed over PATH once complete and on disk. A file it
    replaces keeps its mode; a new one stays private (0600).
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    _refuse_to_replace(path)
    folder = path.parent
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            count = write(kind, handle, fmt, given)
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)
    return count


SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # files SQLite keeps beside a database


def _refuse_to_replace(path: Path) -> None:
    """An export replaces a file of its own kind, never a database (ours included, or its WAL),
    the program's log, or a device or pipe (renaming over /dev/null would replace the device)."""
    try:
        existing_file = path.stat()
    except OSError:
        return  # nothing there yet (or unreadable: the write says why)
    if not stat.S_ISREG(existing_file.st_mode):
        raise OSError(errno.EINVAL, "it is a device or a pipe, not a file", str(path))
    place = path.resolve()
    if isinstance(db.obj, peewee.SqliteDatabase):
        database = Path(db.obj.database).resolve()
        if place in {database, *(database.with_name(database.name + end) for end in SQLITE_COMPANIONS)}:
            raise OSError(errno.EEXIST, "it is the open database; an export never replaces it", str(path))
    if place.parent == log_dir().resolve() and place.name.startswith(LOG_NAME):
        raise OSError(errno.EEXIST, "it is the program's log file", str(path))
    with path.open("rb") as existing:
        if existing.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
            raise OSError(errno.EEXIST, "it is a database; an export never replaces one", str(path))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a file system that cannot sync a folder loses nothing else."""
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def cell(value: Any) -> Any:
    """A value as a CSV cell: text a spreadsheet would run as a formula gets a leading quote
    (SPEC 7); numbers are written as they are, a negative one included."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(kind: str, out: TextIO, fmt: str = "csv", given: Iterable[tuple[Any, ...]] | None = None) -> int:
    """Write the export KIND to OUT (its rows, or the GIVEN ones); return the number of rows."""
    chosen = rows(kind) if given is None else given
    columns = COLUMNS[kind]
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        # A lone CR ends a record for readers but is no line terminator to the writer, which
        # then leaves it unquoted: a row holding one is written with its text quoted.
        careful = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(columns)
        for row in chosen:
            cells = [cell(v) for v in row]
            (careful if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
            count += 1
        return count
    if fmt == "json":
        out.write("[")
        for row in chosen:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    raise ValueError(f"unknown format {fmt!r}")
