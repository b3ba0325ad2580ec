"""End to end on the Northwind demo data set: demo, run primary, run secondary, every export, check."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from tests.cli.conftest import (
    KINDS,
    Cli,
    assert_record,
    assert_sorted,
    cli_on,
    parse_csv,
    parse_json,
)
from tests.places import Place, Shelf


@dataclass
class Story:
    cli: Cli
    demo: str = ""
    after_demo: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    primary: dict[str, str] = field(default_factory=dict)
    after_primary: list[dict[str, str]] = field(default_factory=list)
    secondary: dict[str, str] = field(default_factory=dict)
    csv: dict[str, str] = field(default_factory=dict)
    json: dict[str, str] = field(default_factory=dict)
    check: str = ""
    snapshot: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def story(place: Place, shelf: Shelf) -> Story:
    """One fresh database taken through the whole story once per kind of database; the tests
    read what happened."""
    return shelf.once(place.kind, "northwind", lambda on: tell(cli_on(on, on.new("northwind"))))


def tell(cli: Cli) -> Story:
    told = Story(cli)
    told.demo = cli.ok("demo")
    told.after_demo = {kind: cli.export(kind) for kind in ("stock", "backorders")}
    told.primary = assert_record(cli.ok("run", "primary"), "primary", "ok")
    told.after_primary = cli.export("shipments")
    told.secondary = assert_record(cli.ok("run", "secondary"), "secondary", "ok")
    for kind in KINDS:
        told.csv[kind] = cli.export_text(kind)
        told.json[kind] = cli.export_text(kind, "json")
    done = cli.run("check")
    assert done.returncode == 0, f"check exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    told.check = done.stdout
    told.snapshot = {kind: told.csv[kind] for kind in KINDS}
    return told


def test_demo_fills_the_empty_database_with_backorders_waiting(story: Story) -> None:
    assert story.demo.strip()
    assert len(story.after_demo["stock"]) > 10
    assert sum(int(r["on_hand"]) for r in story.after_demo["stock"]) > 0
    assert story.after_demo["backorders"], "demo left no backorders waiting"
    shipments = parse_csv("shipments", story.csv["shipments"])
    assert {s["created_by"] for s in shipments} >= {"order-entry", "primary"}
    assert {s["status"] for s in shipments} >= {"shipped", "pending"}


def test_primary_run_creates_shipments_marked_with_its_run(story: Story) -> None:
    record = story.primary
    shipments, units = int(record["shipments"]), int(record["units"])
    assert shipments > 0 and units > 0, record
    assert int(record["ledger_rows"]) > 0 and int(record["products"]) > 0, record
    mine = [s for s in story.after_primary if s["created_by"] == "primary"]
    assert mine, "no shipment with created_by=primary"
    assert {s["run"] for s in mine} == {record["run"]}
    assert {s["status"] for s in mine} == {"pending"}
    assert len({s["shipment"] for s in mine}) == shipments
    assert sum(int(s["qty"]) for s in mine) == units
    # One shipment per order that received units (SPEC 4, step 4).
    orders = Counter(s["order"] for s in {s["shipment"]: s for s in mine}.values())
    assert max(orders.values()) == 1


def test_secondary_run_is_recorded_and_its_shipments_match_the_record(story: Story) -> None:
    record = story.secondary
    assert int(record["run"]) > int(story.primary["run"])
    shipments = parse_csv("shipments", story.csv["shipments"])
    mine = [s for s in shipments if s["created_by"] == "secondary"]
    assert {s["run"] for s in mine} <= {record["run"]}
    assert len({s["shipment"] for s in mine}) == int(record["shipments"])
    assert sum(int(s["qty"]) for s in mine) == int(record["units"])
    # The primary's shipments are as it left them.
    assert [s for s in shipments if s["created_by"] == "primary"] == [
        s for s in story.after_primary if s["created_by"] == "primary"
    ]


def test_runs_export_holds_the_printed_records(story: Story) -> None:
    runs = parse_csv("runs", story.csv["runs"])
    assert runs == [story.primary, story.secondary]


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_parses_in_both_formats_with_the_spec_columns(story: Story, kind: str) -> None:
    rows = parse_csv(kind, story.csv[kind])
    assert rows
    assert_sorted(kind, rows)
    items = parse_json(kind, story.json[kind])
    assert [{k: "" if v is None else str(v) for k, v in item.items()} for item in items] == rows


def test_exports_agree_with_each_other(story: Story) -> None:
    stock = {r["sku"]: r for r in parse_csv("stock", story.csv["stock"])}
    pending: dict[str, int] = defaultdict(int)
    for s in parse_csv("shipments", story.csv["shipments"]):
        if s["status"] == "pending":
            pending[s["sku"]] += int(s["qty"])
    waiting: dict[str, int] = defaultdict(int)
    for b in parse_csv("backorders", story.csv["backorders"]):
        waiting[b["sku"]] += int(b["qty_backordered"])
    for sku, row in stock.items():
        on_hand, committed = int(row["on_hand"]), int(row["committed"])
        assert int(row["available"]) == on_hand - committed, row
        assert committed == pending[sku], f"{sku}: committed {committed}, pending shipments {pending[sku]}"
        assert int(row["backordered"]) == waiting[sku], f"{sku}: backordered vs backorders export"
        assert int(row["available"]) >= 0, f"{sku}: the processes left available negative"


def test_check_passes_with_a_summary(story: Story) -> None:
    assert re.search(r"\bok\b", story.check), story.check
    assert re.search(r"\d+ products", story.check), story.check
    assert "violation" not in story.check.lower()


def test_demo_on_a_database_that_is_not_empty_is_refused_and_changes_nothing(
    story: Story, place: Place
) -> None:
    again = cli_on(place, place.copy(story.cli.db, "copy"))
    done = again.run("demo")
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stderr.startswith("error: "), done.stderr
    assert again.snapshot() == story.snapshot
