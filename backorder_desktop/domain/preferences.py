"""The Order Entry preferences: backorder management on or off, and the allocation order."""

from __future__ import annotations

from dataclasses import dataclass

from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.store.database import executemany, write
from backorder_desktop.store.rows import read

ALLOCATION_ORDERS = ("priority", "date")


@dataclass(frozen=True)
class OrderEntryPreferences:
    backorders_enabled: bool
    allocation_order: str


def load() -> OrderEntryPreferences:
    """The saved preferences."""
    (saved,) = read(
        OrderEntryPreferences, "SELECT backorders_enabled, allocation_order FROM preferences WHERE id = 1"
    )
    return saved


def save(
    backorders_enabled: bool | None = None, allocation_order: str | None = None
) -> OrderEntryPreferences:
    """Change the given preferences (None leaves one as it is) and return them as saved."""
    if allocation_order is not None and allocation_order not in ALLOCATION_ORDERS:
        raise BadInput(
            [
                Problem(
                    "preferences", "allocation order", f"must be priority or date, not {allocation_order!r}"
                )
            ]
        )
    with write():
        if backorders_enabled is not None:
            executemany("UPDATE preferences SET backorders_enabled = ? WHERE id = 1", [(backorders_enabled,)])
        if allocation_order is not None:
            executemany("UPDATE preferences SET allocation_order = ? WHERE id = 1", [(allocation_order,)])
    return load()
