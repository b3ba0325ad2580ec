"""The Order Entry preferences: backorder management on or off, and the allocation order."""

from __future__ import annotations

from dataclasses import dataclass

from backorder_desktop.domain import activity, team
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
    """Change the given preferences (None leaves one as it is) and return them as saved.

    Only an administrator may (NeedsAdministrator otherwise); a change is logged with its old
    and new values, in its transaction."""
    if allocation_order is not None and allocation_order not in ALLOCATION_ORDERS:
        raise BadInput(
            [
                Problem(
                    "preferences", "allocation order", f"must be priority or date, not {allocation_order!r}"
                )
            ]
        )
    team.require_administrator("changing the Order Entry preferences")
    with write():
        old = load()
        new = OrderEntryPreferences(
            old.backorders_enabled if backorders_enabled is None else backorders_enabled,
            allocation_order or old.allocation_order,
        )
        if new != old:
            executemany(
                "UPDATE preferences SET backorders_enabled = ?, allocation_order = ? WHERE id = 1",
                [(new.backorders_enabled, new.allocation_order)],
            )
            activity.record("prefs", "Order Entry", activity.changes(_settings(old), _settings(new)))
    return load()


def _settings(prefs: OrderEntryPreferences) -> dict[str, object]:
    """The preferences as the activity log names them."""
    return {
        "back order management": "enabled" if prefs.backorders_enabled else "disabled",
        "allocation order": prefs.allocation_order,
    }
