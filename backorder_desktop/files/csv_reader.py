"""Reading an import file: UTF-8 CSV with a header row, every problem reported by line and field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.files.fields import FieldError

MAX_PROBLEMS = 200


class Row(NamedTuple):
    where: str  # "file.csv:12"
    values: dict[str, str]


def _decode(path: Path) -> str:
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput([Problem(str(path), "", "no such file")]) from None
    except OSError as error:
        raise BadInput([Problem(str(path), "", f"cannot be read ({error.strerror})")]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput([Problem(f"{name}:1", "", "the file is UTF-16; save it as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise BadInput(
            [Problem(f"{name}:{line}", "", "not valid UTF-8 text; save the file as UTF-8")]
        ) from None


def read(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    """All data rows of PATH as dicts keyed by column; BadInput on a header or CSV problem."""
    name = path.name
    text = _decode(path)
    if not text.strip():
        raise BadInput([Problem(f"{name}:1", "", "the file is empty (it needs a header row)")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as error:
        raise BadInput([Problem(f"{name}:1", "header", f"not valid CSV ({error})")]) from None
    problems: list[Problem] = []
    known = set(required) | set(optional)
    for column in header:
        if column not in known:
            problems.append(
                Problem(
                    f"{name}:1",
                    column or "header",
                    f"unexpected column {column!r} (columns: {', '.join(required + optional)})",
                )
            )
    for column in required:
        if column not in header:
            problems.append(Problem(f"{name}:1", column, f"missing column {column!r}"))
    repeated = sorted({c for c in header if header.count(c) > 1})
    for column in repeated:
        problems.append(Problem(f"{name}:1", column, "the column appears twice"))
    if problems:
        raise BadInput(problems)
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            where = f"{name}:{line}"
            line = reader.line_num + 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            if len(record) != len(header):
                problems.append(Problem(where, "", f"has {len(record)} fields, the header has {len(header)}"))
                continue
            rows.append(Row(where, dict(zip(header, record, strict=True))))
    except csv.Error as error:
        problems.append(Problem(f"{name}:{line}", "", f"not valid CSV ({error}); is a quote left open?"))
    if problems:
        raise BadInput(problems)
    if not rows:
        raise BadInput([Problem(f"{name}:2", "", "the file has a header but no rows")])
    return rows


class Collector:
    """Gathers problems while rows are parsed, so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.bad_rows: set[str] = set()

    def field(self, row: Row, column: str, parse: Callable[[str], Any]) -> Any:
        """The parsed value of COLUMN in ROW, or None after noting the problem."""
        try:
            return parse(row.values.get(column, ""))
        except FieldError as error:
            self.add(row.where, column, str(error))
            return None

    def add(self, where: str, column: str, message: str) -> None:
        self.problems.append(Problem(where, column, message))
        self.bad_rows.add(where)

    def raise_if_any(self, check_the_rest: Callable[[], object] | None = None) -> None:
        """BadInput with every problem, sorted by line. CHECK_THE_REST runs the
        database checks on the rows that parsed, so those problems show too."""
        if not self.problems:
            return
        if check_the_rest is not None:
            try:
                check_the_rest()
            except BadInput as error:
                self.problems += error.problems
        self.problems.sort(key=_line_of)
        shown = self.problems[:MAX_PROBLEMS]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(Problem("...", "", f"{len(self.problems) - MAX_PROBLEMS} more problems not shown"))
        raise BadInput(shown)


def _line_of(problem: Problem) -> int:
    _name, _colon, line = problem.where.rpartition(":")
    return int(line) if line.isdigit() else 0
