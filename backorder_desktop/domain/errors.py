"""The two ways the domain says no: bad input, and an operation refused."""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# A file with 20,000 bad rows is fixed the same way as one with 100: the first ones show what is
# wrong, the count says how much. Keeping only these bounds memory on files of millions of rows.
SHOWN_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file:line, or a description), which field, what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return printable(f"{self.where}: {self.field}: {self.message}")
        return printable(f"{self.where}: {self.message}")


# Characters that break a message's one line or turn the rest of it around on a terminal.
_UNSEEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def printable(text: str) -> str:
    """TEXT on one line as a person can read it: control, invisible and direction-changing
    characters (a newline in a column name, a NUL, a right-to-left override) written as escapes."""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in _UNSEEN else char for char in text)


class BadInput(Exception):
    """The input is wrong; nothing was changed. Carries the first problems found (in line order)
    and how many more there were, not just the first one."""

    def __init__(self, problems: list[Problem], more: int = 0, source: str = "") -> None:
        if len(problems) > SHOWN_PROBLEMS:  # every way in gets the same cap, in line order
            ordered = sorted(problems, key=line_of)
            problems, more = ordered[:SHOWN_PROBLEMS], more + len(ordered) - SHOWN_PROBLEMS
        self.problems = problems
        self.more = more  # problems found beyond those carried
        self.source = source or _file_of(problems)  # the file they come from, if any
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem, and a last line counting those not shown."""
        shown = [str(p) for p in self.problems]
        if self.more:
            shown.append(more_problems(self.more, self.source))
        return shown


def more_problems(count: int, source: str = "") -> str:
    return f"… and {count} more problems" + (f" in {source}" if source else "")


class Problems:
    """Collects problems, keeping the SHOWN with the lowest lines (in the order they were found
    within a line) and a count of the others, so that a million bad rows cost no memory."""

    def __init__(self, shown: int = SHOWN_PROBLEMS) -> None:
        self.shown = shown
        self.count = 0
        self._kept: list[tuple[int, int, Problem]] = []  # a max-heap by (line, arrival), negated

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        entry = (-line_of(problem), -self.count, problem)
        if len(self._kept) < self.shown:
            heapq.heappush(self._kept, entry)
        elif entry > self._kept[0]:  # comes before the last one kept
            heapq.heapreplace(self._kept, entry)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def absorb(self, error: BadInput) -> None:
        """Add the problems of ERROR, and count the ones it did not carry."""
        self.extend(error.problems)
        self.count += error.more

    def error(self, source: str = "") -> BadInput:
        """BadInput with the problems kept, in line order."""
        kept = [problem for _line, _arrival, problem in sorted(self._kept, reverse=True)]
        return BadInput(kept, self.count - len(kept), source)

    def raise_if_any(self, source: str = "") -> None:
        if self.count:
            raise self.error(source)


def line_of(problem: Problem) -> int:
    """The line number of a problem at FILE:LINE; 0 for any other place (they sort first)."""
    _name, _colon, line = problem.where.rpartition(":")
    return int(line) if line.isdigit() else 0


def _file_of(problems: list[Problem]) -> str:
    """The file problems at FILE:LINE come from."""
    for problem in problems:
        name, colon, line = problem.where.rpartition(":")
        if colon and line.isdigit():
            return name
    return ""


class Refused(Exception):
    """The operation does not apply to the current state (a shipment already shipped, ...)."""
