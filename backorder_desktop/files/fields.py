"""Parsing one CSV field; each parser returns the value or raises FieldError with a message."""

from __future__ import annotations

import re
from datetime import datetime

from backorder_desktop.domain import identifiers
from backorder_desktop.domain.limits import MAX_QUANTITY, text_problem

_WHOLE = re.compile(r"^[0-9]+$")
_SIGNED = re.compile(r"^[+-]?[0-9]+$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


class FieldError(ValueError):
    """A field's value is wrong; the message says how, for a person."""


def text(value: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise FieldError("is empty")
    problem = text_problem("", "", value)  # a NUL, or too long: the domain's own limits
    if problem:
        raise FieldError(problem.message)
    return value


def code(value: str) -> str:
    """An identifier (a SKU, an order or receipt number): text in Unicode NFKC form, so that a
    full-width `ＡBC` is `ABC`, with no character that cannot be seen or turns text around."""
    normal = identifiers.normal(text(value))
    hidden = identifiers.hidden_message(normal)
    if hidden:
        raise FieldError(hidden)
    return text(normal)


def _number(value: str, pattern: re.Pattern[str], what: str) -> int:
    raw = value.strip()
    if not pattern.match(raw):
        raise FieldError(f"{raw!r} is not {what}")
    number = int(raw)
    if abs(number) > MAX_QUANTITY:
        raise FieldError(f"{raw} is too large (at most {MAX_QUANTITY:,})")
    return number


def positive(value: str) -> int:
    """A positive whole number (quantities, line numbers)."""
    number = _number(value, _WHOLE, "a positive whole number")
    if number < 1:
        raise FieldError(f"{value.strip()} is not a positive whole number")
    return number


def signed(value: str) -> int:
    """A whole number that may be negative but not zero (adjustments)."""
    number = _number(value, _SIGNED, "a whole number (like 12 or -3)")
    if number == 0:
        raise FieldError("0 changes nothing")
    return number


def priority(value: str) -> int:
    """1 (most urgent) to 9; empty means the default, 5."""
    if not value.strip():
        return 5
    number = _number(value, _WHOLE, "a priority from 1 to 9")
    if not 1 <= number <= 9:
        raise FieldError(f"{number} is not a priority from 1 to 9")
    return number


def boolean(value: str, default: bool | None = False) -> bool | None:
    """'true' or 'false' (any case); empty gives DEFAULT."""
    raw = value.strip().lower()
    if not raw:
        return default
    if raw in ("true", "false"):
        return raw == "true"
    raise FieldError(f"{value.strip()!r} is not true or false")


def timestamp(value: str) -> datetime:
    """ISO 8601 (2026-11-24T09:30:00, or a date alone); a zone is converted to local time."""
    raw = value.strip()
    if not _ISO.match(raw):
        raise FieldError(f"{raw!r} is not an ISO 8601 time like 2026-11-24T09:30:00")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as error:
        raise FieldError(f"{raw!r} is not a real date and time ({error})") from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone().replace(tzinfo=None)
        except OverflowError:
            raise FieldError(f"{raw!r} falls outside the calendar in local time") from None
    return moment.replace(microsecond=0)
