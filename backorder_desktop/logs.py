"""Logging: a rotating file in the user log directory."""

from __future__ import annotations

import logging
import logging.handlers

from backorder_desktop.paths import log_dir

LOG_NAME = "backorder-desktop.log"  # and its rotated copies, .1 to .5


def setup(level: int = logging.INFO) -> None:
    """Send log records to backorder-desktop.log (5 files of 1 MB kept)."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    try:
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir() / LOG_NAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only home must not stop the program
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("peewee").setLevel(logging.WARNING)
