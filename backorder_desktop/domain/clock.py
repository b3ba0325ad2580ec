"""The program's one clock: every reading of the time comes from here, so a test sets it in one place.

`utc_now` is the instant; `local_zone` the machine's zone, where schedules are kept and wall
times are read; `now` is the instant as local wall time, what records and documents are stamped
with. Patching `utc_now` (and, for a chosen zone, `local_zone`) moves the whole program.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Test-only: "START SPEED ANCHOR" gives every program started with it one shared fast clock:
# it read START (ISO 8601 with an offset) at the real instant ANCHOR (seconds since the epoch)
# and runs SPEED times faster than real time, so that a test of real processes sees minutes of
# schedule slots pass in seconds. Never set in real use.
TEST_CLOCK = "BACKORDER_TEST_CLOCK"


def _fast_clock(setting: str) -> Callable[[], datetime] | None:
    if not setting.strip():
        return None
    start_text, speed_text, anchor_text = setting.split()
    start, speed, anchor = datetime.fromisoformat(start_text), float(speed_text), float(anchor_text)
    return lambda: (start + timedelta(seconds=(time.time() - anchor) * speed)).astimezone(UTC)


_fast = _fast_clock(os.environ.get(TEST_CLOCK, ""))


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    if _fast is not None:
        return _fast()
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
