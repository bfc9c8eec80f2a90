"""Dated currency conversion: ECB rates from the bundled history, Yahoo rates replayed."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yahoo_replay import YahooReplay

from finfacts import fx
from finfacts.errors import MissingRateError
from finfacts.records import Money, Percent

HIGH = Context(prec=80, rounding=ROUND_HALF_EVEN)
CENT = Decimal("0.01")
# Published ECB reference rates (units per 1 EUR), as printed in eurofxref-hist.csv.
ECB_2023_12_05 = {"USD": Decimal("1.0817"), "JPY": Decimal("159.13")}
ECB_2023_12_08 = {"USD": Decimal("1.0777")}
ECB_2024_03_19 = {"USD": Decimal("1.0854"), "JPY": Decimal("163.37"), "INR": Decimal("90.1065")}


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Own data folder, online by default, no rates remembered from other tests."""
    monkeypatch.setenv("FINFACTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FINFACTS_OFFLINE", raising=False)
    fx.clear_memory_caches()
    yield tmp_path / "data"
    fx.clear_memory_caches()


def money(value: str | None, currency: str | None, **kw) -> Money:
    return Money(
        doc_id="d1",
        start=0,
        end=1,
        surface="x",
        sentence="x",
        value=None if value is None else Decimal(value),
        currency=currency,
        **kw,
    )


# ----------------------------------------------------------------------------- ECB


def test_ecb_rates_are_the_published_figures():
    on = date(2023, 12, 5)
    usd = fx.rate("EUR", "USD", on)
    jpy = fx.rate("EUR", "JPY", on)
    assert (usd.value, jpy.value) == (ECB_2023_12_05["USD"], ECB_2023_12_05["JPY"])
    assert usd.source == jpy.source == "ECB"
    assert usd.rate_date == on and not usd.is_fallback and usd.note is None


def test_two_trillion_yen_in_dollars_on_2023_12_05():
    on = date(2023, 12, 5)
    conv = fx.convert(money("2000000000000", "JPY"), "USD", on)
    exact = HIGH.divide(
        HIGH.multiply(Decimal(2 * 10**12), ECB_2023_12_05["USD"]), Decimal("159.13")
    )
    assert conv.amount == exact.quantize(CENT, ROUND_HALF_EVEN)
    assert Decimal("13.5e9") < conv.amount < Decimal("13.7e9")  # "about USD 13.6 billion"
    assert conv.amount.as_tuple().exponent == -2  # cents, not float noise
    assert (conv.currency, conv.original_currency, conv.source) == ("USD", "JPY", "ECB")
    assert conv.rate_date == on
    legs = {leg.pair: leg.value for leg in conv.rate_info.legs}
    assert legs == {"EUR/JPY": Decimal("159.13"), "EUR/USD": Decimal("1.0817")}


