"""The queries whose cost must follow the backlog, not the history, start from the waiting lines'
partial index on SQLite (issue 15): with no ANALYZE statistics, SQLite would otherwise start from
every open order by `orders_status`, and a shop with a million lines of history paid 175 ms for
a Backorders count of nothing, in the window's thread."""

from __future__ import annotations

from typing import Any

import pytest

from backorder_desktop.domain import allocation, browse
from backorder_desktop.store import database
from tests.domain.helpers import catalogue, enable, order, receive, shipments


def _plans_of(call: Any, module: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query plan of each statement CALL reads through MODULE's `query`."""
    statements: list[tuple[str, tuple[Any, ...]]] = []
    real = module.query

    def spy(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        statements.append((sql, params))
        return real(sql, params)

    monkeypatch.setattr(module, "query", spy)
    call()
    monkeypatch.undo()
    return [
        " / ".join(str(row[-1]) for row in database.query(f"EXPLAIN QUERY PLAN {sql}", params))
        for sql, params in statements
    ]


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_the_backorders_tab_reads_the_waiting_lines_not_every_open_order(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = browse.BackorderListing()
    plans = _plans_of(
        lambda: (listing.count(browse.Filters()), listing.page(browse.Filters())), browse, monkeypatch
    )
    assert len(plans) == 2
    for plan in plans:
        assert "order_line_waiting" in plan and "orders_status" not in plan, plan


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
@pytest.mark.parametrize("process", ["primary", "secondary"])
def test_a_runs_candidates_are_read_from_the_waiting_lines(
    store: str, process: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue("W", "G")
    enable()
    order("A", ("W", 2), ("G", 1), ship_complete=True)
    order("B", ("W", 1))
    receive(W=5)
    statements: list[tuple[str, tuple[Any, ...]]] = []
    for name in ("query", "stream"):
        real = getattr(allocation, name)

        def spy(sql: str, params: tuple[Any, ...] = (), real: Any = real) -> Any:
            statements.append((sql, params))
            return real(sql, params)

        monkeypatch.setattr(allocation, name, spy)
    allocation.run_process(process, "manual", progress=lambda _progress: None)
    monkeypatch.undo()
    reads = [(sql, params) for sql, params in statements if "order_line" in sql]
    # the count for the progress, the lines walked in order
    assert len(reads) == 2, reads
    for sql, params in reads:
        plan = " / ".join(str(row[-1]) for row in database.query(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "orders_status" not in plan, plan
        assert "order_line_waiting" in plan, plan
    # A waits for its G (ship-complete), B is filled
    assert shipments(by=process) == [("B", process, "pending", [(1, "W", 1)])]
