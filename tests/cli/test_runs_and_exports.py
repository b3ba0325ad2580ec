"""`prefs`, `run primary|secondary [--dry-run [--explain]]`, `export` and `check` (SPEC 4, 6, 7)."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import (
    COLUMNS,
    KINDS,
    Cli,
    Saved,
    assert_record,
    assert_sorted,
    build,
    cli_on,
    parse_csv,
    parse_json,
)
from tests.places import Place, Shelf, sqlite_only

# A replenishment for the small world: A-100 3, B-200 5, C-300 1. With the backorders of the
# small world (1002/1 A-100 4 at priority 1, 1001/2 B-200 2, ship-complete 1003/1 C-300 2) the
# Primary run gives 1002 three A-100 and 1001 two B-200, and skips 1003 (one C-300 short).
RECEIPT = (
    "receipt,received_at,sku,qty\n"
    "R-5,2026-11-23T07:00:00,A-100,3\n"
    "R-5,2026-11-23T07:00:00,B-200,5\n"
    "R-5,2026-11-23T07:00:00,C-300,1\n"
)


def _waiting(cli: Cli) -> list[tuple[str, str, str, str]]:
    return [(b["order"], b["line"], b["sku"], b["qty_backordered"]) for b in cli.export("backorders")]


def _stock(cli: Cli) -> dict[str, tuple[int, int, int, int]]:
    return {
        r["sku"]: (int(r["on_hand"]), int(r["committed"]), int(r["available"]), int(r["backordered"]))
        for r in cli.export("stock")
    }


def _made_by(cli: Cli, process: str) -> list[dict[str, str]]:
    return [s for s in cli.export("shipments") if s["created_by"] == process]


@pytest.fixture
def saved_fed(place: Place, shelf: Shelf, saved_world: Saved) -> Saved:
    """The small world with RECEIPT imported (back order management still off), built once."""

    def feed(builder: Cli) -> None:
        builder.import_ok("receipts", "r.csv", RECEIPT)

    return shelf.once(place.kind, "fed", lambda on: build(on, "fed", feed, start=saved_world))


@pytest.fixture
def fed(place: Place, saved_fed: Saved) -> Cli:
    """This test's own copy of the small world with RECEIPT imported."""
    return cli_on(place, place.copy(saved_fed.db, "fed"))


# --- prefs ---------------------------------------------------------------------------------------


def test_prefs_shows_and_sets_the_order_entry_preferences(cli: Cli) -> None:
    shown = cli.ok("prefs")
    assert re.search(r"\bdisabled\b", shown) and re.search(r"\bpriority\b", shown), shown
    shown = cli.ok("prefs", "--enable")
    assert re.search(r"\benabled\b", shown) and not re.search(r"\bdisabled\b", shown), shown
    shown = cli.ok("prefs", "--order-by", "date")
    assert re.search(r"\benabled\b", shown) and re.search(r"\bdate\b", shown), shown
    shown = cli.ok("prefs")
    assert re.search(r"\benabled\b", shown) and re.search(r"\bdate\b", shown), shown
    shown = cli.ok("prefs", "--disable", "--order-by", "priority")
    assert re.search(r"\bdisabled\b", shown) and re.search(r"\bpriority\b", shown), shown
    shown = cli.ok("prefs")
    assert re.search(r"\bdisabled\b", shown) and re.search(r"\bpriority\b", shown), shown


# --- runs while disabled --------------------------------------------------------------------------


@pytest.mark.parametrize("process", ["primary", "secondary"])
def test_a_run_while_disabled_is_skipped_and_changes_nothing(
    fed: Cli, saved_fed: Saved, process: str
) -> None:
    world = fed
    before = saved_fed.snapshot
    record = assert_record(world.ok("run", process), process, "skipped")
    assert record["shipments"] == "0" and record["units"] == "0"
    after = world.snapshot()
    for kind in ("shipments", "backorders", "stock"):
        assert after[kind] == before[kind], f"a skipped run changed the {kind} export"
    runs = parse_csv("runs", after["runs"])
    assert len(runs) == 1
    assert {k: runs[0][k] for k in ("run", "process", "trigger", "outcome")} == {
        "run": record["run"],
        "process": process,
        "trigger": "cli",
        "outcome": "skipped",
    }
    # Nothing was consumed: once enabled, the same run finds the same work.
    world.ok("prefs", "--enable")
    record = assert_record(world.ok("run", process), process, "ok")
    assert int(record["shipments"]) > 0 and int(record["units"]) > 0


