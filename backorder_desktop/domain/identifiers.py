"""Identifiers people type or import (SKUs, order and receipt numbers): one form however they
are typed, and nothing in them that a person cannot see.

Unicode NFKC makes a full-width `ＡBC` and `ABC` one SKU. What is left that cannot be seen or
that turns text around (zero-width characters, a byte-order mark inside a value, bidi
embeddings, overrides and isolates, other format and control characters, line separators) is
refused: two SKUs that look alike must be alike.
"""

from __future__ import annotations

import unicodedata

from backorder_desktop.domain.errors import Problem

# Control, format, surrogate, line and paragraph separator: never part of an identifier.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHOWN = 40  # characters of a value quoted in a message


def normal(value: str) -> str:
    """VALUE as it is stored and compared: NFKC, without surrounding spaces."""
    if value.isascii():  # nearly every identifier, and NFKC leaves ASCII as it is
        return value.strip()
    return unicodedata.normalize("NFKC", value).strip()


def shown(value: str) -> str:
    """VALUE quoted for a message on one line, escapes visible, a long one shortened."""
    if len(value) > _SHOWN:
        return f"{value[:_SHOWN]!r}… ({len(value):,} characters)"
    return repr(value)


def hidden_character(value: str) -> str | None:
    """'U+200B ZERO WIDTH SPACE' for the first character of VALUE no one can see, or None."""
    if value.isprintable():  # no control, format or separator character (the quick answer)
        return None
    for char in value:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            name = unicodedata.name(char, "")
            return (
                f"U+{ord(char):04X} {name}".rstrip() if name else f"U+{ord(char):04X} (a control character)"
            )
    return None


def hidden_message(value: str) -> str | None:
    """Why VALUE cannot be an identifier, or None when it can."""
    hidden = hidden_character(value)
    if hidden is None:
        return None
    return f"{shown(value)} holds {hidden}, an invisible or direction-changing character: remove it"


def problem(where: str, field: str, value: str) -> Problem | None:
    message = hidden_message(value)
    return Problem(where, field, message) if message else None
