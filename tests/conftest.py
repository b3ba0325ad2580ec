"""Fixtures: every test gets a fresh database file, opened through the real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