# --- primary and secondary -------------------------------------------------------------------------


def test_primary_fills_backorders_from_receipts_in_allocation_order(fed: Cli) -> None:
    world = fed
    world.ok("prefs", "--enable")
    out = world.ok("run", "primary")
    record = assert_record(out, "primary", "ok")
    assert (record["shipments"], record["units"]) == ("2", "5")
    assert record["error"] == ""

    made = _made_by(world, "primary")
    assert [(s["shipment"], s["order"], s["line"], s["sku"], s["qty"]) for s in made] == [
        ("S0000003", "1001", "2", "B-200", "2"),
        ("S0000004", "1002", "1", "A-100", "3"),
    ]
    assert {(s["run"], s["status"]) for s in made} == {(record["run"], "pending")}
    assert _waiting(world) == [("1002", "1", "A-100", "1"), ("1003", "1", "C-300", "2")]
    stock = _stock(world)
    assert stock["A-100"] == (7, 7, 0, 1)
    assert stock["B-200"] == (5, 2, 3, 0)
    assert stock["C-300"] == (1, 0, 1, 2)

    # The runs export holds exactly the record the run printed.
    (row,) = world.export("runs")
    assert row == record

    # The receipts are used up: a second Primary run finds nothing to do.
    again = assert_record(world.ok("run", "primary"), "primary", "ok")
    assert (again["shipments"], again["units"]) == ("0", "0")
    assert int(again["run"]) > int(record["run"])
    world.ok("check")


def test_secondary_fills_from_adjustments_and_primary_ignores_them(world: Cli) -> None:
    world.ok("prefs", "--enable")
    first = assert_record(world.ok("run", "primary"), "primary", "ok")  # nothing received yet to hand out
    assert first["units"] == "0"
    world.import_ok("adjustments", "a.csv", "sku,qty,reason\nC-300,2,count correction\nB-200,1,found\n")
    primary = assert_record(world.ok("run", "primary"), "primary", "ok")
    assert (primary["shipments"], primary["units"]) == ("0", "0")
    secondary = assert_record(world.ok("run", "secondary"), "secondary", "ok")
    assert (secondary["shipments"], secondary["units"]) == ("2", "3")
    made = _made_by(world, "secondary")
    assert [(s["order"], s["line"], s["sku"], s["qty"], s["run"]) for s in made] == [
        ("1001", "2", "B-200", "1", secondary["run"]),
        ("1003", "1", "C-300", "2", secondary["run"]),  # the ship-complete order, in full
    ]
    assert _waiting(world) == [("1001", "2", "B-200", "1"), ("1002", "1", "A-100", "4")]
    world.ok("check")


def test_secondary_refills_from_a_voided_shipment(world: Cli) -> None:
    world.ok("prefs", "--enable")
    world.ok("run", "primary")  # the first Primary run takes the watermark past the old receipt
    world.ok("void-shipment", "S0000002")
    primary = assert_record(world.ok("run", "primary"), "primary", "ok")
    assert primary["units"] == "0", "the Primary run looks at receipts only"
    secondary = assert_record(world.ok("run", "secondary"), "secondary", "ok")
    assert (secondary["shipments"], secondary["units"]) == ("1", "4")
    made = _made_by(world, "secondary")
    assert [(s["order"], s["sku"], s["qty"], s["status"]) for s in made] == [
        ("1002", "A-100", "4", "pending")
    ]
    world.ok("check")


def test_a_ship_complete_order_waits_until_it_can_be_filled_in_full(fed: Cli) -> None:
    world = fed
    world.ok("prefs", "--enable")
    world.ok("run", "primary")
    secondary = assert_record(world.ok("run", "secondary"), "secondary", "ok")
    assert secondary["units"] == "0", "one C-300 is available, ship-complete order 1003 needs two"
    world.import_ok("receipts", "r2.csv", "receipt,received_at,sku,qty\nR-6,2026-11-23T09:00:00,C-300,1\n")
    primary = assert_record(world.ok("run", "primary"), "primary", "ok")
    # The Primary budget is what this receipt added (1), not the whole available balance (2).
    assert primary["units"] == "0"
    secondary = assert_record(world.ok("run", "secondary"), "secondary", "ok")
    assert (secondary["shipments"], secondary["units"]) == ("1", "2")
    assert [(s["order"], s["qty"]) for s in _made_by(world, "secondary")] == [("1003", "2")]


