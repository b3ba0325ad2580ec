"""Read models for the window's tables: filtered, sorted and paged in SQL (keyset pages).

Qt-free, so they are tested without a window. A page is asked for with the
sort key of the last row already shown; the database seeks to it by index
instead of counting rows, so the millionth row costs what the first does.
Rows come out named (one type per table), their values converted by the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from backorder_desktop.domain import clock
from backorder_desktop.domain.activity import ENTRY_COLUMNS, Entry
from backorder_desktop.domain.allocation import RUN_COLUMNS, RunRecord
from backorder_desktop.domain.shipments import shipment_id, shipment_number
from backorder_desktop.store.database import query, unindexed
from backorder_desktop.store.rows import converter, read, to_datetime

PAGE = 200
Row = TypeVar("Row")


@dataclass(frozen=True)
class Column:
    """A column of a table: its title, the field of the row it shows, and how it sorts."""

    title: str
    field: str  # the name of the row's field shown in this column
    sort: str | None = None  # SQL expression to sort by (never NULL), None: not sortable
    numeric: bool = False


@dataclass
class Filters:
    search: str = ""
    status: str | None = None
    created_by: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    available_only: bool = False  # backorders: only lines whose product has stock available now
    changed_nothing: bool = True  # runs: also those that evaluated nothing and changed nothing
    run_id: int | None = None  # shipments: only those this run (its id in the Run Log) created
    action: str | None = None  # activity: only this action
    user: str | None = None  # activity: only this person's changes


class Key(NamedTuple):
    """Where a row stands in its table's order: the next page is asked for after a key."""

    sort: Any  # the row's value of the sort column, as stored
    id: Any


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    keys: list[Key]  # of each row

    @property
    def last_key(self) -> Key | None:
        return self.keys[-1] if self.keys else None


class Listing(Generic[Row]):
    """A table of the window: columns, and pages of named rows under filters and a sort."""

    row_type: type[Row]
    columns: tuple[Column, ...] = ()
    id_sql = ""
    from_sql = ""
    select_sql = ""  # the values of a row, in the order of ROW_TYPE's fields unless `present` says
    # Counted without the joins when no condition names a joined table (JOINED: its alias and dot):
    # a join that every row passes (a foreign key's) only costs the count time.
    count_from_sql = ""
    joined = ""

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        return [], []

    def present(self, values: Sequence[Any]) -> Row:
        """The named row of the values SELECT_SQL read."""
        return converter(self.row_type)(values)

    def index_of(self, field: str) -> int:
        """The number of the column that shows FIELD."""
        return next(i for i, column in enumerate(self.columns) if column.field == field)

    def page(
        self,
        filters: Filters,
        sort_column: int = 0,
        descending: bool = False,
        after: Key | None = None,
        limit: int = PAGE,
        offset: int = 0,
    ) -> Page[Row]:
        """LIMIT rows after the key AFTER (a seek by index), or else after skipping OFFSET rows: an
        offset past the middle is skipped from the other end (the scroll bar dragged to the end of
        500,000 shipments: a count and 0 rows skipped rather than 499,800)."""
        if after is None and offset > 0:
            total = self.count(filters)
            if offset > total // 2:
                wanted = max(0, min(limit, total - offset))
                if not wanted:
                    return Page([], [])
                page = self._read(filters, sort_column, not descending, None, wanted, total - offset - wanted)
                return Page(page.rows[::-1], page.keys[::-1])
        return self._read(filters, sort_column, descending, after, limit, offset)

    def _read(
        self, filters: Filters, sort_column: int, descending: bool, after: Key | None, limit: int, offset: int
    ) -> Page[Row]:
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
        # Each row read ends with its key: its sort value and its id.
        return Page([self.present(r[:-2]) for r in rows], [Key(*r[-2:]) for r in rows])

    def ids(self, filters: Filters, sort_column: int = 0, descending: bool = False) -> list[Any]:
        """The ids of every row the filters let through, in the table's order (for an export of
        what is shown: ids only, a few megabytes for a million rows)."""
        sort = self.columns[sort_column].sort or self.columns[0].sort
        clauses, params = self.where(filters)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        direction = "DESC" if descending else "ASC"
        return [
            row[0]
            for row in query(
                f"SELECT {self.id_sql} FROM {self.from_sql}{where}"
                f" ORDER BY {sort} {direction}, {self.id_sql} {direction}",
                tuple(params),
            )
        ]

    def count(self, filters: Filters) -> int:
        """How many rows the filters let through."""
        clauses, params = self.where(filters)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        source = self.from_sql
        if self.count_from_sql and not any(self.joined in clause for clause in clauses):
            source = self.count_from_sql
        return int(query(f"SELECT COUNT(*) FROM {source}{where}", tuple(params))[0][0])


