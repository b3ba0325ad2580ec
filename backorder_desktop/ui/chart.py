"""A small chart of the run log: units allocated per run (bars) and backorders waiting (line)."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from backorder_desktop.domain.browse import RunPoint

ALLOCATED = QColor("#2e86c1")
WAITING = QColor("#c0392b")


class RunChart(QWidget):
    """Painted by hand: QtCharts is not part of PySide6-Essentials."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[RunPoint] = []
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Units allocated and backorders waiting over time")

    def set_points(self, points: list[RunPoint]) -> None:
        self.points = points
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = painter.fontMetrics()
        left, top, right, bottom = 60, 26, 60, 24
        area = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))
        painter.setPen(self.palette().text().color())
        painter.drawText(8, 16, "Units allocated per run")
        legend = "Backorders waiting (units)"
        painter.setPen(WAITING)
        painter.drawText(self.width() - metrics.horizontalAdvance(legend) - 8, 16, legend)
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawRect(area)
        if not self.points:
            painter.setPen(self.palette().text().color())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No runs yet")
            return
        most_units = max(1, max(p.units for p in self.points))
        most_waiting = max(1, max(p.waiting for p in self.points))
        step = area.width() / len(self.points)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ALLOCATED)
        bar = min(36.0, max(1.0, step * 0.7))  # a lone run is a bar, not a wall
        for i, point in enumerate(self.points):
            height = area.height() * point.units / most_units
            centre = area.left() + (i + 0.5) * step
            painter.drawRect(QRectF(centre - bar / 2, area.bottom() - height, bar, height))
        painter.setPen(QPen(WAITING, 2))
        line = [
            QPointF(area.left() + (i + 0.5) * step, area.bottom() - area.height() * p.waiting / most_waiting)
            for i, p in enumerate(self.points)
        ]
        for a, b in itertools.pairwise(line):
            painter.drawLine(a, b)
        if len(line) == 1:
            painter.drawEllipse(line[0], 3, 3)
        painter.setPen(self.palette().text().color())
        painter.drawText(4, int(area.top()) + 10, f"{most_units:,}")
        painter.drawText(4, int(area.bottom()), "0")
        painter.setPen(WAITING)
        painter.drawText(int(area.right()) + 4, int(area.top()) + 10, f"{most_waiting:,}")
        painter.setPen(self.palette().text().color())
        first, last = self.points[0].finished_at, self.points[-1].finished_at
        painter.drawText(int(area.left()), self.height() - 6, f"{first:%Y-%m-%d %H:%M}")
        text = f"{last:%Y-%m-%d %H:%M}"
        painter.drawText(int(area.right() - metrics.horizontalAdvance(text)), self.height() - 6, text)
