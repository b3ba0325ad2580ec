"""File › Open database › A PostgreSQL server: where the server is, and a password typed unseen."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from backorder_desktop.store.urls import SCHEMES
from backorder_desktop.ui.widgets import label_for, named

PLACEHOLDER = "postgresql://user@host:5432/dbname"


def with_password(url: str, password: str) -> str:
    """URL with PASSWORD put in its user part, URL-encoded; URL as it is when PASSWORD is empty."""
    if not password or not url.startswith(SCHEMES):
        return url
    scheme, rest = url.split("://", 1)
    userinfo, at, place = rest.rpartition("@")
    user = userinfo.split(":", 1)[0] if at else ""
    return f"{scheme}://{user}:{quote(password, safe='')}@{place if at else rest}"


class ServerDialog(QDialog):
    """The server's URL, and its password in a field that shows dots: never on the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PostgreSQL server")
        self.url = named(QLineEdit(), "URL")
        self.url.setPlaceholderText(PLACEHOLDER)
        self.password = named(QLineEdit(), "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: ~/.pgpass or no password")
        form = QFormLayout()
        form.addRow(label_for("URL:", self.url), self.url)
        form.addRow(label_for("Password:", self.password), self.password)
        note = QLabel("The password is used to connect and is never shown, saved or logged.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def target(self) -> str:
        """The URL to connect to, with the typed password in it."""
        return with_password(self.url.text().strip(), self.password.text())


def ask_server(parent: QWidget | None) -> str | None:
    """Ask where the server is; None when the person cancels or types nothing."""
    dialog = ServerDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.target() or None
