#!/usr/bin/env bash
# The README's quick-start run command, exactly as written, in a copy of this tree: it must
# install what it needs and open the window on a real X server (Xvfb). Passes when the window
# is up with its demo database and still running a few seconds later.
set -euo pipefail
tree="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v Xvfb >/dev/null 2>&1; then
    echo "quickstart.sh: no Xvfb here (Debian's xvfb package): the check is skipped" >&2
    exit 0
fi
work="$(mktemp -d)"
xvfb=""
program=""
cleanup() {
    status=$?
    set +e
    if [ -n "$program" ]; then kill -TERM "$program" 2>/dev/null; wait "$program" 2>/dev/null; fi
    if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# The first sh block under "## Quick start".
awk '/^## Quick start/ {on = 1} on && /^```sh$/ {inside = 1; next} inside && /^```$/ {exit} inside' \
    "$tree/README.md" >"$work/quickstart.sh"
grep -q -- "--demo" "$work/quickstart.sh" || { echo "quickstart.sh: no quick start found in README.md" >&2; exit 1; }
mkdir -p "$work/clone"
tar -C "$tree" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist \
    --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$work/clone" -xf -

display=90
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.2; done

# `timeout` passes a TERM on to the process group it leads: the shell and the window with it.
cd "$work/clone"
env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY DISPLAY=":$display" BACKORDER_DESKTOP_HOME="$work/home" \
    timeout 900 bash "$work/quickstart.sh" >"$work/out.log" 2>&1 &
program=$!
for _ in $(seq 300); do
    [ -e "$work/home/demo.sqlite3" ] && break
    kill -0 "$program" 2>/dev/null || break
    sleep 1
done
sleep 5
if ! kill -0 "$program" 2>/dev/null || [ ! -e "$work/home/demo.sqlite3" ] || grep -q "^error:" "$work/out.log"; then
    echo "quickstart.sh: the README's quick start did not open the window:" >&2
    tail -n 20 "$work/out.log" >&2
    exit 1
fi
echo "quickstart.sh: the README's quick start opened the window on its demo database"
