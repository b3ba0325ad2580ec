"""The Shipments tab's paperwork: packing slips and a pick list of the selected shipments, read
off the window's thread and shown in a print preview, to print or save as PDF.

The drawing and the printing (Qt's print support) are loaded when paperwork is first asked
for, not when the window starts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from backorder_desktop.domain import packing
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.widgets import tell
from backorder_desktop.ui.workers import in_background

if TYPE_CHECKING:
    from backorder_desktop.ui.paper import PrintPreview


def void_refused(numbers: list[str]) -> str:
    """Why void shipments get no packing slip: "S0000003 is void: …"."""
    named = " and ".join([", ".join(numbers[:-1]), numbers[-1]] if len(numbers) > 1 else numbers)
    verb = "are" if len(numbers) > 1 else "is"
    return f"{named} {verb} void: a void shipment has nothing to pack, so it gets no packing slip."


class Paperwork:
    """Prints for the shipments SELECTED returns; MESSAGE tells the status bar what became of
    them, FAILED hands on an error of the database."""

    def __init__(
        self,
        parent: QWidget,
        selected: Callable[[], list[int]],
        message: Callable[[str], None],
        failed: Callable[[BaseException, str], None],
    ) -> None:
        self.parent = parent
        self.selected = selected
        self.message = message
        self.failed = failed
        self.preview: PrintPreview | None = None  # the print preview shown last

    def print_slips(self) -> None:
        """Read the selected shipments' packing slips, then show them."""
        ids = self.selected()
        if not ids:
            self.message("Select the shipments to print packing slips for.")
            return
        in_background(lambda: packing.packing_slips(ids), self._preview_slips, self.failed)

    def _preview_slips(self, found: packing.Slips) -> None:
        from backorder_desktop.ui import packing_slip
        from backorder_desktop.ui.paper import PrintPreview

        if not found.slips:
            if found.void:
                tell(self.parent, "No packing slip", void_refused(found.void), problem=True)
            return
        title = f"{packing_slip.TITLE}: {counted(len(found.slips), 'shipment')}"
        if found.void:
            title += f" ({', '.join(found.void)} left out: void)"
        what = counted(len(found.slips), "packing slip")
        drawing = packing_slip.drawing(found.slips)
        self._show(
            PrintPreview(title, what, "packing-slips.pdf", drawing, self.message, self.parent), found.void
        )

    def print_pick_list(self) -> None:
        """Read the pick list of the selected pending shipments, then show it."""
        ids = self.selected()
        if not ids:
            self.message("Select the pending shipments to pick.")
            return
        in_background(lambda: packing.pick_list(ids), self._preview_pick_list, self.failed)

    def _preview_pick_list(self, pick: packing.PickList) -> None:
        from backorder_desktop.ui import pick_list
        from backorder_desktop.ui.paper import PrintPreview

        if not pick.shipments:
            if not pick.left_out:
                return
            named = ", ".join(f"{number} is {status}" for number, status in pick.left_out[:5])
            tell(self.parent, "No pick list", f"Only pending shipments are picked: {named}.", problem=True)
            return
        title = f"{pick_list.TITLE}: {counted(len(pick.shipments), 'shipment')}"
        drawing = pick_list.drawing(pick)
        self._show(
            PrintPreview(title, "the pick list", "pick-list.pdf", drawing, self.message, self.parent), []
        )

    def _show(self, preview: PrintPreview, void: list[str]) -> None:
        """Show PREVIEW; first, if VOID shipments were left out of it, say so and why."""
        if self.preview is not None:
            self.preview.deleteLater()
        self.preview = preview
        if not void:
            preview.open()
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Void shipments left out",
            f"{void_refused(void)}\n\nThe packing slips of the other shipments are shown next.",
            QMessageBox.StandardButton.Ok,
            self.parent,
        )
        box.finished.connect(lambda _result: preview.open())
        box.finished.connect(box.deleteLater)
        box.open()
