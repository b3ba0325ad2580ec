"""Products: the catalogue, looked up by SKU."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backorder_desktop.domain import activity
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.domain.limits import text_problem
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import executemany, query, write
from backorder_desktop.store.rows import converter, read

CHUNK = 500
_STOCK_COLUMNS = "id, sku, name, discontinued, on_hand, committed, backordered"  # StockItem's fields


@dataclass
class StockItem:
    """A product with the figures the order-entry and process code need."""

    id: int
    sku: str
    name: str
    discontinued: bool
    on_hand: int
    committed: int
    backordered: int

    @property
    def available(self) -> int:
        return self.on_hand - self.committed


@dataclass(frozen=True)
class ProductInput:
    sku: str
    name: str
    discontinued: bool | None  # None: leave an existing product's flag as it is
    where: str


def chunks(values: Sequence[object], size: int = CHUNK) -> Iterable[Sequence[object]]:
    """Slices of VALUES small enough for one IN (...) list on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def catalogue_is_empty() -> bool:
    """Whether no product has been entered yet (a new database)."""
    return not query("SELECT 1 FROM product LIMIT 1")


def by_sku(skus: Iterable[str]) -> dict[str, StockItem]:
    """The products with the given SKUs (missing ones are simply absent)."""
    wanted = sorted(set(skus))
    make = converter(StockItem)
    items: dict[str, StockItem] = {}
    if len(wanted) > 2000:  # a big import: one scan of the catalogue beats many IN lists
        everything = {sku: row for sku, *row in query(f"SELECT sku, {_STOCK_COLUMNS} FROM product")}
        for sku in wanted:
            row = everything.get(sku)
            if row is not None:
                items[sku] = make(row)
        return items
    for part in chunks(wanted):
        marks = ", ".join("?" * len(part))
        for item in read(
            StockItem, f"SELECT {_STOCK_COLUMNS} FROM product WHERE sku IN ({marks})", tuple(part)
        ):
            items[item.sku] = item
    return items


def unknown_or_discontinued(
    sku: str, where: str, catalogue: dict[str, StockItem], field: str = "sku"
) -> Problem | None:
    """The problem with ordering SKU, if any."""
    item = catalogue.get(sku)
    if item is None:
        return Problem(where, field, f"unknown SKU {sku!r}")
    if item.discontinued:
        return Problem(where, field, f"product {sku!r} is discontinued")
    return None


def save_products(products: list[ProductInput], source: str = "products") -> tuple[int, int]:
    """Add new products and update the name (and flag, when given) of known ones; the activity
    log says it as an import of SOURCE (a file's name).

    Returns (added, updated). A SKU given twice is an error; nothing is saved then.
    """
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for item in products:
        if not item.sku.strip():
            problems.append(Problem(item.where, "sku", "the SKU is empty"))
        elif item.sku in first_seen:
            problems.append(Problem(item.where, "sku", f"{item.sku!r} repeats {first_seen[item.sku]}"))
        else:
            first_seen[item.sku] = item.where
        problems += filter(
            None, [text_problem(item.where, "sku", item.sku), text_problem(item.where, "name", item.name)]
        )
    if problems:
        raise BadInput(problems)
    with write():
        known = by_sku(p.sku for p in products)
        new = [p for p in products if p.sku not in known]
        old = [p for p in products if p.sku in known]
        executemany(
            "INSERT INTO product (sku, name, discontinued, on_hand, committed, backordered)"
            " VALUES (?, ?, ?, 0, 0, 0)",
            [(p.sku, p.name, bool(p.discontinued)) for p in new],
        )
        executemany("UPDATE product SET name = ? WHERE sku = ?", [(p.name, p.sku) for p in old])
        executemany(
            "UPDATE product SET discontinued = ? WHERE sku = ?",
            [(p.discontinued, p.sku) for p in old if p.discontinued is not None],
        )
        said = f"products: {counted(len(new), 'added', 'added')}, {counted(len(old), 'updated', 'updated')}"
        activity.record("import", source, said)
    return len(new), len(old)
