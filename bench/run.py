"""Benchmarks: `python bench/run.py [--scale small|large]` prints a table and writes JSON.

Each measurement runs in a fresh child process on a fresh copy of a prepared
database file, so times include nothing cached by an earlier repeat and the
peak memory is that of the one operation's process. The allocation run is also
compared with its floor: plain sqlite3 writing exactly the rows the run wrote,
with executemany in one transaction, measured in the same invocation.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres, provenance, tables  # noqa: E402 (after the path is set)

SCALES: dict[str, dict[str, Any]] = {
    "small": {
        "run": (10_000, 2_000, 4_000),
        "growth": [2_000, 10_000, 50_000],
        "secondary": (20_000, 2_000, 8_000),
        "import": (10_000, 2_000),
        "repeat": 3,
        "changes": 4,
    },
    "large": {
        "run": (100_000, 20_000, 40_000),
        "growth": [10_000, 100_000, 1_000_000],
        "secondary": (200_000, 20_000, 80_000),
        "import": (100_000, 20_000),
        "repeat": 5,
        "changes": 50,
    },
}
TARGETS = {  # issue 15's, with the earlier absolute ones kept where it set none
    "primary run": "≤ 1.5× its floor (plain sqlite3 writing the same rows)",
    "growth exponent": "within 0.02 of the floor's, 10,000 → 1,000,000 lines",
    "run with nothing new": "≤ 20 ms",
    "secondary, nothing available": "≤ 100 ms",
    "import orders": "≤ 2× its floor (csv.reader + sqlite3 executemany)",
    "check": "≤ 1× one Primary run of the same size",
    "peak memory of the run": "≤ 300 MB at 1,000,000 lines",
    "postgresql: primary run": "≤ 1.3× its COPY floor",
    "window: first Shipments rows painted": "≤ 1.0 s from process start on 1,000,000 shipment lines",
    "window: longest stall during run": "≤ 100 ms while a run allocates 100,000 lines (no history)",
    "window: longest stall during a run on the history": "≤ 50 ms (100,000 lines, 1,000,000-line history)",
    "window: refresh in the window's thread": "≤ 20 ms on the 1,000,000-line history",
    "window: change by another program shown": "≤ 5 s (max) on 1,000,000 shipment lines",
}


# -- preparing databases (in this process) ------------------------------------------------------


def _open(target: Path | str) -> None:
    """Open a SQLite file or a postgresql:// URL with the program, as its owner."""
    from backorder_desktop.store.schema import open_database

    open_database(str(target), create=True)


def _close() -> None:
    from backorder_desktop.store import database

    if isinstance(database.db.obj, database.peewee.SqliteDatabase):
        database.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


def prepare_waiting(path: Path | str, lines: int, products: int, orders: int, received: bool) -> None:
    """LINES backordered lines; with RECEIVED, one receipt that covers them all."""
    from bench import datasets

    _open(path)
    datasets.waiting_orders(lines, products, orders)
    if received:
        datasets.receive_everything(products)
    _close()


def prepare_after_run(path: Path) -> None:
    """Run the Primary once on PATH, so it holds the history of a big run and nothing new."""
    from backorder_desktop.domain import allocation

    _open(path)
    allocation.run_process("primary", "cli")
    _close()


# -- child operations (in a fresh process each) -------------------------------------------------


