"""What the command-line tools share: terminal widths and table cells, numbers for display,
printing that survives a closed pipe, and the reporting and counting of documents."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd

from finfacts.errors import InputError
from finfacts.io import Document

DEFAULT_WIDTH = 100
"""Columns a table gets when the output is not a terminal."""


class Reporter:
    """Counts failures and prints each on stderr without breaking a progress bar."""

    def __init__(self) -> None:
        self.failed = 0

    def __call__(self, message: str) -> None:
        from tqdm import tqdm

        self.failed += 1
        tqdm.write(f"finfacts: {message}", file=sys.stderr)

    def input_error(self, err: InputError) -> None:
        self(str(err))

    def extraction_error(self, doc: Document, err: Exception) -> None:
        where = doc.source or doc.id
        if doc.line is not None:
            where += f":{doc.line}"
        self(f"{where}: {err}")


def print_lines(lines: list[str]) -> None:
    """Print to stdout; a reader that stops early (``| head``) is not an error."""
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):  # keep Python's exit flush quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())


class DocumentCounter:
    """Passes documents through and counts them."""

    def __init__(self, docs: Iterator[Document]):
        self._docs = docs
        self.count = 0

    def __iter__(self) -> Iterator[Document]:
        for doc in self._docs:
            self.count += 1
            yield doc


def terminal_width() -> int:
    """Columns for a table: the terminal's (at least 60), else ``DEFAULT_WIDTH``."""
    if sys.stdout.isatty():
        return max(60, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def format_number(value: Any, *, signed: bool = False) -> str:
    """A Decimal for display: grouped, no exponent, "+" on request; "" for a missing value."""
    if value is None or value is pd.NA:
        return ""
    from finfacts.frame import tidy_decimal

    number = tidy_decimal(Decimal(value))
    text = format(number, ",f")
    return f"+{text}" if signed and number > 0 else text


def text_width(text: str) -> int:
    """Terminal columns a string takes (East Asian wide characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def trim(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, with "…" where it was cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = text_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, align: str) -> str:
    """``text`` padded to ``width`` terminal columns, right-aligned when ``align`` is ">"."""
    gap = " " * (width - text_width(text))
    return gap + text if align == ">" else text + gap
