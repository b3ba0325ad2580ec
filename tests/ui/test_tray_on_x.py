"""The tray on a real X server: Xvfb, started here on a free display, with the xcb platform.

A bare X server has no system tray, as some desktops have none: closing the window with a
schedule on asks first (tests/ui/on_x.py, story no-tray). With a tray host (trayer, an XEmbed
system tray) the tray is real: closing hides the window, the tray menu opens on a right click of
the icon, runs the Primary, its notification (drawn by Qt: there is no notification service) is
clicked open, and Quit ends the program (story tray). Each story runs the window in a process of
its own and prints what it saw; the person's actions reach it through X. Last, the program itself
(`backorder-desktop`, as a person starts it) is closed to the tray and quit from the tray menu,
watched only from outside. Under CI, .ci/run installs Xvfb, xdotool and trayer.
BACKORDER_SCREENSHOTS=1 saves the tray's pictures to docs/screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backorder_desktop.ui import platform_check
from backorder_desktop.ui.tray import STILL_RUNNING
from tests.cli.conftest import PROGRAM
from tests.ui.on_x import send_close

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
STORY_SECONDS = 120


def needs(program: str, package: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"the tray on X: no {program} here (Debian's {package} package; .ci/run installs it)")


def wait_for(condition, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.05)


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on a free display number, stopped at the end."""
    needs("Xvfb", "xvfb")
    needs("xdotool", "xdotool")
    # Xvfb takes the first free display number itself and writes it to the pipe (-displayfd),
    # so tests on several workers never race for one.
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "xvfb.log").open("w"),
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as told:
            number = told.readline().decode().strip()
        assert number.isdigit() and server.poll() is None, (tmp_path / "xvfb.log").read_text()
        display = f":{number}"
        cannot = platform_check.problem({"DISPLAY": display})
        if cannot:
            pytest.skip(f"the tray on X: {cannot}")
        yield display
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def tray_host(x_display: str) -> Iterator[None]:
    """A system tray on the X server: trayer, an XEmbed tray at the top right of the screen."""
    needs("trayer", "trayer")
    host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "120"],
        env={**os.environ, "DISPLAY": x_display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        host.terminate()
        host.wait(10)


def story(name: str, display: str, tmp_path: Path, shots: Path | None = None) -> dict:
    """Run STORY of tests/ui/on_x.py on DISPLAY; what it saw."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, BACKORDER_DESKTOP_HOME=str(tmp_path / "home"), PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "tests.ui.on_x", name, str(tmp_path / "backorders.sqlite3")]
    done = subprocess.run(
        [*args, *([str(shots)] if shots else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STORY_SECONDS,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"no report (exit {done.returncode}):\n{done.stderr}"
    seen = json.loads(lines[-1])
    assert done.returncode == 0 and "failed_at" not in seen, f"{seen}\n{done.stderr}"
    assert seen["platform"] == "xcb"
    return seen


def test_on_x_without_a_tray_closing_with_a_schedule_on_asks_first(x_display: str, tmp_path: Path):
    seen = story("no-tray", x_display, tmp_path)
    assert seen["tray_available"] is False, "a bare X server has no system tray"
    assert seen["asked"].startswith(
        "Schedules are on, and they run only while Backorder Desktop is open (this desktop has no"
        " system tray to keep it running in).\n\nClose anyway?"
    )
    assert seen["after_no"] == {"visible": True, "closed": False, "scheduler": True}
    assert seen["after_yes"] == {"visible": False, "closed": True, "scheduler": False}


def test_on_x_with_a_tray_closing_hides_the_window_and_the_tray_runs_notifies_and_quits(
    x_display: str, tray_host: None, tmp_path: Path
):
    shots = SCREENSHOTS if os.environ.get("BACKORDER_SCREENSHOTS") else tmp_path / "shots"
    seen = story("tray", x_display, tmp_path, shots)
    assert seen["tray_available"] is True
    x, y, width, height = seen["icon"]
    assert x > 1000 and y < 40 and width > 0 and height > 0, "the icon sits in the tray, top right"
    assert seen["hidden"] == {"visible": False, "closed": False, "scheduler": True}
    assert seen["still_running"] == ["Backorder Desktop", STILL_RUNNING]
    assert seen["menu"] == ["Open", "Run Primary now", "Run Secondary now", "Pause schedules", "Quit"]
    outcome, shipments, units, run_id = seen["run"]
    assert outcome == "ok" and shipments > 1
    assert seen["notification"] == [
        "Backorder Desktop",
        f"7792 Primary: {shipments} new shipments ({units:,} units) ready to pick",
    ]
    assert seen["clicked"]["tab"].startswith("Shipments")
    assert seen["clicked"]["run"] == f"Run {run_id}"
    assert seen["clicked"]["count"] == f"{shipments} shipments shown"
    _title, failed = seen["failed"]
    assert failed.startswith("8050 Secondary failed: the run stopped before it finished")
    assert failed.endswith("; see the Run Log")
    assert seen["quit"] == {"visible": False, "closed": True, "scheduler": False}
    for name in ("tray-menu.png", "tray-notification.png", "tray-run-log.png"):
        assert (shots / name).stat().st_size > 1_000, name


def xdotool(display: str, *args: str) -> list[str]:
    done = subprocess.run(
        ["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, timeout=30
    )
    return done.stdout.split()


Place = tuple[int, int, int, int]  # x, y, width, height on the screen


def shown_windows(display: str, pid: int) -> dict[str, Place]:
    """The windows of process PID on screen now, by X window id: where they are, as X has it."""
    found = {}
    for number in xdotool(display, "search", "--onlyvisible", "--pid", str(pid)):
        values = dict(item.split("=") for item in xdotool(display, "getwindowgeometry", "--shell", number))
        found[number] = (int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))
    return found


def test_on_x_the_program_itself_hides_in_the_tray_on_close_and_quits_from_the_tray_menu(
    x_display: str, tray_host: None, tmp_path: Path
):
    """backorder-desktop as a person starts it: closing its window leaves it running in the tray
    (the window unmapped, the process alive); Quit in the tray menu ends it with exit status 0."""
    home, db = tmp_path / "home", str(tmp_path / "backorders.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=x_display, BACKORDER_DESKTOP_HOME=str(home))
    demo = subprocess.run([PROGRAM, "--db", db, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    program = subprocess.Popen([PROGRAM, "--db", db], env=env, stdout=subprocess.DEVNULL)
    try:
        title = f"^Backorder Desktop — {db}$"
        (window,) = xdotool(x_display, "search", "--sync", "--onlyvisible", "--name", title)

        def icon() -> Place | None:
            small = [p for p in shown_windows(x_display, program.pid).values() if p[3] < 40]
            return small[0] if small else None  # not the main window: the icon in the tray

        wait_for(lambda: icon() is not None, "the icon in the tray")
        send_close(int(window), x_display)
        wait_for(lambda: window not in shown_windows(x_display, program.pid), "closing hides the window")
        assert program.poll() is None, "closing the window did not end the program"

        x, y, width, height = icon() or (0, 0, 0, 0)
        before = shown_windows(x_display, program.pid)
        xdotool(x_display, "mousemove", str(x + width // 2), str(y + height // 2), "click", "3")

        def menu() -> Place | None:
            new = [p for w, p in shown_windows(x_display, program.pid).items() if w not in before]
            return new[0] if new else None

        wait_for(lambda: menu() is not None, "the tray menu opens")
        mx, my, mwidth, mheight = menu() or (0, 0, 0, 0)
        # Quit is the menu's last item: a click in the middle of its bottom row.
        xdotool(x_display, "mousemove", str(mx + mwidth // 2), str(my + mheight - 14), "click", "1")
        assert program.wait(30) == 0
    finally:
        if program.poll() is None:
            program.terminate()
            program.wait(10)
    log = "".join(path.read_text(encoding="utf-8") for path in sorted((home / "logs").glob("*.log")))
    hidden = log.index("window hidden in the tray; the schedules keep running")
    assert log.index("window closed; the program ends") > hidden
