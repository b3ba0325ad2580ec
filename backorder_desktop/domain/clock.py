"""The one place the domain reads the time, so tests can set it."""

from __future__ import annotations

from datetime import datetime


def now() -> datetime:
    """Local wall-clock time, to the second."""
    return datetime.now().replace(microsecond=0)
