"""Values no database should hold (issue 10): a NUL in any field of any import, invisible or
direction-changing characters in SKUs, order and receipt numbers, and shipment numbers no
integer column can hold are bad input (exit 2, one line each, nothing changed), on SQLite and
PostgreSQL alike. Identifiers are compared after Unicode NFKC, so a full-width `Ａ-100` is A-100."""

from __future__ import annotations

import unicodedata

import pytest

from tests.cli.conftest import Cli, Outcome, Saved, assert_unchanged, file_errors, run_batch
from tests.places import Place, Shelf

# One good row of each import, by column, on the small world of tests/cli/conftest.py.
GOOD = {
    "products": {"sku": "E-500", "name": "Endcaps", "discontinued": "false"},
    "receipts": {"receipt": "R-2", "received_at": "2026-11-23T07:00:00", "sku": "C-300", "qty": "3"},
    "adjustments": {"sku": "C-300", "qty": "5", "reason": "count correction"},
    "returns": {"order": "1001", "sku": "B-200", "qty": "1"},
    "orders": {
        "order": "5001",
        "customer": "New Co",
        "ordered_at": "2026-11-23T09:00:00",
        "priority": "5",
        "ship_complete": "false",
        "line": "1",
        "sku": "A-100",
        "qty": "1",
    },
}


def one_row(kind: str, column: str, value: str) -> str:
    """A file of KIND whose one row is good but for COLUMN, which holds VALUE."""
    row = dict(GOOD[kind], **{column: value})
    return ",".join(row) + "\n" + ",".join(row.values()) + "\n"


NUL_CASES = {f"nul-{kind}-{column}": (kind, column) for kind in GOOD for column in GOOD[kind]}

# Invisible and direction-changing characters (Cf, Cc, line separators), and where they go.
HIDDEN = [
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u2060",  # word joiner
    "\u2064",  # invisible plus
    "\ufeff",  # zero width no-break space (a BOM inside a value)
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u00ad",  # soft hyphen
    "\u0007",  # bell (a control character)
    "\u2028",  # line separator
]
IDENTIFIERS = [
    ("products", "sku"),
    ("receipts", "receipt"),
    ("receipts", "sku"),
    ("adjustments", "sku"),
    ("returns", "order"),
    ("returns", "sku"),
    ("orders", "order"),
    ("orders", "sku"),
]
HIDDEN_CASES = {
    f"hidden-{kind}-{column}-U+{ord(char):04X}": (kind, column, char)
    for n, char in enumerate(HIDDEN)
    for kind, column in (IDENTIFIERS if n < 2 else [IDENTIFIERS[n % len(IDENTIFIERS)]])
}


def hide(value: str, char: str) -> str:
    """VALUE with CHAR inside it, where a person cannot see it."""
    return value[:1] + char + value[1:]


