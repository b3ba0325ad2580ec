"""Counts in words, the same in the window, the command line and the activity log."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """COUNT with its noun, singular or plural: "1 unit", "140 units", "1,200 units"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def plainly_counted(count: int, one: str, many: str | None = None) -> str:
    """As counted, with the digits alone ("1200 units"): for the command line's lines, which
    scripts read."""
    return f"{count} {one if count == 1 else many or one + 's'}"
