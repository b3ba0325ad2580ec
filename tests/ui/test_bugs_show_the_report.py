"""A bug met in the window (issue 11 item 1) shows the crash dialog with its traceback, which is
also in the log, and never passes for a problem the person could fix; a problem of the
environment stays a plain message."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import peewee
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from backorder_desktop.cli import parse_arguments
from backorder_desktop.store import database
from backorder_desktop.store.database import query
from backorder_desktop.store.schema import open_database
from backorder_desktop.ui import app
from backorder_desktop.ui.errors import ReportDialog, describe
from tests.ui.helpers import click, settle


def report_dialogs() -> list[ReportDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog) and w.isVisible()]


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_a_column_missing_from_the_database_is_a_bug_with_the_crash_dialog(
    qtbot, window, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(peewee.OperationalError) as caught:
        query("SELECT no_such_column FROM preferences")
    assert describe(caught.value, str(db_path)) is None, "a bug is not dressed up as a plain message"

    # The schema changed behind the program's back: saving the preferences meets the bug.
    with sqlite3.connect(db_path) as other:
        other.execute("ALTER TABLE preferences DROP COLUMN allocation_order")
    other.close()
    caplog.set_level(logging.ERROR)
    tab = window.order_entry
    click(qtbot, tab.edit_button)
    click(qtbot, tab.enable)
    click(qtbot, tab.save_button)
    settle()
    qtbot.waitUntil(lambda: bool(report_dialogs()), timeout=10_000)

    (dialog,) = report_dialogs()
    report = dialog.report.toPlainText()
    assert "Traceback (most recent call last)" in report, report
    assert "allocation_order" in report, report
    assert not message_boxes(), "a bug shown as a plain message"
    assert "Traceback (most recent call last)" in caplog.text and "allocation_order" in caplog.text
    dialog.close()


def test_a_bug_while_the_window_starts_shows_the_report_not_a_plain_message(
    qtbot, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shop = tmp_path / "shop.sqlite3"
    open_database(str(shop), create=True)
    database.close()
    with sqlite3.connect(shop) as other:  # the list of schema steps lost the column of their names
        other.execute("ALTER TABLE schema_migration RENAME COLUMN name TO step")
    other.close()
    plain: list[str] = []
    reports: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: plain.append(text))
    monkeypatch.setattr(ReportDialog, "exec", lambda dialog: reports.append(dialog.report.toPlainText()))
    caplog.set_level(logging.ERROR)

    assert app.run_window(parse_arguments(["--db", str(shop)])) == 1

    assert not plain, plain
    (report,) = reports
    assert "Traceback (most recent call last)" in report and "no such column" in report, report
    assert "Traceback (most recent call last)" in caplog.text
