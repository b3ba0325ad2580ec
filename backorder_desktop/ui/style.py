"""The look the whole program shares: Qt's Fusion style, with a focus frame one can see.

Keyboard users need to see where they are: Fusion marks focus faintly (a dotted line, or a
one-pixel tint), which on a bright screen is easily lost. Every control that draws a focus frame
(buttons, check boxes, the current cell of a table, tabs) draws it here as a solid two-pixel
frame in the selection colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

FOCUS_WIDTH = 2


class FocusStyle(QProxyStyle):
    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            _frame(option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)
        # Fusion tints a focused button's own panel rather than asking for a focus frame.
        if element == QStyle.PrimitiveElement.PE_PanelButtonCommand and (
            option.state & QStyle.StateFlag.State_HasFocus
        ):
            _frame(option, painter)


def _frame(option: QStyleOption, painter: QPainter) -> None:
    painter.save()
    pen = QPen(option.palette.color(QPalette.ColorRole.Highlight), FOCUS_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.drawRect(option.rect.adjusted(1, 1, -FOCUS_WIDTH, -FOCUS_WIDTH))
    painter.restore()


def use(app: QApplication) -> None:
    """Give APP the program's style (once)."""
    if not isinstance(app.style(), FocusStyle):
        app.setStyle(FocusStyle("Fusion"))
