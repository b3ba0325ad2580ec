"""Entry point: arguments -> logging -> database -> the window or one command."""

from __future__ import annotations

import sys

from backorder_desktop import cli, logs


def main(argv: list[str] | None = None) -> int:
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
