"""Peak memory and time of a big orders import, through the real command line.

`python bench/import_memory.py [--lines 1000000] [--products 20000]` generates an orders
file of LINES lines (bench/datasets.py, fixed seed), makes a fresh database (`init`)
and imports the products, then imports the orders in a child process
(`backorder-desktop import orders FILE --db DB`) and reports that child's peak resident
memory (its own ru_maxrss, from wait4) and wall time. For comparison it measures the floor:
a child that streams the same file with the csv module and inserts the orders and their
lines with plain sqlite3 executemany in one transaction, on a copy of the same database.
Then it appends one bad row to the file and imports again: exit 2, nothing written.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import provenance  # noqa: E402 (after the path is set)

PROGRAM = Path(sys.executable).parent / "backorder-desktop"
LIMIT_MB = 300  # issue 15: a 1,000,000-line orders file imports within 300 MB (issue 10: 1 GB)


def measured(command: list[str]) -> dict[str, Any]:
    """Run COMMAND as a child; its exit status, wall time, peak RSS (of that child alone)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        # wait4 gives this child's own usage; RUSAGE_CHILDREN would mix in earlier children.
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return {
            "exit": child.returncode,
            "seconds": round(seconds, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
            "stdout": out.read().strip(),
            "stderr": err.read().strip()[-2000:],
        }


def products_csv(path: Path, products: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["sku", "name"])
        out.writerows([f"P{p:06d}", f"Product {p}"] for p in range(1, products + 1))


def floor(db: Path, orders_file: Path) -> float:
    """Plain csv + sqlite3: every order once and every line, one transaction, no checks. Returns
    the seconds from reading the catalogue to the commit (the connection's opening left out)."""
    target = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode = wal", "synchronous = normal", "foreign_keys = 1", "cache_size = -65536"):
        target.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    product_id = dict(target.execute("SELECT sku, id FROM product"))
    target.execute("BEGIN IMMEDIATE")
    (first,) = target.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()
    order_id: dict[str, int] = {}
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    with orders_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for number, customer, ordered_at, priority, ship_complete, line, sku, qty in reader:
            if number not in order_id:
                order_id[number] = first + len(order_id)
                orders.append(
                    (order_id[number], number, customer, ordered_at, int(priority), ship_complete == "true")
                )
            lines.append((order_id[number], int(line), product_id[sku], int(qty), int(qty)))
            if len(lines) >= 50_000:
                _flush(target, orders, lines)
    _flush(target, orders, lines)
    target.execute("COMMIT")
    return time.perf_counter() - started


def _flush(target: sqlite3.Connection, orders: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]) -> None:
    target.executemany(
        "INSERT INTO orders (id, number, customer, ordered_at, priority, ship_complete, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'open')",
        orders,
    )
    target.executemany(
        "INSERT INTO order_line (order_id, line, product_id, ordered, committed, shipped, backordered,"
        " cancelled) VALUES (?, ?, ?, ?, 0, 0, ?, 0)",
        lines,
    )
    orders.clear()
    lines.clear()


def own_peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across the
    exec from a parent that had more)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def count_orders(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--floor", nargs=2, metavar=("DB", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        # The time inside, for bench/run.py (which times the import inside its child too).
        seconds = floor(Path(args.floor[0]), Path(args.floor[1]))
        print(json.dumps({"seconds": seconds, "peak_mb": own_peak_mb()}))
        return 0
    from bench import datasets

    with tempfile.TemporaryDirectory(prefix="backorder-import-memory-") as scratch:
        work = Path(scratch)
        catalogue, orders_file = work / "products.csv", work / "orders.csv"
        products_csv(catalogue, args.products)
        datasets.orders_csv(orders_file, args.lines, args.products)
        size_mb = orders_file.stat().st_size / 1e6
        # The database is made with its products once; the orders are then imported into a
        # copy, so each measurement starts the same.
        base = work / "base.sqlite3"
        made = measured([str(PROGRAM), "init", "--db", str(base)])
        if made["exit"] == 0:
            made = measured([str(PROGRAM), "import", "products", str(catalogue), "--db", str(base)])
        if made["exit"] != 0:
            raise SystemExit(f"could not make the database: {made['stderr']}")
        db = work / "import.sqlite3"
        shutil.copyfile(base, db)
        good = measured([str(PROGRAM), "import", "orders", str(orders_file), "--db", str(db)])
        shutil.copyfile(base, db)
        low = measured([sys.executable, __file__, "--floor", str(db), str(orders_file)])
        # The same file with one bad row at its end: refused, the database untouched.
        with orders_file.open("a", encoding="utf-8", newline="") as handle:
            handle.write("Z9999999,Late Co,2026-01-05T08:00:00,5,false,1,P000001,-1\n")
        shutil.copyfile(base, db)
        bad = measured([str(PROGRAM), "import", "orders", str(orders_file), "--db", str(db)])
        bad["orders_after"] = count_orders(db)
    figures = {
        **provenance.source(),
        "lines": args.lines,
        "products": args.products,
        "file_mb": round(size_mb, 1),
        "import": good,
        "floor": low,
        "ratio_time": round(good["seconds"] / low["seconds"], 2),
        "ratio_memory": round(good["peak_mb"] / low["peak_mb"], 2),
        "bad_last_row": bad,
    }
    print(f"orders file: {args.lines:,} lines, {size_mb:.0f} MB, {args.products:,} products")
    for name, row in (("import", good), ("floor (csv + sqlite3)", low), ("bad last row", bad)):
        print(f"  {name:<22} exit {row['exit']}  {row['seconds']:7.1f} s  peak {row['peak_mb']:7.0f} MB")
    print(f"  ratio to floor: time {figures['ratio_time']}×, memory {figures['ratio_memory']}×")
    print(f"  {good['stdout'] or good['stderr']}")
    print(f"  bad last row: {bad['stderr'].splitlines()[-1] if bad['stderr'] else '(no message)'}")
    print(f"  orders in the database after the refused import: {bad['orders_after']}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    within = (
        good["exit"] == 0 and good["peak_mb"] <= LIMIT_MB and bad["exit"] == 2 and not bad["orders_after"]
    )
    print(f"within {LIMIT_MB} MB and all or none" if within else "NOT within the limit, or not all or none")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
