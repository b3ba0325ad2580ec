"""The team's claims on schedule slots: each due slot of a schedule gives one run in the whole team.

Every program that runs the schedules on one database (each window, each `scheduler` service)
fires the same slots. The run started for a slot (trigger schedule or catch-up) writes its slot
with its run record, in the run's own transaction, under a unique key on (process, slot): the
first program to commit the slot has it, and the others, finding it taken, record nothing. Runs
started by a person or a script have no slot, so no claim ever blocks them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from backorder_desktop.store.database import query

# The triggers of the runs that are started for a slot.
SLOTTED = ("schedule", "catch-up")
# The outcome reported, never stored, for a run whose slot another program had already run.
TAKEN = "taken"
TAKEN_REASON = "another program of the team ran this slot"


class SlotTaken(Exception):
    """The slot a run was started for already has its run."""


def key(slot: datetime) -> datetime:
    """SLOT (an aware instant) as the run table keeps it: naive UTC, one value per instant."""
    return slot.astimezone(UTC).replace(tzinfo=None)


def taken(process: str, slot: datetime) -> bool:
    """Whether the run table holds a run of PROCESS for SLOT (exact inside a write transaction,
    which holds the write lock every other run waits for)."""
    return bool(query("SELECT 1 FROM run WHERE process = ? AND slot = ?", (process, key(slot))))


def claim(process: str, slot: datetime | None) -> None:
    """Inside a run's write transaction: SlotTaken if SLOT already has its run. The run's record,
    written later in the same transaction with its slot, makes the claim; the unique key keeps it."""
    if slot is not None and taken(process, slot):
        raise SlotTaken(f"{process} {key(slot):%Y-%m-%d %H:%M} UTC")
