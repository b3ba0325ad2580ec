"""Files the program creates are its owner's alone (issue 10, SPEC 8): the database with its
WAL files, the logs, window.ini and exports are 0600; the folders it makes are 0700. The
program is started as a person starts it, with an ordinary umask (022) that would let others
read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import PROGRAM

# The real entry point (the window, on the default database of a first start), closed by a
# person once it is up; just before, it prints the mode of every file then in its home.
WINDOW = """
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from backorder_desktop.__main__ import main

app = QApplication(sys.argv[:1])
home = Path(os.environ["BACKORDER_DESKTOP_HOME"])

def look_and_close():
    print(json.dumps({str(p.relative_to(home)): p.stat().st_mode & 0o777 for p in home.rglob("*")}))
    app.closeAllWindows()

QTimer.singleShot(0, look_and_close)
sys.exit(main([]))
"""


def run(command: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKORDER_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=home.parent,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),  # an everyday umask, whatever the test runner's
    )
    assert done.returncode == 0, done.stderr
    return done


def modes(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): oct(p.stat().st_mode & 0o777) for p in home.rglob("*")}


def test_what_the_program_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "new-home"  # a first start: not even the folder exists
    window = run([sys.executable, "-c", WINDOW], home)
    while_open = {name: oct(mode) for name, mode in json.loads(window.stdout.splitlines()[-1]).items()}
    assert {"backorders.sqlite3", "backorders.sqlite3-wal", "backorders.sqlite3-shm"} <= set(while_open)
    export = tmp_path / "stock.csv"
    run([PROGRAM, "export", "stock", "-o", str(export)], home)

    assert oct(home.stat().st_mode & 0o777) == "0o700", "the data folder"
    after = modes(home)
    assert after["logs"] == "0o700", after
    assert {"window.ini", "logs/backorder-desktop.log"} <= set(after), after
    for name, mode in {**while_open, **after}.items():
        if name != "logs":
            assert mode == "0o600", f"{name} is {mode}: {while_open} then {after}"
    assert oct(export.stat().st_mode & 0o777) == "0o600", "the export"
