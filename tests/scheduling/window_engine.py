"""A window's scheduling without the window, for tests of a team of real programs.

`python -m tests.scheduling.window_engine DB`: the engine as ui/main_window.make_engine builds
it, each run in a child process (scheduling/isolated.py), until SIGTERM. It says what it does
as the `scheduler` service does, on stderr.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from backorder_desktop import logs
from backorder_desktop.scheduling.engine import Engine
from backorder_desktop.scheduling.isolated import isolated_runner
from backorder_desktop.scheduling.service import Report
from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database


def main(target: str) -> int:
    os.umask(0o077)
    logs.setup()
    open_database(target)
    database.close()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _number, _frame: stop.set())
    engine = Engine(listener=Report(sys.stderr), run=isolated_runner(target))
    engine.start()
    while not stop.wait(1.0):
        pass
    engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
