"""Kill safety (SPEC 4, issue 6 item 2): `run primary`, `run secondary` and `import orders`
killed with SIGKILL at a random moment leave a database that passes `check`, and running the
same command again gives exactly the result of one clean run.

Each prepared database is built once; every kill works on its own copy (a file copy on
SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL). The delay of each kill is uniform in
[0, duration of one clean run], so some kills land while Python starts, some inside the
transaction, and a few after the program has finished; the summary counts each kind.

Beside the random kills, each command is killed at least once inside its write transaction
for certain: BACKORDER_TEST_KILL_AFTER_ROWS=N (a test-only kill point in the store's bulk
write) makes the program SIGKILL itself once it has written N rows there, N drawn below the
number of rows the command is known to write.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bench import datasets
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database
from tests.reliability.conftest import (
    FULL,
    command,
    copy_target,
    discard,
    export_rows,
    is_pg,
    needs_full,
    ok,
    program_env,
    report,
    run,
    scalar,
)

pytestmark = pytest.mark.long  # real programs and their waits: handed out first (tests/conftest.py)

# (lines waiting, products, orders, lines of the import file): for the long version, big enough
# on SQLite that the transaction is a fair share of the program's life, and smaller on
# PostgreSQL, which is slower. The everyday version is a third of that: its kill inside the
# transaction is certain by the kill point, so its random kills need not land there as often.
SIZES = {"sqlite": (60_000, 1_500, 18_000, 12_000), "postgresql": (12_000, 600, 3_600, 6_000)}
if not FULL:
    SIZES = {"sqlite": (20_000, 500, 6_000, 4_000), "postgresql": (4_000, 200, 1_200, 2_000)}
SEED = 20261124


@dataclass
class Scenario:
    name: str
    prepared: str
    args: list[str]
    committed_sql: str  # a count: 0 before the command committed, more after
    full_count: int = 0  # for the import: every line or none
    clean: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    before: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    duration: float = 0.0  # of one clean run, program start to exit (median)
    startup: float = 0.0  # of a command that does next to nothing (`prefs`), start to exit
    rows_written: int = 0  # rows the command surely writes in its transaction (a lower bound)


def outcome(target: str, home: Path) -> dict[str, list[dict[str, str]]]:
    """Shipments (without created_at and run), stock and backorders, exported side by side."""
    kinds = ("shipments", "stock", "backorders")
    with ThreadPoolExecutor(max_workers=3) as pool:
        rows = dict(zip(kinds, pool.map(lambda k: export_rows(target, home, k), kinds), strict=True))
    rows["shipments"] = [
        {k: v for k, v in row.items() if k not in ("created_at", "run")} for row in rows["shipments"]
    ]
    return rows


def settle(target: str) -> None:
    """On PostgreSQL, wait until the killed client's server backend has gone (it may still
    be finishing a statement or a COMMIT it had already sent)."""
    if not is_pg(target):
        return
    name = target.rsplit("/", 1)[1]
    admin = target.rsplit("/", 1)[0] + "/postgres"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        others = scalar(
            admin,
            f"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        if not others:
            return
        time.sleep(0.05)
    raise AssertionError(f"the killed program's server backend on {name} never went away")


def write_base_files(where: Path, size: tuple[int, int, int, int]) -> tuple[Path, Path, Path]:
    """Products, orders whose every line waits (nothing on hand) and a receipt covering 70%."""
    lines, products_count, orders_count, _ = size
    rng = random.Random(SEED)
    products = where / "products.csv"
    products.write_text(
        "sku,name,discontinued\n"
        + "".join(f"P{p:06d},Product {p},false\n" for p in range(1, products_count + 1)),
        encoding="utf-8",
    )
    wanted: Counter[str] = Counter()
    rows = []
    for n in range(lines):
        order = n * orders_count // lines
        line = n - (order * lines + orders_count - 1) // orders_count + 1
        sku, qty = f"P{rng.randint(1, products_count):06d}", rng.randint(1, 12)
        wanted[sku] += qty
        at = datasets.START + timedelta(minutes=order)
        rows.append(
            f"O{order:07d},Customer {order % 997},{at.isoformat()},{order % 9 + 1},"
            f"{'true' if order % 20 == 0 else 'false'},{line},{sku},{qty}\n"
        )
    orders = where / "orders.csv"
    orders.write_text(
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n" + "".join(rows), encoding="utf-8"
    )
    receipts = where / "receipts.csv"
    receipts.write_text(
        "receipt,received_at,sku,qty\n"
        + "".join(
            f"R-1,2026-01-04T08:00:00,{sku},{max(1, q * 7 // 10)}\n" for sku, q in sorted(wanted.items())
        ),
        encoding="utf-8",
    )
    return products, orders, receipts


def prepare(base: str, where: Path, home: Path, size: tuple[int, int, int, int]) -> list[Scenario]:
    """BASE: backordered lines and one receipt covering 70% of them (Primary has not run).
    From it: the Primary scenario, the orders import, and (after a Primary run and an
    adjustment of every product) the Secondary scenario. Built through the command line,
    the same way on SQLite and PostgreSQL."""
    products, orders, receipts = write_base_files(where, size)
    products_count, import_lines = size[1], size[3]
    ok(base, home, "init")
    ok(base, home, "import", "products", products)
    ok(base, home, "prefs", "--enable")
    ok(base, home, "import", "orders", orders)
    ok(base, home, "import", "receipts", receipts)
    orders_file = where / "new-orders.csv"
    datasets.orders_csv(orders_file, import_lines, products_count, seed=SEED)

    secondary = copy_target(base, where, "secondary-prepared")
    ok(secondary, home, "run", "primary")
    rng = random.Random(SEED)
    adjustments = where / "adjustments.csv"
    rows = [
        f"P{p:06d},{rng.choice([-3, -1, 2, 5, 9, 14])},count correction" for p in range(1, products_count + 1)
    ]
    adjustments.write_text("sku,qty,reason\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ok(secondary, home, "import", "adjustments", adjustments)

    return [
        Scenario(
            "run primary",
            base,
            ["run", "primary"],
            "SELECT COUNT(*) FROM run WHERE process = 'primary' AND outcome = 'ok'",
        ),
        Scenario(
            "run secondary",
            secondary,
            ["run", "secondary"],
            "SELECT COUNT(*) FROM run WHERE process = 'secondary' AND outcome = 'ok'",
        ),
        Scenario(
            "import orders",
            base,
            ["import", "orders", str(orders_file)],
            "SELECT COUNT(*) FROM order_line ol JOIN orders o ON o.id = ol.order_id WHERE o.number LIKE 'I%'",
            full_count=import_lines,
        ),
    ]


def clean_run(scenario: Scenario, where: Path, home: Path, times: int = 3) -> None:
    """Clean runs on copies: the median duration (program start to exit) and the result."""
    durations = []
    for _ in range(times):
        target = copy_target(scenario.prepared, where, "clean")
        try:
            if not scenario.before:  # every copy of the prepared database starts the same
                scenario.before = outcome(target, home)
            started = time.monotonic()
            done = run(target, home, *scenario.args, own_process=True)
            durations.append(time.monotonic() - started)
            assert done.returncode == 0, f"clean {scenario.name}: {done.stderr}"
            assert scalar(target, scenario.committed_sql) > 0, f"clean {scenario.name} committed nothing"
            result = outcome(target, home)
            assert not scenario.clean or result == scenario.clean, f"two clean {scenario.name} runs differ"
            scenario.clean = result
        finally:
            discard(target)
    scenario.duration = sorted(durations)[len(durations) // 2]
    # A run writes at least one shipment line per shipments-export row it added; the import
    # at least one order line per line of its file.
    added = len(scenario.clean["shipments"]) - len(scenario.before["shipments"])
    scenario.rows_written = scenario.full_count or added
    assert scenario.rows_written > 0, f"clean {scenario.name} wrote nothing to kill it in"
    startups = []
    for _ in range(times):
        started = time.monotonic()
        ok(scenario.prepared, home, "prefs", own_process=True)
        startups.append(time.monotonic() - started)
    scenario.startup = sorted(startups)[len(startups) // 2]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def scenarios(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    where = tmp_path_factory.mktemp(f"kill-{request.param}")
    home = where / "home"
    home.mkdir()
    server = None
    if request.param == "sqlite":
        base = str(where / "prepared.sqlite3")
    else:
        server = require_postgres(request)
        base = postgres_database(server)
    prepared = prepare(base, where, home, SIZES[request.param])
    for scenario in prepared:
        clean_run(scenario, where, home)
    yield request.param, where, home, prepared
    if server is not None:
        for scenario in prepared:
            drop_postgres_database(scenario.prepared)


def kill_once(
    scenario: Scenario,
    where: Path,
    home: Path,
    rng: random.Random,
    index: int,
    scale: float = 1.0,
    after_rows: int | None = None,
) -> dict:
    """Start the command on a fresh copy, SIGKILL it after a random delay, then verify.

    The delay is uniform from half the start-up time (a kill while Python imports tests
    little) to SCALE times one clean run's duration. With AFTER_ROWS the program kills
    itself instead, inside its write transaction, once it has written that many rows."""
    target = copy_target(scenario.prepared, where, f"kill-{index}")
    try:
        latest = scenario.duration * scale
        delay = rng.uniform(min(scenario.startup / 2, latest / 2), latest)
        env = program_env(home)
        if after_rows is not None:
            env["BACKORDER_TEST_KILL_AFTER_ROWS"] = str(after_rows)
        process = subprocess.Popen(
            command(target, *scenario.args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        if after_rows is None:
            time.sleep(delay)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=300)
        killed = process.returncode == -signal.SIGKILL
        when = f"at row {after_rows} of its transaction" if after_rows is not None else f"at {delay:.3f}s"
        if after_rows is not None:
            delay = 0.0
            assert killed, (
                f"{scenario.name} with a kill point at row {after_rows} exited {process.returncode}:"
                f" it wrote fewer rows than that in a transaction? {stderr[-500:]!r}"
            )
        if not killed:
            assert process.returncode == 0, f"{scenario.name} exited {process.returncode}: {stderr!r}"
        settle(target)
        count = scalar(target, scenario.committed_sql)
        committed = count > 0
        phase = "finished" if not killed else "killed-committed" if committed else "killed-not-committed"
        if after_rows is not None:
            assert not committed, f"{scenario.name} killed {when} committed"
            phase = "killed-inside-transaction"
        if scenario.full_count:
            assert count in (0, scenario.full_count), (
                f"{scenario.name} killed {when} left {count} of {scenario.full_count} lines"
            )
        # All or nothing: right after the kill, the database holds the whole command or none of it.
        left = outcome(target, home)
        expected = scenario.clean if committed else scenario.before
        for kind, rows in expected.items():
            assert left[kind] == rows, (
                f"export {kind} right after {scenario.name} killed {when} ({phase}) is neither"
                f" the prepared state nor one clean run's ({len(left[kind])} rows vs {len(rows)})"
            )

        checked = run(target, home, "check")
        assert checked.returncode == 0, (
            f"check after {scenario.name} killed {when} ({phase}):\n{checked.stdout}{checked.stderr}"
        )
        again = run(target, home, *scenario.args)
        if scenario.full_count and committed:
            assert again.returncode == 2 and "already exists" in again.stderr, (
                f"importing again after a committed kill: exit {again.returncode}, {again.stderr[:500]!r}"
            )
        else:
            assert again.returncode == 0, (
                f"{scenario.name} again after a kill {when} ({phase}) exited"
                f" {again.returncode}: {again.stderr[:1000]}"
            )
        result = outcome(target, home)
        for kind, rows in scenario.clean.items():
            assert result[kind] == rows, (
                f"export {kind} after {scenario.name} killed {when} ({phase}) and run again"
                f" differs from one clean run ({len(result[kind])} rows vs {len(rows)})"
            )
        past_startup = killed and (after_rows is not None or delay >= scenario.startup)
        return {"phase": phase, "delay": delay, "past_startup": past_startup}
    finally:
        discard(target)


KILLED = ("killed-committed", "killed-not-committed")


def kill_campaign(
    scenarios, kills_per_command: int, seed: int, label: str, kill_points_per_command: int = 1
) -> None:
    """Until KILLS_PER_COMMAND trials of each command were real kills (the program still ran),
    and KILL_POINTS_PER_COMMAND more that the program made itself inside its transaction.

    A trial whose program finished before its kill still has its result checked, but does
    not count: then the delays shrink a little (the machine is busier than when the clean
    run was timed), and grow back after a kill, so nearly every trial lands in the run."""
    backend, where, home, prepared = scenarios
    rng = random.Random(seed)
    summary: dict[str, dict] = {}
    started = time.monotonic()
    for scenario in prepared:
        phases: Counter[str] = Counter()
        scale, trials = 1.0, 0
        for _ in range(kill_points_per_command):
            after_rows = rng.randint(1, scenario.rows_written)
            trial = kill_once(scenario, where, home, rng, trials, after_rows=after_rows)
            phases[trial["phase"]] += 1
            phases["killed-past-startup"] += trial["past_startup"]
            trials += 1
        assert phases["killed-inside-transaction"] >= 1, f"{scenario.name}: no kill inside its transaction"
        while sum(phases[p] for p in KILLED) < kills_per_command:
            assert trials < kill_points_per_command + 3 * kills_per_command + 10, (
                f"{scenario.name}: too few trials were kills"
            )
            trial = kill_once(scenario, where, home, rng, trials, scale)
            phase = trial["phase"]
            phases[phase] += 1
            phases["killed-past-startup"] += trial["past_startup"]
            trials += 1
            scale = scale * 0.85 if phase == "finished" else min(1.0, scale * 1.02)
        summary[scenario.name] = {
            "trials": trials,
            "kills": sum(phases[p] for p in (*KILLED, "killed-inside-transaction")),
            "clean_duration_s": round(scenario.duration, 3),
            "startup_s": round(scenario.startup, 3),
            **dict(sorted(phases.items())),
        }
    total: Counter[str] = Counter()
    for item in summary.values():
        total.update({k: v for k, v in item.items() if not k.endswith("_s")})
    report(
        f"kill-safety {backend} {label}",
        {
            "backend": backend,
            "per_command": summary,
            "total": dict(total),
            "seconds": round(time.monotonic() - started, 1),
            "all_checks_passed": True,
        },
    )


@pytest.mark.timeout(900)  # the prepared databases and their clean runs are built in setup
def test_kill_safety_everyday(scenarios) -> None:
    backend = scenarios[0]
    kill_campaign(scenarios, kills_per_command=2 if backend == "sqlite" else 1, seed=1, label="everyday")


@needs_full
@pytest.mark.timeout(3600)
def test_kill_safety_full(scenarios) -> None:
    backend = scenarios[0]
    kill_campaign(
        scenarios,
        kills_per_command=70 if backend == "sqlite" else 12,
        seed=2,
        label="full",
        kill_points_per_command=10,
    )