def test_allocation_order_by_priority_or_by_date(cli: Cli) -> None:
    cli.import_ok("products", "p.csv", "sku,name\nX-1,Thing\n")
    cli.import_ok(
        "orders",
        "o.csv",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        "7001,Old Slow,2026-11-01T08:00:00,9,false,1,X-1,3\n"
        "7002,New Rush,2026-11-20T08:00:00,1,false,1,X-1,3\n",
    )
    cli.ok("prefs", "--enable")
    cli.import_ok("receipts", "r.csv", "receipt,received_at,sku,qty\nR-1,2026-11-23T07:00:00,X-1,3\n")
    dry = cli.ok("run", "primary", "--dry-run", "--explain")
    notes = dict(re.findall(r"^order (\d+) line 1 .*?: (\w+)", dry, re.MULTILINE))
    assert notes.get("7002") == "filled" and notes.get("7001") != "filled", dry
    cli.ok("prefs", "--order-by", "date")
    record = assert_record(cli.ok("run", "primary"), "primary", "ok")
    assert record["units"] == "3"
    assert [(s["order"], s["qty"]) for s in _made_by(cli, "primary")] == [("7001", "3")]


# --- dry runs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("process", ["primary", "secondary"])
def test_a_dry_run_reports_the_allocation_and_writes_only_its_run_record(
    fed: Cli, saved_fed: Saved, process: str
) -> None:
    world = fed
    world.ok("prefs", "--enable")
    before = saved_fed.snapshot
    dry = assert_record(world.ok("run", process, "--dry-run"), process, "dry-run")
    after = world.snapshot()
    for kind in ("shipments", "backorders", "stock"):
        assert after[kind] == before[kind], f"a dry run changed the {kind} export"
    runs = parse_csv("runs", after["runs"])
    assert [(r["run"], r["process"], r["outcome"]) for r in runs] == [(dry["run"], process, "dry-run")]
    real = assert_record(world.ok("run", process), process, "ok")
    assert int(real["units"]) > 0
    for column in ("ledger_rows", "products", "shipments", "units"):
        assert real[column] == dry[column], (
            f"the dry run said {column} {dry[column]}, the run did {real[column]}"
        )


@pytest.mark.parametrize("process", ["primary", "secondary"])
def test_dry_run_explain_gives_a_reason_for_every_waiting_line(
    fed: Cli, saved_fed: Saved, process: str
) -> None:
    world = fed
    world.ok("prefs", "--enable")
    before = saved_fed.snapshot
    out = world.ok("run", process, "--dry-run", "--explain")
    assert_record(out, process, "dry-run")
    explained = {}
    for line in out.split("\n\n", 1)[1].splitlines() if "\n\n" in out else []:
        match = re.match(r"^order (\S+) line (\d+)\b.*?:\s*(\S.*)$", line)
        assert match, f"not a reason for a waiting line: {line!r}"
        explained[(match[1], match[2])] = match[3]
    waiting = {(b["order"], b["line"]) for b in parse_csv("backorders", before["backorders"])}
    assert set(explained) == waiting, out
    assert explained[("1003", "1")].startswith(("skipped", "not filled")), out
    if process == "primary":
        assert explained[("1002", "1")].startswith("partly filled"), out
    assert world.export_text("shipments") == before["shipments"], "a dry run made shipments"


# --- exports --------------------------------------------------------------------------------------


@pytest.fixture
def saved_busy(place: Place, shelf: Shelf, saved_world: Saved) -> Saved:
    """The small world after a Primary and a Secondary run and one more order, built once."""

    def keep_busy(builder: Cli) -> None:
        builder.ok("prefs", "--enable")
        builder.import_ok("receipts", "r.csv", RECEIPT)
        builder.ok("run", "primary")
        builder.ok("run", "secondary")
        builder.import_ok(
            "orders",
            "o.csv",
            "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
            '1000,"Zinc, ""Sons""",2026-11-22T09:00:00,5,false,2,B-200,9\n'
            '1000,"Zinc, ""Sons""",2026-11-22T09:00:00,5,false,1,C-300,9\n',
        )

    return shelf.once(place.kind, "busy", lambda on: build(on, "busy", keep_busy, start=saved_world))


@pytest.fixture
def busy_world(place: Place, saved_busy: Saved) -> Cli:
    """This test's own copy of the busy world."""
    return cli_on(place, place.copy(saved_busy.db, "busy"))


