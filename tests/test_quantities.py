"""Quantity records: counts, power, durations — in the same pint registry as money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finfacts.extract import extract
from finfacts.records import Money, Quantity

CASES = [
    (
        "That includes plans to procure 10,000 graphics processing units (GPUs) within the next "
        "18–24 months.",
        [
            ("10,000 graphics processing units", "10000", None, "count"),
            ("18–24 months", "18", "24", "month"),
        ],
    ),
    (
        "Nvidia shipped 10,000 GPUs to the data center last quarter.",
        [("10,000 GPUs", "10000", None, "count")],
    ),
    (
        "The utility will build a 1.2 gigawatts nuclear plant near the coast.",
        [("1.2 gigawatts", "1.2", None, "gigawatt")],
    ),
    (
        "The new fab will draw 300 MW of power when it opens in 2027.",
        [("300 MW", "300", None, "megawatt")],
    ),
    (
        "Saudi Aramco cut output by 500,000 barrels a day, the ministry said.",
        [("500,000 barrels", "500000", None, "oil_barrel")],
    ),
    (
        "The company plans to hire 2,500 engineers over three years.",
        [("2,500 engineers", "2500", None, "count")],
    ),
]

NOT_QUANTITIES = [
    "The US in 2020 had already agreed to a trade deal.",
    "Written by Nikkei Asia Published on 2 mins read",
    "Singapore plans to triple its pool of AI experts to 15,000, as part of its strategy.",
    "Nvidia's H100 chips are in short supply.",
    "The index rose 1.2% to 33,231.27 on Tuesday.",
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_measures_are_quantities(text: str, expected: list) -> None:
    got = [r for r in extract(text) if isinstance(r, Quantity)]
    assert [(q.surface, q.value, q.value_high, q.unit) for q in got] == [
        (s, Decimal(v), Decimal(h) if h else None, u) for s, v, h, u in expected
    ]
    assert not any(isinstance(r, Money) for r in extract(text))


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_years_ids_and_reading_times_are_not_quantities(text: str) -> None:
    assert not [r for r in extract(text) if isinstance(r, Quantity)]


def test_quantities_convert_with_pint() -> None:
    (gw,) = [r for r in extract("a 1.2 gigawatts plant") if isinstance(r, Quantity)]
    assert gw.quantity.to("megawatt").magnitude == Decimal("1200")
    (months,) = [r for r in extract("within 18–24 months") if isinstance(r, Quantity)]
    assert months.quantity.to("year").magnitude == Decimal("1.5")
