"""`import customers FILE` (SPEC 7): the ship-to addresses packing slips print. A known customer
is updated, every column but `customer` may be empty, all rows or none, and a problem names its
file, line and field; on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io

from tests.cli.conftest import Cli, file_errors
from tests.places import table_rows

HEADER = "customer,address,city,region,postal_code,country\n"
LONG = "x" * 256  # one character more than a text may hold


def customers(cli: Cli) -> dict[str, tuple[object, ...]]:
    """The customer table as name -> (address, city, region, postal_code, country)."""
    return {row[1]: tuple(row[2:]) for row in table_rows(cli.db)["customer"]}  # type: ignore[misc]


def imports_logged(cli: Cli) -> list[tuple[str, str]]:
    """(subject, details) of each import the activity log holds, oldest first."""
    rows = csv.DictReader(io.StringIO(cli.ok("export", "activity"), newline=""))
    return [(row["subject"], row["details"]) for row in rows if row["action"] == "import"]


def test_staff_import_the_addresses_of_the_customers_their_orders_name(world: Cli) -> None:
    out = world.import_ok(
        "customers",
        "customers.csv",
        HEADER + "Acme Ltd,1 Harbour Road,Portsmouth,,PO1 3AX,UK\n"
        # Only the name is required: a customer may have an address in part, or none yet.
        '"Bolt & Co","Unit 4, Mill Lane",,,,\nCore Inc,,,,,\n',
    )
    assert out.strip() == "imported 3 customers from customers.csv: 3 added, 0 updated"
    assert customers(world) == {
        "Acme Ltd": ("1 Harbour Road", "Portsmouth", "", "PO1 3AX", "UK"),
        "Bolt & Co": ("Unit 4, Mill Lane", "", "", "", ""),
        "Core Inc": ("", "", "", "", ""),
    }
    assert imports_logged(world)[-1] == ("customers.csv", "customers: 3 added, 0 updated")


def test_a_known_customer_gets_the_new_address_and_a_new_one_is_added(world: Cli) -> None:
    world.import_ok("customers", "first.csv", HEADER + "Acme Ltd,1 Harbour Road,Portsmouth,,PO1 3AX,UK\n")
    out = world.import_ok(
        "customers",
        "moved.csv",
        # Columns in any order, spaces about the values taken off, a byte-order mark read.
        "\ufeffcountry,customer,city,address,postal_code,region\n"
        "USA , Acme Ltd ,Eugene,2732 Baker Blvd.,97403,OR\nUSA,Zed Corp,Boise,,,ID\n",
    )
    assert out.strip() == "imported 2 customers from moved.csv: 1 added, 1 updated"
    assert customers(world) == {
        "Acme Ltd": ("2732 Baker Blvd.", "Eugene", "OR", "97403", "USA"),
        "Zed Corp": ("", "Boise", "ID", "", "USA"),
    }
    assert imports_logged(world)[-2:] == [
        ("first.csv", "customers: 1 added, 0 updated"),
        ("moved.csv", "customers: 1 added, 1 updated"),
    ]


def test_a_file_with_one_bad_row_imports_nothing_and_names_file_line_and_field(world: Cli) -> None:
    before = table_rows(world.db)
    done = world.run(
        "import",
        "customers",
        world.write(
            "bad.csv",
            HEADER
            + "Acme Ltd,1 Harbour Road,Portsmouth,,PO1 3AX,UK\n"
            + " ,2 Side St,Leeds,,,UK\n"  # no customer
            + f"Bolt & Co,{LONG},,,,\n"  # an address too long for any database
            + "Acme Ltd,9 Other Rd,Hull,,,UK\n",  # the same customer twice
        ),
    )
    assert done.returncode == 2, done
    found = {(m["file"], int(m["line"]), m["field"]) for m in file_errors(done.stderr)}
    assert found == {("bad.csv", 3, "customer"), ("bad.csv", 4, "address"), ("bad.csv", 5, "customer")}
    assert "repeats bad.csv:2" in done.stderr
    assert table_rows(world.db) == before, "nothing written, not even the good row or a log row"


def test_a_file_with_a_wrong_header_is_refused_by_column(world: Cli) -> None:
    for header, column in (
        ("customer,address,city,region,postal_code\n", "country"),  # a column missing
        ("customer,address,city,region,postal_code,country,phone\n", "phone"),  # one too many
    ):
        done = world.run("import", "customers", world.write("header.csv", header + "Acme Ltd,,,,,\n"))
        assert done.returncode == 2, done
        assert [(m["line"], m["field"]) for m in file_errors(done.stderr)] == [("1", column)]
    assert customers(world) == {}
