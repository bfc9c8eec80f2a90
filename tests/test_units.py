"""pint quantities: Decimal magnitudes, currencies converted only inside a day's rates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest

from finfacts import fx, units
from finfacts.errors import MissingRateError
from finfacts.records import Money, Quantity

HIGH = Context(prec=80, rounding=ROUND_HALF_EVEN)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("FINFACTS_DATA_DIR", str(tmp_path / "data"))
    fx.clear_memory_caches()
    yield
    fx.clear_memory_caches()


def money(value: str | None, currency: str, **kw) -> Money:
    value = None if value is None else Decimal(value)
    return Money("d1", 0, 1, "x", "x", value, currency, **kw)


def measure(value: str, unit: str, **kw) -> Quantity:
    return Quantity("d1", 0, 1, f"{value} {unit}", "x", Decimal(value), unit, **kw)


def test_money_quantity_is_decimal_in_its_currency():
    q = money("2000000000000", "JPY").quantity
    assert q.magnitude == Decimal("2000000000000") and isinstance(q.magnitude, Decimal)
    assert str(q.units) == "JPY"
    assert q.dimensionality == units.registry().get_dimensionality("[currency]")


def test_rates_on_converts_with_the_days_ecb_rates():
    q = money("2000000000000", "JPY").quantity
    with fx.rates_on(date(2023, 12, 5)) as rates:
        usd = q.to("USD")
    expected = HIGH.divide(HIGH.multiply(Decimal(2 * 10**12), Decimal("1.0817")), Decimal("159.13"))
    assert isinstance(usd.magnitude, Decimal)
    assert abs(usd.magnitude - expected) < Decimal("1e-12")
    assert rates["USD"].value == Decimal("1.0817") and rates["JPY"].value == Decimal("159.13")
    assert (
        usd.magnitude.quantize(Decimal("0.01"))
        == fx.convert(Decimal(2 * 10**12), "USD", date(2023, 12, 5), currency="JPY").amount
    )


def test_outside_a_rates_context_currencies_do_not_convert():
    q = money("100", "EUR").quantity
    assert q.to("USD").magnitude.is_nan()  # unknown factor: NaN, never a number
    with fx.rates_on(date(2023, 12, 5)):
        assert q.to("USD").magnitude == Decimal("108.17")
    assert q.to("USD").magnitude.is_nan()  # the day's context is gone again


def test_rates_on_a_sunday_uses_fridays_rates():
    with fx.rates_on(date(2023, 12, 10)) as rates:
        dollars = money("100", "EUR").quantity.to("USD")
    assert rates["USD"].rate_date == date(2023, 12, 8)
    assert dollars.magnitude == Decimal("107.77")


def test_rates_on_needs_non_ecb_currencies_named_and_available():
    with (
        pytest.raises(MissingRateError, match="TWD"),
        fx.rates_on(date(2024, 3, 19), currencies=["TWD"], offline=True),
    ):
        pass


def test_vague_money_has_no_quantity():
    with pytest.raises(ValueError, match="vague"):
        _ = money(None, "USD", vague=True).quantity


def test_counts_power_durations_energy_mass():
    gpus = measure("10000", "count", what="GPUs").quantity
    assert gpus.magnitude == Decimal(10000) and gpus.dimensionless
    power = measure("1.2", "gigawatt").quantity.to("megawatt")
    assert power.magnitude == Decimal(1200) and isinstance(power.magnitude, Decimal)
    months = measure("18", "month").quantity.to("year")
    assert months.magnitude == Decimal("1.5")
    energy = measure("5", "TWh").quantity.to("GWh")
    assert energy.magnitude == Decimal(5000)
    mass = measure("3", "tonne").quantity.to("kg")
    assert mass.magnitude == Decimal(3000)


def test_ranges_give_both_ends():
    low, high = units.quantity_range(measure("18", "month", value_high=Decimal(24)))
    assert (low.magnitude, high.magnitude) == (Decimal(18), Decimal(24))
    assert low.units == high.units
    lo, hi = units.quantity_range(money("1", "USD", value_high=Decimal("1.5")))
    assert (str(lo.units), hi.magnitude) == ("USD", Decimal("1.5"))
    assert units.quantity_range(money("1", "USD"))[1] is None


def test_unknown_unit_names_the_unit_and_the_text():
    with pytest.raises(ValueError, match="flurbs") as err:
        _ = measure("3", "flurbs").quantity
    assert "3 flurbs" in str(err.value)


def test_money_and_measures_share_one_registry():
    price = money("1000000000", "USD").quantity / measure("10000", "count").quantity
    assert price.magnitude == Decimal(100000)
    assert price.dimensionality == units.registry().get_dimensionality("[currency]")


def test_every_unit_the_lexicon_maps_to_is_known():
    from finfacts.lexicon.currency import supplement

    table = supplement()["units"]
    assert table  # the lexicon's [units] table: words in news -> pint unit names
    for word, unit in table.items():
        q = measure("2", unit).quantity
        assert q.magnitude == Decimal(2), word
    area = measure("3", "square_meter").quantity.to("square_foot")
    assert Decimal("32.29") < area.magnitude < Decimal("32.30")
