"""Rows cross from the store to the window and the command line with names, and with the same
types of value on SQLite and PostgreSQL: times are datetimes, flags bools, figures ints."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date, datetime
from typing import Any

import pytest

from backorder_desktop.domain import browse, preferences, products, schedules
from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.browse import Filters
from backorder_desktop.domain.processes import PRIMARY, PRIMARY_CODE
from backorder_desktop.files import exports
from tests.domain.helpers import T0, catalogue, enable, order, receive, run, shipment_ids


def fields_of(row: Any) -> dict[str, Any]:
    """A named row's values by field name."""
    if dataclasses.is_dataclass(row):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    return row._asdict()


def assert_typed(row: Any) -> None:
    """Every value of ROW is of the exact type its field is annotated with (None where allowed):
    no ISO text for a time, no 0/1 for a flag, no Decimal for a sum."""
    hints = typing.get_type_hints(type(row))
    for name, value in fields_of(row).items():
        hint = hints[name]
        kinds = [k for k in typing.get_args(hint) if k is not type(None)] if typing.get_args(hint) else [hint]
        if value is None:
            assert type(None) in typing.get_args(hint), f"{type(row).__name__}.{name} is None"
            continue
        assert type(value) in kinds, f"{type(row).__name__}.{name} is {value!r}, not {hint}"


@pytest.fixture
def busy(store: str) -> str:
    """A little of everything: a shipped and a pending shipment, a line still waiting, a
    discontinued product, a real run, a saved schedule."""
    catalogue("W", "G", "OLD", discontinued=("OLD",))
    enable()
    order("A1", ("W", 5), ("G", 2), when=T0)
    order("A2", ("W", 4), when=T0)
    receive(W=6, G=2)
    assert run(PRIMARY).record.outcome == "ok"
    shipping.ship(shipment_ids("A1"))
    schedules.save(PRIMARY_CODE, enabled=True)
    return store


def test_every_listing_hands_out_named_rows_of_one_type_on_both_databases(busy: str) -> None:
    listings: list[browse.Listing[Any]] = [
        browse.ShipmentListing(),
        browse.BackorderListing(today=date(2026, 12, 1)),
        browse.StockListing(),
        browse.RunListing(),
    ]
    for listing in listings:
        page = listing.page(Filters())
        assert page.rows, f"{type(listing).__name__} shows nothing"
        for row in page.rows:
            assert type(row) is listing.row_type
            assert_typed(row)
            for column in listing.columns:
                assert hasattr(row, column.field), f"{column.title} shows no field of the row"

    shipments = browse.ShipmentListing().page(Filters()).rows
    assert {row.status for row in shipments} == {"shipped", "pending"}
    assert all(isinstance(row.created_at, datetime) for row in shipments)
    (waiting,) = browse.BackorderListing(today=date(2026, 12, 1)).page(Filters(available_only=False)).rows
    assert (waiting.order, waiting.line, waiting.backordered, waiting.age) == ("A2", 1, 3, 7)
    assert waiting.ordered_at == T0
    stock = {row.sku: row for row in browse.StockListing().page(Filters()).rows}
    assert stock["OLD"].discontinued is True and stock["W"].discontinued is False


def test_the_other_reads_name_their_rows_too(busy: str) -> None:
    (first,) = shipment_ids("A1")
    for line in browse.shipment_lines(first):
        assert_typed(line)
    points = browse.run_history()
    assert len(points) == 1
    assert_typed(points[0])
    for schedule in schedules.load_all():
        assert type(schedule.rule.enabled) is bool
        assert schedule.saved_at is None or type(schedule.saved_at) is datetime
    last = schedules.last_run(PRIMARY)
    assert last is not None
    assert_typed(last)
    assert_typed(preferences.load())
    for item in products.by_sku(["W", "G", "OLD"]).values():
        assert_typed(item)


def test_export_rows_are_the_same_text_on_both_databases(busy: str) -> None:
    """Times in files are ISO 8601 to the second, whichever database they came from."""
    for kind in exports.KINDS:
        for row in exports.rows(kind):
            assert len(row) == len(exports.COLUMNS[kind])
            for column, value in zip(exports.COLUMNS[kind], row, strict=True):
                if column.endswith("_at") and value is not None:
                    assert datetime.fromisoformat(value).isoformat() == value, (kind, column, value)
                else:
                    assert type(value) in (str, int, type(None)), (kind, column, value)


def test_the_shipments_of_one_run_are_those_it_created_and_no_other(store: str) -> None:
    """The Shipments tab shows one run's shipments when a tray notification of it is clicked."""
    catalogue("W", "G")
    enable()
    order("A1", ("W", 5), when=T0)
    order("A2", ("G", 4), when=T0)
    receive(W=5)
    first = run(PRIMARY).record
    receive(G=4)
    second = run(PRIMARY).record
    assert (first.shipments, second.shipments) == (1, 1)
    listing = browse.ShipmentListing()
    for record, number in ((first, "A1"), (second, "A2")):
        rows = listing.page(Filters(run_id=record.id)).rows
        assert [(row.order, row.created_by) for row in rows] == [(number, PRIMARY)]
        assert listing.count(Filters(run_id=record.id)) == 1
    assert listing.count(Filters(run_id=second.id + 1)) == 0, "a run that created nothing shows nothing"
    assert listing.count(Filters()) == 2
