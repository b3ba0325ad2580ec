"""Printed pages: drawing in millimetres on a printer or a PDF, a print preview, Code 128 barcodes.

Packing slips and pick lists are drawn with a QPainter, page by page, rather than laid out as
rich text: the program decides where each page ends, so a slip never starts at the bottom of
the page before (as QTextDocument's page breaks did).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from backorder_desktop.domain.words import counted
from backorder_desktop.files import code128
from backorder_desktop.ui.widgets import tell

MARGIN_MM = 15
PDF_DPI = 300
MODULE_MM = 0.33  # the width of a barcode's narrowest bar: scanners read 0.25 mm and up
FAINT = QColor("#e8e8e8")
GREY = QColor("#555555")

# What draws the pages: given a sheet, it draws every page and returns how many it drew.
Drawing = Callable[["Sheet"], int]


class Sheet:
    """A painter on a paged device, measured in millimetres from the top left of the printable
    area (inside the margins)."""

    def __init__(self, device: QPagedPaintDevice, painter: QPainter) -> None:
        self.device = device
        self.painter = painter
        self.per_mm = device.logicalDpiX() / 25.4
        self.width = device.width() / self.per_mm
        self.height = device.height() / self.per_mm

    def px(self, mm: float) -> float:
        return mm * self.per_mm

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(self.px(x), self.px(y), self.px(w), self.px(h))

    def new_page(self) -> None:
        self.device.newPage()

    @staticmethod
    def font(points: float, bold: bool = False, italic: bool = False, mono: bool = False) -> QFont:
        font = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
        font.setStyleHint(QFont.StyleHint.Monospace if mono else QFont.StyleHint.SansSerif)
        font.setPointSizeF(points)
        font.setBold(bold)
        font.setItalic(italic)
        # No ligatures: "fi" stays two letters, so that the words of a PDF can be searched and copied.
        font.setFeature(QFont.Tag("liga"), 0)
        return font

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        font: QFont,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        wrap: bool = False,
        color: QColor | None = None,
    ) -> None:
        """TEXT in the box; one line cut short with "…" where it does not fit, unless WRAP."""
        self.painter.setFont(font)
        self.painter.setPen(color or QColor("black"))
        flags = align | (Qt.AlignmentFlag.AlignTop if wrap else Qt.AlignmentFlag.AlignVCenter)
        if wrap:
            self.painter.drawText(self.rect(x, y, w, h), int(flags | Qt.TextFlag.TextWordWrap), text)
            return
        shown = QFontMetricsF(font, self.device).elidedText(text, Qt.TextElideMode.ElideRight, self.px(w))
        self.painter.drawText(self.rect(x, y, w, h), int(flags), shown)

    def text_height(self, text: str, font: QFont, w: float) -> float:
        """How tall TEXT is when wrapped to W millimetres."""
        metrics = QFontMetricsF(font, self.device)
        bounds = metrics.boundingRect(QRectF(0, 0, self.px(w), 1e9), int(Qt.TextFlag.TextWordWrap), text)
        return bounds.height() / self.per_mm

    def rule(self, x: float, y: float, w: float, thickness: float = 0.2) -> None:
        self.painter.fillRect(self.rect(x, y, w, thickness), QColor("black"))

    def box(self, x: float, y: float, w: float, h: float, thickness: float = 0.3) -> None:
        pen = QPen(QColor("black"))
        pen.setWidthF(self.px(thickness))
        self.painter.setPen(pen)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawRect(self.rect(x, y, w, h))

    def shade(self, x: float, y: float, w: float, h: float, color: QColor = FAINT) -> None:
        self.painter.fillRect(self.rect(x, y, w, h), color)

    def barcode_width(self, text: str) -> float | None:
        """The width of TEXT's Code 128 symbol in millimetres, or None if it cannot be one."""
        try:
            _bars, modules = code128.bars(text)
        except ValueError:
            return None
        return modules * self._module() / self.per_mm

    def barcode(self, x: float, y: float, h: float, text: str) -> float:
        """TEXT as a Code 128 symbol with its left edge (quiet zone included) at X; its width.

        Each bar is a whole number of device dots wide, so that every bar of one width prints
        the same width (a scanner measures them against each other)."""
        bars, modules = code128.bars(text)
        module = self._module()
        left, top, height = round(self.px(x)), self.px(y), self.px(h)
        for bar in bars:
            self.painter.fillRect(QRectF(left + bar.start * module, top, bar.width * module, height), "black")
        return modules * module / self.per_mm

    def _module(self) -> int:
        return max(1, round(self.px(MODULE_MM)))


