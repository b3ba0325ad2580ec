"""Administrators and staff in the window (SPEC 8), on a PostgreSQL database with real login roles:
staff see the Order Entry and Schedule Setup tabs read-only, with the reason, and still ship and
run; an administrator changes a schedule, saved and logged; rights taken away while the window is
open are said in plain words on the next write, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from backorder_desktop.domain import allocation, processes, schedules, team
from backorder_desktop.store import database
from backorder_desktop.ui import app, shipments_tab
from backorder_desktop.ui.errors import ReportDialog
from backorder_desktop.ui.rights import ONLY_ADMINISTRATOR
from tests.conftest import require_postgres
from tests.places import Place
from tests.teams import as_user, new_login, team_database
from tests.ui.helpers import click, click_row, click_tab, settle

CLI = Path(sys.executable).parent / "backorder-desktop"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ACTIVITY = 7
SAT = 5


class Team:
    """A database of the demo data on the test server, its owner's URL, and its people."""

    def __init__(self, server: str, owner: str) -> None:
        self.server = server
        self.owner = owner

    def person(self, name: str, level: str) -> str:
        """A new login role made LEVEL ('admin' or 'staff') by the owner; returns its name."""
        role = new_login(self.server, name)
        self.grant(role, level)
        return role

    def grant(self, role: str, level: str) -> None:
        """The owner's `grant` on the command line, at another desk."""
        done = subprocess.run(
            [str(CLI), "--db", self.owner, "grant", role, level], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr

    def url_of(self, role: str) -> str:
        return as_user(self.owner, role)

    def read(self, sql: str) -> list[tuple]:
        """What the database holds, read by its owner."""
        import psycopg

        with psycopg.connect(self.owner) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def shop(request: pytest.FixtureRequest, tmp_path: Path, home: Path) -> Iterator[Team]:
    """The demo data, with pending shipments of a Primary run, in a database with groups of its
    own, made by its owner (the test server's superuser)."""
    server = require_postgres(request)
    place = Place("postgresql", tmp_path, server)
    try:
        owner = team_database(place)
        app.prepare(owner, demo=True)
        assert allocation.run_process(processes.PRIMARY, "manual").record.shipments > 2
        database.close()
        yield Team(server, owner)
    finally:
        database.close()
        place.discard()


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shipments_tab, "confirm", lambda parent, title, text: True)


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def report_dialogs() -> list[ReportDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog) and w.isVisible()]


def cell(view, row: int, field: str) -> str:
    model = view.model()
    return str(model.data(model.index(row, model.listing.index_of(field))))


def activity_rows(window, count: int) -> list[tuple[str, str, str]]:
    """The newest COUNT rows of the Activity tab: user, action, subject."""
    view = window.activity.view
    return [(cell(view, r, "user"), cell(view, r, "action"), cell(view, r, "subject")) for r in range(count)]


def order_entry_changers(window) -> list:
    tab = window.order_entry
    return [tab.enable, tab.order_by, tab.edit_button, tab.save_button, tab.cancel_button]


def schedule_changers(window) -> list:
    tab = window.schedule_setup
    return [tab.enabled, tab.every, tab.unit, *tab.days, tab.start, tab.end]


def read_only_with_the_reason(widgets) -> bool:
    return all(not w.isEnabled() and w.toolTip() == ONLY_ADMINISTRATOR for w in widgets)


