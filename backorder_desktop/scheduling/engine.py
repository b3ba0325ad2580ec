"""The scheduling engine: a background thread that runs the two processes when their schedules say.

It holds one job per process with a schedule that is on, made, tagged and cleared through the
public API of the `schedule` library (`every().do()`, `tag`, `clear`, `run_all`; pinned to
1.2.x in pyproject.toml). Each tick runs every job, and the job asks the pure planner
(domain/planning.py), on the engine's clock, whether its slot is due: the library's own timing
reads the machine's naive local time, which a test cannot move and which repeats an hour every
autumn. Processes run in worker threads, one at a time; the database lock of the core keeps
runs apart across programs too. Catch-up is derived from the run table, never from memory, so
a restart or a sleeping machine runs a missed process once.

Every program that runs the schedules on one database fires the same slots: each run started
for a slot (a catch-up for the slot it missed) passes the slot down to the run, which claims it
in its own transaction (domain/slots.py). The first program to commit a slot has it; the others
record nothing and log "slot taken".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

import schedule

from backorder_desktop.domain import allocation, planning, preferences, slots
from backorder_desktop.domain import clock as _clock
from backorder_desktop.domain import schedules as saved_schedules
from backorder_desktop.domain.allocation import Progress, RunRecord
from backorder_desktop.store import database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
PAUSED_REASON = "back order management is off"
# Why a due slot is not run while the person has paused the schedules in this program (the tray's
# or the Tools menu's "Pause schedules"): until they resume them, or the program starts again.
PAUSED_BY_USER_REASON = "the schedules are paused in this program"
SLOTS = "slots"  # the tag of every process's job (each is tagged with its process too)


class Listener:
    """What the engine reports; the Qt bridge turns these into signals. Called from engine threads."""

    def run_started(self, process: str, trigger: str) -> None: ...

    def progress(self, process: str, progress: Progress) -> None: ...

    def run_finished(self, record: RunRecord) -> None: ...

    def schedules_changed(self, next_runs: dict[str, datetime | None]) -> None: ...

    def paused(self, reason: str) -> None: ...

    def resumed(self) -> None: ...


class Engine:
    """Runs the Primary and Secondary processes on their saved schedules."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        listener: Listener | None = None,
        tick_seconds: float = 1.0,
        poll_seconds: float = 15.0,
        run: Callable[..., allocation.RunResult] = allocation.run_process,
    ) -> None:
        self.clock: Clock = clock or _clock.utc_now
        self.tz = tz or _clock.local_zone()
        self.listener = listener or Listener()
        self.tick_seconds = tick_seconds
        self.poll_seconds = poll_seconds
        self._run = run
        self._scheduler = schedule.Scheduler()
        self._slots: dict[str, datetime | None] = {}  # each scheduled process's next slot (aware)
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._run_lock = threading.Lock()  # one process at a time in this program
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self._thread: threading.Thread | None = None
        self._fingerprint: tuple = ()
        self._last_tick: datetime | None = None
        self._last_poll: datetime | None = None
        self.paused = False  # back order management is off (the saved preference)
        self.paused_by_user = False  # "Pause schedules": never saved, so a restart clears it

    # -- control, from any thread ---------------------------------------------------------

    def start(self) -> None:
        """Start the engine thread."""
        self._thread = threading.Thread(target=self._loop, name="backorder-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop ticking and wait up to TIMEOUT seconds in all for a run in progress to finish;
        a run waiting for its turn is not started. Whether everything has stopped."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in [self._thread, *self._workers]:
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        return not self.running()

    def running(self) -> bool:
        """Whether a run is in progress (or waiting for its turn) in this program."""
        return any(worker.is_alive() for worker in self._workers)

    def reload(self) -> None:
        """A schedule or the preferences were saved in this program: re-read them at the next tick."""
        self._reload.set()

    def pause_schedules(self, paused: bool) -> None:
        """The person pauses (PAUSED) or resumes the schedules in this program: while paused, a
        slot that comes due is passed over (not caught up later either: the pause said not to run
        it), and Run now still runs. Other programs of the team go on running their schedules."""
        if paused != self.paused_by_user:
            self.paused_by_user = paused
            log.info("schedules %s by the person", "paused" if paused else "resumed")

    def is_on(self) -> bool:
        """Whether the engine thread runs (started, and not told to stop): it fires the slots."""
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def run_now(self, process: str) -> threading.Thread | None:
        """Start PROCESS now in the background (trigger: manual)."""
        return self.start_run(process, "manual")

    def next_runs(self) -> dict[str, datetime | None]:
        """Each process's next scheduled run (aware), None while its schedule is off."""
        found: dict[str, datetime | None] = {p: None for p in allocation.PROCESSES}
        found.update(self._slots)
        return found

    # -- the engine thread -----------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self.tick()
                except Exception:
                    log.exception("scheduler tick failed; trying again")
                self._stop.wait(self.tick_seconds)
        finally:
            database.close()

    def tick(self) -> None:
        """One step: notice changes, notice clock jumps, start what is due."""
        now = self.clock().astimezone(UTC)  # UTC, so a daylight-saving change is no clock jump
        if self._last_tick is None:
            self._load(now)
            self._catch_up(now)
        else:
            jumped = now - self._last_tick
            slack = timedelta(seconds=self.tick_seconds * 2 + 30)
            if jumped > slack or jumped < -slack:
                log.warning("the clock moved by %s (sleep or clock change); replanning", jumped)
                self._load(now)
                if jumped > slack:
                    self._catch_up(now)
            elif self._reload.is_set() or self._poll_due(now):
                self._reload.clear()
                self._last_poll = now
                found = self._read()
                if self._schedules_fingerprint(found) != self._fingerprint:
                    self._load(now, found)
        self._last_tick = now
        self._scheduler.run_all()

    def _poll_due(self, now: datetime) -> bool:
        return self._last_poll is None or (now - self._last_poll).total_seconds() >= self.poll_seconds

    def _read(self) -> tuple[list[saved_schedules.Schedule], bool]:
        return saved_schedules.load_all(), preferences.load().backorders_enabled

    @staticmethod
    def _schedules_fingerprint(found: tuple[list[saved_schedules.Schedule], bool]) -> tuple:
        rows, enabled = found
        return (tuple((s.code, s.rule) for s in rows), enabled)

    def _load(self, now: datetime, found: tuple[list[saved_schedules.Schedule], bool] | None = None) -> None:
        found = found or self._read()
        self._fingerprint = self._schedules_fingerprint(found)
        self._last_poll = now
        rows, enabled = found
        slots: dict[str, datetime | None] = {}
        self._scheduler.clear(SLOTS)
        for row in rows:
            if row.rule.enabled:
                slots[row.process] = planning.next_run(row.rule, self.clock(), self.tz)
                # Whatever period the library keeps, each tick runs every job (run_all).
                job = self._scheduler.every().second.do(self._run_if_due, row.process, row.rule)
                job.tag(SLOTS, row.process)
        self._slots = slots
        self._set_paused(not enabled)
        self.listener.schedules_changed(self.next_runs())

    def _run_if_due(self, process: str, rule: planning.Rule) -> None:
        """The one place a slot is found due and fired: PROCESS runs once the engine's clock has
        reached its next slot, and the slot after that is planned from the clock."""
        slot = self._slots.get(process)
        if slot is None or self.clock() < slot:
            return
        if self.paused:
            log.info("%s due but not started: %s", process, PAUSED_REASON)
        elif self.paused_by_user:
            log.info("%s due but not started: %s", process, PAUSED_BY_USER_REASON)
        else:
            self.start_run(process, "schedule", slot)
        self._slots[process] = planning.next_run(rule, self.clock(), self.tz)

    def _set_paused(self, paused: bool) -> None:
        if paused != self.paused or self._last_tick is None:
            self.paused = paused
            if paused:
                log.info("scheduler paused: %s", PAUSED_REASON)
                self.listener.paused(PAUSED_REASON)
            else:
                self.listener.resumed()

    def _catch_up(self, now: datetime) -> None:
        """Run once each process whose due time passed without a run (per the run table)."""
        if self.paused or self.paused_by_user:
            return
        for row in saved_schedules.load_all():
            if not row.rule.enabled:
                continue
            last = saved_schedules.last_run(row.process)
            marks = [t for t in (last.started_at if last else None, row.saved_at) if t is not None]
            if not marks:
                continue
            since = max(marks).replace(tzinfo=self.tz)
            due = planning.last_due(row.rule, since, now, self.tz)
            if due is not None:
                log.info("%s missed its run due %s; catching up once", row.process, due)
                self.start_run(row.process, "catch-up", due)  # the missed slot: one catch-up a team

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, process: str, trigger: str, slot: datetime | None = None) -> threading.Thread | None:
        """Start one run in a worker thread, unless that process is already running or waiting.
        A run for a schedule's SLOT (aware) runs only if no program of the team has run it."""
        with self._busy_lock:
            if process in self._busy:
                log.info("%s already running or waiting; not started again (%s)", process, trigger)
                return None
            self._busy.add(process)
        worker = threading.Thread(
            target=self._work, args=(process, trigger, slot), name=f"backorder-{process}", daemon=True
        )
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()
        return worker

    def _work(self, process: str, trigger: str, slot: datetime | None) -> None:
        try:
            with self._run_lock:
                if self._stop.is_set():
                    log.info("%s not started (%s): the scheduler is stopping", process, trigger)
                    return
                if slot is not None and slots.taken(process, slot):
                    self._log_taken(process, slot, "before it started")
                    return
                self.listener.run_started(process, trigger)
                result = self._run(
                    process, trigger, slot=slot, progress=lambda p: self.listener.progress(process, p)
                )
                if result.record.outcome == slots.TAKEN and slot is not None:
                    self._log_taken(process, slot, "in the run's transaction")
                self.listener.run_finished(result.record)
        except Exception as error:
            log.exception("%s run could not be recorded", process)
            now = self.clock().astimezone(self.tz).replace(tzinfo=None)
            self.listener.run_finished(
                RunRecord(0, process, trigger, now, now, "failed", error=f"{type(error).__name__}: {error}")
            )
        finally:
            with self._busy_lock:
                self._busy.discard(process)
            database.close()

    def _log_taken(self, process: str, slot: datetime, found: str) -> None:
        local = f"{slot.astimezone(self.tz):%Y-%m-%d %H:%M}"
        log.info(
            "%s slot %s taken: another program ran it; nothing recorded (found %s)", process, local, found
        )
