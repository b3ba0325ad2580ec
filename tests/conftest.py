"""Fixtures: every test gets a fresh database file, opened through the real store."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Headless Qt, and a private home for logs and default databases, before anything imports them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKORDER_DESKTOP_HOME", tempfile.mkdtemp(prefix="backorder-test-home-"))

from backorder_desktop.store import database
from backorder_desktop.store.schema import open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "backorders.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Path]:
    """A fresh, migrated SQLite database in WAL mode, open on the shared proxy."""
    open_database(str(db_path))
    yield db_path
    database.close()
