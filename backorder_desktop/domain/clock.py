"""The program's one clock: every reading of the time comes from here, so a test sets it in one place.

`utc_now` is the instant; `local_zone` the machine's zone, where schedules are kept and wall
times are read; `now` is the instant as local wall time, what records and documents are stamped
with. Patching `utc_now` (and, for a chosen zone, `local_zone`) moves the whole program.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def local_zone() -> tzinfo:
    """The machine's time zone as a real zone (so daylight saving is known), by TZ or /etc/localtime."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = str(Path("/etc/localtime").resolve())
            name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
        except OSError:
            name = ""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    fixed = datetime.now().astimezone().tzinfo
    return fixed if fixed is not None else UTC


def now() -> datetime:
    """Local wall-clock time, to the second."""
    return utc_now().astimezone(local_zone()).replace(tzinfo=None, microsecond=0)