def test_staff_see_order_entry_and_schedule_setup_read_only_and_still_ship_and_run(
    qtbot, shop: Team, open_window, confirmed, tmp_path: Path
):
    bob = shop.person("bob", "staff")
    window, _engine, bridge = open_window(target=shop.url_of(bob))
    window.resize(1280, 760)
    settle()
    line = f"Only an administrator can change this. You are signed in as {bob} (staff)."

    entry = window.order_entry
    assert window.tabs.currentWidget() is entry
    assert entry.staff.isVisible() and entry.staff.text() == line
    assert read_only_with_the_reason(order_entry_changers(window))
    folder = SCREENSHOTS if os.environ.get("BACKORDER_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(folder / "order-entry-staff.png"))

    click_tab(qtbot, window, 1)
    schedule = window.schedule_setup
    assert schedule.staff.isVisible() and schedule.staff.text() == line
    for row in range(2):  # either schedule: nothing in the editor takes input
        schedule.table.selectRow(row)
        assert read_only_with_the_reason(schedule_changers(window)), schedule.editor.title()
    schedule.table.selectRow(0)
    assert schedule.editor.title() == "7792 Primary Backorder Process"
    assert schedule.run_now.isEnabled(), "staff may start a process"
    assert window.grab().save(str(folder / "schedule-setup-staff.png"))
    with qtbot.waitSignal(bridge.run_finished, timeout=30_000) as finished:
        click(qtbot, schedule.run_now)
    settle()
    assert finished.args[0].outcome == "ok"

    click_tab(qtbot, window, 2)
    tab = window.shipments
    tab.refresh()
    click_row(qtbot, tab.view, 0)
    (shipped,) = tab.selected_ids()
    assert cell(tab.view, 0, "status") == "Pending"
    click(qtbot, tab.ship_button)
    settle()
    row = tab.model.row_of(shipped)
    assert cell(tab.view, row, "status") == "Shipped"
    assert cell(tab.view, row, "closed_user") == bob
    assert cell(tab.view, row, "created_user") == "postgres"
    history = tab.history.text()
    assert (
        history.startswith("Created ") and " by Primary Backorder Process, entered by postgres · " in history
    )
    assert history.split(" · ")[1].startswith("Shipped ") and history.endswith(f" by {bob}"), history
    assert shop.read(f"SELECT status, closed_user FROM shipment WHERE id = {shipped}") == [("shipped", bob)]

    click_tab(qtbot, window, ACTIVITY)
    settle()
    assert activity_rows(window, 2) == [
        (bob, "Ship", tab.model.row(row).number),
        (bob, "Run", "Primary Backorder Process"),
    ]
    assert not message_boxes() and not report_dialogs()


def test_an_administrator_changes_a_schedule_and_the_preferences_saved_and_logged(
    qtbot, shop: Team, open_window
):
    alice = shop.person("alice", "admin")
    window, _engine, _bridge = open_window(target=shop.url_of(alice))
    settle()
    entry = window.order_entry
    assert not entry.staff.isVisible()
    assert entry.edit_button.isEnabled() and entry.edit_button.toolTip() != ONLY_ADMINISTRATOR
    click(qtbot, entry.edit_button)
    entry.order_by.setCurrentIndex(entry.order_by.findData("date"))
    click(qtbot, entry.save_button)
    settle()
    assert entry.state.text() == "Saved."

    click_tab(qtbot, window, 1)
    schedule = window.schedule_setup
    assert not schedule.staff.isVisible()
    schedule.table.selectRow(0)
    saturday = schedule.days[SAT]
    assert saturday.isEnabled() and saturday.toolTip() == ""
    was = saturday.isChecked()
    click(qtbot, saturday)
    settle()
    assert schedule.message.text().startswith("Saved at ")
    saved = schedules.load(processes.PRIMARY_CODE).rule.days
    assert (SAT in saved) is not was
    assert shop.read("SELECT days FROM schedule WHERE code = 7792")[0][0] == ",".join(
        schedules.DAYS[d] for d in sorted(saved)
    )

    click_tab(qtbot, window, ACTIVITY)
    settle()
    assert activity_rows(window, 2) == [
        (alice, "Schedule", "7792 Primary Backorder Process"),
        (alice, "Preferences", "Order Entry"),
    ]
    assert cell(window.activity.view, 0, "details").startswith("days: ")
    assert cell(window.activity.view, 1, "details") == "allocation order: priority -> date"


def test_staff_whose_rights_were_taken_away_are_told_permission_denied_on_the_next_write(
    qtbot, shop: Team, open_window, confirmed
):
    bob = shop.person("bob", "staff")
    window, _engine, _bridge = open_window(target=shop.url_of(bob))
    settle()
    click_tab(qtbot, window, 2)
    tab = window.shipments
    click_row(qtbot, tab.view, 0)
    (chosen,) = tab.selected_ids()

    shop.grant(bob, "none")  # by the owner, at another desk, while bob's window is open
    click(qtbot, tab.ship_button)
    settle()
    (box,) = message_boxes()
    assert box.text().startswith("permission denied"), box.text()
    assert f"as {bob}." in box.text()
    assert "Traceback" not in box.text() and "psycopg" not in box.text()
    assert window.statusBar().currentMessage().startswith("permission denied")
    assert not report_dialogs() and window.reporter.shown == []
    assert shop.read(f"SELECT status FROM shipment WHERE id = {chosen}") == [("pending",)]
    box.close()

    # Reading is refused too now: the next shipment's lines say so in place.
    click_row(qtbot, tab.view, 1)
    settle()
    assert tab.detail_title.text().startswith("The lines of S"), tab.detail_title.text()
    assert ": permission denied" in tab.detail_title.text()
    assert not report_dialogs() and window.reporter.shown == []


def test_an_administrator_made_staff_while_the_window_is_open_is_refused_and_sees_the_saved_values(
    qtbot, shop: Team, open_window
):
    alice = shop.person("alice", "admin")
    window, _engine, _bridge = open_window(target=shop.url_of(alice))
    settle()
    window.watcher.stop()  # the window does not look again before she changes something
    before = shop.read("SELECT days, saved_at FROM schedule ORDER BY code")

    # A schedule: the change is refused, the saved days come back, the tab turns read-only.
    click_tab(qtbot, window, 1)
    schedule = window.schedule_setup
    schedule.table.selectRow(0)
    saturday = schedule.days[SAT]
    was = saturday.isChecked()
    shop.grant(alice, "staff")
    click(qtbot, saturday)
    settle()
    assert schedule.message.text() == (
        f"Not saved: permission denied: changing the schedules needs an administrator ({alice} is staff)"
    )
    assert saturday.isChecked() is was
    assert (
        schedule.staff.text()
        == f"Only an administrator can change this. You are signed in as {alice} (staff)."
    )
    assert read_only_with_the_reason(schedule_changers(window))
    assert shop.read("SELECT days, saved_at FROM schedule ORDER BY code") == before

    # The preferences: an administrator again, she edits; made staff before she saves.
    shop.grant(alice, "admin")
    click_tab(qtbot, window, 0)
    window.refresh_now()
    settle()
    entry = window.order_entry
    assert not entry.staff.isVisible() and entry.edit_button.isEnabled()
    click(qtbot, entry.edit_button)
    entry.order_by.setCurrentIndex(entry.order_by.findData("date"))
    shop.grant(alice, "staff")
    click(qtbot, entry.save_button)
    settle()
    assert entry.state.text() == (
        "Not saved: permission denied: changing the Order Entry preferences needs an administrator"
        f" ({alice} is staff)"
    )
    assert entry.order_by.currentData() == "priority", "the saved value is shown again"
    assert entry.staff.isVisible() and read_only_with_the_reason(order_entry_changers(window))
    assert shop.read("SELECT allocation_order FROM preferences") == [("priority",)]
    assert not message_boxes() and not report_dialogs()


def test_the_servers_own_refusal_of_a_schedule_change_reads_permission_denied(
    qtbot, shop: Team, open_window, monkeypatch: pytest.MonkeyPatch
):
    """Had the program not asked first, the server refuses all the same: the person reads its
    refusal in plain words, and the saved schedule again."""
    alice = shop.person("alice", "admin")
    window, _engine, _bridge = open_window(target=shop.url_of(alice))
    settle()
    window.watcher.stop()
    monkeypatch.setattr(team, "require_administrator", lambda what: None)  # the program does not ask
    before = shop.read("SELECT days, saved_at FROM schedule ORDER BY code")
    click_tab(qtbot, window, 1)
    schedule = window.schedule_setup
    schedule.table.selectRow(0)
    saturday = schedule.days[SAT]
    was = saturday.isChecked()
    shop.grant(alice, "staff")
    click(qtbot, saturday)
    settle()
    said = schedule.message.text()
    assert said.startswith("Not saved: permission denied: "), said
    assert "schedule" in said and "Traceback" not in said and "psycopg" not in said
    assert saturday.isChecked() is was
    assert read_only_with_the_reason(schedule_changers(window))
    assert window.statusBar().currentMessage().startswith("permission denied")
    assert shop.read("SELECT days, saved_at FROM schedule ORDER BY code") == before
    assert not report_dialogs() and window.reporter.shown == []
