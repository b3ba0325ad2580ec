"""What the window says of the person's rights (SPEC 8): only an administrator may change the Order
Entry preferences and the schedules; staff see them read-only, with the reason.

The window asks the domain (`team`) off its own thread when it opens a database and when it
reads it again; the server refuses a write all the same, and such a refusal is said in plain
words, starting "permission denied".
"""

from __future__ import annotations

from typing import NamedTuple

from backorder_desktop.domain import team
from backorder_desktop.domain.errors import Refused
from backorder_desktop.store.errors import Kind, explain, kind_of
from backorder_desktop.store.urls import shown

ONLY_ADMINISTRATOR = "Only an administrator can change this"


class Rights(NamedTuple):
    """Who the window works as on the open database, and whether they may change the settings."""

    user: str
    administrator: bool


def ask() -> Rights:
    """The person and what they may do, as the database says now (for a worker thread)."""
    return Rights(team.who().user, team.is_administrator())


def staff_line(user: str) -> str:
    """The line a tab shows a staff member above the controls they cannot use."""
    return f"{ONLY_ADMINISTRATOR}. You are signed in as {user} (staff)."


def refused_for_rights(error: BaseException) -> bool:
    """Whether ERROR is a write refused for want of rights: by the program (an administrator is
    needed) or by the server (its privileges, or a role that may no longer log in)."""
    return isinstance(error, team.NeedsAdministrator) or kind_of(error) is Kind.PERMISSION_DENIED


def refusal_text(error: BaseException, target: str = "database") -> str:
    """A refusal for want of rights in plain words, starting "permission denied" (the database it
    was refused by is said elsewhere)."""
    if isinstance(error, Refused):
        return str(error)
    problem = explain(error, target)
    text = str(problem) if problem is not None else str(error)
    return text.removeprefix(f"{shown(target)}: ")
