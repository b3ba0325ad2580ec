"""Draw docs/performance-growth.png from a benchmark JSON: run time against lines allocated (log-log).

Drawn with Qt's QPainter (already a dependency), so no plotting library is needed:
`python bench/plot.py bench/results/latest-large.json docs/performance-growth.png`
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

WIDTH, HEIGHT = 820, 520


def plot(results: Path, out: Path) -> None:
    figures = json.loads(results.read_text(encoding="utf-8"))
    growth = next(r for r in figures["results"] if r["scenario"] == "growth exponent")
    sizes, seconds, exponent = growth["sizes"], growth["medians_s"], growth["exponent"]
    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont("DejaVu Sans", 10))
    area = QRectF(90, 50, WIDTH - 130, HEIGHT - 120)
    lo_x, hi_x = math.log10(min(sizes)) - 0.2, math.log10(max(sizes)) + 0.2
    lo_y, hi_y = math.log10(min(seconds)) - 0.3, math.log10(max(seconds)) + 0.3

    def point(size: float, time: float) -> QPointF:
        x = area.left() + (math.log10(size) - lo_x) / (hi_x - lo_x) * area.width()
        y = area.bottom() - (math.log10(time) - lo_y) / (hi_y - lo_y) * area.height()
        return QPointF(x, y)

    painter.setPen(QPen(QColor("#999999"), 1))
    painter.drawRect(area)
    for size in sizes:
        x = point(size, 10**lo_y).x()
        painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 5))
        painter.drawText(
            QRectF(x - 60, area.bottom() + 8, 120, 20), Qt.AlignmentFlag.AlignCenter, f"{size:,}"
        )
    for decade in range(math.ceil(lo_y), math.floor(hi_y) + 1):
        y = point(10**lo_x, 10**decade).y()
        painter.drawLine(QPointF(area.left() - 5, y), QPointF(area.left(), y))
        label = f"{10**decade:g} s"
        painter.drawText(QRectF(0, y - 10, area.left() - 10, 20), Qt.AlignmentFlag.AlignRight, label)
    # Linear growth through the smallest point, for comparison.
    painter.setPen(QPen(QColor("#bbbbbb"), 1, Qt.PenStyle.DashLine))
    painter.drawLine(point(sizes[0], seconds[0]), point(sizes[-1], seconds[0] * sizes[-1] / sizes[0]))
    painter.setPen(QPen(QColor("#2e86c1"), 2))
    marks = [point(s, t) for s, t in zip(sizes, seconds, strict=True)]
    for a, b in itertools.pairwise(marks):
        painter.drawLine(a, b)
    painter.setBrush(QColor("#2e86c1"))
    for mark, size, time in zip(marks, sizes, seconds, strict=True):
        painter.drawEllipse(mark, 4, 4)
        painter.setPen(QColor("#222222"))
        text = f"{size:,} lines: {time:.2f} s"
        width = painter.fontMetrics().horizontalAdvance(text)
        shift = QPointF(8, -8) if mark.x() + width + 12 < WIDTH else QPointF(-width - 8, -8)
        painter.drawText(mark + shift, text)
        painter.setPen(QPen(QColor("#2e86c1"), 2))
    painter.setPen(QColor("#222222"))
    title = QFont("DejaVu Sans", 12)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(
        QRectF(0, 10, WIDTH, 24),
        Qt.AlignmentFlag.AlignCenter,
        f"Primary run time against lines allocated (fitted exponent {exponent:.2f})",
    )
    painter.setFont(QFont("DejaVu Sans", 10))
    painter.drawText(
        QRectF(0, HEIGHT - 32, WIDTH, 20),
        Qt.AlignmentFlag.AlignCenter,
        "lines allocated (log scale) — dashed: linear growth from the smallest run",
    )
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out))


if __name__ == "__main__":
    plot(Path(sys.argv[1]), Path(sys.argv[2]))
