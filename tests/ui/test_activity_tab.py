"""The Activity tab (SPEC 8): every change made through the window shows there, newest first, with
who made it and what changed; the filters by action, person, days and a search narrow it. On a
SQLite file and on a PostgreSQL database alike."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QDate

from backorder_desktop.domain import allocation, processes, team
from backorder_desktop.domain.shipments import shipment_number
from backorder_desktop.ui import shipments_tab
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, is_postgres, postgres_database
from tests.teams import as_user, new_login
from tests.ui.helpers import click, click_row, click_tab, read_every_row, settle

CLI = Path(sys.executable).parent / "backorder-desktop"
ACTIVITY = 7  # its tab (from 0), after Run Log
SAT = 5


@pytest.fixture(params=["sqlite", "postgresql"])
def shop(request: pytest.FixtureRequest, window_db: str) -> Iterator[str]:
    """Where the window's database lives: a SQLite file, or a new PostgreSQL database (made, with
    the demo data, by the window's fixture; dropped once the window is closed)."""
    if request.param == "sqlite":
        yield window_db
        return
    url = postgres_database(require_postgres(request))
    yield url
    drop_postgres_database(url)


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shipments_tab, "confirm", lambda parent, title, text: True)


def rows(tab) -> list[dict[str, str]]:
    """The Activity table as the person reads it, top to bottom: each row by its column titles."""
    model = tab.model
    read_every_row(model)
    titles = [column.title for column in model.listing.columns]
    return [
        {title: model.data(model.index(r, c)) for c, title in enumerate(titles)}
        for r in range(model.rowCount())
    ]


