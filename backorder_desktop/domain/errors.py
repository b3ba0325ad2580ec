"""The two ways the domain says no: bad input, and an operation refused."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file:line, or a description), which field, what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}: {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class BadInput(Exception):
    """The input is wrong; nothing was changed. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Refused(Exception):
    """The operation does not apply to the current state (a shipment already shipped, ...)."""
