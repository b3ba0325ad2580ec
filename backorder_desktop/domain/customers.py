"""Customers: the ship-to address of each customer orders name (SPEC 7, `import customers`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from backorder_desktop.domain import activity
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.domain.limits import text_problem
from backorder_desktop.domain.products import chunks
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import executemany, query, write
from backorder_desktop.store.rows import read

# The address fields, in the order a label prints them; each may be empty.
ADDRESS_FIELDS = ("address", "city", "region", "postal_code", "country")


@dataclass(frozen=True)
class CustomerInput:
    """A customer as a file or a dialog gives it: the name orders use, and the address."""

    customer: str
    address: str
    city: str
    region: str
    postal_code: str
    country: str
    where: str  # "customers.csv:4"


class Address(NamedTuple):
    """A customer's ship-to address as saved."""

    customer: str
    address: str
    city: str
    region: str
    postal_code: str
    country: str

    def lines(self) -> list[str]:
        """The address as a label prints it, empty fields left out: the street; the city, region
        and postal code ("Eugene, OR 97403", "Berlin 12209"); the country."""
        town = ", ".join(part for part in (self.city, self.region) if part)
        town = " ".join(part for part in (town, self.postal_code) if part)
        # A street of two lines (a quoted field with a line break in the file) prints as two.
        return [
            part.strip()
            for line in (self.address, town, self.country)
            for part in line.splitlines()
            if part.strip()
        ]


def check(customers: list[CustomerInput]) -> None:
    """BadInput if a customer is given twice, or a text is empty where it may not be or too long."""
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for item in customers:
        if not item.customer.strip():
            problems.append(Problem(item.where, "customer", "is empty"))
        elif item.customer in first_seen:
            problems.append(
                Problem(item.where, "customer", f"{item.customer!r} repeats {first_seen[item.customer]}")
            )
        else:
            first_seen[item.customer] = item.where
        for name in ("customer", *ADDRESS_FIELDS):
            problem = text_problem(item.where, name, getattr(item, name))
            if problem:
                problems.append(problem)
    if problems:
        raise BadInput(problems)


def save_customers(customers: list[CustomerInput], source: str = "customers") -> tuple[int, int]:
    """Add new customers and replace the address of known ones; the activity log says it as an
    import of SOURCE (a file's name). Returns (added, updated); BadInput (nothing saved) as `check`."""
    check(customers)
    with write():
        known = _known([c.customer for c in customers])
        new = [c for c in customers if c.customer not in known]
        old = [c for c in customers if c.customer in known]
        executemany(
            "INSERT INTO customer (name, address, city, region, postal_code, country)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(c.customer, c.address, c.city, c.region, c.postal_code, c.country) for c in new],
        )
        executemany(
            "UPDATE customer SET address = ?, city = ?, region = ?, postal_code = ?, country = ?"
            " WHERE name = ?",
            [(c.address, c.city, c.region, c.postal_code, c.country, c.customer) for c in old],
        )
        said = f"customers: {counted(len(new), 'added', 'added')}, {counted(len(old), 'updated', 'updated')}"
        activity.record("import", source, said)
    return len(new), len(old)


def _known(names: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(sorted(set(names))):
        marks = ", ".join("?" * len(part))
        found.update(
            name for (name,) in query(f"SELECT name FROM customer WHERE name IN ({marks})", tuple(part))
        )
    return found


def addresses(customers: Iterable[str]) -> dict[str, Address]:
    """The saved addresses of CUSTOMERS (the texts orders name); one with none on file is absent."""
    found: dict[str, Address] = {}
    for part in chunks(sorted(set(customers))):
        marks = ", ".join("?" * len(part))
        for address in read(
            Address,
            f"SELECT name, address, city, region, postal_code, country FROM customer WHERE name IN ({marks})",
            tuple(part),
        ):
            found[address.customer] = address
    return found
