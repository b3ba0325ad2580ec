"""Limits every way in shares (files, dialogs, the command line): how long a text and how
large a quantity may be. The domain checks them, so no caller can store what a file could not."""

from __future__ import annotations

from backorder_desktop.domain.errors import Problem

MAX_TEXT = 255
MAX_QUANTITY = 1_000_000_000


def text_problem(where: str, field: str, value: str) -> Problem | None:
    if "\0" in value:  # SQLite would store it, PostgreSQL refuses it: refused on both
        return Problem(where, field, "holds a NUL character (\\x00), which no database stores as text")
    if len(value) > MAX_TEXT:
        return Problem(where, field, f"is {len(value)} characters long (at most {MAX_TEXT})")
    return None


def quantity_problem(where: str, field: str, value: int) -> Problem | None:
    if abs(value) > MAX_QUANTITY:
        return Problem(where, field, f"{value} is too large (at most {MAX_QUANTITY:,})")
    return None