@pytest.fixture
def refused_values(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    files = {
        f"{name}.csv": one_row(kind, column, hide(GOOD[kind][column], "\0"))
        for name, (kind, column) in NUL_CASES.items()
    }
    files |= {
        f"{name}.csv": one_row(kind, column, hide(GOOD[kind][column], char))
        for name, (kind, column, char) in HIDDEN_CASES.items()
    }
    commands = {name: ["import", kind, f"{name}.csv"] for name, (kind, _c) in NUL_CASES.items()}
    commands |= {name: ["import", kind, f"{name}.csv"] for name, (kind, _c, _x) in HIDDEN_CASES.items()}
    return run_batch(place, shelf, "unstorable values", saved_world, commands, files)


@pytest.mark.parametrize("case", NUL_CASES)
def test_a_nul_in_any_field_of_any_import_is_bad_input(refused_values: dict[str, Outcome], case: str) -> None:
    _kind, column = NUL_CASES[case]
    outcome = refused_values[case]
    assert outcome.result.returncode == 2, outcome.result
    problems = file_errors(outcome.result.stderr)
    assert [(m["file"], m["line"], m["field"]) for m in problems] == [(f"{case}.csv", "2", column)]
    assert_unchanged(outcome, case)


@pytest.mark.parametrize("case", HIDDEN_CASES)
def test_an_invisible_character_in_an_identifier_is_bad_input(
    refused_values: dict[str, Outcome], case: str
) -> None:
    _kind, column, char = HIDDEN_CASES[case]
    outcome = refused_values[case]
    assert outcome.result.returncode == 2, outcome.result
    problems = file_errors(outcome.result.stderr)
    assert [(m["file"], m["line"], m["field"]) for m in problems] == [(f"{case}.csv", "2", column)]
    assert f"U+{ord(char):04X}" in problems[0]["message"], "the message names the character"
    assert unicodedata.name(char, "") in problems[0]["message"] or ord(char) < 32
    assert_unchanged(outcome, case)


HUGE = "9" * 23
NUMBERS = {
    "ship-huge": ["ship", HUGE],
    "void-huge": ["void-shipment", f"S{HUGE}"],
    "ship-past-64-bits": ["ship", str(2**63)],
    "ship-5000-digits": ["ship", "1" * 5000],
    "ship-a-good-one-and-a-huge-one": ["ship", "S0000002", HUGE],
}


@pytest.fixture
def impossible(place: Place, shelf: Shelf, saved_world: Saved) -> dict[str, Outcome]:
    return run_batch(place, shelf, "impossible numbers", saved_world, NUMBERS)


@pytest.mark.parametrize("case", NUMBERS)
def test_a_shipment_number_too_large_for_any_id_is_bad_input(
    impossible: dict[str, Outcome], case: str
) -> None:
    outcome = impossible[case]
    done = outcome.result
    assert done.returncode == 2, done
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: ") and "internal error" not in line, line
    assert NUMBERS[case][-1][:20] in line, "the line names the value"
    assert len(line) < 200, "a long value is shortened"
    assert_unchanged(outcome, case)


# -- one identifier however it is typed ------------------------------------------------------

FULL_WIDTH_A = "\uff21-100"  # Ａ-100
FULL_WIDTH_B = "\uff22-200"  # Ｂ-200


def stock_of(cli: Cli) -> dict[str, dict[str, str]]:
    return {row["sku"]: row for row in cli.export("stock")}


def test_full_width_identifiers_are_the_same_product_receipt_and_order(world: Cli) -> None:
    world.import_ok("products", "p.csv", f"sku,name\n{FULL_WIDTH_A},Anchors renamed\n")
    assert list(stock_of(world)) == ["A-100", "B-200", "C-300", "D-400"], "no new product"

    world.import_ok(
        "receipts", "r.csv", f"receipt,received_at,sku,qty\n\uff32-9,2026-11-22T08:00:00,{FULL_WIDTH_A},5\n"
    )
    assert stock_of(world)["A-100"]["on_hand"] == "9"
    again = world.run(
        "import",
        "receipts",
        world.write("r2.csv", "receipt,received_at,sku,qty\nR-9,2026-11-22T08:00:00,A-100,1\n"),
    )
    assert again.returncode == 2 and "'R-9' already exists" in again.stderr, again

    world.import_ok("adjustments", "a.csv", f"sku,qty,reason\n{FULL_WIDTH_A},-1,count correction\n")
    assert stock_of(world)["A-100"]["on_hand"] == "8"

    world.import_ok(
        "returns", "ret.csv", f"order,sku,qty\n\uff11\uff10\uff10\uff11,{FULL_WIDTH_B},1\n"
    )  # １００１
    assert stock_of(world)["B-200"]["on_hand"] == "1"

    world.import_ok(
        "orders",
        "o.csv",
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        f"\uff2f-77,New Co,2026-11-23T09:00:00,5,false,1,{FULL_WIDTH_A},100\n",
    )  # Ｏ-77
    waiting = [(row["order"], row["sku"]) for row in world.export("backorders") if row["order"] == "O-77"]
    assert waiting == [("O-77", "A-100")]


def test_a_full_width_sku_repeating_its_ascii_twin_in_one_file_is_refused(
    world: Cli, saved_world: Saved
) -> None:
    done = world.run(
        "import", "products", world.write("p.csv", f"sku,name\nA-100,Anchors\n{FULL_WIDTH_A},Twin\n")
    )
    assert done.returncode == 2, done
    assert [(m["line"], m["field"]) for m in file_errors(done.stderr)] == [("3", "sku")]
    assert world.snapshot() == saved_world.snapshot
