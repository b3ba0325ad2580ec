"""Reading printed pages back as a person or a scanner would: Poppler's pdftotext and pdftoppm
(Debian's poppler-utils) and ZBar's zbarimg (zbar-tools), which .ci/run installs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

SHIPMENT_NUMBER = re.compile(r"\bS\d{7}\b")


def needs(tool: str, package: str) -> str:
    """The path of TOOL; the asking test is skipped, saying which package brings it, without it."""
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (Debian's {package})")
    return found


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of PDF, in reading order (pdftotext -layout)."""
    done = subprocess.run(
        [needs("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_picture(pdf: Path, page: int, target: Path, dpi: int = 150) -> Path:
    """Page PAGE (from 1) of PDF as the PNG TARGET."""
    stem = target.with_suffix("")
    pages = ["-f", str(page), "-l", str(page), "-singlefile"]
    command = [needs("pdftoppm", "poppler-utils"), "-png", "-r", str(dpi), *pages, str(pdf), str(stem)]
    subprocess.run(command, check=True, timeout=60)
    return stem.with_suffix(".png")


def barcodes(picture: Path) -> list[str]:
    """What a scanner reads from the Code 128 barcodes in PICTURE, one text per barcode."""
    done = subprocess.run(
        [needs("zbarimg", "zbar-tools"), "-q", "--raw", "-Sdisable", "-Scode128.enable", str(picture)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 4), done.stderr  # 4: no barcode found
    return [line for line in done.stdout.splitlines() if line]
