"""Which code a results file measured: the commit, and whether the tree held changes besides.

Every file bench/ writes carries it, so a figure can be traced to the code it came from and a
stale file is seen as such (`git log COMMIT..HEAD -- backorder_desktop` lists what changed since).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source() -> dict[str, Any]:
    """{"commit": the HEAD commit or None outside git, "dirty": tracked files changed since}."""
    commit = _git("rev-parse", "HEAD")
    changes = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if changes is None else bool(changes)}
