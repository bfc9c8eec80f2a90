"""Exchanges behind Yahoo symbols, their trading calendars and benchmark indices."""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Exchange:
    """An exchange as finfacts uses it: calendar (MIC), currency, timezone, benchmark index."""

    mic: str
    name: str
    currency: str
    timezone: str
    index: str
    alt_indices: tuple[str, ...] = ()


@cache
def _table() -> dict:
    text = resources.files("finfacts.lexicon").joinpath("exchanges.toml").read_text("utf-8")
    return tomllib.loads(text)


def _suffix(symbol: str) -> str:
    if "." in symbol and not symbol.startswith("^"):
        return "." + symbol.rsplit(".", 1)[1].upper()
    return ""


@lru_cache(maxsize=4096)
def exchange_for_symbol(symbol: str) -> Exchange:
    """The exchange a Yahoo symbol trades on ("6701.T" → Tokyo, "NVDA" → US)."""
    table = _table()
    if symbol in table["index"]:
        mic = table["index"][symbol]["mic"]
        for row in table["suffix"].values():
            if row["mic"] == mic:
                return _exchange(row)
    row = table["suffix"].get(_suffix(symbol))
    if row is None:
        raise KeyError(f"unknown exchange suffix in symbol {symbol!r}")
    return _exchange(row)


def _exchange(row: dict) -> Exchange:
    return Exchange(
        mic=row["mic"],
        name=row["name"],
        currency=row["currency"],
        timezone=row["timezone"],
        index=row["index"],
        alt_indices=tuple(row.get("alt_indices", ())),
    )


def is_index(symbol: str) -> bool:
    """True for a market index symbol finfacts knows (^N225, TOPIX, ^GSPC...)."""
    return symbol in _table()["index"]


@cache
def calendar(mic: str):
    """The exchange-calendars calendar for a MIC, built once per process."""
    import exchange_calendars as xc

    with warnings.catch_warnings():
        # exchange-calendars reads Series.values of tz-aware data, which pandas 3 deprecates;
        # the calendar it builds is unaffected, so the notice is kept out of user output.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        return xc.get_calendar(mic)


@lru_cache(maxsize=4096)  # moves of one day share it; the calendar look-up is slow
def session_on_or_before(day: date, mic: str) -> date:
    """The trading session of ``mic`` on ``day``, or the last one before it (weekend, holiday)."""
    import pandas as pd  # loaded with the first calendar, not with finfacts.dates

    cal = calendar(mic)
    ts = pd.Timestamp(day)
    if ts < cal.first_session or ts > cal.last_session:
        raise ValueError(
            f"{day} is outside the {mic} calendar ({cal.first_session.date()}.."
            f"{cal.last_session.date()})"
        )
    return cal.date_to_session(ts, direction="previous").date()


def sessions_between(start: date, end: date, mic: str) -> list[date]:
    """All trading sessions of ``mic`` from ``start`` to ``end`` inclusive."""
    import pandas as pd

    cal = calendar(mic)
    lo = max(pd.Timestamp(start), cal.first_session)
    hi = min(pd.Timestamp(end), cal.last_session)
    if lo > hi:
        return []
    return [ts.date() for ts in cal.sessions_in_range(lo, hi)]
