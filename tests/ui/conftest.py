"""Fixtures for the window's tests: a real MainWindow on a scratch SQLite file, driven with pytest-qt.

Every test gets its own database file (the `db_path` fixture of tests/conftest.py) and its own
settings folder (BACKORDER_DESKTOP_HOME), so window geometry and "seen" marks never leak between
tests. Background work is waited for with `settle`, never with sleeps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from backorder_desktop.scheduling.bridge import EngineBridge
from backorder_desktop.scheduling.engine import Engine
from backorder_desktop.store import database
from backorder_desktop.ui import app
from backorder_desktop.ui.main_window import MainWindow
from tests.ui.helpers import settle

Built = tuple[MainWindow, Engine, EngineBridge]


@pytest.fixture(scope="session")
def qapp_args(pytestconfig, tmp_path_factory) -> list[str]:
    """Headless Qt with a desktop-sized screen: the offscreen platform's default 800x600 screen is
    narrower than the window's minimum width, so Qt would clamp every restored geometry."""
    args = [pytestconfig.getini("qt_qapp_name")]
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":
        config = tmp_path_factory.mktemp("qt") / "screens.json"
        screen = {"name": "desktop", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96}
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        args += ["-platform", f"offscreen:configfile={config}"]
    return args


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data folder: window.ini (geometry, seen shipments) lives here."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("BACKORDER_DESKTOP_HOME", str(folder))
    return folder


@pytest.fixture
def window_db(db_path: Path, home: Path) -> str:
    """The SQLite file the window opens (always SQLite: unlike `target` of tests/conftest.py, the
    window's tests run once), with the private data folder set up first."""
    return str(db_path)


@pytest.fixture
def open_window(qtbot, window_db: str) -> Iterator[Callable[..., Built]]:
    """Build windows on WINDOW_DB, or on TARGET when given (a PostgreSQL URL, say, as one person
    signs in); the first call on each prepares its database, with demo data if asked."""
    built: list[Built] = []
    prepared: set[str] = set()

    def make(demo: bool = False, show: bool = True, target: str | None = None) -> Built:
        where = target or window_db
        if where not in prepared:
            app.prepare(where, demo, create=target is None)
            prepared.add(where)
        window, engine, bridge = app.build(where)
        qtbot.addWidget(window)
        built.append((window, engine, bridge))
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window, engine, bridge

    yield make
    for window, engine, _bridge in built:
        engine.stop()
        window.engine.stop()  # another one, if the test opened another database
    settle()
    for window, _engine, _bridge in built:
        window.close()
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and not isinstance(widget, MainWindow):
            widget.close()
    settle(1)
    database.close()


@pytest.fixture
def window(open_window: Callable[..., Built]) -> MainWindow:
    """The window on an empty (migrated) database."""
    return open_window()[0]


@pytest.fixture
def demo_app(open_window: Callable[..., Built]) -> Built:
    """The window on the demo data set."""
    return open_window(demo=True)
