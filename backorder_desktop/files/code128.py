"""Code 128 (code set B) barcodes, as bar widths: what a packing slip draws, with no library.

A symbol is a start character, one character per letter, a check character and the stop
character. Every character is three bars and three spaces, eleven modules wide (the stop is
thirteen: four bars and three spaces); the check is the weighted sum of the values modulo 103
(ISO/IEC 15417). Code set B holds the printable ASCII characters, space to tilde, which every
order and shipment number of the shop uses; others are refused (ValueError) and shown as text.
"""

from __future__ import annotations

from typing import NamedTuple

# The widths of each character's bars and spaces (bar first), by value 0-106.
PATTERNS = (  # noqa: SIM905 (fourteen a line, by value, as the standard tables print them)
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132"
    " 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212"
    " 322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311"
    " 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321"
    " 331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214"
    " 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212"
    " 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113"
    " 411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()
START_B = 104
STOP = 106
QUIET_ZONE = 10  # modules of white either side, so that a scanner finds where the symbol starts


class Bar(NamedTuple):
    """One dark bar: where it starts and how wide it is, in modules from the symbol's left edge
    (the quiet zone before it included)."""

    start: int
    width: int


def values(text: str) -> list[int]:
    """The symbol's character values: start B, the text, the check value, stop."""
    if not text:
        raise ValueError("a barcode needs at least one character")
    bad = next((char for char in text if not " " <= char <= "~"), None)
    if bad is not None:
        raise ValueError(f"{bad!r} is not a character Code 128 B can hold (printable ASCII)")
    data = [ord(char) - 32 for char in text]
    return [START_B, *data, check_value(data), STOP]


def check_value(data: list[int]) -> int:
    """The check character of DATA (code set B values): start B and each value weighted by its
    position (1, 2, …), modulo 103."""
    return (START_B + sum(position * value for position, value in enumerate(data, 1))) % 103


def widths(text: str) -> list[int]:
    """The widths of the symbol's bars and spaces in modules, bar first, quiet zones left out."""
    return [int(width) for value in values(text) for width in PATTERNS[value]]


def bars(text: str) -> tuple[list[Bar], int]:
    """The dark bars of TEXT's symbol, and its whole width in modules, quiet zones included."""
    found = []
    at = QUIET_ZONE
    for i, width in enumerate(widths(text)):
        if i % 2 == 0:  # bars and spaces alternate, a bar first
            found.append(Bar(at, width))
        at += width
    return found, at + QUIET_ZONE