@pytest.fixture(scope="module")
def currencyconverter():
    """The currencyconverter package's own Decimal converter: an independent oracle."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(decimal=True)


@pytest.mark.parametrize(
    ("amount", "src", "dst", "on"),
    [
        ("2000000000000", "JPY", "USD", date(2023, 12, 5)),
        ("103000000000", "INR", "USD", date(2024, 3, 19)),
        ("1234567.89", "GBP", "JPY", date(2008, 10, 10)),
        ("5.5", "CHF", "KRW", date(2015, 1, 15)),
        ("999", "USD", "EUR", date(1999, 1, 4)),
    ],
)
def test_agrees_with_currencyconverter(currencyconverter, amount, src, dst, on):
    ours = fx.convert(Decimal(amount), dst, on, currency=src).amount
    theirs = currencyconverter.convert(Decimal(amount), src, dst, date=on)
    assert abs(ours - theirs) <= Decimal(10) ** -fx.minor_unit_digits(dst)


def test_weekend_uses_fridays_rate_and_says_so():
    sunday = date(2023, 12, 10)
    r = fx.rate("EUR", "USD", sunday)
    assert r.value == ECB_2023_12_08["USD"]
    assert r.rate_date == date(2023, 12, 8) and r.on == sunday and r.is_fallback
    assert "2023-12-08" in r.note and "2023-12-10" in r.note
    conv = fx.convert(money("100", "EUR"), "USD", sunday)
    assert conv.rate_date == date(2023, 12, 8) and conv.note == r.note


def test_christmas_holidays_use_the_last_publication(currencyconverter):
    from currency_converter import RateNotFoundError

    r = fx.rate("GBP", "USD", date(2023, 12, 26))
    assert r.rate_date == date(2023, 12, 22)
    for day in (date(2023, 12, 25), date(2023, 12, 26)):
        with pytest.raises(RateNotFoundError):
            currencyconverter.convert(1, "EUR", "USD", date=day)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    on=st.dates(min_value=date(1999, 1, 4), max_value=date(2026, 10, 30)),
    code=st.sampled_from(["USD", "JPY", "GBP", "CHF", "AUD", "CAD", "SEK", "NOK", "DKK"]),
)
def test_rate_date_is_the_latest_publication_not_after_the_day(currencyconverter, on, code):
    from currency_converter import RateNotFoundError

    r = fx.rate("EUR", code, on)
    assert r.rate_date <= on
    assert r.value == currencyconverter.convert(1, "EUR", code, date=r.rate_date)
    day = r.rate_date + timedelta(days=1)
    while day <= on:  # nothing was published in between
        with pytest.raises(RateNotFoundError):
            currencyconverter.convert(1, "EUR", code, date=day)
        day += timedelta(days=1)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(  # from 2009 the ECB publishes all of these
    on=st.dates(min_value=date(2009, 1, 2), max_value=date(2026, 10, 30)),
    a=st.sampled_from(["USD", "JPY", "GBP", "EUR", "INR", "KRW", "CNY"]),
    b=st.sampled_from(["USD", "JPY", "GBP", "EUR", "BRL", "ZAR"]),
)
def test_a_rate_and_its_inverse_multiply_to_one(on, a, b):
    forth, back = fx.rate(a, b, on, offline=True), fx.rate(b, a, on, offline=True)
    assert abs(HIGH.multiply(forth.value, back.value) - 1) < Decimal("1e-26")


def test_before_the_data_begins_is_a_named_error():
    with pytest.raises(MissingRateError) as err:
        fx.rate("EUR", "USD", date(1998, 12, 31))
    assert err.value.currency == "USD" and err.value.on == date(1998, 12, 31)
    assert "before" in str(err.value) and "1999-01-04" in str(err.value)


def test_unknown_currency_is_a_clear_error():
    with pytest.raises(fx.UnknownCurrencyError, match="XYZ"):
        fx.rate("XYZ", "USD", date(2020, 1, 3))
    conv = fx.convert(Decimal(1), "USD", date(2020, 1, 3), currency="XYZ", errors="coerce")
    assert conv.amount is None and "XYZ" in conv.reason
    with pytest.raises(fx.UnknownCurrencyError):  # a bad target is a caller bug: always raised
        fx.convert(Decimal(1), "XYZ", date(2020, 1, 3), currency="USD", errors="coerce")


def test_floats_are_refused():
    with pytest.raises(TypeError, match="float"):
        fx.convert(1.5, "USD", date(2020, 1, 3), currency="EUR")


def test_rounding_is_half_even_to_the_minor_unit():
    on = date(2023, 12, 5)
    assert fx.convert(Decimal("0.125"), "EUR", on, currency="EUR").amount == Decimal("0.12")
    assert fx.convert(Decimal("0.135"), "EUR", on, currency="EUR").amount == Decimal("0.14")
    yen = fx.convert(Decimal("10.00"), "JPY", on, currency="EUR").amount
    assert yen == Decimal("1591") and yen.as_tuple().exponent == 0  # 1591.30 → whole yen


def test_range_and_vague_amounts():
    on = date(2023, 12, 5)
    conv = fx.convert(money("1", "EUR", value_high=Decimal("2")), "USD", on)
    assert (conv.amount, conv.amount_high) == (Decimal("1.08"), Decimal("2.16"))
    vague = fx.convert(money(None, "USD", vague=True), "EUR", on)
    assert vague.amount is None and "vague" in vague.reason and not vague.ok
    with pytest.raises(fx.UnknownCurrencyError):
        fx.convert(money("5", None), "USD", on)
    assert "no currency" in fx.convert(money("5", None), "USD", on, errors="coerce").reason


def test_same_currency_is_identity_on_any_day():
    r = fx.rate("usd", "USD", date(2031, 1, 1))
    assert (r.value, r.source, r.legs) == (Decimal(1), "identity", ())


def test_future_dates_have_no_rate():
    with pytest.raises(MissingRateError, match="future"):
        fx.rate("EUR", "USD", date.today() + timedelta(days=30))


# ----------------------------------------------------------------------------- Yahoo

TWD_DAYS = [d.date() for d in pd.bdate_range("2024-02-01", "2024-04-30")]
# Closes as decimal text; Yahoo serves them as float32-rounded binary numbers.
TWD_TEXT = {d: f"{Decimal('31.00') + Decimal('0.02') * i:.2f}" for i, d in enumerate(TWD_DAYS)}
TWD_NULL_DAY = date(2024, 3, 20)


def twd_rows() -> pd.DataFrame:
    closes = [
        np.nan if d == TWD_NULL_DAY else float(np.float32(float(TWD_TEXT[d]))) for d in TWD_DAYS
    ]
    return pd.DataFrame(
        {
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "adj_close": closes,
            "volume": [0] * len(closes),
        },
        index=pd.DatetimeIndex(TWD_DAYS),
    )


@pytest.fixture
def yahoo():
    replay = YahooReplay()
    replay.add_chart(
        "USDTWD=X",
        twd_rows(),
        currency="TWD",
        timezone="Europe/London",
        open_time=time(0, 0),
        exchange="CCY",
        instrument_type="CURRENCY",
    )
    replay.add_delisted("USDAED=X")
    with replay.active():
        yield replay


def test_yahoo_rate_for_a_currency_the_ecb_lacks(yahoo, isolated):
    on = date(2024, 3, 19)
    r = fx.rate("USD", "TWD", on)
    assert r.value == Decimal(TWD_TEXT[on])  # float32 noise removed, exact text recovered
    assert (r.source, r.rate_date) == ("yfinance", on)
    assert [leg.pair for leg in r.legs] == ["USD/TWD"]
    assert yahoo.chart_requests("USDTWD=X")
    cache = isolated / "fx" / "USDTWD=X.parquet"
    schema = pq.read_schema(cache)
    assert pa.types.is_decimal(schema.field("rate").type)
    assert not [p for p in cache.parent.iterdir() if p.name.endswith(".tmp")]


def test_yahoo_and_ecb_legs_cross(yahoo):
    on = date(2024, 3, 19)
    conv = fx.convert(Decimal("1000000"), "TWD", on, currency="JPY")
    twd_per_eur = HIGH.multiply(Decimal(TWD_TEXT[on]), ECB_2024_03_19["USD"])
    exact = HIGH.divide(HIGH.multiply(Decimal(1000000), twd_per_eur), ECB_2024_03_19["JPY"])
    assert conv.amount == exact.quantize(CENT, ROUND_HALF_EVEN)
    assert conv.source == "ECB+yfinance"
    assert {leg.source for leg in conv.rate_info.legs} == {"ECB", "yfinance"}


def test_yahoo_gap_uses_the_previous_close_and_says_so(yahoo):
    r = fx.rate("USD", "TWD", TWD_NULL_DAY)  # Yahoo's close is null that day
    assert r.rate_date == TWD_NULL_DAY - timedelta(days=1)
    assert r.value == Decimal(TWD_TEXT[r.rate_date]) and r.is_fallback


def test_cached_parquet_is_reused_offline(yahoo, monkeypatch):
    first = fx.rate("USD", "TWD", date(2024, 3, 19))
    fx.clear_memory_caches()
    before = len(yahoo.requests)
    monkeypatch.setenv("FINFACTS_OFFLINE", "1")
    again = fx.rate("USD", "TWD", date(2024, 3, 19))
    neighbour = fx.rate("USD", "TWD", date(2024, 3, 22))  # inside the span fetched before
    assert again.value == first.value == Decimal(TWD_TEXT[date(2024, 3, 19)])
    assert str(again.value) == str(first.value)  # same 6 significant digits from the file
    assert neighbour.value == Decimal(TWD_TEXT[date(2024, 3, 22)])
    assert len(yahoo.requests) == before  # nothing asked of Yahoo


def test_offline_without_cache_is_a_named_error(yahoo):
    with pytest.raises(MissingRateError) as err:
        fx.rate("USD", "TWD", date(2024, 3, 19), offline=True)
    assert err.value.currency == "TWD" and err.value.on == date(2024, 3, 19)
    assert "offline" in str(err.value) and "USDTWD=X" in str(err.value)
    assert yahoo.requests == []


def test_coerce_gives_none_and_the_reason(yahoo):
    conv = fx.convert(
        Decimal(5), "USD", date(2024, 3, 19), currency="TWD", errors="coerce", offline=True
    )
    assert conv.amount is None and conv.rate is None
    assert "TWD" in conv.reason and "2024-03-19" in conv.reason


def test_symbol_yahoo_does_not_know_is_not_cached(yahoo, isolated):
    with pytest.raises(MissingRateError, match="USDAED=X") as err:
        fx.rate("AED", "EUR", date(2024, 3, 19))
    assert err.value.currency == "AED"
    assert not (isolated / "fx" / "USDAED=X.parquet").exists()


def test_network_failure_is_a_named_error():
    replay = YahooReplay()
    replay.add_network_error()
    with replay.active():
        conv = fx.convert(Decimal(5), "USD", date(2024, 3, 19), currency="TWD", errors="coerce")
    assert conv.amount is None and "TWD" in conv.reason


# ----------------------------------------------------------------------------- frames


def tidy_frame() -> pd.DataFrame:
    dec = pd.ArrowDtype(pa.decimal128(38, 4))
    return pd.DataFrame(
        {
            "kind": ["money", "money", "percent", "money", "money", "money"],
            "doc_id": ["a", "b", "b", "c", "d", "e"],
            "value": pd.array(
                [
                    Decimal("2e12"),
                    Decimal("103e9"),
                    Decimal("3.5"),
                    None,
                    Decimal("10"),
                    Decimal("7"),
                ],
                dtype=dec,
            ),
            "currency": ["JPY", "INR", None, "USD", "EUR", "XYZ"],
            "published": pd.array(
                [
                    date(2023, 12, 5),
                    date(2024, 3, 19),
                    date(2024, 3, 19),
                    date(2024, 3, 19),
                    date(2023, 12, 10),
                    date(2024, 3, 19),
                ],
                dtype=pd.ArrowDtype(pa.date32()),
            ),
        }
    )


def test_convert_frame_adds_exact_typed_columns():
    out = fx.convert_frame(tidy_frame(), "USD", errors="coerce", offline=True)
    assert out["value_USD"].dtype == pd.ArrowDtype(pa.decimal128(38, 2))
    yen = HIGH.divide(HIGH.multiply(Decimal("2e12"), Decimal("1.0817")), Decimal("159.13"))
    assert out["value_USD"][0] == yen.quantize(CENT, ROUND_HALF_EVEN)
    inr = HIGH.divide(HIGH.multiply(Decimal("103e9"), Decimal("1.0854")), Decimal("90.1065"))
    assert out["value_USD"][1] == inr.quantize(CENT, ROUND_HALF_EVEN)
    assert out["fx_source"][0] == "ECB" and out["fx_rate_date"][0] == date(2023, 12, 5)
    # the percent row is left alone
    assert pd.isna(out["value_USD"][2]) and pd.isna(out["fx_error"][2])
    # the vague row is not converted and says why
    assert pd.isna(out["value_USD"][3]) and "vague" in out["fx_error"][3]
    # Sunday: Friday's rate, and the column says which day
    assert out["fx_rate_date"][4] == date(2023, 12, 8)
    assert out["value_USD"][4] == Decimal("10.78")
    # unknown currency under coerce: null and a reason
    assert pd.isna(out["value_USD"][5]) and "XYZ" in out["fx_error"][5]
    assert list(out.columns[:5]) == list(tidy_frame().columns)


def test_convert_frame_raises_by_default():
    with pytest.raises(fx.UnknownCurrencyError, match="XYZ"):
        fx.convert_frame(tidy_frame(), "USD", offline=True)


def test_convert_frame_default_date_and_float_guard():
    frame = tidy_frame().drop(columns=["published"]).iloc[:2]
    out = fx.convert_frame(frame, "EUR", default_on=date(2024, 3, 19), offline=True)
    assert out["fx_rate_date"].tolist() == [date(2024, 3, 19)] * 2
    with pytest.raises(TypeError, match="float"):
        fx.convert_frame(frame.assign(value=[1.5, 2.5]), "EUR", default_on=date(2024, 3, 19))


def test_percent_records_are_refused():
    pct = Percent("d", 0, 1, "3%", "s", Decimal(3))
    with pytest.raises(TypeError):
        fx.convert(pct, "USD", date(2024, 3, 19))


# ----------------------------------------------------------------------------- ECB gaps


def hand_built_ecb(tmp_path, monkeypatch) -> None:
    """Swap in a tiny ECB history (same CSV layout) that ends on 2024-03-19, JPY N/A that day."""
    import zipfile

    csv_text = "Date,USD,JPY,\n2024-03-19,1.0854,N/A,\n2024-03-18,1.0872,162.92,\n"
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("eurofxref-hist.csv", csv_text)
    monkeypatch.setattr(fx, "_ecb_table", fx._load_ecb(path))


def yahoo_rows(days: list[date], closes: list[str]) -> pd.DataFrame:
    values = [float(c) for c in closes]
    cols = ("open", "high", "low", "close", "adj_close")
    frame = pd.DataFrame({c: values for c in cols}, index=pd.DatetimeIndex(days))
    return frame.assign(volume=0)


def test_a_missing_ecb_cell_is_priced_from_yahoo(tmp_path, monkeypatch):
    hand_built_ecb(tmp_path, monkeypatch)
    replay = YahooReplay()
    days = [date(2024, 3, 18), date(2024, 3, 19)]
    replay.add_chart(
        "USDJPY=X",
        yahoo_rows(days, ["149.10", "150.20"]),
        currency="JPY",
        timezone="Europe/London",
        open_time=time(0, 0),
        exchange="CCY",
        instrument_type="CURRENCY",
    )
    with replay.active():
        r = fx.rate("EUR", "JPY", date(2024, 3, 19))
        earlier = fx.rate("EUR", "JPY", date(2024, 3, 18))
    assert r.value == HIGH.multiply(Decimal("1.0854"), Decimal("150.20"))
    assert r.source == "ECB+yfinance"
    assert earlier.value == Decimal("162.92") and earlier.source == "ECB"


def test_after_the_ecb_history_ends_rates_come_from_yahoo(tmp_path, monkeypatch):
    hand_built_ecb(tmp_path, monkeypatch)
    replay = YahooReplay()
    days = [date(2024, 4, 1), date(2024, 4, 2)]
    replay.add_chart(
        "USDEUR=X",
        yahoo_rows(days, ["0.92800", "0.93100"]),
        currency="EUR",
        timezone="Europe/London",
        open_time=time(0, 0),
        exchange="CCY",
        instrument_type="CURRENCY",
    )
    with replay.active():
        r = fx.rate("EUR", "USD", date(2024, 4, 2))  # two weeks after the table ends
    assert r.source == "yfinance" and r.rate_date == date(2024, 4, 2)
    assert r.value == Context(prec=28).divide(Decimal(1), Decimal("0.93100"))
