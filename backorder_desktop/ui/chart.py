"""A small chart of the run log: units allocated per run (bars) and backorders waiting (line).

Both axes start at zero and end at a round number at or above the largest value, with a line
at each quarter: a line near the top means nearly that many units, never "the most of a few".
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from backorder_desktop.domain.browse import RunPoint

ALLOCATED = QColor("#2e86c1")
WAITING = QColor("#c0392b")
STEPS = 4  # lines across the chart: at 0, a quarter, half, three quarters and the top
MARGINS = (64, 26, 64, 24)  # left, top, right, bottom: room for the axes' numbers and the dates


@dataclass(frozen=True)
class Axis:
    """A value axis from zero to HIGHEST, with the numbers written beside it, from the bottom."""

    lowest: int
    highest: int
    labels: tuple[str, ...]


def axis_for(largest: int) -> Axis:
    """An axis from 0 to the first round number at or above LARGEST: STEPS equal steps of a whole
    1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten."""
    largest = max(1, largest)
    power = 10 ** max(0, math.floor(math.log10(largest / STEPS))) if largest >= STEPS else 1
    step = next(
        m * power
        for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
        if m * power * STEPS >= largest and float(m * power).is_integer()
    )
    highest = int(step * STEPS)
    return Axis(0, highest, tuple(f"{int(step * i):,}" for i in range(STEPS + 1)))


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

    def axes(self) -> tuple[Axis, Axis]:
        """The units axis (left, bars) and the waiting axis (right, line)."""
        return (
            axis_for(max((p.units for p in self.points), default=0)),
            axis_for(max((p.waiting for p in self.points), default=0)),
        )

    def plot_area(self) -> QRectF:
        left, top, right, bottom = MARGINS
        return QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))

    def y_of(self, value: float, axis: Axis) -> float:
        """Where VALUE stands on AXIS, in the widget's coordinates."""
        area = self.plot_area()
        return area.bottom() - area.height() * (value - axis.lowest) / (axis.highest - axis.lowest)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = painter.fontMetrics()
        area = self.plot_area()
        text = self.palette().text().color()
        painter.setPen(text)
        painter.drawText(8, 16, "Units allocated per run")
        legend = "Backorders waiting (units)"
        painter.setPen(WAITING)
        painter.drawText(self.width() - metrics.horizontalAdvance(legend) - 8, 16, legend)
        units, waiting = self.axes()
        grid = QPen(self.palette().mid().color())
        for i in range(STEPS + 1):
            y = area.bottom() - area.height() * i / STEPS
            painter.setPen(grid if i in (0, STEPS) else QPen(self.palette().midlight().color()))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            baseline = int(y + metrics.ascent() / 2 - 1)
            painter.setPen(text)
            label = units.labels[i]
            painter.drawText(int(area.left()) - 6 - metrics.horizontalAdvance(label), baseline, label)
            painter.setPen(WAITING)
            painter.drawText(int(area.right()) + 6, baseline, waiting.labels[i])
        painter.setPen(grid)
        painter.drawLine(area.topLeft(), area.bottomLeft())
        painter.drawLine(area.topRight(), area.bottomRight())
        if not self.points:
            painter.setPen(text)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No runs yet")
            return
        step = area.width() / len(self.points)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ALLOCATED)
        bar = min(36.0, max(1.0, step * 0.7))  # a lone run is a bar, not a wall
        for i, point in enumerate(self.points):
            top = self.y_of(point.units, units)
            centre = area.left() + (i + 0.5) * step
            painter.drawRect(QRectF(centre - bar / 2, top, bar, area.bottom() - top))
        painter.setPen(QPen(WAITING, 2))
        line = [
            QPointF(area.left() + (i + 0.5) * step, self.y_of(p.waiting, waiting))
            for i, p in enumerate(self.points)
        ]
        for a, b in itertools.pairwise(line):
            painter.drawLine(a, b)
        if len(line) == 1:
            painter.drawEllipse(line[0], 3, 3)
        painter.setPen(text)
        first, last = self.points[0].finished_at, self.points[-1].finished_at
        painter.drawText(int(area.left()), self.height() - 6, f"{first:%Y-%m-%d %H:%M}")
        stamp = f"{last:%Y-%m-%d %H:%M}"
        painter.drawText(int(area.right() - metrics.horizontalAdvance(stamp)), self.height() - 6, stamp)
