"""The command line (SPEC section 6): a thin door into the domain.

Exit 0 on success, 1 when the operation fails, 2 on bad usage or bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from backorder_desktop import __version__
from backorder_desktop.domain import allocation, clock, planning, preferences, processes, shipments, team
from backorder_desktop.domain import schedules as saved_schedules
from backorder_desktop.domain.errors import BadInput, Refused, printable
from backorder_desktop.domain.words import (
    plainly_counted as counted,
)  # digits alone: scripts read these lines
from backorder_desktop.files import exports, imports
from backorder_desktop.paths import default_database
from backorder_desktop.store.database import close, read_only
from backorder_desktop.store.errors import DatabaseProblem, explain
from backorder_desktop.store.schema import database_version, open_database
from backorder_desktop.store.urls import shown

log = logging.getLogger(__name__)

OK, FAILED, BAD_INPUT = 0, 1, 2


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="SQLite file or postgresql:// URL (default: the window's database)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backorder-desktop",
        description="Backorder management: with no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_option(parser, None)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on the demo database (filled with Northwind data when new)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _db_option(sub, argparse.SUPPRESS)
        return sub

    command("init", "create a new empty database (both schedules off); on one of ours, change nothing")
    command("demo", "fill an empty database with the Northwind demo data set (creating it if need be)")
    sub = command("import", "import a CSV file: all rows or none")
    sub.add_argument("kind", choices=imports.KINDS)
    sub.add_argument("file", type=Path)
    sub = command("ship", "mark pending shipments shipped")
    sub.add_argument("shipment", nargs="+")
    sub = command("void-shipment", "void pending shipments (their units go back on backorder)")
    sub.add_argument("shipment", nargs="+")
    sub = command("void-order", "void an open order: pending shipments voided, backorders cancelled")
    sub.add_argument("order")
    sub = command("run", "run a backorder process once now (trigger: cli) and print its run record")
    sub.add_argument("process", choices=processes.PROCESSES)
    sub.add_argument("--dry-run", action="store_true", help="compute and report, write only the run record")
    sub.add_argument(
        "--explain",
        action="store_true",
        help="with --dry-run: say why each waiting line was filled, partly filled or skipped",
    )
    sub = command("export", "export shipments, backorders, stock, runs or the activity log")
    sub.add_argument("kind", choices=exports.KINDS)
    sub.add_argument("--format", choices=("csv", "json"), default="csv")
    sub.add_argument("-o", "--output", metavar="FILE", type=Path)
    sub = command("prefs", "show or set the Order Entry preferences")
    switch = sub.add_mutually_exclusive_group()
    switch.add_argument("--enable", action="store_true", help="enable back order management")
    switch.add_argument("--disable", action="store_true", help="disable back order management")
    sub.add_argument("--order-by", choices=preferences.ALLOCATION_ORDERS)
    sub = command(
        "grant",
        "PostgreSQL only, by an administrator: make a login role an administrator or a staff member"
        " of this database ('none': neither)",
    )
    sub.add_argument("role", help="an existing login role of the server")
    sub.add_argument("level", choices=team.LEVELS)
    command("check", "recompute stock from the ledger and check every invariant")
    command(
        "scheduler",
        "run both schedules without a window, as a service, until SIGTERM or SIGINT;"
        " one line on stderr per run",
    )
    sub = command("schedules", "show the automation schedules, or change one with 'schedules set'")
    sub.add_argument("--format", choices=("table", "json"), default="table")
    actions = sub.add_subparsers(dest="action", metavar="set")
    change = actions.add_parser("set", help="change a schedule (same validation as the window)")
    _db_option(change, argparse.SUPPRESS)
    change.add_argument("code", type=int, choices=sorted(processes.PROCESS_OF))
    flag = change.add_mutually_exclusive_group()
    flag.add_argument("--on", dest="enabled", action="store_const", const=True)
    flag.add_argument("--off", dest="enabled", action="store_const", const=False)
    change.add_argument("--every", type=int, metavar="N")
    change.add_argument("--unit", choices=planning.UNITS)
    change.add_argument("--days", metavar="mon,tue,...")
    change.add_argument("--start", metavar="HH:MM")
    change.add_argument("--end", metavar="HH:MM")
    change.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """ARGV (default: the process's) parsed and its usage checked; argparse's SystemExit on bad
    usage (status 2), --help and --version (status 0), after it printed why."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run" and args.explain and not args.dry_run:
        parser.error("--explain goes with --dry-run")
    return args


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run the command ARGS name, printing to STDOUT and STDERR; return the exit status."""
    target = args.target = args.db or default_database()
    try:
        # Only init and demo create a database: a mistyped --db makes no file.
        args.opened = open_database(target, create=args.command in CREATING)
        return COMMANDS[args.command](args, stdout, stderr)
    except BadInput as error:
        for line in error.lines():  # the first problems, then how many more
            _error(line, stderr)
        return BAD_INPUT
    except (Refused, DatabaseProblem) as error:
        _error(str(error), stderr)
        return FAILED
    except BrokenPipeError:
        # The reader went away (`... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        return OK
    except Exception as error:
        problem = explain(error, target)  # a database error of the environment: a plain line
        if problem is not None:
            _error(str(problem), stderr)
            return FAILED
        log.exception("the %s command failed", args.command)
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        _error(f"internal error ({type(error).__name__}: {first}); the log file has the details", stderr)
        return FAILED
    finally:
        _close()


def _close() -> None:
    """Close the command's database, so that the next command in this process opens its own;
    the command has already said how it went, so a failure here is only logged."""
    try:
        close()
    except Exception:
        log.warning("closing the database failed", exc_info=True)


def _error(message: str, stderr: TextIO) -> None:
    """One line on STDERR: a newline or a direction override in a value cannot break it."""
    print(f"error: {printable(message)}", file=stderr)


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    place = shown(args.target)  # a URL's password reads ***
    version = database_version()
    if args.opened == "created":
        print(f"created a new empty database at {place} (schema {version}; both schedules off)", file=out)
    elif args.opened == "upgraded":
        print(f"{place} is already a Backorder Desktop database; upgraded it to schema {version}", file=out)
    else:
        print(
            f"{place} is already a Backorder Desktop database (schema {version}); nothing changed", file=out
        )
    return OK


def cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from backorder_desktop.demo import load_demo

    print(load_demo(), file=out)
    return OK


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    print(imports.import_file(args.kind, args.file), file=out)
    return OK


def cmd_ship(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ids = shipments.parse_numbers(args.shipment)
    units = shipments.ship(ids)
    print(
        f"shipped {', '.join(map(shipments.shipment_number, ids))}: {counted(units, 'unit')}",
        file=out,
    )
    return OK


def cmd_void_shipment(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ids = shipments.parse_numbers(args.shipment)
    units = shipments.void(ids)
    numbers = ", ".join(map(shipments.shipment_number, ids))
    print(f"voided {numbers}: {counted(units, 'unit')} back on backorder", file=out)
    return OK


def cmd_void_order(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    released, cancelled = shipments.void_order(args.order)
    print(
        f"voided order {args.order}: {counted(released, 'committed unit')} released,"
        f" {counted(cancelled, 'backordered unit')} cancelled",
        file=out,
    )
    return OK


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    result = allocation.run_process(args.process, "cli", dry_run=args.dry_run, explain=args.explain)
    record = result.record
    values = exports.run_row(record)
    for column, value in zip(exports.COLUMNS["runs"], values, strict=True):
        print(f"{column}: {'' if value is None else value}", file=out)
    if args.explain:
        print("", file=out)
        for note in result.explanations:
            print(
                f"order {note.order} line {note.line} ({note.sku}, {note.backordered} waiting):"
                f" {note.reason}",
                file=out,
            )
    if record.outcome == "failed":
        print(f"error: the {record.process} run failed: {record.error}", file=err)
        return FAILED
    if args.dry_run and read_only():
        print("note: the database is read-only: this dry run's record was not kept", file=err)
    return OK


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.output is None:
        exports.write(args.kind, out, args.format)
        return OK
    try:
        count = exports.write_file(args.kind, args.output, args.format)
    except OSError as error:
        print(f"error: {args.output}: cannot write ({error.strerror})", file=err)
        return FAILED
    print(f"exported {count} {args.kind} rows to {args.output}", file=err)
    return OK


def cmd_prefs(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    enabled = True if args.enable else False if args.disable else None
    prefs = (
        preferences.save(enabled, args.order_by)
        if (enabled is not None or args.order_by)
        else preferences.load()
    )
    print(f"back order management: {'enabled' if prefs.backorders_enabled else 'disabled'}", file=out)
    print(f"allocation order: {prefs.allocation_order}", file=out)
    return OK


def cmd_grant(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    before = team.change_level(args.role, args.level)
    said = {"admin": "an administrator", "staff": "a staff member", "none": "neither"}
    if before == args.level:
        print(f"{args.role} is already {said[args.level]} of this database; nothing changed", file=out)
    else:
        print(f"{args.role} is now {said[args.level]} of this database (was {said[before]})", file=out)
    return OK


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from backorder_desktop.domain.check import check

    report = check()
    for warning in report.warnings:
        print(f"warning: {warning}", file=out)
    for violation in report.violations:
        print(f"violation: {violation}", file=out)
    verdict = "ok" if report.ok else f"{len(report.violations)} violations"
    print(
        f"{verdict}: {report.products} products, {report.ledger_rows} ledger rows,"
        f" {report.order_lines} order lines checked",
        file=out,
    )
    return OK if report.ok else FAILED


def cmd_scheduler(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from backorder_desktop.scheduling import service  # the engine and its library load only here

    return service.serve(args.target, err)


def cmd_schedules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if getattr(args, "action", None) == "set":
        saved_schedules.save(
            args.code,
            enabled=args.enabled,
            every=args.every,
            unit=args.unit,
            days=saved_schedules.parse_days(args.days) if args.days is not None else None,
            start=saved_schedules.parse_time(args.start, "start") if args.start is not None else None,
            end=saved_schedules.parse_time(args.end, "end") if args.end is not None else None,
        )
    rows = _schedule_rows()
    if args.format == "json":
        json.dump([_view(*row) for row in rows], out, indent=2, ensure_ascii=False)
        print(file=out)
        return OK
    print(f"{'code':<5} {'name':<28} {'on':<3} {'schedule':<42} {'next run':<20} last run", file=out)
    for row, last, upcoming in rows:
        last_text = f"{exports.iso(last.started_at)} ({last.outcome})" if last else "never"
        print(
            f"{row.code:<5} {row.name:<28} {'on' if row.rule.enabled else 'off':<3}"
            f" {planning.describe(row.rule):<42} {exports.iso(upcoming) or '-':<20} {last_text}",
            file=out,
        )
    return OK


def _schedule_rows() -> list[
    tuple[saved_schedules.Schedule, saved_schedules.LastRun | None, datetime | None]
]:
    """Each schedule with its last run and its next run (local time)."""
    now, tz = clock.utc_now(), clock.local_zone()
    return [
        (row, saved_schedules.last_run(row.process), saved_schedules.next_run_of(row, now, tz))
        for row in saved_schedules.load_all()
    ]


def _view(
    row: saved_schedules.Schedule, last: saved_schedules.LastRun | None, upcoming: datetime | None
) -> dict[str, object]:
    """A schedule with the keys of `schedules --format json` (SPEC section 7)."""
    return {
        "code": row.code,
        "name": row.name,
        "on": row.rule.enabled,
        "every": row.rule.every,
        "unit": row.rule.unit,
        "days": [planning.DAYS[d] for d in sorted(row.rule.days)],
        "start": f"{row.rule.start:%H:%M}",
        "end": f"{row.rule.end:%H:%M}",
        "next_run": exports.iso(upcoming),
        "last_run": exports.iso(last.started_at) if last else None,
    }


CREATING = ("init", "demo")
COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "ship": cmd_ship,
    "void-shipment": cmd_void_shipment,
    "void-order": cmd_void_order,
    "run": cmd_run,
    "export": cmd_export,
    "prefs": cmd_prefs,
    "grant": cmd_grant,
    "check": cmd_check,
    "schedules": cmd_schedules,
    "scheduler": cmd_scheduler,
}
