"""Entry point: arguments -> logging -> database -> the window or one command.

The arguments are parsed once, here; a command goes to the command-line door
(cli.run), no command to the window door (ui.app.run_window).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from typing import TextIO

from backorder_desktop import cli, logs


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the program with ARGV (default: the process's); return the exit status.

    Everything a command prints goes to STDOUT and STDERR (default: the process's), argparse's
    usage errors, --help and --version included, so a command runs the same in process.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    # Whatever the program creates (database, its WAL and backups, logs, window.ini, exports,
    # folders) is its owner's alone: orders, customers and addresses are nobody else's business.
    os.umask(0o077)
    logs.setup()
    try:
        args = _parse(argv, stdout, stderr)
    except SystemExit as done:  # bad usage (2), --help or --version (0): argparse has said why
        return _status(done)
    if args.command is not None:
        return cli.run(args, stdout, stderr)
    return _open_window(args, stderr)


def _parse(argv: list[str] | None, stdout: TextIO, stderr: TextIO) -> argparse.Namespace:
    # argparse writes to sys.stdout and sys.stderr itself: only while parsing are they the given ones.
    with redirect_stdout(stdout), redirect_stderr(stderr):
        return cli.parse_arguments(argv)


def _status(done: SystemExit) -> int:
    """The exit status a SystemExit stands for, as sys.exit would make it."""
    if done.code is None:
        return 0
    return done.code if isinstance(done.code, int) else 1


def _open_window(args: argparse.Namespace, stderr: TextIO) -> int:
    from backorder_desktop.ui.platform_check import problem

    cannot_start = problem()  # before Qt loads: Qt aborts where it cannot start
    if cannot_start:
        print(cannot_start, file=stderr)
        return 1
    from backorder_desktop.ui.app import run_window  # Qt is loaded only for the window

    return run_window(args)


if __name__ == "__main__":
    sys.exit(main())
