"""Where Qt cannot start a window, the program says in one line what is missing and exits 1,
instead of Qt's paragraph and an abort (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backorder_desktop.ui.platform_check import QT_NEEDS, XCB_NEEDS, missing, problem
from tests.cli.conftest import PROGRAM

ROOT = Path(__file__).resolve().parents[2]
ON_EVERY_DESKTOP = {"zlib1g", "libzstd1", "libglib2.0-0", "libx11-6"}  # the README leaves these out

PRESENT = ("libc.so.6", "libc6")
ABSENT = ("libbackorder-absent.so.9", "backorder-absent9")
NO_CURSOR = ("libbackorder-xcb-cursor.so.0", "libxcb-cursor0")  # a name no machine has
NO_ICCCM = ("libbackorder-xcb-icccm.so.4", "libxcb-icccm4")


def test_only_the_libraries_the_linker_cannot_load_are_missing() -> None:
    assert missing([PRESENT, ABSENT, PRESENT]) == [ABSENT]


def test_a_missing_xcb_library_is_named_with_its_package() -> None:
    said = problem({"DISPLAY": ":0"}, qt_needs=[PRESENT], xcb_needs=[PRESENT, NO_CURSOR])
    assert said == (
        "error: the window cannot start: missing system library libbackorder-xcb-cursor.so.0 "
        "(install the Debian/Ubuntu package libxcb-cursor0)"
    )


def test_several_missing_libraries_make_one_line_with_every_package() -> None:
    said = problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, [ABSENT], [NO_CURSOR, NO_ICCCM])
    assert said is not None and "\n" not in said
    packages = "backorder-absent9 libxcb-cursor0 libxcb-icccm4"
    assert said.endswith(f"(install the Debian/Ubuntu packages {packages})")


def test_xcb_libraries_matter_only_where_qt_uses_xcb() -> None:
    for environ in ({"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}):
        assert problem(environ, qt_needs=[PRESENT], xcb_needs=[NO_CURSOR]) is None, environ
    said = problem({"QT_QPA_PLATFORM": "offscreen"}, qt_needs=[ABSENT], xcb_needs=[NO_CURSOR])
    assert said is not None and "backorder-absent9" in said and "xcb" not in said


def window(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """The window started on a fresh database, with no display settings but SETTINGS."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(BACKORDER_DESKTOP_HOME=str(tmp_path / "home"), **settings)
    command = [PROGRAM, "--db", str(tmp_path / "shop.sqlite3")]
    return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_without_a_display_the_window_says_so_in_one_line(tmp_path: Path) -> None:
    done = window(tmp_path)
    assert done.returncode == 1, f"exit {done.returncode}: {done.stderr}"
    assert done.stderr.startswith("error: the window cannot start: there is no display"), done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert not (tmp_path / "shop.sqlite3").exists()


def test_an_x_display_nobody_serves_is_one_line_too(tmp_path: Path) -> None:
    number = next(n for n in range(97, 1000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    done = window(tmp_path, DISPLAY=f":{number}")
    assert done.returncode == 1, f"exit {done.returncode}: {done.stderr}"
    assert done.stderr.startswith("error: the window cannot start: "), done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_the_readme_quick_start_installs_every_package_the_check_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    apt_line = quick_start.split("apt-get install", 1)[1].split("'", 1)[0]
    installed = set(apt_line.replace("\\", " ").split())
    wanted = {package for _, package in (*QT_NEEDS, *XCB_NEEDS)} - ON_EVERY_DESKTOP
    assert sorted(wanted - installed) == []


def test_the_check_runs_before_qt_is_loaded() -> None:
    code = (
        "import sys; from backorder_desktop.ui.platform_check import problem;"
        "problem({'DISPLAY': ':97'}); problem({'QT_QPA_PLATFORM': 'offscreen'});"
        "sys.exit(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))) != [])"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
