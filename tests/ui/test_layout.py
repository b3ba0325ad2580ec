"""Every screen fits the small screens people have and uses the big ones well (issue 14, item 7):
at 1024×700 every column of a table is in view, at 1920×1080 the free space goes to the
descriptive column (a customer, a product, the details), not the last one; a long message in
the status bar is cut short with "…" rather than run under the next runs."""

from __future__ import annotations

import pytest

from backorder_desktop.domain import allocation, processes
from tests.ui.helpers import settle

DESCRIPTIVE = {
    "shipments": ("customer",),
    "orders": ("customer",),
    "backorders": ("customer", "product"),
    "inventory": ("product",),
    "run_log": ("error",),
    "activity": ("details",),
}


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_every_column_is_in_view_and_the_room_goes_to_the_descriptive_ones(qtbot, demo_app, size) -> None:
    window, _engine, _bridge = demo_app
    allocation.run_process(processes.PRIMARY, "manual")
    window.resize(*size)
    window.refresh_now()
    settle()
    for name, descriptive in DESCRIPTIVE.items():
        tab = getattr(window, name)
        window.tabs.setCurrentWidget(tab)
        settle()
        view, listing = tab.view, tab.model.listing
        header = view.horizontalHeader()
        room = view.viewport().width()
        right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in range(header.count()))
        assert right <= room + 1, f"{name} at {size}: the columns end at {right}, the view at {room}"
        widest = {listing.columns[c].field: header.sectionSize(c) for c in range(header.count())}
        if size[0] == 1920:
            wanted = {field: widest[field] for field in descriptive}
            others = [width for field, width in widest.items() if field not in descriptive]
            assert min(wanted.values()) > max(others), f"{name}: the room went elsewhere: {widest}"


def test_a_long_status_message_is_cut_short_not_run_under_the_next_runs(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    window.resize(1024, 700)
    settle()
    bar = window.statusBar()
    message = "Secondary Backorder Process: 2 shipments, 12 units allocated. " * 3
    bar.showMessage(message)
    bar.repaint()
    settle()
    assert bar.currentMessage() == message
    assert bar.toolTip() == message, "cut short, the whole message is in the tooltip"
    assert window.next_runs.isVisible()
    bar.showMessage("Saved.")
    bar.repaint()
    settle()
    assert bar.toolTip() == "", "a message that fits is shown whole"
