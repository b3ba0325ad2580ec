"""Where Backorder Desktop keeps its database, logs and bundled resources."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

APP_NAME = "BackorderDesktop"
PRIVATE_FOLDER = 0o700  # folders the program makes: its owner's alone, whatever the umask


def resource(name: str) -> Traversable:
    """A file shipped with the program, by its path inside resources/ ("northwind/products.csv").

    The repository's resources/ folder is installed as the package backorder_desktop.resources
    (pyproject.toml), so this finds it in a source tree, an editable install and a wheel alike."""
    place = files("backorder_desktop.resources")
    for part in name.split("/"):
        place = place / part
    return place


def data_dir() -> Path:
    """The per-user data directory (overridable with BACKORDER_DESKTOP_HOME)."""
    override = os.environ.get("BACKORDER_DESKTOP_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """The per-user log directory."""
    override = os.environ.get("BACKORDER_DESKTOP_HOME")
    path = Path(override) / "logs" if override else Path(platformdirs.user_log_dir(APP_NAME, False))
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return path


def default_database() -> str:
    """The database the window and the command line use when no --db is given."""
    return str(data_dir() / "backorders.sqlite3")
