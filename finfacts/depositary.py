"""US lines of foreign companies: "Infosys ADRs slid 3%" is a move of INFY, not INFY.NS.

Data: data/depositary_receipts.csv (home symbol → the US line's Yahoo symbol, MIC and
currency, from the issuers' SEC Form 20-F cover pages; provenance in the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from finfacts.entities import read_csv_rows
from finfacts.errors import InputError
from finfacts.paths import bundled_path

US_EXCHANGES = frozenset({"XNYS", "XNAS"})  # a company listed here trades on its US line
_COLUMNS = ("home_symbol", "symbol", "exchange", "currency")
_SYMBOL = re.compile(r"^[A-Z][A-Z.-]{0,9}$")  # a US ticker as Yahoo writes it (BRK-B)


@dataclass(frozen=True, slots=True)
class USLine:
    """The US exchange line (ADR/ADS) of a company listed abroad."""

    symbol: str
    exchange: str
    currency: str


@cache
def _lines() -> dict[str, USLine]:
    """The bundled US lines by home symbol, read once."""
    return read_us_lines(bundled_path("depositary_receipts.csv"))


def read_us_lines(path: Path) -> dict[str, USLine]:
    """US lines by home symbol from a file shaped like data/depositary_receipts.csv; a bad
    row raises InputError naming the file, its line and the field."""
    lines: dict[str, USLine] = {}
    for line_no, row in read_csv_rows(path, _COLUMNS):
        home, symbol, exchange = row["home_symbol"], row["symbol"], row["exchange"]
        if not home:
            raise InputError(str(path), "field 'home_symbol' is empty", line_no)
        if home in lines:
            raise InputError(str(path), f"home_symbol {home!r} is listed twice", line_no)
        if not _SYMBOL.match(symbol):
            raise InputError(str(path), f"field 'symbol' is {symbol!r}: not a US ticker", line_no)
        if exchange not in US_EXCHANGES:
            expected = " or ".join(sorted(US_EXCHANGES))
            raise InputError(
                str(path), f"field 'exchange' is {exchange!r}: expected {expected}", line_no
            )
        currency = row["currency"]
        if currency != "USD":
            raise InputError(str(path), f"field 'currency' is {currency!r}: not USD", line_no)
        lines[home] = USLine(symbol, exchange, "USD")
    return lines


def us_lines() -> dict[str, USLine]:
    """Every bundled US line, by home symbol (a copy)."""
    return dict(_lines())


def us_line(home_symbol: str) -> USLine | None:
    """The US line of the company listed as ``home_symbol`` ("INFY.NS" → INFY on XNYS), or
    None when the bundled data has none."""
    return _lines().get(home_symbol)
