"""Start at login, on Linux: an XDG autostart entry that opens the window on the database open now.

The entry is `backorder-desktop.desktop` in `$XDG_CONFIG_HOME/autostart` (by default
`~/.config/autostart`), which every freedesktop session (GNOME, KDE, Xfce, ...) starts at login.
It is written and removed by the window's File › Start at login; its presence is the setting.

A database given as a postgresql:// URL with a password is written without it: the file is plain
text, and libpq reads the password from ~/.pgpass instead. No Qt here: plain files, testable as is.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from backorder_desktop.store.database import is_postgres
from backorder_desktop.store.urls import without_password

FILE_NAME = "backorder-desktop.desktop"
COMMAND = "backorder-desktop"
# Characters that make an Exec argument need quotes (the Desktop Entry Specification, "The Exec key").
_RESERVED = frozenset(" \t\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = frozenset('"`$\\')


def supported(platform: str = sys.platform) -> bool:
    """Whether start at login is offered here: Linux (and the BSDs) read XDG autostart entries."""
    return platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def folder(environ: Mapping[str, str] = os.environ) -> Path:
    """The XDG autostart folder: $XDG_CONFIG_HOME/autostart, ~/.config/autostart without it (the
    specification ignores a relative XDG_CONFIG_HOME)."""
    config = environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and os.path.isabs(config) else Path.home() / ".config"
    return base / "autostart"


def entry_path(environ: Mapping[str, str] = os.environ) -> Path:
    return folder(environ) / FILE_NAME


def is_on(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the program starts at login (its entry is there)."""
    return entry_path(environ).is_file()


def program() -> list[str]:
    """How to start the program: the installed `backorder-desktop` beside this Python (a venv or
    pipx), else the one on PATH, else this Python with -m."""
    beside = Path(sys.executable).parent / COMMAND
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(COMMAND)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "backorder_desktop"]


def command(target: str, default: str) -> list[str]:
    """The command line the entry runs: the program, with `--db TARGET` unless TARGET is the
    DEFAULT database (a URL's password left out)."""
    args = program()
    if target != default:
        # A file named relative to where the program was started would be looked for, at
        # login, relative to the home folder: the entry names it absolutely.
        where = target if is_postgres(target) else str(Path(target).expanduser().resolve())
        args += ["--db", without_password(where)]
    return args


def password_left_out(target: str) -> bool:
    """Whether TARGET holds a password that the entry leaves out."""
    return without_password(target) != target


def exec_argument(argument: str) -> str:
    """ARGUMENT as the Exec key of a desktop entry holds it: quoted when it has a reserved
    character (with ", `, $ and \\ escaped inside the quotes), % doubled, and every backslash
    doubled again, as the key's value is a string whose escapes are read first."""
    if "\n" in argument or "\r" in argument:
        raise ValueError("a line break cannot be written in a desktop entry's command")
    argument = argument.replace("%", "%%")
    if not argument or any(c in _RESERVED for c in argument):
        inner = "".join(f"\\{c}" if c in _ESCAPED_IN_QUOTES else c for c in argument)
        argument = f'"{inner}"'
    return argument.replace("\\", "\\\\")


def entry_text(args: list[str]) -> str:
    """The autostart entry that runs ARGS at login."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Backorder Desktop\n"
        "Comment=Fills waiting backorders from returning stock, on the schedules you set\n"
        f"Exec={' '.join(exec_argument(a) for a in args)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def turn_on(target: str, default: str, environ: Mapping[str, str] = os.environ) -> Path:
    """Write the entry that opens the window on TARGET at login (replacing any older one, whole or
    not at all); readable by its owner alone. Returns where it is."""
    path = entry_path(environ)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = entry_text(command(target, default))
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def turn_off(environ: Mapping[str, str] = os.environ) -> None:
    """Remove the entry: the program no longer starts at login."""
    entry_path(environ).unlink(missing_ok=True)
