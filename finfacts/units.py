"""One pint registry for finfacts: Decimal magnitudes, currencies as a ``[currency]`` dimension.

Currencies are defined as units of one dimension whose conversion factors are unknown
(NaN) until a day's rates are activated as a pint Context (see ``finfacts.fx.rates_on``).
Non-money measures from news ("10,000 GPUs", "1.2 gigawatts") use pint's own units.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from finfacts.errors import UnknownCurrencyError
from finfacts.fx import validate_currency
from finfacts.records import Money, Quantity

if TYPE_CHECKING:
    import pint

CURRENCY_DIMENSION = "[currency]"
ANCHOR_CURRENCY = "EUR"
"""The currency every other one is defined against (the ECB publishes rates per EUR)."""

_lock = threading.Lock()
_names = itertools.count(1)


@cache
def registry() -> pint.UnitRegistry:
    """The process-wide unit registry (built on first use): Decimal magnitudes, all currencies.

    Every ISO 4217 code CLDR knows is a unit of ``[currency]``; outside a rates context
    a conversion between two currencies gives NaN (pint's convention), never a number.
    """
    import pint
    from babel.numbers import list_currencies

    ureg = pint.UnitRegistry(non_int_type=Decimal)
    # pint names square_foot but not its metric twin, which the unit lexicon uses
    ureg.define("square_meter = meter ** 2")
    ureg.define(f"{ANCHOR_CURRENCY} = {CURRENCY_DIMENSION}")
    for code in sorted(list_currencies()):
        if code != ANCHOR_CURRENCY:
            ureg.define(f"{code} = nan {ANCHOR_CURRENCY}")
    return ureg


def _plain(d: Decimal) -> str:
    """A Decimal in positional notation (pint's parser does not read 1E+3 reliably)."""
    return format(d, "f")


@contextlib.contextmanager
def currency_context(
    name: str, per_anchor: Mapping[str, tuple[Decimal, Decimal]]
) -> Iterator[pint.Context]:
    """Enable a pint Context where each currency is worth ``den/num`` EUR, then remove it.

    ``per_anchor`` maps a code to (numerator, denominator) of its units per 1 EUR. The
    context is registered under a unique name for the duration of the ``with`` block.
    """
    import pint

    ureg = registry()
    with _lock:
        unique = f"{name}_{next(_names)}"
    lines = [f"@context {unique}"]
    for code, (num, den) in sorted(per_anchor.items()):
        code = validate_currency(code)
        if code == ANCHOR_CURRENCY:
            continue
        if num <= 0 or den <= 0:
            raise ValueError(f"rate of {code} per {ANCHOR_CURRENCY} must be positive")
        lines.append(f"{code} = {ANCHOR_CURRENCY} * {_plain(den)} / {_plain(num)}")
    ctx = pint.Context.from_lines(lines, non_int_type=Decimal)
    ureg.add_context(ctx)
    try:
        with ureg.context(unique):
            yield ctx
    finally:
        ureg.remove_context(unique)


def _describe(record: Money | Quantity) -> str:
    where = f" in {record.doc_id}" if record.doc_id else ""
    return f"{record.surface!r}{where} at {record.start}"


def money_quantity(money: Money) -> pint.Quantity:
    """``money.value`` as a pint Quantity of its currency (the low end of a range)."""
    if money.value is None:
        raise ValueError(f"vague amount {_describe(money)} has no value to make a quantity of")
    if money.currency is None:
        raise UnknownCurrencyError(None, f"amount {_describe(money)} has no currency")
    code = validate_currency(money.currency)
    return registry().Quantity(money.value, code)


def _unit(record: Quantity) -> pint.Unit:
    import pint

    try:
        return registry().parse_units(record.unit)
    except (pint.UndefinedUnitError, AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"unknown unit {record.unit!r} for {_describe(record)}: {exc}") from exc


def quantity_of(q: Quantity) -> pint.Quantity:
    """A Quantity record as a pint Quantity ("1.2 gigawatt", "10000 count"), Decimal magnitude."""
    return registry().Quantity(Decimal(q.value), _unit(q))


def quantity_range(record: Money | Quantity) -> tuple[pint.Quantity, pint.Quantity | None]:
    """Low and high ends of a record as pint Quantities (high is None when not a range)."""
    if isinstance(record, Money):
        low = money_quantity(record)
        high = (
            None if record.value_high is None else registry().Quantity(record.value_high, low.units)
        )
        return low, high
    low = quantity_of(record)
    high = (
        None
        if record.value_high is None
        else registry().Quantity(Decimal(record.value_high), low.units)
    )
    return low, high
