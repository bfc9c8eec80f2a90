"""Serve hand-built Yahoo Finance chart responses to yfinance's own code, with no network.

yfinance talks to Yahoo through a ``curl_cffi`` session. :class:`YahooReplay` patches
``curl_cffi.requests.Session.request`` (the method every ``get``/``post`` goes through)
and answers like Yahoo does: the v8 ``finance/chart/<symbol>`` JSON for daily bars
built from rows you give it, Yahoo's empty-range and "delisted" answers, an HTTP status
such as 429, the cookie and crumb endpoints yfinance visits first, or a network error.
Everything above the socket — yfinance's request logic, JSON parsing, timezone handling
and frame building — runs for real.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from unittest import mock
from urllib.parse import unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import yfinance  # noqa: F401  (imported early so its warning filters precede the tests')

CHART_PATH = "/v8/finance/chart/"
SUMMARY_PATH = "/v10/finance/quoteSummary/"
_REASONS = {200: "OK", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}
_VALID_RANGES = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"]
_tz_cache_moved = False


class YahooReplay:
    """A fake Yahoo: register per-symbol behaviour, then run code inside :meth:`active`."""

    def __init__(self) -> None:
        self._symbols: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.unexpected: list[str] = []
        self._delisted: set[str] = set()

    # ---------------------------------------------------------------- registering symbols

    def add_chart(
        self,
        symbol: str,
        rows: pd.DataFrame,
        *,
        currency: str,
        timezone: str,
        open_time: time = time(9, 0),
        exchange: str = "JPX",
        instrument_type: str = "EQUITY",
    ) -> None:
        """Daily bars for ``symbol``: ``rows`` indexed by date with open/high/low/close/
        adj_close/volume. Each bar is stamped at ``open_time`` local time, as Yahoo does."""
        tz = ZoneInfo(timezone)
        stamps = [
            int(datetime.combine(pd.Timestamp(d).date(), open_time, tzinfo=tz).timestamp())
            for d in rows.index
        ]
        self._symbols[symbol] = {
            "kind": "chart",
            "rows": rows,
            "stamps": stamps,
            "currency": currency,
            "timezone": timezone,
            "exchange": exchange,
            "instrument_type": instrument_type,
        }

    def add_status(self, symbol: str, status: int, body: str = "") -> None:
        """Answer every chart request for ``symbol`` with HTTP ``status`` (e.g. 429)."""
        self._symbols[symbol] = {"kind": "status", "status": status, "body": body}

    def add_delisted(self, symbol: str) -> None:
        """Yahoo's answer for an unknown or delisted symbol: 404 with a chart error."""
        body = {
            "chart": {
                "result": None,
                "error": {
                    "code": "Not Found",
                    "description": "No data found, symbol may be delisted",
                },
            }
        }
        self._symbols[symbol] = {"kind": "status", "status": 404, "body": json.dumps(body)}
        self._delisted.add(symbol)

    def add_network_error(self, symbol: str | None = None) -> None:
        """Fail like an unreachable host (for ``symbol``, or for every request if None)."""
        self._symbols[symbol or "*"] = {"kind": "network"}

    # ---------------------------------------------------------------- serving

    def chart_requests(self, symbol: str) -> list[dict[str, Any]]:
        """The query parameters of every chart request made for ``symbol``."""
        return [p for url, p in self.requests if url.endswith(CHART_PATH + symbol)]

    def respond(self, method: str, url: str, params: dict[str, Any] | None) -> Any:
        """The response Yahoo would give to ``method url?params``."""
        from curl_cffi.requests.exceptions import DNSError

        params = dict(params or {})
        parts = urlsplit(url)
        host = parts.hostname or ""
        self.requests.append((f"{parts.scheme}://{host}{parts.path}", params))
        if "*" in self._symbols:
            raise DNSError(f"Failed to perform, curl: (6) Could not resolve host: {host}.")
        if host == "fc.yahoo.com":
            return _response(url, params, 404, b"", "text/html")
        if parts.path.endswith("/v1/test/getcrumb"):
            return _response(url, params, 200, b"replay-crumb", "text/plain")
        if host in ("guce.yahoo.com", "consent.yahoo.com"):
            return _response(url, params, 200, b"<html><body></body></html>", "text/html")
        if parts.path.startswith(CHART_PATH):
            symbol = unquote(parts.path[len(CHART_PATH) :])
            spec = self._symbols.get(symbol)
            if spec is not None:
                return self._chart(symbol, spec, url, params)
        if parts.path.startswith(SUMMARY_PATH):
            symbol = unquote(parts.path[len(SUMMARY_PATH) :])
            if symbol in self._delisted:  # yfinance asks here when the chart has no timezone
                error = {
                    "code": "Not Found",
                    "description": f"Quote not found for symbol: {symbol}",
                }
                body = json.dumps({"quoteSummary": {"result": None, "error": error}}).encode()
                return _response(url, params, 404, body, "application/json")
        self.unexpected.append(f"{method} {url}")
        return _response(url, params, 404, b"{}", "application/json")

    def _chart(self, symbol: str, spec: dict[str, Any], url: str, params: dict[str, Any]) -> Any:
        from curl_cffi.requests.exceptions import DNSError

        if spec["kind"] == "network":
            raise DNSError("Failed to perform, curl: (6) Could not resolve host.")
        if spec["kind"] == "status":
            return _response(url, params, spec["status"], spec["body"].encode(), "application/json")
        stamps = spec["stamps"]
        if "period1" in params:
            lo, hi = int(params["period1"]), int(params["period2"])
            picked = [i for i, s in enumerate(stamps) if lo <= s < hi]
        else:  # range=1d and friends: Yahoo returns the latest bar
            picked = [len(stamps) - 1] if stamps else []
        body = {"chart": {"result": [_result(symbol, spec, picked)], "error": None}}
        return _response(url, params, 200, json.dumps(body).encode(), "application/json")

    @contextlib.contextmanager
    def active(self) -> Iterator[YahooReplay]:
        """Route every curl_cffi request to this replay for the duration of the block."""
        from curl_cffi import requests as curl_requests
        from yfinance import _http
        from yfinance.data import YfData

        assert _http.HAS_CURL_CFFI, "yfinance is not using curl_cffi; patch its requests backend"
        _isolate_yfinance_disk_cache()
        replay = self

        def request(session: Any, method: str, url: str, params: Any = None, **_: Any) -> Any:
            return replay.respond(method, url, params)

        YfData.cache_get.cache_clear()  # yfinance memoises past-dated responses per process
        with mock.patch.object(curl_requests.Session, "request", request):
            try:
                yield self
            finally:
                YfData.cache_get.cache_clear()


