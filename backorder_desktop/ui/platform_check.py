"""Can Qt start a window here? Asked before Qt is loaded, because Qt cannot answer it: when its
platform plugin fails to load it prints a paragraph and aborts the process (exit 134). This
names, in one line, the display or the Debian/Ubuntu package that is missing instead.

No Qt imports here: the answer is needed before Qt's own libraries are loaded.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

Need = tuple[str, str]  # (library soname, the Debian/Ubuntu package that installs it)

# What PySide6's QtCore, QtGui and QtWidgets load from the system on any platform
# (`readelf -d` on PySide6 6.11's Qt libraries; ICU comes with PySide6).
QT_NEEDS: tuple[Need, ...] = (
    ("libz.so.1", "zlib1g"),
    ("libzstd.so.1", "libzstd1"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libgthread-2.0.so.0", "libglib2.0-0"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libfreetype.so.6", "libfreetype6"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libGL.so.1", "libgl1"),
    ("libEGL.so.1", "libegl1"),
    ("libX11.so.6", "libx11-6"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
)

# What the xcb platform plugin (libqxcb.so and libQt6XcbQpa.so.6) adds: a fresh desktop often
# lacks libxcb-cursor0, libxcb-icccm4 and libxcb-keysyms1.
XCB_NEEDS: tuple[Need, ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
)

_NOT_FOUND = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")


def loads(soname: str) -> bool:
    """Whether the dynamic linker finds SONAME (and what it needs), as Qt's plugin loader would."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing(needs: Sequence[Need]) -> list[Need]:
    """The NEEDS the dynamic linker cannot load."""
    return [need for need in needs if not loads(need[0])]


def platform(environ: Mapping[str, str]) -> str | None:
    """The Qt platform the window will use: QT_QPA_PLATFORM's first choice, else the one Qt
    picks from the session ("wayland" or "xcb"); None when there is no display at all."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0]
    if environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    if environ.get("DISPLAY"):
        return "xcb"
    return None


def problem(
    environ: Mapping[str, str] | None = None,
    qt_needs: Sequence[Need] = QT_NEEDS,
    xcb_needs: Sequence[Need] = XCB_NEEDS,
) -> str | None:
    """Why the window cannot start here, as one line for stderr; None when it should start."""
    environ = os.environ if environ is None else environ
    chosen = platform(environ)
    if chosen is None:
        return (
            "error: the window cannot start: there is no display (DISPLAY and WAYLAND_DISPLAY are unset); "
            "start it from a desktop session, or use a command (backorder-desktop --help)"
        )
    absent = missing([*qt_needs, *(xcb_needs if chosen == "xcb" else ())])
    if not absent and chosen == "xcb":
        absent = _xcb_plugin_needs() if xcb_needs is XCB_NEEDS else []
    if absent:
        return "error: the window cannot start: " + _install_hint(absent)
    if chosen == "xcb":
        return _display_refuses(environ.get("DISPLAY", ""))
    return None


def _install_hint(absent: Sequence[Need]) -> str:
    names = ", ".join(soname for soname, _ in absent)
    packages = " ".join(dict.fromkeys(package for _, package in absent if package))
    several = len(absent) > 1
    text = f"missing system librar{'ies' if several else 'y'} {names}"
    if not packages:
        return text + " (install the Debian/Ubuntu package that provides it)"
    return text + f" (install the Debian/Ubuntu package{'s' if ' ' in packages else ''} {packages})"


def _xcb_plugin_needs() -> list[Need]:
    """Anything the xcb plugin's library needs beyond XCB_NEEDS (a newer PySide6 may add one):
    the linker names the first library it cannot find."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    library = Path(spec.origin).parent / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    if not library.exists():
        return []
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        missing = _NOT_FOUND.search(str(error))
        if missing:
            known = dict(XCB_NEEDS + QT_NEEDS)
            return [(missing.group(1), known.get(missing.group(1), ""))]
    return []


def _display_refuses(display: str) -> str | None:
    """One line when the X server at DISPLAY does not accept a connection (Qt would abort)."""
    if not display:
        return "error: the window cannot start: QT_QPA_PLATFORM asks for xcb (X11), but DISPLAY is unset"
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    failed = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if failed:
        return f"error: the window cannot start: cannot connect to the X display {display!r} (is it running?)"
    return None
