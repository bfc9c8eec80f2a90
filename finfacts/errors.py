"""One base error and structured subclasses: fields first, the message built from them."""

from __future__ import annotations

from datetime import date


class FinfactsError(Exception):
    """Base class of every error finfacts raises on purpose."""


class InputError(FinfactsError):
    """An input file (or one line/row of it) could not be read."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class UnknownCurrencyError(FinfactsError, ValueError):
    """A currency code that is not ISO 4217 (current or historical, as CLDR lists them)."""

    def __init__(self, code: object, reason: str = "not an ISO 4217 currency code"):
        self.code = code
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"unknown currency {self.code!r}: {self.reason}"


class MissingRateError(FinfactsError):
    """No exchange rate is available for a currency on a date."""

    def __init__(self, currency: str, on: date, reason: str = ""):
        self.currency = currency
        self.on = on
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = f"no {self.currency} rate for {self.on.isoformat()}"
        return f"{msg}: {self.reason}" if self.reason else msg


class MissingPriceError(FinfactsError):
    """Price history for a symbol and date range is not in the cache and cannot be fetched."""

    def __init__(self, symbol: str, start: date, end: date, reason: str = "", hint: str = ""):
        self.symbol = symbol
        self.start = start
        self.end = end
        self.reason = reason
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = f"no prices for {self.symbol} {self.start.isoformat()}..{self.end.isoformat()}"
        if self.reason:
            msg += f": {self.reason}"
        if self.hint:
            msg += f" ({self.hint})"
        return msg


class PriceFetchError(FinfactsError):
    """yfinance could not deliver usable prices (rate limit, empty frame, delisted...)."""

    def __init__(self, symbol: str, reason: str):
        self.symbol = symbol
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"could not fetch prices for {self.symbol}: {self.reason}"
