"""The window on a postgresql:// URL with a password (issue 10): its title, the About box, the
status bar and error messages show `user:***@`; the child process of each run gets the URL
through a pipe, not its command line; no file the program writes holds the password."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from backorder_desktop import logs
from tests.security.conftest import ENCODED, Login, forms_of_the_password
from tests.security.test_password_in_messages import assert_secret_kept, files_under
from tests.ui.conftest import home, open_window, qapp_args
from tests.ui.helpers import settle

__all__ = ["home", "open_window", "qapp_args"]  # the window's fixtures


@pytest.fixture
def window_db(login: Login, home: Path) -> str:
    """The window's database: one the role owns, reached with its URL-encoded password."""
    return login.url()


@pytest.fixture
def log_file(home: Path) -> Iterator[Path]:
    """The program's log file in HOME, as the real program sets it up, for this test only."""
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    for handler in kept:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            root.removeHandler(handler)
    logs.setup()
    yield home / "logs" / "backorder-desktop.log"
    for handler in list(root.handlers):
        if handler not in kept:
            root.removeHandler(handler)
            handler.close()
    for handler in kept:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `ps` shows of each child process the program starts: its argv and environment,
    read from /proc as soon as it runs."""
    seen: list[dict[str, Any]] = []

    class Watched(subprocess.Popen):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            proc = Path(f"/proc/{self.pid}")
            # The kernel lets the parent go on a moment before it has set the child's new argv.
            while not (cmdline := (proc / "cmdline").read_bytes()) and self.poll() is None:
                time.sleep(0.001)
            seen.append(
                {
                    "args": args[0] if args else kwargs.get("args"),
                    "cmdline": cmdline.decode(errors="replace"),
                    "environ": (proc / "environ").read_bytes().decode(errors="replace"),
                }
            )

    monkeypatch.setattr(subprocess, "Popen", Watched)
    return seen


def about_text(window: Any) -> str:
    """Help › About, read and closed as a person would."""
    shown: list[str] = []

    def read_and_close() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, read_and_close)
            return
        shown.append(boxes[0].text())
        boxes[0].accept()

    QTimer.singleShot(0, read_and_close)
    window.about()
    return shown[0]


def test_the_window_shows_writes_and_passes_on_no_password(
    qtbot: Any, open_window: Any, login: Login, home: Path, log_file: Path, children: list[dict[str, Any]]
) -> None:
    window, _engine, bridge = open_window(demo=True)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)

    assert window.windowTitle() == f"Backorder Desktop — {login.shown()}"
    about = about_text(window)
    assert login.shown() in about, about

    with qtbot.waitSignal(bridge.run_finished, timeout=60_000) as finished:
        window.run_now("primary")
    assert finished.args[0].outcome in ("ok", "skipped"), finished.args[0]
    (child,) = children
    assert "backorder_desktop.scheduling.isolated" in child["cmdline"], child
    assert_secret_kept(str(child["args"]), child["cmdline"], child["environ"])

    window.switch_database(login.url(password=ENCODED + "Q"))  # a wrong password: refused
    settle()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert [box.text() for box in boxes if login.shown() in box.text()], [box.text() for box in boxes]
    for box in boxes:
        assert_secret_kept(box.text())
        box.close()
    window.switch_database(login.url())  # File › Open on it again: "Opening …", "Opened …"
    settle()
    assert f"Opened {login.shown()}." in said, said

    window.tabs.setCurrentIndex(2)
    window.tabs.setCurrentIndex(0)  # leaving Shipments marks them seen, in window.ini
    window.close()
    settle()

    assert_secret_kept(window.windowTitle(), about, *said)
    written = files_under(home)
    assert log_file in written and (home / "window.ini") in written, sorted(written)
    for path, text in written.items():
        assert_secret_kept(f"{path}:\n{text}")
    ini = QSettings(str(home / "window.ini"), QSettings.Format.IniFormat)
    keys = ini.allKeys()
    # QSettings reads a key's "//" as one "/"
    assert f"seen/{login.shown()}".replace("//", "/") in keys, keys
    for key in keys:
        assert_secret_kept(key, str(ini.value(key)))
    assert forms_of_the_password()