def colleague_imports(shop: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A colleague at another desk imports a receipt; returns their name. On a server, a staff
    member's role runs the command line. On SQLite the person is the login of the process, by
    its uid, and this machine has only one: the row another login's import would write is
    written as SQLite would get it from another program."""
    receipts = tmp_path / "PO-88.csv"
    receipts.write_text(
        "receipt,received_at,sku,qty\nPO-88,2026-11-24T09:30:00,NW-001,12\n", encoding="utf-8"
    )
    if not is_postgres(shop):
        with sqlite3.connect(shop) as other:
            other.execute(
                "INSERT INTO activity (at, login, host, action, subject, details) VALUES"
                " ('2026-11-24 09:31:00', 'alice', 'desk-2', 'import', 'PO-88.csv', 'receipts: 1 receipt')"
            )
        return "alice"
    name = new_login(require_postgres(request), "alice")
    team.change_level(name, "staff")  # by the window's person: the owner
    done = subprocess.run(
        [str(CLI), "--db", as_user(shop, name), "import", "receipts", str(receipts)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    return name


def test_changes_made_in_the_window_show_newest_first_and_the_filters_narrow_them(
    qtbot, shop: str, open_window, confirmed, tmp_path: Path, request: pytest.FixtureRequest
):
    window, _engine, _bridge = open_window(demo=True, target=shop)
    me = urlsplit(shop).username if is_postgres(shop) else getpass.getuser()
    assert allocation.run_process(processes.PRIMARY, "manual").record.shipments >= 2
    window.refresh_now()
    settle()

    # Ship one shipment and void another, on the Shipments tab.
    click_tab(qtbot, window, 2)
    tab = window.shipments
    tab.refresh()
    click_row(qtbot, tab.view, 0)
    (shipped,) = tab.selected_ids()
    click(qtbot, tab.ship_button)
    settle()
    click_row(qtbot, tab.view, 1)
    (voided,) = tab.selected_ids()
    click(qtbot, tab.void_button)
    settle()

    # Change the allocation order, on the Order Entry tab.
    click_tab(qtbot, window, 0)
    entry = window.order_entry
    click(qtbot, entry.edit_button)
    entry.order_by.setCurrentIndex(entry.order_by.findData("date"))
    click(qtbot, entry.save_button)
    settle()
    assert entry.state.text() == "Saved."

    # Run the Primary on Saturdays too, on the Schedule Setup tab.
    click_tab(qtbot, window, 1)
    schedule = window.schedule_setup
    schedule.table.selectRow(0)
    assert schedule.editor.title() == "7792 Primary Backorder Process"
    click(qtbot, schedule.days[SAT])
    settle()
    assert schedule.message.text().startswith("Saved at ")

    click_tab(qtbot, window, ACTIVITY)
    settle()
    activity = window.activity
    assert window.tabs.tabText(ACTIVITY) == "Activity"
    shown = rows(activity)
    numbers = [int(row["#"].replace(",", "")) for row in shown]
    assert numbers == sorted(numbers, reverse=True), "newest first"
    newest = [(row["User"], row["Action"], row["Subject"]) for row in shown[:5]]
    assert newest == [
        (me, "Schedule", "7792 Primary Backorder Process"),
        (me, "Preferences", "Order Entry"),
        (me, "Void shipment", shipment_number(voided)),
        (me, "Ship", shipment_number(shipped)),
        (me, "Run", "Primary Backorder Process"),
    ]
    days = shown[0]["Details"]
    assert days.startswith("days: ") and "-> " in days and "sat" in days.split("->")[1], days
    assert shown[1]["Details"] == "allocation order: priority -> date"
    for row in shown[2:4]:
        assert row["Details"].endswith(" units") and " line" in row["Details"], row
    assert shown[4]["Details"].startswith("run ") and "(manual): ok" in shown[4]["Details"]
    assert all(row["Machine"] for row in shown[:5])
    total = activity.model.rowCount()
    assert activity.count.text() == f"{total:,} changes"

    # By action: only shipments shipped (the demo's history has some too), ours on top.
    activity.action.setCurrentIndex(activity.action.findText("Ship"))
    settle()
    ships = rows(activity)
    assert {row["Action"] for row in ships} == {"Ship"}
    assert ships[0]["Subject"] == shipment_number(shipped)
    assert 1 < len(ships) < total
    assert activity.count.text() == f"{len(ships):,} changes"
    activity.action.setCurrentIndex(activity.action.findText("Preferences"))
    settle()
    assert rows(activity)[0]["Details"] == "allocation order: priority -> date"
    activity.action.setCurrentIndex(0)

    # By person: a colleague's import shows (the tab reads it by itself), and the User filter
    # offers them and shows only theirs.
    name = colleague_imports(shop, request, tmp_path)
    qtbot.waitUntil(lambda: activity.user.findText(name) >= 0, timeout=10_000)
    qtbot.waitUntil(lambda: rows(activity)[0]["User"] == name, timeout=10_000)
    assert activity.user.findText(me) >= 0
    activity.user.setCurrentIndex(activity.user.findText(name))
    settle()
    assert [(row["User"], row["Action"], row["Subject"]) for row in rows(activity)] == [
        (name, "Import", "PO-88.csv")
    ]
    activity.user.setCurrentIndex(activity.user.findText(me))
    settle()
    assert {row["User"] for row in rows(activity)} == {me}
    granted = 1 if is_postgres(shop) else 0  # the row of the colleague's grant, by the owner
    assert activity.model.rowCount() == total + granted, "everything else is the window's person's"
    activity.user.setCurrentIndex(0)

    # A search of subjects, details and people.
    activity.search.setText(shipment_number(voided))
    settle()
    assert [row["Action"] for row in rows(activity)] == ["Void shipment"]
    activity.search.setText("PRIORITY -> date")
    settle()
    assert [row["Action"] for row in rows(activity)] == ["Preferences"]
    activity.search.clear()

    # By days: none of these changes were made in the year 2000.
    click(qtbot, activity.dates.use)
    activity.dates.since.setDate(QDate(2000, 1, 1))
    activity.dates.until.setDate(QDate(2000, 12, 31))
    settle()
    assert activity.model.rowCount() == 0
    assert activity.count.text() == "0 changes"
    click(qtbot, activity.dates.use)
    settle()
    assert activity.model.rowCount() == total + granted + 1