def contains(text: str) -> str:
    """A LIKE pattern (with ESCAPE '!') for text holding TEXT, in lower case: a % or _ typed in a
    search is looked for, not taken as a wildcard that lets every row through."""
    return f"%{_escaped(text)}%"


def starts_with(text: str) -> str:
    """A LIKE pattern (with ESCAPE '!') for text that begins with TEXT, in lower case."""
    return f"{_escaped(text)}%"


def _escaped(text: str) -> str:
    return re.sub(r"([!%_])", r"!\1", text.strip().lower())


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


class ShipmentRow(NamedTuple):
    """A shipment as the Shipments table shows it."""

    number: str  # S0000042
    order: str
    customer: str
    created_at: datetime
    created_by: str
    lines: int
    units: int
    status: str
    id: int
    created_user: str | None  # who entered the order or started the run (None before schema 4)
    closed_at: datetime | None  # when it was shipped or voided
    closed_user: str | None  # who shipped or voided it


class ShipmentListing(Listing[ShipmentRow]):
    """Outgoing shipments, one row each, with their line count and units."""

    row_type = ShipmentRow
    columns = (
        Column("Shipment", "number", sort="s.id", numeric=True),
        Column("Order", "order", sort="o.number"),
        Column("Customer", "customer", sort="o.customer"),
        Column("Created", "created_at", sort="s.created_at"),
        Column("Created by", "created_by", sort="s.created_by"),
        Column("Lines", "lines", numeric=True),
        Column("Units", "units", numeric=True),
        Column("Status", "status", sort="s.status"),
        Column("Entered by", "created_user", sort="COALESCE(s.created_user, '')"),
        Column("Closed by", "closed_user", sort="COALESCE(s.closed_user, '')"),
    )
    id_sql = "s.id"
    from_sql = "shipment s JOIN orders o ON o.id = s.order_id"
    count_from_sql = "shipment s"
    joined = "o."
    select_sql = (
        "s.id, o.number, o.customer, s.created_at, s.created_by,"
        " (SELECT COUNT(*) FROM shipment_line sl WHERE sl.shipment_id = s.id),"
        # Cast: PostgreSQL sums BIGINT as NUMERIC, which would reach the window as a Decimal.
        " (SELECT CAST(COALESCE(SUM(qty), 0) AS BIGINT) FROM shipment_line sl WHERE sl.shipment_id = s.id),"
        " s.status, s.created_user, s.closed_at, s.closed_user"
    )

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses, params = _day_range(filters, "s.created_at")
        if filters.status:
            clauses.append("s.status = ?")
            params.append(filters.status)
        if filters.created_by:
            clauses.append("s.created_by = ?")
            params.append(filters.created_by)
        if filters.run_id is not None:
            clauses.append("s.run_id = ?")  # indexed: the shipment's foreign key to its run
            params.append(filters.run_id)
        text = filters.search.strip()
        if text:
            wanted = shipment_id(text)
            options = ["o.number = ?", "LOWER(o.customer) LIKE ? ESCAPE '!'"]
            params += [text, contains(text)]
            if wanted is not None:
                options.append("s.id = ?")
                params.append(wanted)
            clauses.append(f"({' OR '.join(options)})")
        return clauses, params

    def present(self, values: Sequence[Any]) -> ShipmentRow:
        sid, number, customer, created, by, lines, units, status, made_by, closed, closed_by = values
        created_at = to_datetime(created)
        assert created_at is not None
        return ShipmentRow(
            shipment_number(sid),
            number,
            customer,
            created_at,
            by,
            lines,
            units,
            status,
            sid,
            made_by,
            to_datetime(closed),
            closed_by,
        )


class ShipmentLineRow(NamedTuple):
    """A line of one shipment."""

    line: int  # the order line's number
    sku: str
    product: str
    qty: int


