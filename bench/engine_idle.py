"""The scheduling engine's cost while it waits, and how soon a saved change takes effect.

`python bench/engine_idle.py [SECONDS]`: runs the real engine thread (1 s ticks) on a scratch
database with both schedules on, measures the process's CPU time over SECONDS of waiting, and
times a change saved in this process (reload) and one saved by another program (polling).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(seconds: float = 60.0) -> dict[str, float]:
    from backorder_desktop.domain import preferences, schedules
    from backorder_desktop.scheduling.engine import Engine, Listener
    from backorder_desktop.store.schema import open_database

    target = str(Path(tempfile.mkdtemp()) / "idle.sqlite3")
    open_database(target, create=True)
    preferences.save(backorders_enabled=True)
    all_days = frozenset(range(7))
    schedules.save(7792, enabled=True, every=12, unit="hours", days=all_days)
    schedules.save(8050, enabled=True, days=all_days)

    class Noticed(Listener):
        def __init__(self) -> None:
            self.changes = 0

        def schedules_changed(self, next_runs: dict) -> None:
            self.changes += 1

    noticed = Noticed()
    engine = Engine(tick_seconds=1.0, poll_seconds=15.0, listener=noticed)
    engine.start()
    time.sleep(2)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    before = noticed.changes
    started = time.perf_counter()
    schedules.save(
        7792,
        every=1,
        unit="minutes",
        start=__import__("datetime").time(0, 0),
        end=__import__("datetime").time(23, 59),
    )
    engine.reload()
    while noticed.changes == before and time.perf_counter() - started < 30:
        time.sleep(0.01)
    in_process = time.perf_counter() - started
    before = noticed.changes
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backorder_desktop",
            "--db",
            target,
            "schedules",
            "set",
            "7792",
            "--every",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    saved_by_other = time.perf_counter()
    while noticed.changes == before and time.perf_counter() - started < 60:
        time.sleep(0.05)
    other_process = time.perf_counter() - saved_by_other
    engine.stop()
    return {
        "waited_s": round(wall, 1),
        "cpu_s": round(cpu, 4),
        "cpu_s_per_hour": round(cpu / wall * 3600, 2),
        "cpu_percent": round(cpu / wall * 100, 3),
        "change_in_this_program_s": round(in_process, 3),
        "change_by_another_program_s": round(other_process, 2),
    }


if __name__ == "__main__":
    from bench import provenance

    figures = main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
    print(json.dumps({**provenance.source(), **figures}, indent=2))
