"""Errors in the window: problems of the environment as plain messages, bugs as a copyable report."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop import __version__
from backorder_desktop.domain.errors import BadInput, Refused
from backorder_desktop.store.errors import explain

log = logging.getLogger(__name__)


class ReportDialog(QDialog):
    """An unexpected error: what happened, and a report the person can copy to us."""

    def __init__(self, summary: str, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backorder Desktop: unexpected error")
        layout = QVBoxLayout(self)
        label = QLabel(
            f"<b>Something went wrong.</b><br>{summary}<br>"
            "Nothing was saved by the step that failed. The report below is also in the log file."
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Error report")
        self.report.setMinimumSize(640, 260)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setAccessibleName("Copy report")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def describe(error: BaseException, target: str = "database") -> str | None:
    """A plain message for errors a person can act on (bad input, a refusal, a database error of
    the environment, by its driver's code); None for a bug, which gets the report dialog."""
    if isinstance(error, BadInput):
        return "\n".join(str(p) for p in error.problems)
    if isinstance(error, Refused):
        return str(error)
    problem = explain(error, target)
    return None if problem is None else str(problem)


def plain_message(error: BaseException) -> str:
    """What to tell the person in a dialog that stays open: the plain message of ERROR, or for
    a bug a short line (its report goes to the log)."""
    plain = describe(error)
    if plain is None:
        log.error("unexpected error", exc_info=error)
        return f"an unexpected error ({type(error).__name__}); the details are in the log file"
    return plain


class _Relay(QObject):
    """Carries an error from any thread to the window's thread."""

    happened = Signal(str, str)


class ErrorReporter:
    """Installs sys.excepthook and threading.excepthook; shows a dialog in the window's thread."""

    def __init__(self) -> None:
        self.relay = _Relay()
        self.relay.happened.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.shown: list[str] = []
        self.open_dialogs: list[ReportDialog] = []
        self.parent: QWidget | None = None  # the main window, once there is one

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        self.report(error, "".join(traceback.format_exception(kind, error, tb)))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        self.report(args.exc_value, f"in thread {args.thread.name if args.thread else '?'}:\n{text}")

    def report(self, error: BaseException, text: str) -> None:
        log.error("unhandled error: %s", text)
        self.relay.happened.emit(*_summary_and_report(error, text))

    def _show(self, summary: str, report: str) -> None:
        self.shown.append(summary)
        dialog = ReportDialog(summary, report, QApplication.activeWindow() or self.parent)
        # Held until closed: a dialog without a parent would otherwise vanish at once.
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _code: self.open_dialogs.remove(dialog))
        dialog.open()


def report_before_the_window(error: BaseException) -> None:
    """A bug met before the window exists (while its database opens): logged, and shown in the
    report dialog until the person closes it."""
    text = "".join(traceback.format_exception(error))
    log.error("unhandled error: %s", text)
    ReportDialog(*_summary_and_report(error, text)).exec()


def _summary_and_report(error: BaseException, text: str) -> tuple[str, str]:
    summary = describe(error) or f"{type(error).__name__}: {error}"
    return summary, f"Backorder Desktop {__version__}, Python {sys.version.split()[0]}\n\n{text}"
