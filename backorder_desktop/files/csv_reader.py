"""Reading an import file: UTF-8 CSV with a header row, problems reported by line and field
(the first hundred, and how many more).

The file is read one row at a time, never whole, so a file of millions of rows costs the memory
of what its importer keeps of each row, not of the rows themselves.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from backorder_desktop.domain.errors import BadInput, Problem, Problems
from backorder_desktop.files.fields import FieldError

_BLOCK = 1 << 20


class Row(NamedTuple):
    where: str  # "file.csv:12"
    values: dict[str, str]


def _check_text(path: Path) -> None:
    """BadInput unless PATH can be read and is UTF-8 text with something in it.

    A first pass over the bytes, so that a wrong encoding is reported alone and before any
    other problem, wherever it is in the file (as when the whole file was decoded at once).
    """
    name = path.name
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines_before = 0  # newlines in the blocks already decoded
    content = False
    try:
        with path.open("rb") as handle:
            first = True
            while block := handle.read(_BLOCK):
                if first and block.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise BadInput([Problem(f"{name}:1", "", "the file is UTF-16; save it as UTF-8")])
                first = False
                try:
                    text = decoder.decode(block)
                except UnicodeDecodeError as error:
                    # A newline is never part of a multi-byte sequence: the bytes the decoder
                    # held back from the previous block hold none.
                    line = lines_before + error.object.count(b"\n", 0, error.start) + 1
                    raise BadInput(
                        [Problem(f"{name}:{line}", "", "not valid UTF-8 text; save the file as UTF-8")]
                    ) from None
                lines_before += block.count(b"\n")
                content = content or bool(text.strip())
            try:
                content = bool(decoder.decode(b"", final=True).strip()) or content
            except UnicodeDecodeError:
                line = lines_before + 1
                raise BadInput(
                    [Problem(f"{name}:{line}", "", "not valid UTF-8 text; save the file as UTF-8")]
                ) from None
    except FileNotFoundError:
        raise BadInput([Problem(str(path), "", "no such file")]) from None
    except OSError as error:
        raise BadInput([Problem(str(path), "", f"cannot be read ({error.strerror})")]) from None
    if not content:
        raise BadInput([Problem(f"{name}:1", "", "the file is empty (it needs a header row)")])


class Rows:
    """The data rows of an import file, one at a time, as (line, fields) with the fields in
    header order (`columns` maps a column to its index). Opening checks the file and its
    header (BadInput); problems with the shape of rows are gathered while iterating, and
    `finish()` raises them, or says the file has no rows."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        self.path = path
        self.name = path.name
        _check_text(path)
        self.problems = Problems()
        self.count = 0
        self._handle = self._open()
        self._reader = csv.reader(self._handle, strict=True)
        try:
            self.header = [h.strip() for h in next(self._reader)]
        except csv.Error as error:
            self._handle.close()
            raise BadInput([Problem(f"{self.name}:1", "header", f"not valid CSV ({error})")]) from None
        except StopIteration:  # the file changed since it was checked
            self._handle.close()
            raise BadInput(
                [Problem(f"{self.name}:1", "", "the file is empty (it needs a header row)")]
            ) from None
        problems = _header_problems(self.name, self.header, required, optional)
        if problems:
            self._handle.close()
            problems.raise_if_any(self.name)
        self.columns = {column: index for index, column in enumerate(self.header)}

    def _open(self) -> TextIO:
        try:
            return self.path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise BadInput([Problem(str(self.path), "", f"cannot be read ({error.strerror})")]) from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        name, reader, width = self.name, self._reader, len(self.header)
        line = reader.line_num + 1
        count = self.count  # counted here, kept in `count` when the rows end (a million rows)
        try:
            for record in reader:
                at = line  # the line the row starts on (a quoted field may span lines)
                line = reader.line_num + 1
                if len(record) != width:
                    if not record or (len(record) == 1 and not record[0].strip()):
                        continue  # a blank line
                    self.problems.add(
                        Problem(f"{name}:{at}", "", f"has {len(record)} fields, the header has {width}")
                    )
                    continue
                count += 1
                yield at, record
        except csv.Error as error:
            self.problems.add(
                Problem(f"{name}:{line}", "", f"not valid CSV ({error}); is a quote left open?")
            )
        except UnicodeDecodeError:  # the file changed since it was checked
            self.problems.add(Problem(f"{name}:{line}", "", "not valid UTF-8 text; save the file as UTF-8"))
        finally:
            self.count = count
            self._handle.close()

    def finish(self) -> None:
        """After iterating: BadInput with the problems of the file's shape, or if it had no rows."""
        self.problems.raise_if_any(self.name)
        if not self.count:
            raise BadInput([Problem(f"{self.name}:2", "", "the file has a header but no rows")])


def _header_problems(
    name: str, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> Problems:
    problems = Problems()
    known = set(required) | set(optional)
    for column in header:
        if column not in known:
            problems.add(
                Problem(
                    f"{name}:1",
                    column or "header",
                    f"unexpected column {column!r} (columns: {', '.join(required + optional)})",
                )
            )
    present = set(header)
    for column in required:
        if column not in present:
            problems.add(Problem(f"{name}:1", column, f"missing column {column!r}"))
    # Counted once: a header of 100,000 columns is checked in linear time.
    for column in sorted(c for c, n in Counter(header).items() if n > 1):
        problems.add(Problem(f"{name}:1", column, "the column appears twice"))
    return problems


def read(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    """All data rows of PATH as dicts keyed by column; BadInput on a header or CSV problem."""
    rows = Rows(path, required, optional)
    header = rows.header
    data_rows = [Row(f"{rows.name}:{line}", dict(zip(header, record, strict=True))) for line, record in rows]
    rows.finish()
    return data_rows


class Collector:
    """Gathers problems while rows are parsed, so that one run reports them all (the first
    hundred, and how many more)."""

    def __init__(self, source: str = "", *, note_bad_rows: bool = True) -> None:
        self.source = source  # the file's name, for the line counting the problems not shown
        self.problems = Problems()
        self.bad_rows: set[str] = set()  # where each problem is (unless NOTE_BAD_ROWS is false)
        self._note_bad_rows = note_bad_rows

    def __bool__(self) -> bool:
        return bool(self.problems)

    @property
    def count(self) -> int:
        return self.problems.count

    def field(self, row: Row, column: str, parse: Callable[[str], Any]) -> Any:
        """The parsed value of COLUMN in ROW, or None after noting the problem."""
        try:
            return parse(row.values.get(column, ""))
        except FieldError as error:
            self.add(row.where, column, str(error))
            return None

    def value(self, line: int, column: str, raw: str, parse: Callable[[str], Any]) -> Any:
        """RAW (from COLUMN on LINE of the source file) parsed, or None after noting the problem."""
        try:
            return parse(raw)
        except FieldError as error:
            self.add(f"{self.source}:{line}", column, str(error))
            return None

    def add(self, where: str, column: str, message: str) -> None:
        self.problems.add(Problem(where, column, message))
        if self._note_bad_rows:
            self.bad_rows.add(where)

    def raise_if_any(self, check_the_rest: Callable[[], object] | None = None) -> None:
        """BadInput with the first problems by line, and the count of the rest. CHECK_THE_REST
        runs the database checks on the rows that parsed, so those problems show too."""
        if not self.problems:
            return
        if check_the_rest is not None:
            try:
                check_the_rest()
            except BadInput as error:
                self.problems.absorb(error)
        self.problems.raise_if_any(self.source)
