"""How values read in the window."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def cell(value: Any) -> str:
    """A table cell's text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def when(value: datetime | None, empty: str = "—") -> str:
    return f"{value:%a %Y-%m-%d %H:%M}" if value else empty


def counted(count: int, one: str, many: str) -> str:
    """COUNT with its noun, singular or plural: "1 unit", "140 units", "1,200 units"."""
    return f"{count:,} {one if count == 1 else many}"
