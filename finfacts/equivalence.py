"""Check amounts a text restates in another currency against the reference rate of the day.

"INR 103 billion (USD 1.25 billion)" implies 82.4 INR per USD; on 2024-03-19 the ECB
cross rate was about 83.0, so the text's figure is 0.7 % off. Large deviations point at
an extraction error (wrong scale word, wrong currency) or at a rate the writer took from
another day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import TYPE_CHECKING, Any

from finfacts import fx
from finfacts.errors import FinfactsError
from finfacts.records import Fact, Money

if TYPE_CHECKING:
    import pandas as pd

RATE_SCALE = fx.FX_RATE_SCALE
DEVIATION_SCALE = 4
"""Decimal places kept of the deviation in percent."""

_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)
_RATE_CTX = Context(prec=fx.RATE_SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN)
_HUNDRED = Decimal(100)

COLUMNS = (
    "doc_id",
    "index",
    "equivalent_of",
    "surface",
    "currency",
    "value",
    "original_surface",
    "original_currency",
    "original_value",
    "on",
    "pair",
    "implied_rate",
    "reference_rate",
    "rate_date",
    "source",
    "deviation_pct",
    "error",
)


@dataclass(frozen=True, slots=True)
class _Amount:
    """The fields of one Money the check needs, from a record or a frame row."""

    doc_id: str | None
    surface: str | None
    value: Decimal | None
    currency: str | None
    equivalent_of: int | None
    on: date | None


def _date_for(doc_id: str | None, on: date | Mapping[Any, date] | None) -> date | None:
    if on is None or isinstance(on, date):
        return on
    return on.get(doc_id)


def _from_records(
    records: Iterable[Fact], on: date | Mapping[Any, date] | None
) -> list[list[_Amount]]:
    docs: dict[str | None, list[_Amount]] = {}
    for rec in records:
        if not isinstance(rec, Money):
            continue
        docs.setdefault(rec.doc_id, []).append(
            _Amount(
                rec.doc_id,
                rec.surface,
                rec.value,
                rec.currency,
                rec.equivalent_of,
                _date_for(rec.doc_id, on),
            )
        )
    return list(docs.values())


def _missing(x: Any) -> bool:
    import pandas as pd

    return x is None or x is pd.NaT or (not isinstance(x, str | Decimal) and bool(pd.isna(x)))


def _from_frame(
    df: pd.DataFrame, on: date | Mapping[Any, date] | None, on_column: str
) -> list[list[_Amount]]:
    for col in ("value", "currency", "equivalent_of"):
        if col not in df.columns:
            raise KeyError(f"the equivalents check needs a {col!r} column; got {list(df.columns)}")
    rows = df[df["kind"] == "money"] if "kind" in df.columns else df
    n = len(rows)

    def column(name: str) -> list[Any]:
        return rows[name].tolist() if name in rows.columns else [None] * n

    doc_ids, surfaces = column("doc_id"), column("surface")
    values, currencies = column("value"), column("currency")
    equivs, days = column("equivalent_of"), column(on_column)
    docs: dict[Any, list[_Amount]] = {}
    for i in range(n):
        doc_id = None if _missing(doc_ids[i]) else doc_ids[i]
        day = None if _missing(days[i]) else fx.as_date(days[i])
        value = None if _missing(values[i]) else values[i]
        if value is not None and not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError(f"row {rows.index[i]!r}: value is a float; amounts must be Decimal")
            value = Decimal(value)
        docs.setdefault(doc_id, []).append(
            _Amount(
                doc_id,
                None if _missing(surfaces[i]) else surfaces[i],
                value,
                None if _missing(currencies[i]) else currencies[i],
                None if _missing(equivs[i]) else int(equivs[i]),
                day if day is not None else _date_for(doc_id, on),
            )
        )
    return list(docs.values())


def _check(amount: _Amount, index: int, doc: list[_Amount], offline: bool | None) -> dict[str, Any]:
    k = amount.equivalent_of
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        doc_id=amount.doc_id,
        index=index,
        equivalent_of=k,
        surface=amount.surface,
        currency=amount.currency,
        value=amount.value,
        on=amount.on,
    )
    if k is None or not 0 <= k < len(doc) or k == index:
        row["error"] = (
            f"equivalent_of={k} does not point at another of the document's "
            f"{len(doc)} money amounts"
        )
        return row
    orig = doc[k]
    row.update(
        original_surface=orig.surface,
        original_currency=orig.currency,
        original_value=orig.value,
        pair=f"{amount.currency}/{orig.currency}",
    )
    if amount.value is None or orig.value is None:
        row["error"] = "one of the two amounts has no value (vague)"
    elif amount.value == 0:
        row["error"] = "the restating amount is zero"
    elif amount.on is None:
        row["error"] = "no date to take the reference rate from"
    else:
        row["implied_rate"] = _RATE_CTX.divide(orig.value, amount.value)
        try:
            ref = fx.rate(amount.currency, orig.currency, amount.on, offline=offline)
        except (FinfactsError, ValueError) as exc:
            row["error"] = str(exc)
            return row
        row.update(reference_rate=ref.value, rate_date=ref.rate_date, source=ref.source)
        ratio = _CTX.divide(_CTX.multiply(orig.value, ref.denominator), amount.value)
        deviation = _CTX.multiply(_CTX.divide(ratio, ref.numerator) - 1, _HUNDRED)
        row["deviation_pct"] = deviation.quantize(
            Decimal(1).scaleb(-DEVIATION_SCALE), ROUND_HALF_EVEN, _CTX
        )
    return row


def check_equivalents(
    data: Iterable[Fact] | pd.DataFrame,
    *,
    on: date | Mapping[Any, date] | None = None,
    on_column: str = "published",
    offline: bool | None = None,
) -> pd.DataFrame:
    """One row per Money that restates another: implied rate, reference rate, deviation in %.

    ``data`` is a list of records (Money indices count per ``doc_id`` in the order given)
    or the tidy frame (dates from ``on_column``). ``on`` gives the date for records: one
    date, or a mapping doc_id → date. ``implied_rate`` and ``reference_rate`` are units
    of the original currency per 1 unit of the restating one (``pair`` "USD/INR").
    Problems (no date, vague amount, missing rate) go in ``error``; the row stays.
    """
    import pandas as pd

    docs = (
        _from_frame(data, on, on_column)
        if isinstance(data, pd.DataFrame)
        else (_from_records(data, on))
    )
    rows = [
        _check(amount, i, doc, offline)
        for doc in docs
        for i, amount in enumerate(doc)
        if amount.equivalent_of is not None
    ]
    return _to_frame(rows)


def _decimals(values: list[Decimal | None], scale: int | None) -> Any:
    import pandas as pd
    import pyarrow as pa

    if scale is None:  # keep the values' own scale
        present = [v for v in values if v is not None]
        scale = max((max(0, -v.as_tuple().exponent) for v in present), default=0)
    q = Decimal(1).scaleb(-scale)
    fixed = [None if v is None else v.quantize(q, ROUND_HALF_EVEN, _CTX) for v in values]
    return pd.array(fixed, dtype=pd.ArrowDtype(pa.decimal128(38, scale)))


def _to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    def col(name: str) -> list[Any]:
        return [r[name] for r in rows]

    text = pd.ArrowDtype(pa.string())
    return pd.DataFrame(
        {
            "doc_id": pd.array(col("doc_id"), dtype=text),
            "index": pd.array(col("index"), dtype=pd.ArrowDtype(pa.int64())),
            "equivalent_of": pd.array(col("equivalent_of"), dtype=pd.ArrowDtype(pa.int64())),
            "surface": pd.array(col("surface"), dtype=text),
            "currency": pd.array(col("currency"), dtype=text),
            "value": _decimals(col("value"), None),
            "original_surface": pd.array(col("original_surface"), dtype=text),
            "original_currency": pd.array(col("original_currency"), dtype=text),
            "original_value": _decimals(col("original_value"), None),
            "on": pd.array(col("on"), dtype=pd.ArrowDtype(pa.date32())),
            "pair": pd.array(col("pair"), dtype=text),
            "implied_rate": _decimals(col("implied_rate"), RATE_SCALE),
            "reference_rate": _decimals(col("reference_rate"), RATE_SCALE),
            "rate_date": pd.array(col("rate_date"), dtype=pd.ArrowDtype(pa.date32())),
            "source": pd.array(col("source"), dtype=text),
            "deviation_pct": _decimals(col("deviation_pct"), DEVIATION_SCALE),
            "error": pd.array(col("error"), dtype=text),
        },
        columns=list(COLUMNS),
    )
