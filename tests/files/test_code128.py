"""Code 128 B, as the packing slips draw it: the check value and the bars of known symbols, and
every printable character read back by a scanner (ZBar) from bars drawn here without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from backorder_desktop.files import code128
from tests.paperwork import barcodes


def test_the_check_value_is_the_weighted_sum_modulo_103() -> None:
    # The worked example of the symbology's descriptions: "PJJ123C" checks with 55 ("W").
    assert code128.values("PJJ123C") == [104, 48, 42, 42, 17, 18, 19, 35, 55, 106]
    # A shipment number: 104 + 51·1 + 16·(2 + 3 + 4 + 5 + 6) + 20·7 + 18·8 = 759 = 7·103 + 38.
    assert code128.values("S0000042")[-2] == 38


def test_a_symbol_is_start_b_each_character_the_check_and_stop_in_bars_and_spaces() -> None:
    # "A" is value 33; the check is (104 + 33) mod 103 = 34.
    assert "".join(map(str, code128.widths("A"))) == "211214" + "111323" + "131123" + "2331112"
    assert all(sum(map(int, pattern)) == 11 for pattern in code128.PATTERNS[:106])
    assert sum(map(int, code128.PATTERNS[code128.STOP])) == 13
    assert len(set(code128.PATTERNS)) == 107, "every character has a pattern of its own"
    bars, modules = code128.bars("S0000042")
    assert modules == code128.QUIET_ZONE * 2 + 11 * (1 + 8 + 1) + 13
    assert bars[0] == code128.Bar(code128.QUIET_ZONE, 2), "the start character's first bar"
    assert bars[-1].start + bars[-1].width == modules - code128.QUIET_ZONE, "the stop's last bar"
    assert len(bars) == 3 * 10 + 4


@pytest.mark.parametrize("text", ["", "Bestellung Nr. 5 für Müller", "line\nbreak", "tab\there"])
def test_text_code_set_b_cannot_hold_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        code128.values(text)


def _picture(text: str, target: Path, dots: int = 3, height: int = 80) -> Path:
    """TEXT's symbol as a black-and-white PBM picture, DOTS wide a module."""
    bars, modules = code128.bars(text)
    row = ["0"] * (modules * dots)
    for bar in bars:
        row[bar.start * dots : (bar.start + bar.width) * dots] = ["1"] * (bar.width * dots)
    line = " ".join(row)
    margin = " ".join(["0"] * len(row))
    rows = [margin] * 10 + [line] * height + [margin] * 10
    target.write_text(f"P1\n{len(row)} {len(rows)}\n" + "\n".join(rows) + "\n", encoding="ascii")
    return target


# Every printable character (in pieces of twelve, whose check values differ), and the shop's own
# numbers.
PRINTABLE = "".join(chr(code) for code in range(32, 127))
TEXTS = ["S0000042", "10248", "PJJ123C", "PO-20261202-07"]
TEXTS += [PRINTABLE[i : i + 12] for i in range(0, len(PRINTABLE), 12)]


@pytest.mark.parametrize("text", TEXTS)
def test_a_scanner_reads_back_what_the_bars_say(text: str, tmp_path: Path) -> None:
    assert barcodes(_picture(text, tmp_path / "symbol.pbm")) == [text]
