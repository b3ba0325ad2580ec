"""`ship`, `void-shipment` and `void-order` (SPEC 3, 6): what they do, and what they refuse."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, Outcome, Saved, assert_unchanged, run_batch
from tests.places import Place, Shelf


def _stock(cli: Cli) -> dict[str, tuple[int, int, int, int]]:
    return {
        r["sku"]: (int(r["on_hand"]), int(r["committed"]), int(r["available"]), int(r["backordered"]))
        for r in cli.export("stock")
    }


def _statuses(cli: Cli) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in cli.export("shipments"):
        found.setdefault(row["shipment"], set()).add(row["status"])
    return found


def _waiting(cli: Cli) -> list[tuple[str, str, str, str]]:
    return [(b["order"], b["line"], b["sku"], b["qty_backordered"]) for b in cli.export("backorders")]


def test_ship_lowers_on_hand_and_committed(world: Cli) -> None:
    world.ok("ship", "S0000002")
    assert _statuses(world) == {"S0000001": {"shipped"}, "S0000002": {"shipped"}}
    assert _stock(world)["A-100"] == (0, 0, 0, 4)
    assert ("1002", "1", "A-100", "4") in _waiting(world)  # the rest still waits
    world.ok("check")


def test_void_shipment_releases_units_back_onto_the_backorder(world: Cli) -> None:
    world.ok("void-shipment", "S0000002")
    assert _statuses(world)["S0000002"] == {"void"}
    assert _stock(world)["A-100"] == (4, 0, 4, 8)
    assert ("1002", "1", "A-100", "8") in _waiting(world)
    world.ok("check")


def test_void_order_voids_pending_shipments_and_cancels_backorders(world: Cli) -> None:
    world.ok("void-order", "1002")
    assert _statuses(world)["S0000002"] == {"void"}
    assert [w for w in _waiting(world) if w[0] == "1002"] == []
    assert _stock(world)["A-100"] == (4, 0, 4, 0)
    world.ok("check")


def test_voiding_a_partly_shipped_order_leaves_what_shipped(world: Cli) -> None:
    world.ok("void-order", "1001")
    assert _statuses(world)["S0000001"] == {"shipped"}
    assert [w for w in _waiting(world) if w[0] == "1001"] == []
    assert _stock(world)["B-200"] == (0, 0, 0, 0)
    assert _stock(world)["A-100"] == (4, 4, 0, 4)  # order 1002 is untouched
    world.ok("check")


# Refused on the small world as it is: S0000001 is shipped, S0000002 pending.
REFUSED = {
    "ship-shipped": (["ship", "S0000001"], 1, "S0000001"),
    "void-shipped": (["void-shipment", "S0000001"], 1, "S0000001"),
    "ship-pending-with-a-shipped-one": (["ship", "S0000002", "S0000001"], 1, "S0000001"),
    "void-pending-with-a-shipped-one": (["void-shipment", "S0000002", "S0000001"], 1, "S0000001"),
    "ship-unknown": (["ship", "S9999999"], 2, "S9999999"),
    "void-unknown": (["void-shipment", "S0000099"], 2, "S0000099"),
    "ship-pending-with-an-unknown-one": (["ship", "S0000002", "S0000042"], 2, "S0000042"),
    "void-order-unknown": (["void-order", "9999"], 2, "9999"),
}


@pytest.fixture
def refused(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    return run_batch(place, shelf, "refused", saved_world, {k: v[0] for k, v in REFUSED.items()})


@pytest.mark.parametrize("case", REFUSED)
def test_refused_staff_action_says_why_and_changes_nothing(refused: dict[str, Outcome], case: str) -> None:
    argv, status, named = REFUSED[case]
    outcome = refused[case]
    done = outcome.result
    assert done.returncode == status, f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    assert all(line.startswith("error: ") for line in lines), done.stderr
    assert named in done.stderr, f"the message does not name {named}: {done.stderr}"
    assert_unchanged(outcome, " ".join(argv))


def test_shipping_or_voiding_a_void_shipment_is_refused(world: Cli) -> None:
    world.ok("void-shipment", "S0000002")
    before = world.snapshot()
    for action in ("ship", "void-shipment"):
        done = world.run(action, "S0000002")
        assert done.returncode == 1, (action, done.stdout, done.stderr)
        assert "S0000002" in done.stderr
    assert world.snapshot() == before


def test_voiding_an_order_that_is_not_open_is_refused(world: Cli) -> None:
    # A void order ...
    world.ok("void-order", "1003")
    # ... and a closed one: fully committed at entry, then shipped.
    world.import_ok("receipts", "r.csv", "receipt,received_at,sku,qty\nR-5,2026-11-22T08:00:00,C-300,5\n")
    world.import_ok(
        "orders",
        "o.csv",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        "6001,Dot Ltd,2026-11-23T09:00:00,5,false,1,C-300,2\n",
    )
    (shipment,) = {s["shipment"] for s in world.export("shipments") if s["order"] == "6001"}
    world.ok("ship", shipment)
    before = world.snapshot()
    for number in ("1003", "6001"):
        done = world.run("void-order", number)
        assert done.returncode == 1, (number, done.stdout, done.stderr)
        assert done.stderr.startswith("error: ") and number in done.stderr, done.stderr
    assert world.snapshot() == before
    world.ok("check")