def child(operation: str, db: str, extra: str) -> dict[str, Any]:
    if operation == "floor":
        return floor(Path(db), Path(extra))
    if operation.startswith("pg-floor-"):
        from bench import postgres

        return postgres.floor(db, extra, operation.removeprefix("pg-floor-"))
    if operation in ("window-stall", "window-current", "window-refresh"):
        from bench import window

        # The window's settings (geometry, shipments seen) in a scratch folder, not the person's.
        os.environ["BACKORDER_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="backorder-bench-home-")

        if operation == "window-stall":
            measured = window.stall_during_run(Path(db))
        elif operation == "window-refresh":
            measured = window.refresh_stalls(Path(db), int(extra))
        else:
            measured = window.stay_current(Path(db), int(extra))
        measured["peak_mb"] = peak_memory_mb()
        return measured
    from backorder_desktop.domain import allocation
    from backorder_desktop.domain.check import check
    from backorder_desktop.files.imports import import_file

    _open(db)
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if operation in ("primary", "secondary"):
        record = allocation.run_process(operation, "cli").record
        result = {"units": record.units, "shipments": record.shipments, "outcome": record.outcome}
    elif operation == "import":
        result = {"summary": import_file("orders", Path(extra))}
    elif operation == "check":
        report = check()
        result = {"ok": report.ok, "ledger_rows": report.ledger_rows}
    seconds = time.perf_counter() - started
    result["seconds"] = seconds
    result["peak_mb"] = peak_memory_mb()
    return result


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(pristine: Path, done: Path) -> dict[str, Any]:
    """Plain sqlite3 writing, on PRISTINE, exactly the rows the run wrote into DONE."""
    source = sqlite3.connect(done)
    (run_id,) = source.execute("SELECT MAX(id) FROM run").fetchone()
    target = sqlite3.connect(pristine, isolation_level=None)
    (top,) = target.execute("SELECT value FROM counter WHERE name = 'ledger'").fetchone()
    shipments = source.execute(
        "SELECT id, order_id, created_at, created_by, run_id, status, created_user FROM shipment"
        " WHERE run_id = ?",
        (run_id,),
    ).fetchall()
    lines = source.execute(
        "SELECT sl.id, sl.shipment_id, sl.order_line_id, sl.product_id, sl.qty FROM shipment_line sl"
        " JOIN shipment s ON s.id = sl.shipment_id WHERE s.run_id = ?",
        (run_id,),
    ).fetchall()
    order_lines = source.execute(
        "SELECT ol.committed, ol.backordered, ol.id FROM order_line ol WHERE ol.id IN"
        " (SELECT order_line_id FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id"
        "  WHERE s.run_id = ?)",
        (run_id,),
    ).fetchall()
    products = source.execute(
        "SELECT committed, backordered, id FROM product"
        " WHERE id IN (SELECT product_id FROM ledger WHERE id > ?)",
        (top,),
    ).fetchall()
    ledger = source.execute(
        "SELECT id, kind, product_id, on_hand_delta, committed_delta, at, document FROM ledger WHERE id > ?",
        (top,),
    ).fetchall()
    run = source.execute("SELECT * FROM run WHERE id = ?", (run_id,)).fetchone()
    counters = source.execute("SELECT value, name FROM counter").fetchall()
    watermark = source.execute("SELECT ledger_id, process FROM watermark").fetchall()
    for pragma in ("journal_mode = wal", "synchronous = normal", "foreign_keys = 1", "cache_size = -65536"):
        target.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    target.execute(f"INSERT INTO run VALUES ({', '.join('?' * len(run))})", run)
    target.executemany(
        "INSERT INTO shipment (id, order_id, created_at, created_by, run_id, status, created_user)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        shipments,
    )
    target.executemany(
        "INSERT INTO shipment_line (id, shipment_id, order_line_id, product_id, qty) VALUES (?, ?, ?, ?, ?)",
        lines,
    )
    target.executemany("UPDATE order_line SET committed = ?, backordered = ? WHERE id = ?", order_lines)
    target.executemany("UPDATE product SET committed = ?, backordered = ? WHERE id = ?", products)
    target.executemany(
        "INSERT INTO ledger (id, kind, product_id, on_hand_delta, committed_delta, at, document)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ledger,
    )
    target.executemany("UPDATE counter SET value = ? WHERE name = ?", counters)
    target.executemany("UPDATE watermark SET ledger_id = ? WHERE process = ?", watermark)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": len(shipments) + len(lines) + len(order_lines) + len(products) + len(ledger) + 1,
    }


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    size: int
    times: list[float]
    peak_mb: float
    details: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "size": self.size,
            "median_s": statistics.median(self.times),
            "min_s": min(self.times),
            "max_s": max(self.times),
            "peak_mb": round(self.peak_mb, 1),
            **self.details,
        }


def summarize(
    scenario: str, size: int, runs: list[dict[str, Any]], details: dict[str, Any]
) -> dict[str, Any]:
    """The summary row of a scenario measured by RUNS (each with seconds and peak_mb)."""
    return Result(
        scenario, size, [r["seconds"] for r in runs], max(r.get("peak_mb", 0.0) for r in runs), details
    ).summary()


