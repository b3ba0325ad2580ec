"""Faults for the tests of several folders: a PostgreSQL server of its own that can be
stopped and started again, a small file system to fill, and root for what needs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a tmpfs mount or chattr")


def server_control(action: str, data: Path) -> None:
    """Stop (at once) or start again the server of DATA (its port and settings are kept there)."""
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    command = [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", action]
    if action == "start":
        command += ["-l", str(data / "server.log")]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


@contextmanager
def tmpfs(mount: Path) -> Iterator[Path]:
    """A 64 MB file system of its own mounted at MOUNT (a new folder); skips where none can be."""
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB file system of its own (filled up by the test)."""
    with tmpfs(tmp_path / "disk") as mount:
        yield mount


def write_big_orders(path: Path, lines: int = 40_000) -> Path:
    """An orders file of LINES one-line orders, big enough to need more than a full disk has."""
    with path.open("w", encoding="utf-8") as out:
        out.write("order,customer,ordered_at,priority,ship_complete,line,sku,qty\n")
        for n in range(lines):
            out.write(
                f"F{n:06d},Big Buyer With A Long Company Name Ltd,2026-11-24T09:00:00,5,false,1,NW-002,1\n"
            )
    return path


def fill_up(disk: Path) -> Path:
    """Fill DISK but for 300 KB (a little room for the database); delete the file returned to free it."""
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, shutil.disk_usage(disk).free - 300_000))
    return filler


@pytest.fixture
def own_server() -> Iterator[tuple[str, Path]]:
    """(URL of its admin database, data folder) of a PostgreSQL server of the test's own (a free
    port, a new temporary folder: stopping it disturbs no other test or test run), deleted after."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin")) or (
        os.geteuid() == 0 and not shutil.which("runuser")
    ):
        pytest.skip("PostgreSQL: Debian's binaries are not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("BACKORDER_PG_PORT", "BACKORDER_PG_DATA")}
    started = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")], env=env, capture_output=True, text=True, timeout=180
    )
    if started.returncode != 0:
        pytest.skip(f"PostgreSQL: could not start a server of its own: {started.stderr}")
    admin = started.stdout.strip().splitlines()[-1]
    port = str(urlsplit(admin).port)
    data = Path(Path(f"/tmp/.s.PGSQL.{port}.lock").read_text().splitlines()[1])
    try:
        yield admin, data
    finally:
        with suppress(subprocess.CalledProcessError):  # down already, if the test failed so
            server_control("stop", data)
        shutil.rmtree(data, ignore_errors=True)