SHIPMENT_LINE_COLUMNS = (
    Column("Line", "line", numeric=True),
    Column("SKU", "sku"),
    Column("Product", "product"),
    Column("Quantity", "qty", numeric=True),
)


def shipment_lines(sid: int) -> list[ShipmentLineRow]:
    """The lines of one shipment, by order line."""
    return read(
        ShipmentLineRow,
        "SELECT ol.line, p.sku, p.name, sl.qty FROM shipment_line sl"
        " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
        " WHERE sl.shipment_id = ? ORDER BY ol.line",
        (sid,),
    )


def new_shipments_since(last_seen_id: int) -> int:
    """How many shipments were created after the one with id LAST_SEEN_ID."""
    return int(query("SELECT COUNT(*) FROM shipment WHERE id > ?", (last_seen_id,))[0][0])


def newest_shipment_id() -> int:
    return int(query("SELECT COALESCE(MAX(id), 0) FROM shipment")[0][0])


class BackorderRow(NamedTuple):
    """A waiting line of an open order as the Backorders table shows it."""

    order: str
    customer: str
    ordered_at: datetime
    age: int  # days since the order was placed
    priority: int
    line: int
    sku: str
    product: str
    backordered: int
    available: int  # of the product, now


class BackorderListing(Listing[BackorderRow]):
    """Waiting lines of open orders, with what is available of their product now."""

    row_type = BackorderRow
    columns = (
        Column("Order", "order", sort="o.number"),
        Column("Customer", "customer", sort="o.customer"),
        Column("Ordered", "ordered_at", sort="o.ordered_at"),
        Column("Age (days)", "age", sort="o.ordered_at", numeric=True),
        Column("Priority", "priority", sort="o.priority", numeric=True),
        Column("Line", "line", sort="ol.line", numeric=True),
        Column("SKU", "sku", sort="p.sku"),
        Column("Product", "product", sort="p.name"),
        Column("Backordered", "backordered", sort="ol.backordered", numeric=True),
        Column("Available now", "available", sort="p.on_hand - p.committed", numeric=True),
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
        clauses = ["ol.backordered > 0", f"{unindexed('o.status')} = 'open'"]
        params: list[Any] = []
        text = filters.search.strip()
        if text:
            clauses.append(
                "(o.number = ? OR LOWER(o.customer) LIKE ? ESCAPE '!' OR LOWER(p.sku) LIKE ? ESCAPE '!'"
                " OR LOWER(p.name) LIKE ? ESCAPE '!')"
            )
            like = contains(text)
            params += [text, like, like, like]
        if filters.available_only:
            clauses.append("p.on_hand > p.committed")
        return clauses, params

    def present(self, values: Sequence[Any]) -> BackorderRow:
        number, customer, ordered_at, priority, line, sku, name, waiting, available = values
        ordered = to_datetime(ordered_at)
        assert ordered is not None
        today = self.today or clock.now().date()
        age = (today - ordered.date()).days
        return BackorderRow(number, customer, ordered, age, priority, line, sku, name, waiting, available)


class StockRow(NamedTuple):
    """A product's stock figures as the Inventory table shows them."""

    sku: str
    product: str
    on_hand: int
    committed: int
    available: int
    backordered: int
    discontinued: bool


class StockListing(Listing[StockRow]):
    row_type = StockRow
    columns = (
        Column("SKU", "sku", sort="sku"),
        Column("Product", "product", sort="name"),
        Column("On hand", "on_hand", sort="on_hand", numeric=True),
        Column("Committed", "committed", sort="committed", numeric=True),
        Column("Available", "available", sort="on_hand - committed", numeric=True),
        Column("Backordered", "backordered", sort="backordered", numeric=True),
        Column("Discontinued", "discontinued", sort="discontinued"),
    )
    id_sql = "id"
    from_sql = "product"
    select_sql = "sku, name, on_hand, committed, on_hand - committed, backordered, discontinued"

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        text = filters.search.strip()
        if not text:
            return [], []
        like = contains(text)
        return ["(LOWER(sku) LIKE ? ESCAPE '!' OR LOWER(name) LIKE ? ESCAPE '!')"], [like, like]


# A run that evaluated nothing and changed nothing (the Primary every half hour with no receipt in
# between): its record is kept (SPEC 4), but people rarely want to read it.
CHANGED_NOTHING = "(outcome = 'ok' AND ledger_rows = 0 AND products = 0 AND shipments = 0 AND units = 0)"


class RunListing(Listing[RunRecord]):
    """Every run record; without those that changed nothing unless the filters ask for them."""

    row_type = RunRecord
    columns = (
        Column("Run", "id", sort="id", numeric=True),
        Column("Process", "process", sort="process"),
        Column("Trigger", "trigger", sort="trigger"),
        Column("Started", "started_at", sort="started_at"),
        Column("Finished", "finished_at"),
        Column("Outcome", "outcome", sort="outcome"),
        Column("Ledger rows", "ledger_rows", sort="ledger_rows", numeric=True),
        Column("Products", "products", sort="products", numeric=True),
        Column("Shipments", "shipments", sort="shipments", numeric=True),
        Column("Units", "units", sort="units", numeric=True),
        Column("Error", "error"),
    )
    id_sql = "id"
    from_sql = "run"
    select_sql = RUN_COLUMNS

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        return ([], []) if filters.changed_nothing else ([f"NOT {CHANGED_NOTHING}"], [])


class ActivityListing(Listing[Entry]):
    """The activity log, filtered by action, person, days and a search of what changed."""

    row_type = Entry
    columns = (
        Column("#", "id", sort="id", numeric=True),
        Column("When", "at", sort="at"),
        Column("User", "user", sort="login"),
        Column("Machine", "host", sort="host"),
        Column("Action", "action", sort="action"),
        Column("Subject", "subject", sort="subject"),
        Column("Details", "details"),
    )
    id_sql = "id"
    from_sql = "activity"
    select_sql = ENTRY_COLUMNS

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses, params = _day_range(filters, "at")
        if filters.action:
            clauses.append("action = ?")
            params.append(filters.action)
        if filters.user:
            clauses.append("login = ?")
            params.append(filters.user)
        text = filters.search.strip()
        if text:
            like = contains(text)
            clauses.append(
                "(LOWER(subject) LIKE ? ESCAPE '!' OR LOWER(details) LIKE ? ESCAPE '!'"
                " OR LOWER(login) LIKE ? ESCAPE '!')"
            )
            params += [like, like, like]
        return clauses, params


def activity_users() -> list[str]:
    """Everyone the activity log names, by name: the choices of its User filter."""
    return [str(user) for (user,) in query("SELECT DISTINCT login FROM activity ORDER BY login")]


def runs_that_changed_nothing() -> int:
    """How many run records are of runs that evaluated nothing and changed nothing."""
    return int(query(f"SELECT COUNT(*) FROM run WHERE {CHANGED_NOTHING}")[0][0])


class RunPoint(NamedTuple):
    """A point of the run log's chart: one real run."""

    finished_at: datetime
    units: int  # allocated by the run
    waiting: int  # units still backordered after it


def run_history(limit: int = 500, changed_nothing: bool = True) -> list[RunPoint]:
    """Recent real runs, oldest first; without those that changed nothing unless CHANGED_NOTHING."""
    points = read(
        RunPoint,
        "SELECT finished_at, units, waiting FROM run WHERE outcome = 'ok' AND waiting IS NOT NULL"
        f" AND finished_at IS NOT NULL{'' if changed_nothing else f' AND NOT {CHANGED_NOTHING}'}"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return points[::-1]


class OrderRow(NamedTuple):
    """An order as the Orders table shows it, with the units of its lines added up."""

    number: str
    status: str  # open, closed or void
    customer: str
    ordered_at: datetime
    priority: int
    ship_complete: bool
    lines: int
    ordered: int  # units
    shipped: int
    pending: int  # in pending shipments (committed, not yet shipped)
    backordered: int
    cancelled: int
    id: int


# The figures of an order: its lines added up (see OrderListing.page).
_ORDER_FIGURES = (
    "SELECT order_id, COUNT(*), CAST(SUM(ordered) AS BIGINT), CAST(SUM(shipped) AS BIGINT),"
    " CAST(SUM(committed) AS BIGINT), CAST(SUM(backordered) AS BIGINT), CAST(SUM(cancelled) AS BIGINT)"
    " FROM order_line WHERE order_id IN ({marks}) GROUP BY order_id"
)
_SORTED_BY_INDEX = ("o.number", "o.ordered_at", "o.id")  # a page is read in the index's order


class OrderListing(Listing[OrderRow]):
    """Every order, open, closed or void, with its lines' units added up: ordered, shipped,
    pending, backordered and cancelled.

    A page is read in two steps: the orders of the page (sorted and filtered on the orders
    alone), then the figures of just those orders from their lines (by the index on an order's
    lines). Asked of one query, SQLite adds up the lines of every order it sorts: on 500,000
    orders a page by customer took 110 ms, by priority 385 ms, newest first without the index
    on `ordered_at` 2.9 s (1, 36 and 64 ms in two steps).

    A jump past the middle (the scroll bar dragged to the end) is read from the other end:
    sorted by a column with no index, an OFFSET of 499,800 sorted every order (1.8 s).
    """

    row_type = OrderRow
    columns = (
        Column("Order", "number", sort="o.number"),
        Column("Status", "status", sort="o.status"),
        Column("Customer", "customer", sort="o.customer"),
        Column("Ordered at", "ordered_at", sort="o.ordered_at"),
        Column("Priority", "priority", sort="o.priority", numeric=True),
        Column("Ship complete", "ship_complete", sort="o.ship_complete"),
        Column("Lines", "lines", numeric=True),
        Column("Ordered", "ordered", numeric=True),
        Column("Shipped", "shipped", numeric=True),
        Column("Pending", "pending", numeric=True),
        Column("Backordered", "backordered", numeric=True),
        Column("Cancelled", "cancelled", numeric=True),
    )
    id_sql = "o.id"
    from_sql = "orders o"
    select_sql = "o.number, o.status, o.customer, o.ordered_at, o.priority, o.ship_complete"

    def where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        # For a page, the status is checked on the orders read in the sort's order, not looked up
        # by its index: "open" may be nearly every order, and sorting those again (0.4 s on
        # 500,000) costs far more than stepping past the others.
        return self._conditions(filters, unindexed("o.status"))

    def count(self, filters: Filters) -> int:
        """How many orders the filters let through (a status alone is counted by its index)."""
        alone = filters.since is None and filters.until is None and not filters.search.strip()
        status = "o.status" if alone else unindexed("o.status")
        clauses, params = self._conditions(filters, status)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return int(query(f"SELECT COUNT(*) FROM orders o{where}", tuple(params))[0][0])

    def _conditions(self, filters: Filters, status: str) -> tuple[list[str], list[Any]]:
        clauses, params = _day_range(filters, "o.ordered_at")
        if filters.status:
            clauses.append(f"{status} = ?")
            params.append(filters.status)
        text = filters.search.strip()
        if text:
            # A number by its start ("1107": 11070 to 11079), a customer by any part of the name.
            clauses.append("(LOWER(o.number) LIKE ? ESCAPE '!' OR LOWER(o.customer) LIKE ? ESCAPE '!')")
            params += [starts_with(text), contains(text)]
        return clauses, params

    def present(self, values: Sequence[Any]) -> OrderRow:
        number, status, customer, ordered_at, priority, ship_complete = values
        ordered = to_datetime(ordered_at)
        assert ordered is not None
        return OrderRow(number, status, customer, ordered, priority, bool(ship_complete), 0, 0, 0, 0, 0, 0, 0)

    def page(
        self,
        filters: Filters,
        sort_column: int = 0,
        descending: bool = False,
        after: Key | None = None,
        limit: int = PAGE,
        offset: int = 0,
    ) -> Page[OrderRow]:
        heads = self._heads(filters, sort_column, descending, after, limit, offset)
        ids = [key.id for key in heads.keys]
        figures: dict[int, _Figures] = {}
        if ids:
            marks = ", ".join("?" * len(ids))
            for order_id, *added in query(_ORDER_FIGURES.format(marks=marks), tuple(ids)):
                figures[order_id] = _Figures(*added)
        rows = []
        for head, key in zip(heads.rows, heads.keys, strict=True):
            sums = figures.get(key.id, _NO_LINES)
            rows.append(
                head._replace(
                    lines=sums.lines,
                    ordered=sums.ordered,
                    shipped=sums.shipped,
                    pending=sums.pending,
                    backordered=sums.backordered,
                    cancelled=sums.cancelled,
                    id=key.id,
                )
            )
        return Page(rows, heads.keys)

    def _heads(
        self, filters: Filters, sort_column: int, descending: bool, after: Key | None, limit: int, offset: int
    ) -> Page[OrderRow]:
        """The orders of a page, without their figures (an offset past the middle from the end)."""
        return super().page(filters, sort_column, descending, after, limit, offset)


class _Figures(NamedTuple):
    lines: int
    ordered: int
    shipped: int
    pending: int
    backordered: int
    cancelled: int


_NO_LINES = _Figures(0, 0, 0, 0, 0, 0)


class OrderLineRow(NamedTuple):
    """A line of one order, with where its units stand."""

    line: int
    sku: str
    product: str
    ordered: int
    shipped: int
    pending: int  # in pending shipments
    backordered: int
    cancelled: int


ORDER_LINE_COLUMNS = (
    Column("Line", "line", numeric=True),
    Column("SKU", "sku"),
    Column("Product", "product"),
    Column("Ordered", "ordered", numeric=True),
    Column("Shipped", "shipped", numeric=True),
    Column("Pending", "pending", numeric=True),
    Column("Backordered", "backordered", numeric=True),
    Column("Cancelled", "cancelled", numeric=True),
)


def order_lines(order_id: int) -> list[OrderLineRow]:
    """The lines of the order with id ORDER_ID, by line number."""
    return read(
        OrderLineRow,
        "SELECT ol.line, p.sku, p.name, ol.ordered, ol.shipped, ol.committed, ol.backordered, ol.cancelled"
        " FROM order_line ol JOIN product p ON p.id = ol.product_id WHERE ol.order_id = ? ORDER BY ol.line",
        (order_id,),
    )


def order_shipments(order_id: int) -> list[ShipmentRow]:
    """The shipments of the order with id ORDER_ID, oldest first, with who created and closed them."""
    listing = ShipmentListing()
    rows = query(
        f"SELECT {listing.select_sql} FROM {listing.from_sql} WHERE s.order_id = ? ORDER BY s.id",
        (order_id,),
    )
    return [listing.present(row) for row in rows]


class OrderDetail(NamedTuple):
    """What the Orders tab shows below the table of one order: its lines and its shipments."""

    lines: list[OrderLineRow]
    shipments: list[ShipmentRow]


def order_detail(order_id: int) -> OrderDetail:
    """The lines and shipments of the order with id ORDER_ID."""
    return OrderDetail(order_lines(order_id), order_shipments(order_id))


class ProductChoice(NamedTuple):
    """A product offered as a person types a SKU."""

    sku: str
    name: str
    discontinued: bool


CHOICES = 50  # offered at most, as a person types


def product_choices(text: str, orderable_only: bool = False, limit: int = CHOICES) -> list[ProductChoice]:
    """Products whose SKU or name holds TEXT (any case), SKUs that begin with it first; with
    ORDERABLE_ONLY, not the discontinued ones."""
    like = contains(text)
    starts = starts_with(text)
    discontinued = " AND NOT discontinued" if orderable_only else ""
    return read(
        ProductChoice,
        "SELECT sku, name, discontinued FROM product"
        f" WHERE (LOWER(sku) LIKE ? ESCAPE '!' OR LOWER(name) LIKE ? ESCAPE '!'){discontinued}"
        " ORDER BY CASE WHEN LOWER(sku) LIKE ? ESCAPE '!' THEN 0 ELSE 1 END, sku LIMIT ?",
        (like, like, starts, limit),
    )


def customer_choices(text: str, limit: int = CHOICES) -> list[str]:
    """Known customers holding TEXT (any case), by name: those with an address on file and
    those that orders name."""
    like = contains(text)
    return [
        str(name)
        for (name,) in query(
            "SELECT name FROM (SELECT name FROM customer WHERE LOWER(name) LIKE ? ESCAPE '!'"
            " UNION SELECT customer FROM orders WHERE LOWER(customer) LIKE ? ESCAPE '!') AS known"
            " ORDER BY name LIMIT ?",
            (like, like, limit),
        )
    ]