def spawn(operation: str, db: Path | str, extra: str = "") -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", operation, str(db), extra],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if output.returncode != 0:
        raise SystemExit(f"{operation} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(
    work: Path, template: Path, operation: str, repeat: int, extra: str = "", floor_of: Path | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run OPERATION REPEAT times, each on a fresh copy of TEMPLATE; with FLOOR_OF, also the floor."""
    runs, floors = [], []
    for _ in range(repeat):
        copy = work / "copy.sqlite3"
        shutil.copyfile(template, copy)
        runs.append(spawn(operation, copy, extra))
        if floor_of is not None:
            pristine = work / "pristine.sqlite3"
            shutil.copyfile(template, pristine)
            floors.append(spawn("floor", pristine, str(copy)))
            runs[-1]["tables"] = sqlite_fingerprints(copy)
            floors[-1]["tables"] = sqlite_fingerprints(pristine)
    return runs, floors


def sqlite_fingerprints(path: Path, people: bool = True) -> dict[str, str]:
    from bench import tables

    connection = sqlite3.connect(path)
    try:
        return tables.fingerprints(connection, people)
    finally:
        connection.close()


def same_tables(what: str, *measured: list[dict[str, Any]]) -> dict[str, str]:
    """The one set of table fingerprints every run of MEASURED left; stops the benchmark if two
    differ (a variant that writes something else is not measured, it is wrong)."""
    from bench import tables

    first = measured[0][0]["tables"]
    for runs in measured:
        for run in runs:
            differ = tables.differences(first, run["tables"])
            if differ:
                raise SystemExit(f"{what}: the tables {', '.join(differ)} differ between repeats or variants")
    return first


def measure_postgres(
    server: str, scale: tuple[int, int, int], repeat: int, sqlite_done: Path
) -> list[dict[str, Any]]:
    """The Primary run of SCALE on PostgreSQL with its COPY and executemany floors, each repeat
    on new copies of one prepared database; the tables must come out as on SQLite (SQLITE_DONE,
    the template the SQLite run started from, is run once more to compare)."""
    lines, products, orders = scale
    template = postgres.fresh(server, "template")
    try:
        prepare_waiting(template, lines, products, orders, received=True)
        runs: list[dict[str, Any]] = []
        copies: list[dict[str, Any]] = []
        plain: list[dict[str, Any]] = []
        for _ in range(repeat):
            run_db = postgres.fresh(server, "run", template="template")
            runs.append(spawn("primary", run_db))
            runs[-1]["tables"] = postgres.fingerprints(run_db)
            for how, found in (("copy", copies), ("executemany", plain)):
                floor_db = postgres.fresh(server, "floor", template="template")
                found.append(spawn(f"pg-floor-{how}", floor_db, run_db))
                found[-1]["tables"] = postgres.fingerprints(floor_db)
                postgres.drop(server, "floor")
            across = postgres.fingerprints(run_db, people=False)
            postgres.drop(server, "run")
        same_tables("primary run on PostgreSQL", runs, copies, plain)
    finally:
        postgres.drop(server, "template")
    with tempfile.TemporaryDirectory(prefix="backorder-bench-") as scratch:
        copy = Path(scratch) / "copy.sqlite3"
        shutil.copyfile(sqlite_done, copy)
        spawn("primary", copy)
        differ = tables.differences(sqlite_fingerprints(copy, people=False), across)
    if differ:
        raise SystemExit(
            f"PostgreSQL: the tables {', '.join(differ)} differ from SQLite's after the same run"
        )
    median = statistics.median(r["seconds"] for r in runs)
    copy_median = statistics.median(f["seconds"] for f in copies)
    plain_median = statistics.median(f["seconds"] for f in plain)
    details = {
        "units": runs[0]["units"],
        "shipments": runs[0]["shipments"],
        "floor_median_s": copy_median,
        "ratio_to_floor": median / copy_median,
        "executemany_floor_median_s": plain_median,
        "ratio_to_executemany_floor": median / plain_median,
        "tables": runs[0]["tables"],
    }
    return [
        summarize("postgresql: primary run", lines, runs, details),
        summarize("postgresql floor: COPY", lines, copies, {"rows": copies[0]["rows"]}),
        summarize("postgresql floor: executemany", lines, plain, {"rows": plain[0]["rows"]}),
    ]


def stay_current(work: Path, template: Path, size: int, changes: int) -> dict[str, Any]:
    """The window on a copy of TEMPLATE while the command line makes CHANGES changes: from each
    change's end to the window showing it, and the window thread's longest stall meanwhile."""
    (run,), _ = measure(work, template, "window-current", 1, extra=str(changes))
    keys = ("changes", "max_stall_ms", "ship_median_s", "receipt_median_s", "shipments")
    row = {"scenario": "window: change by another program shown", "size": size}
    row |= {"median_s": run["median_s"], "min_s": run["min_s"], "max_s": run["max_s"]}
    row |= {"peak_mb": round(run.get("peak_mb", 0.0), 1), **{k: run[k] for k in keys}}
    return row


def prepare_history_backlog(path: Path, history: Path, lines: int, products: int, orders: int) -> None:
    """A copy of HISTORY (a database after a big run) with LINES new backordered lines of ORDERS
    new orders over its first PRODUCTS products, and one receipt that covers them all."""
    from bench import datasets

    shutil.copyfile(history, path)
    _open(path)
    datasets.more_waiting_orders(lines, products, orders)
    datasets.receive_everything(products, seed=9)
    _close()


def first_paint(work: Path, template: Path, size: int, repeat: int) -> dict[str, Any]:
    """The window opened on copies of TEMPLATE, each in a new process: from its start (interpreter
    and imports included) to the first painted Shipments rows, then to its painted end."""
    from bench import window

    window.compile_the_program()  # as an installation has it: no start is timed compiling modules
    runs = []
    for n in range(repeat):
        copy = work / "copy.sqlite3"
        shutil.copyfile(template, copy)
        home = work / f"first-paint-home-{n}"
        home.mkdir()
        runs.append(window.from_process_start(copy, home))
    keys = ("since_exec_s", "cpu_s", "scroll_to_end_s")
    extra = {f"{key}_median": statistics.median(r[key] for r in runs) for key in keys}
    return summarize(
        "window: first Shipments rows painted", size, runs, {"shipments": runs[0]["shipments"], **extra}
    )


def print_stall(row: dict[str, Any]) -> None:
    print(
        f"  {'window: longest stall meanwhile':<34} {row['max_stall_ms']:.0f} ms"
        f"  (ship median {row['ship_median_s']:.2f} s, receipt median {row['receipt_median_s']:.2f} s)"
    )


def fitted_exponent(sizes: list[int], seconds: list[float]) -> float:
    """The slope of log(time) against log(size), least squares."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure on this PostgreSQL server (default: BACKORDER_BENCH_POSTGRES or"
        " BACKORDER_TEST_POSTGRES when set; 'none' to skip); it makes and drops databases named"
        f" {postgres.PREFIX}*",
    )
    parser.add_argument("--child", nargs=3, metavar=("OPERATION", "DB", "EXTRA"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--window-current",
        type=Path,
        metavar="DB",
        help="only measure the window following changes by another program, on a copy of DB"
        " (a database made by an earlier run, e.g. growth-1000000 after its Primary run)",
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    if args.window_current:
        with tempfile.TemporaryDirectory(prefix="backorder-bench-") as scratch:
            row = stay_current(Path(scratch), args.window_current, 0, SCALES[args.scale]["changes"])
            row["size"] = row["shipments"]
        out = args.out or ROOT / "bench" / "results" / f"window-current-{args.scale}.json"
        document = {
            "scale": args.scale,
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cores": os.cpu_count(),
            "database": args.window_current.name,
            "results": [row],
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print_stall(row)
        print(json.dumps(row, indent=2))
        print(f"wrote {out}")
        return 0
    scale = SCALES[args.scale]
    repeat = args.repeat or scale["repeat"]
    out = args.out or ROOT / "bench" / "results" / f"latest-{args.scale}.json"
    results: list[dict[str, Any]] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="backorder-bench-") as scratch:
        work = Path(scratch)

        def template(name: str) -> Path:
            return work / f"{name}.sqlite3"

        def report(row: dict[str, Any]) -> None:
            results.append(row)
            print(
                f"  {row['scenario']:<34} {row['size']:>9,}  median {row['median_s'] * 1000:9.1f} ms"
                f"  (min {row['min_s'] * 1000:.1f}, max {row['max_s'] * 1000:.1f})"
                f"  peak {row.get('peak_mb', 0):.0f} MB"
                + (f"  ratio to floor {row['ratio_to_floor']:.2f}×" if "ratio_to_floor" in row else ""),
                flush=True,
            )

        print(
            f"Backorder Desktop benchmarks, scale {args.scale}, {repeat} repeats, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores"
        )
        # 1. The Primary run, with its floor.
        lines, products, orders = scale["run"]
        base = template("run")
        prepare_waiting(base, lines, products, orders, received=True)
        runs, floors = measure(work, base, "primary", repeat, floor_of=base)
        run_median = statistics.median(r["seconds"] for r in runs)
        floor_median = statistics.median(f["seconds"] for f in floors)
        report(
            summarize(
                "primary run",
                lines,
                runs,
                {
                    "units": runs[0]["units"],
                    "shipments": runs[0]["shipments"],
                    "floor_median_s": floor_median,
                    "floor_rows": floors[0]["rows"],
                    "ratio_to_floor": run_median / floor_median,
                },
            )
        )
        report(summarize("floor: sqlite3 executemany", lines, floors, {"rows": floors[0]["rows"]}))
        sqlite_tables = same_tables("primary run", runs, floors)
        results[-2]["tables"] = sqlite_tables
        print(f"  {'tables after run = after floor':<34} yes, in all {repeat} repeats")
        # 1b. The same on PostgreSQL, with its floors, when a server is at hand.
        if args.postgres != "none" and (server := postgres.server(args.postgres)):
            for row in measure_postgres(server, scale["run"], repeat, base):
                report(row)
            print(f"  {'PostgreSQL tables = SQLite tables':<34} yes (times and people left out)")
        else:
            print("  PostgreSQL: no server (--postgres URL, or BACKORDER_TEST_POSTGRES); not measured")
        # 2. Growth with the number of lines allocated, and of its floor.
        sizes, medians, floor_medians = [], [], []
        for size in scale["growth"]:
            grown = template(f"growth-{size}")
            prepare_waiting(grown, size, min(products, max(100, size // 5)), max(1, size // 2), received=True)
            times = repeat if size < 1_000_000 else max(1, repeat - 2)
            runs, floors = measure(work, grown, "primary", times, floor_of=grown)
            same_tables(f"primary run (growth {size})", runs, floors)
            sizes.append(size)
            medians.append(statistics.median(r["seconds"] for r in runs))
            floor_medians.append(statistics.median(f["seconds"] for f in floors))
            extra = {"units": runs[0]["units"], "floor_median_s": floor_medians[-1]}
            extra["ratio_to_floor"] = medians[-1] / floor_medians[-1]
            report(summarize("primary run (growth)", size, runs, extra))
        exponent = fitted_exponent(sizes, medians)
        floor_exponent = fitted_exponent(sizes, floor_medians)
        results.append(
            {
                "scenario": "growth exponent",
                "sizes": sizes,
                "medians_s": medians,
                "exponent": exponent,
                "floor_medians_s": floor_medians,
                "floor_exponent": floor_exponent,
            }
        )
        print(
            f"  {'growth exponent (time ~ lines^k)':<34} k = {exponent:.2f}, floor's k = {floor_exponent:.2f}"
        )
        # 3. A run with nothing new, and check, on the biggest history.
        biggest = template(f"growth-{sizes[-1]}")
        prepare_after_run(biggest)
        runs, _ = measure(work, biggest, "primary", repeat)
        report(summarize("run with nothing new", sizes[-1], runs, {}))
        runs, _ = measure(work, biggest, "check", max(1, repeat - 2))
        # Issue 15: check costs at most one Primary run of the same size (the growth run above).
        ratio_to_run = statistics.median(r["seconds"] for r in runs) / medians[-1]
        extra = {"ok": runs[0]["ok"], "run_median_s": medians[-1], "ratio_to_run": ratio_to_run}
        report(summarize("check", runs[0]["ledger_rows"], runs, extra))
        print(f"  {'check ÷ the growth run':<34} {ratio_to_run:.2f}× ({sizes[-1]:,} lines)")
        # The window on that history: first painted Shipments rows from the start of its process,
        # then scrolled to the end.
        report(opened := first_paint(work, biggest, sizes[-1], max(1, repeat - 2)))
        print(
            f"  {'window: scroll to the end':<34} median {opened['scroll_to_end_s_median'] * 1000:.1f} ms"
            f"  (first paint: {opened['cpu_s_median']:.2f} CPU-s)"
        )
        # Each tab's readings again (a sort, a filter, a refresh…), timed in the window's thread.
        (tabs,), _ = measure(work, biggest, "window-refresh", 1, extra=str(max(3, repeat - 2)))
        worst = max(tabs["paths"], key=lambda path: tabs["paths"][path]["stall_ms"])
        results.append(
            {
                "scenario": "window: refresh in the window's thread",
                "size": sizes[-1],
                "max_stall_ms": tabs["paths"][worst]["stall_ms"],
                "worst": worst,
                "paths": tabs["paths"],
            }
        )
        print(f"  {'window: refresh, longest stall':<34} {tabs['paths'][worst]['stall_ms']:.0f} ms ({worst})")
        # Changes by another program (the command line) on that history, until the window shows them.
        report(current := stay_current(work, biggest, sizes[-1], scale["changes"]))
        print_stall(current)
        # The window's thread while a Primary run allocates in the background.
        runs, _ = measure(work, base, "window-stall", max(1, repeat - 2))
        stalls = [r["max_stall_ms"] for r in runs]
        report(
            summarize(
                "window: run in background",
                lines,
                runs,
                {"max_stall_ms": max(stalls), "units": runs[0]["units"]},
            )
        )
        print(f"  {'window: longest stall during run':<34} {max(stalls):.0f} ms")
        # The same on the history: a new backlog of the run's size and a receipt for all of it.
        backlog = template("history-backlog")
        prepare_history_backlog(backlog, biggest, lines, products, orders)
        runs, _ = measure(work, backlog, "window-stall", max(1, repeat - 2))
        stalls = [r["max_stall_ms"] for r in runs]
        report(
            summarize(
                "window: longest stall during a run on the history",
                lines,
                runs,
                {
                    "history": sizes[-1],
                    "max_stall_ms": max(stalls),
                    "median_stall_ms": statistics.median(stalls),
                    "max_stall_cpu_ms": max(r["max_stall_cpu_ms"] for r in runs),
                    "units": runs[0]["units"],
                },
            )
        )
        print(f"  {'window: longest stall, on history':<34} {max(stalls):.0f} ms")
        # 4. The Secondary with a big backlog and nothing available.
        waiting, products2, orders2 = scale["secondary"]
        idle = template("secondary")
        prepare_waiting(idle, waiting, products2, orders2, received=False)
        runs, _ = measure(work, idle, "secondary", repeat)
        report(summarize("secondary, nothing available", waiting, runs, {}))
        # 5. Importing orders (order entry included), with its floor: plain csv.reader and sqlite3
        # executemany of the same orders and order lines, in one transaction, into a copy of the
        # same catalogue (bench/import_memory.py --floor), in a child process, each repeat's
        # floor right after its import. Both are timed inside their child, the opening left out.
        import_lines, import_products = scale["import"]
        catalogue = template("import")
        prepare_waiting(catalogue, 1, import_products, 1, received=False)
        from bench import datasets

        csv_file = work / "orders.csv"
        datasets.orders_csv(csv_file, import_lines, import_products)
        runs, floors = [], []
        for _ in range(repeat):
            runs += measure(work, catalogue, "import", 1, extra=str(csv_file))[0]
            pristine = work / "pristine.sqlite3"
            shutil.copyfile(catalogue, pristine)
            floor_command = [sys.executable, str(ROOT / "bench" / "import_memory.py"), "--floor"]
            floor_child = subprocess.run(
                [*floor_command, str(pristine), str(csv_file)], capture_output=True, text=True
            )
            if floor_child.returncode != 0:
                raise SystemExit(f"the import's floor failed:\n{floor_child.stderr}")
            floors.append(json.loads(floor_child.stdout.strip().splitlines()[-1]))
        median = statistics.median(r["seconds"] for r in runs)
        floor_median = statistics.median(f["seconds"] for f in floors)
        details = {"lines_per_s": import_lines / median, "floor_median_s": floor_median}
        details["ratio_to_floor"] = median / floor_median
        report(summarize("import orders", import_lines, runs, details))
        report(summarize("floor: csv + sqlite3 executemany (import)", import_lines, floors, {}))
        print(f"  {'import rate':<34} {import_lines / median:,.0f} lines/s")
    document = {
        **provenance.source(),
        "scale": args.scale,
        "repeat": repeat,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cores": os.cpu_count(),
        "elapsed_s": round(time.perf_counter() - began, 1),
        "targets": TARGETS,
        "results": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out} in {document['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
