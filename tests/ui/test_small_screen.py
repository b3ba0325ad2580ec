"""The first start on a small screen (a 1024x700 laptop): the window fits, status bar included.

The window is built in a program of its own, since Qt's screen is chosen once per program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHOW = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(["backorder-desktop", "-platform", "offscreen:configfile=" + sys.argv[1]])
from backorder_desktop.ui import app as window_app
window_app.prepare(sys.argv[2], False, create=True)
window, engine, _bridge = window_app.build(sys.argv[2])
window.show()
app.processEvents()
room = window.screen().availableGeometry()
print(window.width(), window.height(), room.width(), room.height())
engine.stop()
"""


def test_the_first_start_fits_a_1024_by_700_screen(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": 1024, "height": 700, "logicalDpi": 96}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ, BACKORDER_DESKTOP_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SHOW, str(config), str(tmp_path / "shop.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    width, height, room_width, room_height = map(int, done.stdout.split()[-4:])
    assert (room_width, room_height) == (1024, 700)
    assert width <= 1024 and height <= 700 - 40, f"{width}x{height} does not fit with a title bar"