def frame_from_csv(text: str) -> pd.DataFrame:
    """Rows ``date,open,high,low,close,adj_close,volume`` (CSV text) as a date-indexed frame."""
    import io

    frame = pd.read_csv(io.StringIO(text.strip()), parse_dates=["date"]).set_index("date")
    return frame.astype({"volume": "Int64"})


def _result(symbol: str, spec: dict[str, Any], picked: list[int]) -> dict[str, Any]:
    rows: pd.DataFrame = spec["rows"].iloc[picked]
    stamps = [spec["stamps"][i] for i in picked]
    tz = ZoneInfo(spec["timezone"])
    now = datetime.now(tz)
    all_rows = spec["rows"]
    meta = {
        "currency": spec["currency"],
        "symbol": symbol,
        "exchangeName": spec["exchange"],
        "fullExchangeName": spec["exchange"],
        "instrumentType": spec["instrument_type"],
        "firstTradeDate": spec["stamps"][0] if spec["stamps"] else None,
        "regularMarketTime": spec["stamps"][-1] if spec["stamps"] else None,
        "hasPrePostMarketData": False,
        "gmtoffset": int(now.utcoffset().total_seconds()),
        "timezone": now.tzname(),
        "exchangeTimezoneName": spec["timezone"],
        "regularMarketPrice": float(all_rows["close"].iloc[-1]) if len(all_rows) else None,
        "priceHint": 2,
        "dataGranularity": "1d",
        "range": "",
        "validRanges": _VALID_RANGES,
    }
    if not picked:  # Yahoo's answer for a range without bars
        return {"meta": meta, "indicators": {"quote": [{}], "adjclose": [{}]}}

    def col(name: str) -> list[Any]:
        return [None if pd.isna(v) else float(v) for v in rows[name]]

    quote = {name: col(name) for name in ("open", "high", "low", "close")}
    quote["volume"] = [None if pd.isna(v) else int(v) for v in rows["volume"]]
    # Without an explicit adj_close the bar had no dividend after it: Adj Close = Close
    adjclose = [
        c if a is None else a for a, c in zip(col("adj_close"), quote["close"], strict=True)
    ]
    return {
        "meta": meta,
        "timestamp": stamps,
        "indicators": {
            "quote": [quote],
            "adjclose": [{"adjclose": adjclose}],
        },
    }


def _response(url: str, params: dict[str, Any], status: int, body: bytes, ctype: str) -> Any:
    from curl_cffi.requests import Response
    from curl_cffi.requests.headers import Headers

    response = Response()
    response.url = f"{url}?{urlencode(params)}" if params else url
    response.status_code = status
    response.reason = _REASONS.get(status, "")
    response.ok = status < 400
    response.content = body
    response.headers = Headers({"content-type": ctype})
    return response


def _isolate_yfinance_disk_cache() -> None:
    """Point yfinance's timezone/cookie caches at a temporary folder (once per process)."""
    global _tz_cache_moved
    if not _tz_cache_moved:
        import yfinance as yf

        folder = tempfile.mkdtemp(prefix="yf-replay-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        yf.set_tz_cache_location(folder)
        _tz_cache_moved = True