def a4() -> QPageLayout:
    """A4 upright with 15 mm margins."""
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        margins,
        QPageLayout.Unit.Millimeter,
    )


def render(device: QPagedPaintDevice, draw: Drawing) -> int:
    """Draw the pages on DEVICE (a printer or a PDF); the pages drawn."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(f"{device} cannot be painted on: the printer or the file cannot be written to")
    try:
        return draw(Sheet(device, painter))
    finally:
        painter.end()


def write_pdf(path: Path, title: str, draw: Drawing) -> int:
    """The pages as a PDF file at PATH; the pages written."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("Backorder Desktop")
    writer.setPageLayout(a4())
    pages = render(writer, draw)
    del writer  # the file is complete once the writer is gone
    return pages


def printer_for(title: str) -> QPrinter:
    """A printer at its full resolution, on A4 unless the person chooses otherwise."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageLayout(a4())
    return printer


class PrintPreview(QPrintPreviewDialog):
    """The pages as they will print, with Print… (a printer, chosen in the system's print dialog)
    and Save as PDF… in its tool bar. SAID is told what became of them, in words."""

    def __init__(
        self,
        title: str,
        what: str,
        file_name: str,
        draw: Drawing,
        said: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        self._printer = printer_for(title)  # the dialog does not own it: kept alive here
        super().__init__(self._printer, parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.what = what  # "4 packing slips"
        self.file_name = file_name  # offered in the file dialog: "packing-slips.pdf"
        self.draw = draw
        self.said = said
        self.saved_to: Path | None = None
        self.paintRequested.connect(self._paint)
        self.save_pdf = QAction("Save as &PDF…", self)
        self.save_pdf.setToolTip(f"Write the {what} to a PDF file")
        self.save_pdf.triggered.connect(self.ask_and_save_pdf)
        toolbar = self.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.save_pdf)
        self.finished.connect(self._finished)
        # As tall as a page reads comfortably, within the screen (a 1024x700 one too).
        room = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(900, room.width() - 40), min(900, room.height() - 40))

    def _paint(self, printer: QPrinter) -> None:
        render(printer, self.draw)

    def ask_and_save_pdf(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, f"Save the {self.what} as PDF", self.file_name, "PDF (*.pdf)"
        )
        if name:
            self.save_as(Path(name if name.lower().endswith(".pdf") else f"{name}.pdf"))

    def save_as(self, path: Path) -> None:
        """Write the pages to the PDF file PATH and close the preview; if the file cannot be
        written, say so and stay open."""
        try:
            pages = write_pdf(path, self.windowTitle(), self.draw)
        except OSError:
            tell(self, "Not saved", f"{path} cannot be written: choose another folder or name.", problem=True)
            return
        self.saved_to = path
        self.said(f"Wrote {self.what} ({counted(pages, 'page')}) to {path}.")
        self.accept()

    def _finished(self, result: int) -> None:
        if result != QPrintPreviewDialog.DialogCode.Accepted or self.saved_to is not None:
            return
        if self._printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            self.said(f"Printed {self.what} to {self._printer.outputFileName()}.")
        else:
            self.said(f"Sent {self.what} to the printer {self._printer.printerName()}.")
