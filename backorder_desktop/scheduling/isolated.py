"""Running a backorder process in a child process, for the window.

A big run is Python work; in a thread it would share the interpreter lock
with the window and could hold it for a tenth of a second at a time. In a
child process it shares nothing: the window keeps painting, and even a crash
of the run cannot take the window down. The child reports progress and its
run record as JSON lines on its standard output. The run itself is the same
all-or-nothing transaction as anywhere else.

The child learns its database on its standard input, not its command line: a
postgresql:// URL may hold a password, and any local user can read the command
line of any process (`ps`).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime

from backorder_desktop.domain import allocation
from backorder_desktop.domain.allocation import Progress, RunRecord, RunResult

log = logging.getLogger(__name__)


def _record(values: dict) -> RunRecord:
    for key in ("started_at", "finished_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    return RunRecord(**values)


def isolated_runner(target: str) -> Callable[..., RunResult]:
    """A drop-in for allocation.run_process that runs it in a child process on TARGET."""

    def run(
        process: str,
        trigger: str,
        progress: Callable[[Progress], None] | None = None,
        slot: datetime | None = None,
    ) -> RunResult:
        slot_arg = [] if slot is None else [slot.isoformat()]  # a time: nothing secret on the line
        child = subprocess.Popen(
            [sys.executable, "-m", "backorder_desktop.scheduling.isolated", process, trigger, *slot_arg],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        with suppress(BrokenPipeError):  # a child that died at once: its stderr says why
            child.stdin.write(json.dumps(target) + "\n")
        with suppress(BrokenPipeError):
            child.stdin.close()
        record = None
        for line in child.stdout:
            message = json.loads(line)
            if "progress" in message and progress is not None:
                progress(Progress(*message["progress"]))
            elif "record" in message:
                record = _record(message["record"])
        errors = child.stderr.read()
        child.wait(timeout=60)
        if record is None:
            last = errors.strip().splitlines()[-1] if errors.strip() else f"exit code {child.returncode}"
            error = f"the run stopped before it finished ({last}); nothing of it was kept"
            log.error("%s run: %s\n%s", process, error, errors)
            record = allocation.record_failure(process, trigger, error, slot)
        return RunResult(record)

    return run


def main(argv: list[str]) -> int:
    """In the child: run one process on the database named on stdin and report on stdout."""
    from backorder_desktop import logs
    from backorder_desktop.store.schema import open_database

    os.umask(0o077)  # what it writes (its log) is its owner's alone, as in the program itself
    process, trigger, *slot_arg = argv
    slot = datetime.fromisoformat(slot_arg[0]) if slot_arg else None
    target = json.loads(sys.stdin.readline())
    logs.setup()
    open_database(target, create=False)  # a file deleted meanwhile is not replaced by an empty one

    def report(p: Progress) -> None:
        print(json.dumps({"progress": [p.lines_done, p.lines_total, p.units]}), flush=True)

    record = allocation.run_process(process, trigger, slot=slot, progress=report).record
    print(json.dumps({"record": asdict(record)}, default=lambda v: v.isoformat()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
