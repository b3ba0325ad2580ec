"""Entry point: arguments -> logging -> database -> the window or one command."""

from __future__ import annotations

import os
import sys

from backorder_desktop import cli, logs


def main(argv: list[str] | None = None) -> int:
    # Whatever the program creates (database, its WAL and backups, logs, window.ini, exports,
    # folders) is its owner's alone: orders, customers and addresses are nobody else's business.
    os.umask(0o077)
    logs.setup()
    status = cli.main(argv)
    if status >= 0:
        return status
    from backorder_desktop.ui.platform_check import problem

    cannot_start = problem()  # before Qt loads: Qt aborts where it cannot start
    if cannot_start:
        print(cannot_start, file=sys.stderr)
        return 1
    from backorder_desktop.ui.app import run_window  # Qt is loaded only for the window

    return run_window(argv)


if __name__ == "__main__":
    sys.exit(main())
