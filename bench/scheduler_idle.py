"""What `backorder-desktop scheduler` services cost while they wait, one and three on one database.

`python bench/scheduler_idle.py [SECONDS] [--postgres SERVER_URL] [--out FILE]`: for each of 1 and
3 services, makes a fresh database with both schedules on (no slot due during the measurement),
starts the services as real processes, lets them settle, and reads each one's CPU time
(/proc/PID/stat) over SECONDS of waiting and its memory (resident now, and its peak). On SQLite,
and on a new database of SERVER_URL too when given. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = str(Path(sys.executable).parent / "backorder-desktop")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of PID so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of PID in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def server_backends(db: str) -> list[int]:
    """The server processes serving DB's connections (PostgreSQL on this machine), none for SQLite."""
    if not db.startswith("postgresql://"):
        return []
    import psycopg

    name = db.rsplit("/", 1)[1]
    with psycopg.connect(db.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchall()
    return [pid for (pid,) in rows if Path(f"/proc/{pid}").exists()]


def program(db: str, home: Path, *args: str) -> None:
    env = dict(os.environ, BACKORDER_DESKTOP_HOME=str(home))
    subprocess.run([PROGRAM, "--db", db, *args], check=True, capture_output=True, env=env, timeout=120)


def new_database(kind: str, folder: Path, server: str | None) -> str:
    """A new database made by `init`, back order management on, both schedules on, neither due
    for hours: the Primary every 12 hours and the Secondary daily, from three hours from now."""
    if kind == "sqlite":
        db = str(folder / f"idle-{uuid.uuid4().hex[:8]}.sqlite3")
    else:
        import psycopg

        assert server
        name = f"bo_idle_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        db = server.rsplit("/", 1)[0] + f"/{name}"
    home = folder / "setup"
    program(db, home, "init")
    program(db, home, "prefs", "--enable")
    start = f"{datetime.now() + timedelta(hours=3):%H}:00"
    every_day = "mon,tue,wed,thu,fri,sat,sun"
    program(db, home, "schedules", "set", "7792", "--on", "--every", "12", "--unit", "hours")
    program(db, home, "schedules", "set", "7792", "--days", every_day, "--start", start, "--end", "23:59")
    program(db, home, "schedules", "set", "8050", "--on", "--days", every_day, "--start", start)
    return db


def drop(db: str) -> None:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.rsplit("/", 1)[1]}" WITH (FORCE)')


def measure(db: str, count: int, seconds: float, folder: Path) -> dict[str, Any]:
    """COUNT services on DB: each one's CPU over SECONDS of waiting, its memory, and how it stopped."""
    services = []
    began = time.perf_counter()
    for n in range(count):
        home = folder / f"service-{count}-{n}"
        home.mkdir(parents=True)
        said = (home / "stderr.txt").open("w")
        env = dict(os.environ, BACKORDER_DESKTOP_HOME=str(home))
        process = subprocess.Popen([PROGRAM, "--db", db, "scheduler"], stderr=said, env=env)
        services.append((process, home, said))
    for _process, home, _said in services:
        while "next runs:" not in (home / "stderr.txt").read_text():
            time.sleep(0.02)
    ready = time.perf_counter() - began
    time.sleep(3)  # past start-up: imports, the first load and catch-up check
    backends = server_backends(db)
    server_before = sum(map(cpu_seconds, backends))
    before = [(cpu_seconds(p.pid), time.perf_counter()) for p, _h, _s in services]
    time.sleep(seconds)
    after = [(cpu_seconds(p.pid), time.perf_counter()) for p, _h, _s in services]
    server_cpu = sum(map(cpu_seconds, backends)) - server_before
    memory = [memory_mb(p.pid) for p, _h, _s in services]
    stopped = []
    for process, _home, said in services:
        began_stop = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        status = process.wait(60)
        stopped.append((status, time.perf_counter() - began_stop))
        said.close()
    per_hour = [(c1 - c0) / (t1 - t0) * 3600 for (c0, t0), (c1, t1) in zip(before, after, strict=True)]
    runs = sum(
        "Backorder Process (" in line
        for _p, home, _s in services
        for line in (home / "stderr.txt").read_text().splitlines()
    )
    return {
        "services": count,
        "waited_s": round(seconds, 1),
        "ready_s": round(ready, 2),
        "cpu_s_per_hour_each": [round(v, 2) for v in per_hour],
        "cpu_s_per_hour_mean": round(statistics.mean(per_hour), 2),
        "cpu_percent_mean": round(statistics.mean(per_hour) / 36, 4),
        "server_backends": len(backends),
        "server_cpu_s_per_hour": round(server_cpu / seconds * 3600, 2) if backends else None,
        "rss_mb_each": [round(rss, 1) for rss, _peak in memory],
        "peak_rss_mb_max": round(max(peak for _rss, peak in memory), 1),
        "runs_during_measurement": runs,
        "exit_statuses": [status for status, _t in stopped],
        "stop_s_max": round(max(t for _s, t in stopped), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", nargs="?", type=float, default=60.0)
    parser.add_argument("--postgres", metavar="SERVER_URL", help="also measure on a new database there")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="scheduler-idle-") as scratch:
        for kind in kinds:
            for count in (1, 3):
                folder = Path(scratch) / f"{kind}-{count}"
                folder.mkdir()
                db = new_database(kind, folder, args.postgres)
                try:
                    results.append({"database": kind, **measure(db, count, args.seconds, folder)})
                finally:
                    drop(db)
                print(json.dumps(results[-1]), flush=True)
    figures = {"machine": os.uname().nodename, "cpus": os.cpu_count(), "results": results}
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
