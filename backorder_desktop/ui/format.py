"""How values read in the window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backorder_desktop.domain.words import counted as counted  # the window's counts read as the log's


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
