"""File › Open database › A PostgreSQL server: the password is typed unseen and reaches only the URL
the program connects with, URL-encoded."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from backorder_desktop.store.urls import connection_settings, shown
from backorder_desktop.ui.server_dialog import ServerDialog, with_password

PASSWORD = "p@ss:w/rd%x"


def test_the_password_field_shows_dots_and_the_url_gets_it_encoded(qtbot) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.url, "postgresql://clerk@db.example:5432/warehouse")
    qtbot.keyClicks(dialog.password, PASSWORD)
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert PASSWORD not in dialog.password.displayText()
    target = dialog.target()
    assert connection_settings(target)["password"] == PASSWORD
    assert connection_settings(target)["user"] == "clerk"
    assert shown(target) == "postgresql://clerk:***@db.example:5432/warehouse"


def test_an_empty_password_leaves_the_url_to_pgpass() -> None:
    assert with_password("postgresql://clerk@db/warehouse", "") == "postgresql://clerk@db/warehouse"


def test_a_typed_password_replaces_one_written_in_the_url() -> None:
    target = with_password("postgresql://clerk:old@db/warehouse", "new one")
    assert target == "postgresql://clerk:new%20one@db/warehouse"
    assert with_password("postgresql://db/warehouse", "pw") == "postgresql://:pw@db/warehouse"
