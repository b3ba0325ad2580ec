"""File › Open database never makes a database unasked, File › New database makes one, and a
database file deleted or moved under the open window is noticed and never silently replaced by
an empty one (issue 10)."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from contextlib import suppress
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from backorder_desktop.cli import parse_arguments
from backorder_desktop.scheduling.isolated import isolated_runner
from backorder_desktop.store import database
from backorder_desktop.store.database import query
from backorder_desktop.store.identity import APPLICATION_ID
from backorder_desktop.ui import app, main_window
from tests.places import drop_postgres_database, postgres_database
from tests.ui.helpers import products_shown, settle

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def messages() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def menu_action(window, text: str):
    (action,) = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == text]
    return action


class Dialogs:
    """The dialogs File › Open and File › New show, answered as a person would; what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, target: str, answer: QMessageBox.StandardButton):
        self.questions: list[str] = []
        server = target.startswith("postgresql://")
        kind = "A PostgreSQL server…" if server else "A SQLite file…"
        monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (kind, True))
        monkeypatch.setattr(main_window, "ask_server", lambda parent: target)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (target, ""))
        self.saved_with = target

        def question(parent, title, text, *args, **kwargs):
            self.questions.append(text)
            return answer

        monkeypatch.setattr(QMessageBox, "question", question)

    def no_save_dialog(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(*args, **kwargs):
            raise AssertionError("File › Open database showed a Save dialog")

        monkeypatch.setattr(QFileDialog, "getSaveFileName", refuse)


def test_open_on_a_path_with_no_database_asks_and_no_leaves_everything_as_it_was(
    qtbot, demo_app, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    typo = tmp_path / "typo.sqlite3"
    dialogs = Dialogs(monkeypatch, str(typo), No)
    dialogs.no_save_dialog(monkeypatch)
    menu_action(window, "&Open database…").trigger()
    settle()
    assert dialogs.questions == [f"No database at {typo}.\n\nCreate a new empty one?"]
    assert not typo.exists() and not Path(f"{typo}-wal").exists(), "a database was made unasked"
    assert window.target == str(db_path)
    assert products_shown(window) == 77, "the open database is still shown"
    assert not messages()


def test_open_on_a_path_with_no_database_and_yes_creates_an_empty_one(
    qtbot, demo_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    fresh = tmp_path / "fresh.sqlite3"
    fresh.touch()  # an empty file: no database either
    dialogs = Dialogs(monkeypatch, str(fresh), Yes)
    dialogs.no_save_dialog(monkeypatch)
    menu_action(window, "&Open database…").trigger()
    settle()
    assert len(dialogs.questions) == 1
    assert window.target == str(fresh)
    assert products_shown(window) == 0
    with sqlite3.connect(fresh) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    raw.close()


def test_new_database_makes_one_without_asking(
    qtbot, demo_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _engine, _bridge = demo_app
    made = tmp_path / "branch.sqlite3"
    dialogs = Dialogs(monkeypatch, str(made), No)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(made), ""))
    menu_action(window, "&New database…").trigger()
    settle()
    assert dialogs.questions == []
    assert window.target == str(made) and made.exists()
    assert products_shown(window) == 0


def test_an_empty_postgresql_database_is_set_up_only_when_the_person_agrees(
    qtbot, demo_app, db_path: Path, postgres_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL: no server (set BACKORDER_TEST_POSTGRES)")
    import psycopg

    window, _engine, _bridge = demo_app
    url = postgres_database(postgres_server)
    try:
        dialogs = Dialogs(monkeypatch, url, No)
        menu_action(window, "&Open database…").trigger()
        settle()
        assert len(dialogs.questions) == 1 and window.target == str(db_path)
        with psycopg.connect(url) as conn:
            count = conn.execute(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            assert count.fetchone()[0] == 0, "the database was set up unasked"
        Dialogs(monkeypatch, url, Yes)
        menu_action(window, "&Open database…").trigger()
        settle()
        assert window.target == url
        assert query("SELECT COUNT(*) FROM schedule") == [(2,)]
    finally:
        window.switch_database(str(db_path))
        settle()
        drop_postgres_database(url)


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_a_database_file_deleted_or_moved_under_the_window_is_noticed_once_and_never_recreated(
    qtbot, demo_app, db_path: Path, tmp_path: Path, how: str
) -> None:
    window, _engine, _bridge = demo_app
    assert window.file_watch.isActive() and window.file_watch.interval() <= 60_000
    window.file_watch.timeout.emit()  # the file is there: nothing to say
    assert not messages()
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            if how == "deleted":
                part.unlink()
            else:
                part.rename(tmp_path / f"elsewhere{suffix}")
    window.file_watch.timeout.emit()  # the window's next look at the file
    settle()
    boxes = messages()
    assert len(boxes) == 1, "the window did not say so, or said it more than once"
    text = boxes[0].text()
    assert str(db_path) in text and "deleted or moved" in text, text
    boxes[0].close()
    assert "deleted or moved" in window.statusBar().currentMessage()
    window.file_watch.timeout.emit()
    settle()
    assert not messages(), "said twice"

    with suppress(Exception):  # a scheduled run on the path: it fails, and makes nothing there
        isolated_runner(str(db_path))("primary", "schedule")
    window.run_now("primary")
    window.inventory.refresh()
    settle()
    for box in messages():
        box.close()
    assert not db_path.exists(), "a new empty database was made where the old one was"


def test_the_first_start_makes_the_default_database_but_never_another_path(
    qtbot, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backorder_desktop.paths import default_database
    from backorder_desktop.ui.main_window import MainWindow

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)  # the window opens, and is closed at once
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own: undone after
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    typo = tmp_path / "typo.sqlite3"
    assert app.run_window(parse_arguments(["--db", str(typo)])) == 1
    assert len(said) == 1 and "no database here" in said[0], said
    assert not typo.exists()
    assert not os.path.exists(default_database())
    try:
        assert app.run_window(parse_arguments([])) == 0
    finally:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()
        settle()
        database.close()
    assert os.path.exists(default_database()), "the first start makes the default database"
