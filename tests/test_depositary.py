"""US lines (ADRs) of companies listed abroad: the bundled data and how a file is read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from finfacts import extract
from finfacts.depositary import US_EXCHANGES, read_us_lines, us_line, us_lines
from finfacts.entities import companies
from finfacts.errors import InputError

HEADER = "home_symbol,symbol,exchange,currency\n"


def test_every_us_line_belongs_to_a_bundled_company_listed_abroad() -> None:
    listed = {c.symbol: c for c in companies()}
    lines = us_lines()
    assert len(lines) >= 15
    for home, line in lines.items():
        assert home in listed, f"{home} is not in data/companies.csv"
        assert listed[home].exchange not in US_EXCHANGES, f"{home} is itself a US listing"
        assert line.exchange in US_EXCHANGES and line.currency == "USD"
    symbols = [line.symbol for line in lines.values()]
    assert len(set(symbols)) == len(symbols), "two companies share a US symbol"


def test_known_lines_of_each_market() -> None:
    """One company per home market, checked against the issuers' 20-F cover pages."""
    assert us_line("INFY.NS").symbol == "INFY"
    assert us_line("2330.TW").symbol == "TSM"
    assert us_line("7203.T").symbol == "TM"
    assert us_line("9984.T") is None  # SoftBank Group's ADRs trade over the counter


def _write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "lines.csv"
    path.write_text("# a comment line\n" + HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("INFY.NS,INFY,Tokyo,USD\n", "field 'exchange' is 'Tokyo'"),
        ("INFY.NS,infy!,XNYS,USD\n", "field 'symbol' is 'infy!'"),
        ("INFY.NS,INFY,XNYS,JPY\n", "field 'currency' is 'JPY'"),
        (",INFY,XNYS,USD\n", "field 'home_symbol' is empty"),
        ("INFY.NS,INFY,XNYS,USD\nINFY.NS,INFY,XNYS,USD\n", "listed twice"),
    ],
)
def test_a_bad_row_names_the_file_line_and_field(tmp_path: Path, row: str, reason: str) -> None:
    path = _write(tmp_path, "WIPRO.NS,WIT,XNYS,USD\n" + row)
    with pytest.raises(InputError) as caught:
        read_us_lines(path)
    error = caught.value
    assert error.path == str(path) and reason in error.reason
    assert error.line == 3 + row.count("\n")  # comment, header, the good row, the bad one


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text("home_symbol,symbol\nINFY.NS,INFY\n", encoding="utf-8")
    with pytest.raises(InputError, match="exchange"):
        read_us_lines(path)


def test_a_move_of_the_us_line_is_dated_on_the_us_calendar() -> None:
    """12 Feb 2024: Tokyo closed (a holiday), New York open. The ADR move is that session's;
    the same story about the Tokyo shares is dated on Tokyo's last session, 9 Feb."""
    us = "Toyota's U.S.-listed shares rose 1.2% on Monday."
    home = "Toyota's shares fell 1% on Monday."
    (adr,) = [r for r in extract(us, published=date(2024, 2, 13)) if r.kind == "move"]
    (tokyo,) = [r for r in extract(home, published=date(2024, 2, 13)) if r.kind == "move"]
    assert (adr.ticker, adr.exchange, adr.event_date) == ("TM", "XNYS", date(2024, 2, 12))
    assert (tokyo.ticker, tokyo.exchange, tokyo.event_date) == ("7203.T", "XTKS", date(2024, 2, 9))
