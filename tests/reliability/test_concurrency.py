"""Concurrency (issue 6 item 3): four programs at once against one database, for several
rounds, mixing order and receipt imports, both backorder runs, ships and voids.

No command may fail for a lock it could have waited for; the only failures allowed are
legitimate refusals (shipping or voiding a shipment another program has just shipped or
voided). At the end `check` passes and no order line has received more than it ordered.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.reliability.conftest import export_rows, needs_full, ok, report, run

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

WORKERS = 4
PRODUCTS = 30
LOCK_WORDS = ("locked", "busy", "could not serialize", "deadlock", "lock timeout", "could not obtain lock")


def classify(done: subprocess.CompletedProcess[str]) -> str:
    """'ok', a legitimate refusal ('refused: ...'), or a failure ('LOCK' / 'UNEXPECTED')."""
    if done.returncode == 0:
        return "ok"
    text = done.stderr.lower()
    if any(word in text for word in LOCK_WORDS):
        return "LOCK"
    if done.returncode == 1 and "only pending" in text and ("cannot ship" in text or "cannot void" in text):
        return "refused: not pending any more"
    return "UNEXPECTED"


class World:
    """The shared database, what was ordered, and every command's classified result."""

    def __init__(self, target: str, where: Path, home: Path) -> None:
        self.target, self.where, self.home = target, where, home
        self.ordered: dict[tuple[str, int], int] = {}
        self.results: Counter[str] = Counter()
        self.by_command: Counter[str] = Counter()
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def do(self, label: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        done = run(self.target, self.home, *args, own_process=True)  # programs side by side
        kind = classify(done)
        with self.lock:
            self.by_command[label] += 1
            self.results[kind] += 1
            if kind in ("LOCK", "UNEXPECTED"):
                self.failures.append(
                    f"{' '.join(map(str, args))}: exit {done.returncode}: {done.stderr.strip()[:500]}"
                )
        return done

    def orders_file(self, name: str, rng: random.Random, count: int) -> Path:
        rows, ordered = [], {}
        for k in range(count):
            number = f"{name}-{k}"
            priority, complete = rng.randint(1, 9), "true" if rng.random() < 0.15 else "false"
            day = rng.randint(1, 28)
            for line in range(1, rng.randint(1, 4) + 1):
                qty = rng.randint(1, 15)
                ordered[(number, line)] = qty
                rows.append(
                    f"{number},Customer {name},2026-11-{day:02d}T09:00:00,{priority},"
                    f"{complete},{line},C{rng.randint(1, PRODUCTS):03d},{qty}\n"
                )
        path = self.where / f"orders-{name}.csv"
        path.write_text("order,customer,ordered_at,priority,ship_complete,line,sku,qty\n" + "".join(rows))
        return path, ordered

    def import_orders(self, name: str, rng: random.Random, count: int = 4) -> None:
        path, ordered = self.orders_file(name, rng, count)
        if self.do("import orders", "import", "orders", path).returncode == 0:
            with self.lock:
                self.ordered.update(ordered)

    def import_receipts(self, name: str, rng: random.Random) -> None:
        skus = rng.sample(range(1, PRODUCTS + 1), 6)
        rows = "".join(f"{name},2026-11-20T08:00:00,C{s:03d},{rng.randint(5, 40)}\n" for s in skus)
        path = self.where / f"receipts-{name}.csv"
        path.write_text("receipt,received_at,sku,qty\n" + rows)
        self.do("import receipts", "import", "receipts", path)

    def pending(self) -> list[str]:
        # The test's own look for a shipment to act on: in process (the programs side by side
        # are the commands of `do`).
        done = run(self.target, self.home, "export", "shipments", "--format", "json")
        assert done.returncode == 0, done.stderr
        return sorted({str(r["shipment"]) for r in json.loads(done.stdout) if r["status"] == "pending"})

    def act_on_pending(self, action: str, rng: random.Random) -> None:
        pending = self.pending()
        if pending:
            self.do(action, action, rng.choice(pending))


def worker(world: World, number: int, rounds: int, seed: int) -> None:
    rng = random.Random(seed * 100 + number)
    for r in range(rounds):
        steps = [
            lambda r=r: world.import_orders(f"W{number}R{r}", rng),
            lambda r=r: world.import_receipts(f"RC-W{number}R{r}", rng),
            lambda: world.do("run primary", "run", "primary"),
            lambda: world.do("run secondary", "run", "secondary"),
            lambda: world.act_on_pending("ship", rng),
            lambda: world.act_on_pending("void-shipment", rng),
        ]
        rng.shuffle(steps)
        for step in steps:
            step()


def campaign(target: str, tmp_path: Path, rounds: int, seed: int, label: str) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    world = World(target, tmp_path, home)
    products = "".join(f"C{p:03d},Part {p}\n" for p in range(1, PRODUCTS + 1))
    (tmp_path / "products.csv").write_text("sku,name\n" + products)
    ok(target, home, "init")
    ok(target, home, "import", "products", tmp_path / "products.csv")
    ok(target, home, "prefs", "--enable")
    rng = random.Random(seed)
    world.import_receipts("RC-START", rng)
    world.import_orders("START", rng, count=30)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(world, n, rounds, seed)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started

    checked = run(target, home, "check")
    shipments = export_rows(target, home, "shipments")
    backorders = export_rows(target, home, "backorders")
    received: dict[tuple[str, int], int] = defaultdict(int)
    for row in shipments:
        if row["status"] != "void":
            received[(row["order"], int(row["line"]))] += int(row["qty"])
    waiting = {(row["order"], int(row["line"])): int(row["qty_backordered"]) for row in backorders}
    over = [
        f"order {o} line {line}: ordered {qty}, shipped or pending {received[(o, line)]}"
        for (o, line), qty in sorted(world.ordered.items())
        if received[(o, line)] > qty
    ]
    lost = [
        f"order {o} line {line}: ordered {qty}, shipped or pending {received[(o, line)]},"
        f" backordered {waiting.get((o, line), 0)}"
        for (o, line), qty in sorted(world.ordered.items())
        if received[(o, line)] + waiting.get((o, line), 0) != qty
    ]
    unknown = sorted({key for key in received if key not in world.ordered})
    backend = "postgresql" if target.startswith("postgres") else "sqlite"
    report(
        f"concurrency {backend} {label}",
        {
            "backend": backend,
            "workers": WORKERS,
            "rounds": rounds,
            "commands": sum(world.by_command.values()),
            "by_command": dict(sorted(world.by_command.items())),
            "results": dict(sorted(world.results.items())),
            "order_lines": len(world.ordered),
            "shipment_rows": len(shipments),
            "seconds": round(seconds, 1),
            "check_exit": checked.returncode,
            "over_allocated_lines": len(over),
        },
    )
    assert not world.failures, "commands failed:\n" + "\n".join(world.failures[:20])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not over, "order lines received more than they ordered:\n" + "\n".join(over[:20])
    assert not unknown, f"shipments for order lines never imported: {unknown[:10]}"
    assert not lost, "shipped + pending + backordered differs from ordered:\n" + "\n".join(lost[:20])


def test_concurrency_everyday(target: str, tmp_path: Path) -> None:
    campaign(target, tmp_path, rounds=2, seed=1, label="everyday")


@needs_full
@pytest.mark.timeout(3600)
def test_concurrency_full(target: str, tmp_path: Path) -> None:
    campaign(target, tmp_path, rounds=25, seed=2, label="full")
