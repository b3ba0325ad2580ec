"""The command line gives the same results on a PostgreSQL server as on a SQLite file.

One story — demo data, both runs, a ship and a void, an import refused and one accepted, every
export and check — is told to both databases, and what a script sees must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.places import drop_postgres_database, postgres_database

# Times differ between the two tellings; everything else must not.
TIME_COLUMNS = {"shipments": (3,), "runs": (3, 4), "backorders": ()}


def tell_the_story(target: str, workdir: Path, home: Path) -> list[tuple[str, int, str]]:
    """Run the story on TARGET; return (command, exit status, output) of each step."""
    program = Cli(cwd=workdir, db=target, home=home)

    def run(*args: str) -> tuple[str, int, str]:
        done = program.run(*args, timeout=120)
        return " ".join(args), done.returncode, done.stdout + done.stderr

    (workdir / "bad.csv").write_text(
        "sku,qty,reason\nNW-001,-999999,count\nNW-999,1,count\n", encoding="utf-8"
    )
    (workdir / "good.csv").write_text("sku,qty,reason\nNW-014,30,found a pallet\n", encoding="utf-8")
    steps = [
        run("demo"),
        run("run", "primary"),
        run("run", "secondary", "--dry-run", "--explain"),
        run("ship", "S0000812"),
        run("void-shipment", "S0000811"),
        run("ship", "S0000812"),  # refused: already shipped
        run("import", "adjustments", "bad.csv"),  # refused: every row is wrong
        run("import", "adjustments", "good.csv"),
        run("run", "secondary"),
        run("void-order", "11077"),
    ]
    for kind in ("shipments", "backorders", "stock", "runs"):
        steps.append(run("export", kind))
    steps.append(run("check"))
    return steps


def without_times(step: tuple[str, int, str]) -> tuple[str, int, str]:
    command, status, output = step
    if command.startswith("export "):
        kind = command.split()[1]
        lines = [
            ",".join(f for i, f in enumerate(line.split(",")) if i not in TIME_COLUMNS.get(kind, ()))
            for line in output.splitlines()
        ]
        output = "\n".join(lines)
    elif command.startswith("run "):
        output = "\n".join(
            line for line in output.splitlines() if not line.startswith(("started_at", "finished_at"))
        )
    return command, status, output


def test_a_script_sees_the_same_on_postgresql_as_on_sqlite(postgres_server, tmp_path: Path) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL: no server (set BACKORDER_TEST_POSTGRES, or install Debian's postgresql)")
    for name in ("sqlite", "pg", "home"):
        (tmp_path / name).mkdir()
    on_sqlite = tell_the_story(
        str(tmp_path / "sqlite" / "shop.sqlite3"), tmp_path / "sqlite", tmp_path / "home"
    )
    url = postgres_database(postgres_server)
    try:
        on_postgres = tell_the_story(url, tmp_path / "pg", tmp_path / "home")
    finally:
        drop_postgres_database(url)
    statuses = [status for _command, status, _output in on_sqlite]
    assert statuses == [0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0], on_sqlite
    assert "outcome: ok" in on_sqlite[1][2] and "units: 549" in on_sqlite[1][2]
    assert on_sqlite[-1][2].startswith("ok:")
    for mine, theirs in zip(on_sqlite, on_postgres, strict=True):
        assert without_times(theirs) == without_times(mine)
