"""The equivalents check: a restated amount's implied rate against the day's reference rate."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pandas as pd
import pyarrow as pa
import pytest

from finfacts import fx
from finfacts.equivalence import COLUMNS, check_equivalents
from finfacts.records import Money, Percent

HIGH = Context(prec=80, rounding=ROUND_HALF_EVEN)
ON = date(2024, 3, 19)
DEC2 = pd.ArrowDtype(pa.decimal128(38, 2))
# ECB 2024-03-19: 1 EUR = 1.0854 USD = 90.1065 INR
ECB_USD_INR = HIGH.divide(Decimal("90.1065"), Decimal("1.0854"))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("FINFACTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINFACTS_OFFLINE", "1")
    fx.clear_memory_caches()


def money(doc: str, value: str | None, currency: str, equivalent_of: int | None = None) -> Money:
    surface = f"{currency} {value}"
    return Money(
        doc,
        0,
        len(surface),
        surface,
        surface,
        None if value is None else Decimal(value),
        currency,
        equivalent_of=equivalent_of,
    )


def inr_story() -> list:
    """ "INR 103 billion (USD 1.25 billion)" with a percentage in between."""
    return [
        money("a", "103000000000", "INR"),
        Percent("a", 0, 2, "5%", "s", Decimal(5)),
        money("a", "1250000000", "USD", equivalent_of=0),
    ]


def expected_deviation(implied: Decimal, reference: Decimal) -> Decimal:
    pct = HIGH.multiply(HIGH.divide(implied, reference) - 1, Decimal(100))
    return pct.quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


def test_inr_103_billion_is_usd_1_25_billion_at_82_4():
    out = check_equivalents(inr_story(), on=ON)
    assert list(out.columns) == list(COLUMNS) and len(out) == 1
    row = out.iloc[0]
    assert row["implied_rate"] == Decimal("82.4")
    assert row["pair"] == "USD/INR" and row["source"] == "ECB" and row["rate_date"] == ON
    assert abs(row["reference_rate"] - ECB_USD_INR) < Decimal("1e-18")
    assert Decimal("82.9") < row["reference_rate"] < Decimal("83.1")  # "about 83.0"
    assert row["deviation_pct"] == expected_deviation(Decimal("82.4"), ECB_USD_INR)
    assert Decimal("-0.8") < row["deviation_pct"] < Decimal("-0.7")
    assert (row["index"], row["equivalent_of"]) == (1, 0)  # the Percent does not count
    assert row["original_surface"] == "INR 103000000000" and pd.isna(row["error"])


def test_tidy_frame_gives_the_same_answer():
    records = inr_story()
    frame = pd.DataFrame(
        {
            "kind": [r.kind for r in records],
            "doc_id": [r.doc_id for r in records],
            "surface": [r.surface for r in records],
            "value": pd.array(
                [r.value for r in records], dtype=pd.ArrowDtype(pa.decimal128(38, 2))
            ),
            "currency": [getattr(r, "currency", None) for r in records],
            "equivalent_of": pd.array(
                [getattr(r, "equivalent_of", None) for r in records], dtype="Int64"
            ),
            "published": [ON] * 3,
        }
    )
    from_frame = check_equivalents(frame)
    from_records = check_equivalents(records, on=ON)
    # same figures; only the decimal scale of the echoed amounts follows the input
    pd.testing.assert_frame_equal(from_frame, from_records, check_dtype=False)


def test_indices_count_within_each_document():
    records = [
        money("a", "100", "EUR"),
        money("b", "2000", "JPY"),
        money("b", "12.27", "EUR", equivalent_of=0),  # b's first amount, not a's
    ]
    out = check_equivalents(records, on={"a": ON, "b": date(2023, 12, 5)})
    row = out.iloc[0]
    assert (row["doc_id"], row["original_currency"], row["original_value"]) == (
        "b",
        "JPY",
        Decimal("2000"),
    )
    assert row["reference_rate"] == Decimal("159.13") and row["on"] == date(2023, 12, 5)


def test_problems_are_reported_per_row():
    records = [
        money("a", "100", "EUR"),
        money("a", "108", "USD", equivalent_of=7),  # points nowhere
        money("a", None, "USD", equivalent_of=0),  # vague
        money("c", "5", "EUR"),
        money("c", "5", "USD", equivalent_of=0),  # no date for doc c
    ]
    out = check_equivalents(records, on={"a": ON})
    errors = out["error"].tolist()
    assert "equivalent_of=7" in errors[0]
    assert "vague" in errors[1]
    assert "no date" in errors[2]
    assert out["deviation_pct"].isna().all()


def test_missing_rate_goes_in_the_error_column():
    records = [money("a", "100", "TWD"), money("a", "3.1", "USD", equivalent_of=0)]
    out = check_equivalents(records, on=ON)  # offline, nothing cached for TWD
    assert "TWD" in out["error"][0] and pd.isna(out["reference_rate"][0])
    assert out["implied_rate"][0] == HIGH.divide(Decimal(100), Decimal("3.1")).quantize(
        Decimal(10) ** -20, ROUND_HALF_EVEN
    )


def test_no_restated_amounts_gives_an_empty_frame_with_the_columns():
    out = check_equivalents([money("a", "100", "EUR")], on=ON)
    assert out.empty and list(out.columns) == list(COLUMNS)
