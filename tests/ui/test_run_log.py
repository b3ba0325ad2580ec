"""The Run Log people can read: runs that changed nothing are kept but hidden unless asked for (and
counted), newest first with an arrow that says so, failed and skipped runs stand out, the chart's
axes start at zero."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QHeaderView

from backorder_desktop.domain import allocation
from backorder_desktop.domain.browse import RunPoint
from tests.ui.helpers import click, settle
from tests.ui.test_stays_current import another_program, rows_shown, shoot


def runs_of_every_kind(window_db: str) -> None:
    """One run that allocated, two that found nothing new, one skipped and one failed."""
    another_program(window_db, "run", "primary")  # the demo's receipts: shipments made
    another_program(window_db, "run", "primary")  # nothing new
    another_program(window_db, "run", "secondary")  # weighs the demo's adjustments, fills nothing
    another_program(window_db, "run", "primary")  # nothing new
    another_program(window_db, "prefs", "--disable")
    another_program(window_db, "run", "secondary")  # skipped
    another_program(window_db, "prefs", "--enable")
    allocation.record_failure("primary", "schedule", "OperationalError: disk I/O error")


def test_runs_that_changed_nothing_are_hidden_and_counted_until_the_person_asks_for_them(
    qtbot, demo_app, window_db: str
):
    window, _engine, _bridge = demo_app
    runs_of_every_kind(window_db)
    window.tabs.setCurrentWidget(window.run_log)
    tab = window.run_log
    all_runs = 6
    idle = [r for r in allocation_records() if r.outcome == "ok" and r.ledger_rows == 0 and r.shipments == 0]
    assert len(idle) == 2
    qtbot.waitUntil(lambda: tab.model.rowCount() == all_runs - len(idle), timeout=5_000)
    settle()  # the count of hidden runs is read beside the rows
    assert not tab.show_idle.isChecked(), "hidden by default"
    assert tab.show_idle.text() == "Show runs that changed nothing"
    assert tab.hidden.text() == f"{len(idle)} runs that changed nothing are hidden."
    assert set(rows_shown(tab.view, "outcome")) == {"Ok", "Skipped", "Failed"}

    click(qtbot, tab.show_idle)
    settle()
    assert tab.model.rowCount() == all_runs
    assert tab.hidden.text() == ""
    click(qtbot, tab.show_idle)
    settle()
    assert tab.model.rowCount() == all_runs - len(idle)


def allocation_records() -> list[allocation.RunRecord]:
    from backorder_desktop.domain.browse import Filters, RunListing

    listing = RunListing()
    return listing.page(Filters(), limit=100).rows


def arrow_of(header: QHeaderView, section: int) -> str:
    """Which way the sort arrow drawn in SECTION of HEADER points: 'up' or 'down'."""
    image: QImage = header.grab().toImage()
    left = header.sectionViewportPosition(section)
    box = QRect(left, 0, header.sectionSize(section), image.height())
    background = image.pixelColor(box.left() + 2, box.bottom() - 2).lightness()
    widths = []
    # The indicator sits at the section's right end, beside its title (which a column sized to
    # its content brings close): only what lies right of the title is looked at.
    title = str(header.model().headerData(section, Qt.Orientation.Horizontal))
    after_title = box.left() + (box.width() + header.fontMetrics().horizontalAdvance(title)) // 2 + 2
    for y in range(box.top(), box.bottom()):
        dark = [
            x
            for x in range(max(box.right() - 22, after_title), box.right() - 1)
            if background - image.pixelColor(x, y).lightness() > 60
        ]
        if dark:
            widths.append(len(dark))
    assert len(widths) >= 2, "no sort arrow drawn"
    return "down" if widths[0] > widths[-1] else "up"


def test_newest_first_and_the_arrow_says_so(qtbot, demo_app, window_db: str):
    window, _engine, _bridge = demo_app
    another_program(window_db, "run", "primary")
    another_program(window_db, "run", "secondary")
    window.tabs.setCurrentWidget(window.run_log)
    tab = window.run_log
    tab.show_idle.setChecked(True)
    settle()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5_000)
    ids = [int(n) for n in rows_shown(tab.view, "id")]
    assert ids == sorted(ids, reverse=True), "newest first"
    header = tab.view.horizontalHeader()
    run_column = tab.model.listing.index_of("id")
    assert header.sortIndicatorSection() == run_column
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert arrow_of(header, run_column) == "down", "newest first reads as an arrow pointing down"
    header.setSortIndicator(run_column, Qt.SortOrder.AscendingOrder)
    settle()
    assert [int(n) for n in rows_shown(tab.view, "id")] == sorted(ids)
    assert arrow_of(header, run_column) == "up"


def test_failed_and_skipped_runs_stand_out(qtbot, demo_app, window_db: str):
    window, _engine, _bridge = demo_app
    runs_of_every_kind(window_db)
    window.tabs.setCurrentWidget(window.run_log)
    tab = window.run_log
    qtbot.waitUntil(lambda: "Failed" in rows_shown(tab.view, "outcome"), timeout=5_000)
    model = tab.model
    outcomes = rows_shown(tab.view, "outcome")
    tints = {}
    for row, outcome in enumerate(outcomes):
        tint = model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
        tints.setdefault(outcome, set()).add(QColor(tint).name() if tint is not None else None)
    assert tints["Ok"] == {None}, "an ordinary run is plain"
    (failed,) = tints["Failed"]
    (skipped,) = tints["Skipped"]
    assert failed and skipped and failed != skipped
    assert QColor(failed).red() > QColor(failed).green(), "a failed run is tinted red"
    outcome_column = model.listing.index_of("outcome")
    failed_row = outcomes.index("Failed")
    assert model.data(model.index(failed_row, outcome_column), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(outcomes.index("Ok"), outcome_column), Qt.ItemDataRole.FontRole) is None

    # What a person sees, saved for the report.
    window.resize(1280, 760)
    shoot(window, "run-log.png")
    tab.show_idle.setChecked(True)
    settle()
    shoot(window, "run-log-all.png")


def test_the_chart_axes_start_at_zero(qtbot, demo_app):
    window, _engine, _bridge = demo_app
    chart = window.run_log.chart
    from datetime import datetime

    chart.set_points(
        [
            RunPoint(datetime(2026, 11, 24, 9, 0), 549, 5_511),
            RunPoint(datetime(2026, 11, 24, 9, 30), 12, 5_499),
        ]
    )
    units, waiting = chart.axes()
    assert units.lowest == 0 and units.highest >= 549
    assert waiting.lowest == 0 and waiting.highest >= 5_511
    assert units.labels[0] == "0" and waiting.labels[0] == "0"
    assert units.labels[-1] == f"{units.highest:,}"
    # The line sits where its value is on an axis from zero: 5,511 of (say) 6,000, not at the top.
    top, bottom = chart.plot_area().top(), chart.plot_area().bottom()
    y = chart.y_of(5_511, waiting)
    assert abs((bottom - y) / (bottom - top) - 5_511 / waiting.highest) < 0.01
