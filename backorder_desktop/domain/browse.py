"""Read models for the window's tables: filtered, sorted and paged in SQL (keyset pages).

Qt-free, so they are tested without a window. A page is asked for with the
sort key of the last row already shown; the database seeks to it by index
instead of counting rows, so the millionth row costs what the first does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from backorder_desktop.domain import clock
from backorder_desktop.domain.shipments import shipment_id, shipment_number
from backorder_desktop.store.database import query

PAGE = 200


@dataclass(frozen=True)
class Column:
    title: str
    sort: str | None = None  # SQL expression to sort by (never NULL), None: not sortable
    numeric: bool = False


@dataclass
class Filters:
    search: str = ""
    status: str | None = None
    created_by: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Any, ...]]
    keys: list[tuple[Any, Any]]  # sort value and id of each row, to ask for the next page

    @property
    def last_key(self) -> tuple[Any, Any] | None:
        return self.keys[-1] if self.keys else None


class Listing:
    """A table of the window: columns, and pages of rows under filters and a sort."""

    columns: tuple[Column, ...] = ()
    id_sql = ""
    from_sql = ""
    select_sql = ""

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        return [], []

    def present(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return row

    def page(
        self,
        filters: Filters,
        sort_column: int = 0,
        descending: bool = False,
        after: tuple[Any, Any] | None = None,
        limit: int = PAGE,
        offset: int = 0,
    ) -> Page:
        """LIMIT rows after the key AFTER (a seek by index), or else after skipping OFFSET rows."""
        sort = self.columns[sort_column].sort or self.columns[0].sort
        assert sort is not None
        clauses, params = self.where(filters)
        if after is not None:
            clauses.append(f"({sort}, {self.id_sql}) {'<' if descending else '>'} (?, ?)")
            params += list(after)
            offset = 0
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        direction = "DESC" if descending else "ASC"
        rows = query(
            f"SELECT {self.select_sql}, {sort}, {self.id_sql} FROM {self.from_sql}{where}"
            f" ORDER BY {sort} {direction}, {self.id_sql} {direction}"
            f" LIMIT {int(limit)} OFFSET {int(offset)}",
            tuple(params),
        )
        return Page([self.present(r[:-2]) for r in rows], [(r[-2], r[-1]) for r in rows])

    def count(self, filters: Filters) -> int:
        """How many rows the filters let through."""
        clauses, params = self.where(filters)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return int(query(f"SELECT COUNT(*) FROM {self.from_sql}{where}", tuple(params))[0][0])


def _day_range(filters: Filters, column: str) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append(f"{column} >= ?")
        params.append(datetime.combine(filters.since, datetime.min.time()))
    if filters.until:
        clauses.append(f"{column} < ?")
        params.append(datetime.combine(filters.until + timedelta(days=1), datetime.min.time()))
    return clauses, params


def as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class ShipmentListing(Listing):
    """Outgoing shipments, one row each, with their line count and units."""

    columns = (
        Column("Shipment", "s.id", numeric=True),
        Column("Order", "o.number"),
        Column("Customer", "o.customer"),
        Column("Created", "s.created_at"),
        Column("Created by", "s.created_by"),
        Column("Lines", None, numeric=True),
        Column("Units", None, numeric=True),
        Column("Status", "s.status"),
    )
    id_sql = "s.id"
    from_sql = "shipment s JOIN orders o ON o.id = s.order_id"
    select_sql = (
        "s.id, o.number, o.customer, s.created_at, s.created_by,"
        " (SELECT COUNT(*) FROM shipment_line sl WHERE sl.shipment_id = s.id),"
        # Cast: PostgreSQL sums BIGINT as NUMERIC, which would reach the window as a Decimal.
        " (SELECT CAST(COALESCE(SUM(qty), 0) AS BIGINT) FROM shipment_line sl WHERE sl.shipment_id = s.id),"
        " s.status"
    )

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses, params = _day_range(filters, "s.created_at")
        if filters.status:
            clauses.append("s.status = ?")
            params.append(filters.status)
        if filters.created_by:
            clauses.append("s.created_by = ?")
            params.append(filters.created_by)
        text = filters.search.strip()
        if text:
            wanted = shipment_id(text)
            options = ["o.number = ?", "LOWER(o.customer) LIKE ?"]
            params += [text, f"%{text.lower()}%"]
            if wanted is not None:
                options.append("s.id = ?")
                params.append(wanted)
            clauses.append(f"({' OR '.join(options)})")
        return clauses, params

    def present(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        sid, number, customer, created, by, lines, units, status = row
        return (shipment_number(sid), number, customer, as_datetime(created), by, lines, units, status, sid)


def shipment_lines(sid: int) -> list[tuple[int, str, str, int]]:
    """The lines of one shipment: order line, SKU, product name, quantity."""
    return [
        (line, sku, name, qty)
        for line, sku, name, qty in query(
            "SELECT ol.line, p.sku, p.name, sl.qty FROM shipment_line sl"
            " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
            " WHERE sl.shipment_id = ? ORDER BY ol.line",
            (sid,),
        )
    ]


def new_shipments_since(last_seen_id: int) -> int:
    """How many shipments were created after the one with id LAST_SEEN_ID."""
    return int(query("SELECT COUNT(*) FROM shipment WHERE id > ?", (last_seen_id,))[0][0])


def newest_shipment_id() -> int:
    return int(query("SELECT COALESCE(MAX(id), 0) FROM shipment")[0][0])


class ShipmentSummary(NamedTuple):
    """What a packing slip says of a shipment besides its lines."""

    order: str
    customer: str
    ordered_at: datetime
    status: str
    created_at: datetime


def shipment_summary(sid: int) -> ShipmentSummary:
    """The order, customer and status of the shipment with id SID."""
    ((order, customer, ordered_at, status, created_at),) = query(
        "SELECT o.number, o.customer, o.ordered_at, s.status, s.created_at FROM shipment s"
        " JOIN orders o ON o.id = s.order_id WHERE s.id = ?",
        (sid,),
    )
    ordered, created = as_datetime(ordered_at), as_datetime(created_at)
    assert ordered is not None and created is not None  # both columns are NOT NULL
    return ShipmentSummary(order, customer, ordered, status, created)


class BackorderListing(Listing):
    """Waiting lines of open orders, with what is available of their product now."""

    columns = (
        Column("Order", "o.number"),
        Column("Customer", "o.customer"),
        Column("Ordered", "o.ordered_at"),
        Column("Age (days)", "o.ordered_at", numeric=True),
        Column("Priority", "o.priority", numeric=True),
        Column("Line", "ol.line", numeric=True),
        Column("SKU", "p.sku"),
        Column("Product", "p.name"),
        Column("Backordered", "ol.backordered", numeric=True),
        Column("Available now", "p.on_hand - p.committed", numeric=True),
    )
    id_sql = "ol.id"
    from_sql = "order_line ol JOIN orders o ON o.id = ol.order_id JOIN product p ON p.id = ol.product_id"
    select_sql = (
        "o.number, o.customer, o.ordered_at, o.priority, ol.line, p.sku, p.name, ol.backordered,"
        " p.on_hand - p.committed"
    )

    def __init__(self, today: date | None = None) -> None:
        self.today = today

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses = ["ol.backordered > 0", "o.status = 'open'"]
        params: list[Any] = []
        text = filters.search.strip()
        if text:
            clauses.append(
                "(o.number = ? OR LOWER(o.customer) LIKE ? OR LOWER(p.sku) LIKE ? OR LOWER(p.name) LIKE ?)"
            )
            like = f"%{text.lower()}%"
            params += [text, like, like, like]
        if filters.extra.get("available_only"):
            clauses.append("p.on_hand > p.committed")
        return clauses, params

    def present(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        number, customer, ordered_at, priority, line, sku, name, waiting, available = row
        ordered = as_datetime(ordered_at)
        assert ordered is not None
        today = self.today or clock.now().date()
        age = (today - ordered.date()).days
        return (number, customer, ordered, age, priority, line, sku, name, waiting, available)


class StockListing(Listing):
    columns = (
        Column("SKU", "sku"),
        Column("Product", "name"),
        Column("On hand", "on_hand", numeric=True),
        Column("Committed", "committed", numeric=True),
        Column("Available", "on_hand - committed", numeric=True),
        Column("Backordered", "backordered", numeric=True),
        Column("Discontinued", "discontinued"),
    )
    id_sql = "id"
    from_sql = "product"
    select_sql = "sku, name, on_hand, committed, on_hand - committed, backordered, discontinued"

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        text = filters.search.strip()
        if not text:
            return [], []
        like = f"%{text.lower()}%"
        return ["(LOWER(sku) LIKE ? OR LOWER(name) LIKE ?)"], [like, like]

    def present(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*row[:6], "yes" if row[6] else "")


class RunListing(Listing):
    columns = (
        Column("Run", "id", numeric=True),
        Column("Process", "process"),
        Column("Trigger", "trigger"),
        Column("Started", "started_at"),
        Column("Finished", None),
        Column("Outcome", "outcome"),
        Column("Ledger rows", "ledger_rows", numeric=True),
        Column("Products", "products", numeric=True),
        Column("Shipments", "shipments", numeric=True),
        Column("Units", "units", numeric=True),
        Column("Error", None),
    )
    id_sql = "id"
    from_sql = "run"
    select_sql = (
        "id, process, trigger, started_at, finished_at, outcome, ledger_rows, products, shipments,"
        " units, error"
    )

    def present(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (row[0], row[1], row[2], as_datetime(row[3]), as_datetime(row[4]), *row[5:])


def run_history(limit: int = 500) -> list[tuple[datetime, int, int]]:
    """(finished at, units allocated, units still waiting) of recent real runs, oldest first."""
    rows = query(
        "SELECT finished_at, units, waiting FROM run WHERE outcome = 'ok' AND waiting IS NOT NULL"
        " AND finished_at IS NOT NULL ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    found = [(as_datetime(at), int(units), int(waiting)) for at, units, waiting in reversed(rows)]
    return [(at, units, waiting) for at, units, waiting in found if at is not None]