@pytest.mark.parametrize("kind", KINDS)
def test_export_csv_and_json_to_stdout_and_to_a_file(busy_world: Cli, kind: str) -> None:
    text = busy_world.export_text(kind)
    rows = parse_csv(kind, text)
    assert rows, f"the {kind} export is empty"
    assert_sorted(kind, rows)
    as_json = parse_json(kind, busy_world.export_text(kind, "json"))
    assert [{k: "" if v is None else str(v) for k, v in item.items()} for item in as_json] == rows

    for fmt, expected in (("csv", text), ("json", None)):
        target = busy_world.cwd / f"{kind}.{fmt}"
        done = busy_world.run("export", kind, "--format", fmt, "-o", str(target))
        assert done.returncode == 0, done.stderr
        assert ",".join(COLUMNS[kind]) not in done.stdout, "with -o the data goes to the file"
        written = target.read_text(encoding="utf-8")
        if expected is not None:
            assert written == expected
        else:
            assert parse_json(kind, written) == as_json


def test_export_defaults_to_csv_and_writes_nothing_else_to_stdout_with_o(busy_world: Cli) -> None:
    assert busy_world.ok("export", "stock") == busy_world.ok("export", "stock", "--format", "csv")
    target = busy_world.cwd / "out" / "stock.csv"
    target.parent.mkdir()
    done = busy_world.run("export", "stock", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "", "with -o the data goes to the file, not stdout"
    assert target.read_text(encoding="utf-8") == busy_world.ok("export", "stock")


def test_export_values_follow_spec_vocabulary(busy_world: Cli) -> None:
    shipments = busy_world.export("shipments")
    assert {s["created_by"] for s in shipments} <= {"order-entry", "primary", "secondary", "user"}
    assert {s["status"] for s in shipments} <= {"pending", "shipped", "void"}
    for s in shipments:
        assert (s["run"] == "") == (s["created_by"] in ("order-entry", "user")), s
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", s["created_at"]), s
    runs = busy_world.export("runs")
    assert [r["process"] for r in runs] == ["primary", "secondary"]
    assert {r["trigger"] for r in runs} == {"cli"}
    assert {r["outcome"] for r in runs} == {"ok"}
    for r in busy_world.export("stock"):
        assert int(r["available"]) == int(r["on_hand"]) - int(r["committed"]), r
    # A customer name with a comma or quotes survives the CSV round trip.
    assert ("1000", 'Zinc, "Sons"') in {(b["order"], b["customer"]) for b in busy_world.export("backorders")}
    lines = [(b["order"], b["line"]) for b in busy_world.export("backorders")]
    assert lines[:2] == [("1000", "1"), ("1000", "2")]


def test_exports_of_an_empty_database(cli: Cli) -> None:
    for kind in KINDS:
        assert cli.export_text(kind) == ",".join(COLUMNS[kind]) + "\n"
        assert parse_json(kind, cli.export_text(kind, "json")) == []


# --- check ----------------------------------------------------------------------------------------


def test_check_passes_on_a_good_database_and_prints_a_summary(busy_world: Cli) -> None:
    busy_world.ok("ship", "S0000003")
    busy_world.import_ok("returns", "ret.csv", "order,sku,qty\n1001,A-100,1\n")
    out = busy_world.ok("check")
    assert out.strip(), "check printed nothing"
    assert "violation" not in out.lower()
    assert re.search(r"\bok\b", out), out


def test_check_reports_a_negative_available_left_by_a_person(world: Cli) -> None:
    world.ok("prefs", "--enable")
    world.import_ok("adjustments", "a.csv", "sku,qty,reason\nA-100,-3,damage\n")
    assert _stock(world)["A-100"] == (1, 4, -3, 4)
    out = world.ok("check")
    assert "A-100" in out, out
    record = assert_record(world.ok("run", "secondary"), "secondary", "ok")
    assert record["units"] == "0"
    assert _stock(world)["A-100"] == (1, 4, -3, 4)


# --- --db ------------------------------------------------------------------------------------------


@sqlite_only  # it is about the default database, a SQLite file in the data directory
@pytest.mark.subprocess
def test_db_is_taken_after_the_subcommand_too_and_defaults_to_the_window_database(cli: Cli) -> None:
    cli.ok("prefs", "--enable")
    done = cli.run("prefs", "--db", str(cli.db), db=False)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\benabled\b", done.stdout), done.stdout
    # Without --db: the default database in the data directory, not the one above (made by init).
    assert cli.run("prefs", db=False).returncode == 1, "no default database yet"
    assert cli.run("init", db=False).returncode == 0
    done = cli.run("prefs", db=False)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\bdisabled\b", done.stdout), done.stdout
    assert any(cli.home.rglob("*.sqlite3")), "no default database in BACKORDER_DESKTOP_HOME"
