"""`backorder-desktop scheduler`: both schedules without a window, as a service, until stopped.

The same engine as the window's, with the runs in its own worker threads (no window to keep
responsive). It takes part in the team schedule like any window: a slot another program ran
is logged as taken and not run again. One line on stderr, and in the log file, per run; a few
more say when it starts, stops, pauses and picks up a schedule change.

SIGTERM or SIGINT stop it with exit status 0 once the run in progress has finished. A run that
cannot finish within STOP_GRACE_SECONDS is abandoned with the process: the database rolls its
transaction back, as it does for a program killed at any instant (SPEC 4), and the slot is run
by another program or caught up at the next start. A second signal stops it at once, the same way.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import datetime
from types import FrameType
from typing import TextIO

from backorder_desktop.domain import processes, slots
from backorder_desktop.domain.allocation import RunRecord
from backorder_desktop.scheduling.engine import Engine, Listener
from backorder_desktop.store import database
from backorder_desktop.store.urls import shown

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def describe_run(record: RunRecord) -> str:
    """One line for a run: when, which, why, and how it went."""
    name = processes.NAMES.get(record.process, record.process)
    head = f"{record.started_at:%Y-%m-%d %H:%M:%S} {name} ({record.trigger})"
    if record.id:
        head = f"{head}, run {record.id}"
    if record.outcome == "ok":
        return (
            f"{head}: ok, {_plural(record.units, 'unit')} in {_plural(record.shipments, 'shipment')};"
            f" {_plural(record.ledger_rows, 'ledger row')} and"
            f" {_plural(record.products, 'product')} evaluated"
        )
    if record.outcome == "failed" and not record.id:
        return f"{head}: failed, and the failure could not be recorded: {record.error}"
    return f"{head}: {record.outcome}: {record.error}" if record.error else f"{head}: {record.outcome}"


class Report(Listener):
    """The service's voice: each line to ERR and to the log file, whole, whichever thread says it."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self._lock = threading.Lock()
        self._was_paused = False

    def say(self, line: str) -> None:
        with self._lock:
            print(line, file=self.err, flush=True)
        log.info("scheduler: %s", line)

    def run_finished(self, record: RunRecord) -> None:
        if record.outcome != slots.TAKEN:  # not a run: the engine has logged the slot as taken
            self.say(describe_run(record))

    def schedules_changed(self, next_runs: dict[str, datetime | None]) -> None:
        parts = [
            f"{processes.SHORT_NAMES[process]} {f'{moment:%Y-%m-%d %H:%M}' if moment else 'off'}"
            for process, moment in next_runs.items()
        ]
        self.say(f"next runs: {', '.join(parts)}")

    def paused(self, reason: str) -> None:
        self._was_paused = True
        self.say(f"paused: {reason}")

    def resumed(self) -> None:
        if self._was_paused:
            self._was_paused = False
            self.say("resumed: back order management is on")


def serve(target: str, err: TextIO, grace: float = STOP_GRACE_SECONDS) -> int:
    """Run both schedules of the open database (TARGET names it) until SIGTERM or SIGINT; 0.

    Call from the main thread (signals are delivered there). A run still in progress GRACE
    seconds after the signal ends the process at once, with exit status 0 and no commit."""
    report = Report(err)
    stopping = threading.Event()
    hurry = threading.Event()

    def on_signal(number: int, _frame: FrameType | None) -> None:
        (hurry if stopping.is_set() else stopping).set()

    previous = {number: signal.signal(number, on_signal) for number in STOP_SIGNALS}
    try:
        database.close()  # this thread only waits: the engine's threads have their own connections
        engine = Engine(listener=report)
        report.say(f"scheduler started on {shown(target)} (process {os.getpid()}); SIGTERM or Ctrl+C stop it")
        engine.start()
        while not stopping.wait(1.0):
            pass
        if engine.running():
            report.say("stopping: waiting for the run in progress")
        engine.stop(timeout=0)
        deadline = time.monotonic() + grace
        while engine.running() and time.monotonic() < deadline and not hurry.wait(0.05):
            pass
        if engine.running():
            report.say(
                f"the run in progress did not finish within {grace:g} s: stopped without it;"
                " the database rolls it back"
            )
            _end_now()
        report.say("scheduler stopped")
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _end_now() -> None:
    """End the process with status 0 without waiting for the run's thread: its transaction is
    never committed, and the database drops it with the connection."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)
