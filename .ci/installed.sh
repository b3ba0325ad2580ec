#!/usr/bin/env bash
# The program as a user installs it: build a wheel from this tree, install it into a fresh
# virtual environment outside the tree, and from a scratch folder run `demo`, a run and an
# export. Exits non-zero on the first step that fails.
set -euo pipefail
tree="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built from a copy: setuptools reuses a build/ folder, which could hold files no longer in the tree.
mkdir -p "$work/source" "$work/dist" "$work/scratch"
tar -C "$tree" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist \
    --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$work/source" -xf -
python3 -m venv "$work/build"
"$work/build/bin/pip" wheel -q --no-deps -w "$work/dist" "$work/source"
wheel="$(ls "$work"/dist/backorder_desktop-*.whl)"
echo "installed.sh: built $(basename "$wheel")"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"

cd "$work/scratch"
export BACKORDER_DESKTOP_HOME="$work/home" QT_QPA_PLATFORM=offscreen
unset PYTHONPATH VIRTUAL_ENV
program="$work/venv/bin/backorder-desktop"
"$program" demo --db x.sqlite3
"$program" run primary --db x.sqlite3 | grep -qx "outcome: ok" || { echo "installed.sh: run primary failed" >&2; exit 1; }
"$program" export shipments --db x.sqlite3 -o shipments.csv
header="shipment,order,customer,created_at,created_by,run,status,line,sku,qty"
if [ "$(head -n 1 shipments.csv | tr -d '\r')" != "$header" ] || [ "$(wc -l < shipments.csv)" -lt 2 ]; then
    echo "installed.sh: export shipments wrote no shipments:" >&2
    head -n 3 shipments.csv >&2
    exit 1
fi
where="$("$work/venv/bin/python" -c 'import backorder_desktop; print(backorder_desktop.__file__)')"
case "$where" in
"$work/venv/"*) ;;
*) echo "installed.sh: the program ran from $where, not from the installed wheel" >&2; exit 1 ;;
esac
echo "installed.sh: the wheel in a fresh environment ran demo, run primary and export shipments"
