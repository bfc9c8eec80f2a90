"""Daily price history for Yahoo symbols, kept in a Parquet cache that works offline.

One Parquet file per symbol (``<symbol>.parquet``) under ``data_dir() / "prices"``. Each
file remembers, in its Parquet metadata, the date ranges that were *fetched* (not only
the rows that exist), its currency, exchange timezone, source and price basis, so a
holiday or a closed market is never fetched twice. Prices are floats here: they are
market data as Yahoo serves them; exact Decimals are for amounts extracted from text.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import threading
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from finfacts import markets
from finfacts.atomic import atomic_write
from finfacts.errors import InputError, MissingPriceError, PriceFetchError
from finfacts.paths import bundled_path, data_dir

PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
COLUMNS = (*PRICE_COLUMNS, "volume")
OFFLINE_ENV = "FINFACTS_OFFLINE"
FORMAT_VERSION = 1

_META_KEY = b"finfacts.prices"
_YAHOO_SOURCE = "Yahoo Finance via yfinance (auto_adjust=False)"
_YAHOO_BASIS = "Yahoo Close: split-adjusted as of the fetch, not dividend-adjusted"
_SCHEMA = pa.schema(
    [("date", pa.date32())]
    + [(name, pa.float64()) for name in PRICE_COLUMNS]
    + [("volume", pa.int64())]
)
_SYMBOL_RE = re.compile(r"[A-Za-z0-9^][A-Za-z0-9^=._-]{0,39}")
_TRUE = {"1", "true", "yes", "on"}
_OVERLAP = timedelta(days=10)  # fetched beyond a gap to compare with cached closes
_BASIS_TOLERANCE = 0.02  # median close ratio off by more than this => different split basis
_FETCH_TIMEOUT = 30
_NETWORK_ERRORS = {"ConnectionError", "DNSError", "Timeout", "ConnectTimeout", "ReadTimeout"}

_yf_lock = threading.Lock()
_memo_lock = threading.Lock()
_memo: dict[Path, tuple[tuple[int, int, int], pd.DataFrame]] = {}

DateLike = date | str | pd.Timestamp
Span = tuple[date, date]


# --------------------------------------------------------------------------- public API


def is_offline(offline: bool | None = None) -> bool:
    """Whether to stay off the network: the argument if given, else $FINFACTS_OFFLINE."""
    if offline is not None:
        return bool(offline)
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in _TRUE


def default_cache_dir() -> Path:
    """The folder of the writable price cache: ``data_dir() / "prices"``."""
    return data_dir() / "prices"


def history(
    symbol: str,
    start: DateLike,
    end: DateLike,
    *,
    offline: bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    refresh: bool = False,
) -> pd.DataFrame:
    """Daily bars of ``symbol`` from ``start`` to ``end`` (both inclusive), cache first.

    Columns ``open high low close adj_close`` (float) and ``volume`` (Int64), indexed by
    session date (exchange-local, tz-naive). ``frame.attrs`` carries ``symbol``,
    ``currency``, ``timezone``, ``source``, ``basis`` and the cached ``coverage``.
    Ranges the cache has not covered are fetched with yfinance (``auto_adjust=False``)
    and merged in, unless offline, when a :class:`MissingPriceError` says what to run.
    ``refresh=True`` refetches everything cached plus the request and replaces the file
    (needed after a split changes Yahoo's price basis). ``cache_dir`` replaces the default
    cache *and* its bundled fallback.
    """
    _check_symbol(symbol)
    lo, hi = _as_date(start, "start"), _as_date(end, "end")
    if lo > hi:
        raise ValueError(f"{symbol}: start {lo} is after end {hi}")
    root, explicit = _root(cache_dir)
    cached = _load(symbol, root, seed=not explicit)
    horizon = _horizon(symbol)
    want_hi = min(hi, horizon)
    coverage = _coverage_of(cached)

    if refresh:
        span = (min([lo, *(s for s, _ in coverage)]), max([want_hi, *(e for _, e in coverage)]))
        if span[0] <= span[1]:
            _require_online(symbol, [span], root, offline)
            rows, currency, tz = _fetch(symbol, *span)
            store(
                symbol,
                rows,
                covered=span,
                currency=currency,
                timezone=tz,
                source=_YAHOO_SOURCE,
                basis=_YAHOO_BASIS,
                cache_dir=cache_dir,
                replace=True,
            )
            cached = _load(symbol, root, seed=False)
    else:
        gaps = [g for g in _gaps(coverage, lo, want_hi) if _may_trade(symbol, *g)]
        if gaps:
            _require_online(symbol, gaps, root, offline)
            margin = _OVERLAP if cached is not None else timedelta(0)
            rows, currency, tz = _fetch(
                symbol, gaps[0][0], gaps[-1][1], margin=margin, horizon=horizon
            )
            if cached is not None:
                _check_basis(symbol, cached, rows)
            store(
                symbol,
                rows,
                covered=(gaps[0][0], gaps[-1][1]),
                currency=currency,
                timezone=tz,
                source=_YAHOO_SOURCE,
                basis=_YAHOO_BASIS,
                cache_dir=cache_dir,
            )
            cached = _load(symbol, root, seed=not explicit)

    if cached is None:
        out = _empty_frame()
        out.attrs = _default_attrs(symbol)
        return out
    attrs = dict(cached.attrs)
    out = cached.loc[pd.Timestamp(lo) : pd.Timestamp(hi)].copy()
    out.attrs = attrs
    return out


def read_cache(symbol: str, *, cache_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Everything cached for ``symbol`` (with attrs as in :func:`history`), never fetching.

    Raises :class:`MissingPriceError` when nothing is cached for the symbol.
    """
    _check_symbol(symbol)
    root, explicit = _root(cache_dir)
    cached = _load(symbol, root, seed=not explicit)
    if cached is None:
        today = date.today()
        raise MissingPriceError(
            symbol,
            today,
            today,
            reason=f"nothing cached in {root}",
            hint=_hint(symbol, today, today),
        )
    return cached


def coverage(symbol: str, *, cache_dir: str | os.PathLike[str] | None = None) -> list[Span]:
    """The inclusive date ranges already fetched into the cache for ``symbol`` (may be [])."""
    _check_symbol(symbol)
    root, explicit = _root(cache_dir)
    return _coverage_of(_load(symbol, root, seed=not explicit))


def store(
    symbol: str,
    rows: pd.DataFrame,
    *,
    covered: tuple[DateLike, DateLike],
    currency: str | None,
    timezone: str | None,
    source: str = "",
    basis: str = "",
    cache_dir: str | os.PathLike[str] | None = None,
    replace: bool = False,
) -> Path:
    """Merge ``rows`` fetched for the inclusive range ``covered`` into the symbol's cache.

    Under a lock file the current cache is re-read; dates it already covers keep their
    cached rows (a stable, reproducible cache), new dates are added, and the coverage
    grows by ``covered``. The file is replaced atomically, so concurrent writers and
    crashes always leave a valid file. ``replace=True`` drops what was cached before.
    """
    _check_symbol(symbol)
    lo, hi = _as_date(covered[0], "covered start"), _as_date(covered[1], "covered end")
    if lo > hi:
        raise ValueError(f"{symbol}: covered range {lo}..{hi} is empty")
    root, explicit = _root(cache_dir)
    new = _normalise(rows, symbol)
    new = new.loc[pd.Timestamp(lo) : pd.Timestamp(hi)]
    target = root / f"{symbol}.parquet"
    with _locked(root):
        base = None if replace else _load(symbol, root, seed=not explicit, fresh=True)
        meta = {
            "format": FORMAT_VERSION,
            "symbol": symbol,
            "currency": currency,
            "timezone": timezone,
            "source": source,
            "basis": basis,
            "coverage": [(lo, hi)],
        }
        if base is not None:
            for key, value in (("currency", currency), ("timezone", timezone)):
                old = base.attrs.get(key)
                if old and value and old != value:
                    raise PriceFetchError(
                        symbol, f"{key} {value!r} differs from the cached {old!r} in {target}"
                    )
                meta[key] = old or value
            old_cov = _coverage_of(base)
            keep = ~_in_spans(new.index, old_cov)
            new = pd.concat([base, new.loc[keep]]) if keep.any() else base
            meta["coverage"] = _merge_spans([*old_cov, (lo, hi)])
            meta["source"] = _join_unique(base.attrs.get("source", ""), source)
            meta["basis"] = _join_unique(base.attrs.get("basis", ""), basis)
        new = new.sort_index()
        _write(target, new, meta)
    return target


def limit_days(symbol: str | None = None) -> pd.DataFrame:
    """Known price-limit days (``data/prices/limit_days.csv``): symbol, date, limit, single_price.

    ``limit`` is "up" or "down" (the daily limit price was touched, so the day's return is
    censored); ``single_price`` marks days that traded at one price only (O=H=L=C).
    """
    records: dict[tuple[str, date], tuple[str, bool]] = {}
    for path in _limit_day_files():
        for line, row in _read_table(path, ("symbol", "date", "limit", "single_price")):
            if row["limit"] not in ("up", "down"):
                raise InputError(
                    str(path), f"limit must be 'up' or 'down', not {row['limit']!r}", line=line
                )
            try:
                day = date.fromisoformat(row["date"])
            except ValueError:
                raise InputError(
                    str(path), f"date {row['date']!r} is not YYYY-MM-DD", line=line
                ) from None
            single = row["single_price"].strip().lower() in _TRUE
            records.setdefault((row["symbol"], day), (row["limit"], single))
    out = pd.DataFrame(
        [(s, d, lim, single) for (s, d), (lim, single) in sorted(records.items())],
        columns=["symbol", "date", "limit", "single_price"],
    )
    if symbol is not None:
        out = out[out["symbol"] == symbol].reset_index(drop=True)
    return out


def _read_table(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a small CSV data file with ``#`` comment lines, each with its 1-based line."""
    import csv

    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc
    numbered = [
        (n, ln)
        for n, ln in enumerate(text.splitlines(), 1)
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not numbered:
        raise InputError(str(path), "no header line")
    reader = csv.reader([ln for _, ln in numbered])
    header = next(reader)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(str(path), f"missing columns {missing}", line=numbered[0][0])
    for (line, _), values in zip(numbered[1:], reader, strict=True):
        if len(values) != len(header):
            raise InputError(
                str(path), f"expected {len(header)} fields, found {len(values)}", line=line
            )
        yield line, dict(zip(header, values, strict=True))


# --------------------------------------------------------------------------- cache files


def _root(cache_dir: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The cache folder to use and whether the caller chose it (no bundled fallback then)."""
    if cache_dir is not None:
        return Path(cache_dir), True
    return default_cache_dir(), False


def _check_symbol(symbol: str) -> None:
    if not isinstance(symbol, str) or not _SYMBOL_RE.fullmatch(symbol):
        raise PriceFetchError(
            str(symbol),
            "not a usable Yahoo symbol (letters, digits and ^ = . _ - only, e.g. '3778.T')",
        )


def _as_date(value: DateLike, what: str) -> date:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise TypeError(f"{what} must be a date or an ISO date string, not {type(value).__name__}")


def _empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in PRICE_COLUMNS})
    frame["volume"] = pd.Series(dtype="Int64")
    frame.index = pd.DatetimeIndex([], name="date")
    return frame


def _default_attrs(symbol: str) -> dict[str, Any]:
    try:
        ex = markets.exchange_for_symbol(symbol)
        currency, tz = ex.currency, ex.timezone
    except KeyError:
        currency = tz = None
    return {
        "symbol": symbol,
        "currency": currency,
        "timezone": tz,
        "source": "",
        "basis": "",
        "coverage": [],
    }


def _normalise(rows: pd.DataFrame, symbol: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in rows.columns]
    if missing:
        raise PriceFetchError(symbol, f"price rows lack columns {missing}")
    index = pd.DatetimeIndex(rows.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    out = pd.DataFrame(
        {
            c: pd.to_numeric(rows[c], errors="raise").astype("float64").to_numpy()
            for c in PRICE_COLUMNS
        },
        index=index.normalize(),
    )
    out["volume"] = pd.array(rows["volume"].to_numpy(dtype="float64"), dtype="Float64").astype(
        "Int64"
    )
    out.index.name = "date"
    return out[~out.index.duplicated(keep="last")].sort_index()


def _write(target: Path, frame: pd.DataFrame, meta: dict[str, Any]) -> None:
    cov = [[s.isoformat(), e.isoformat()] for s, e in meta["coverage"]]
    payload = json.dumps({**meta, "coverage": cov}, sort_keys=True).encode("utf-8")
    table = pa.table(
        [pa.array(frame.index.date, type=pa.date32())]
        + [pa.array(frame[c].to_numpy(dtype="float64"), type=pa.float64()) for c in PRICE_COLUMNS]
        + [pa.array(frame["volume"].astype("Int64"), type=pa.int64(), from_pandas=True)],
        schema=_SCHEMA,
    ).replace_schema_metadata({_META_KEY: payload})

    def write(tmp: Path) -> None:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a cache is shared like any file

    atomic_write(target, write)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _read_file(path: Path, *, fresh: bool = False) -> pd.DataFrame | None:
    """The cache file as a frame with attrs, or None; memoised by inode, mtime and size."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _memo_lock:
        hit = _memo.get(path)
    if hit is not None and hit[0] == key and not fresh:
        return _copy(hit[1])
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(str(path), f"unreadable price cache: {exc}") from exc
    raw = (table.schema.metadata or {}).get(_META_KEY)
    if raw is None:
        raise InputError(str(path), "not a finfacts price cache (no finfacts.prices metadata)")
    meta = json.loads(raw)
    if meta.get("format") != FORMAT_VERSION:
        raise InputError(
            str(path),
            f"price cache format {meta.get('format')!r} is not {FORMAT_VERSION}; rebuild it",
        )
    data = table.to_pandas(date_as_object=False)
    frame = data[list(COLUMNS)].copy()
    frame["volume"] = frame["volume"].astype("Int64")
    frame.index = pd.DatetimeIndex(pd.to_datetime(data["date"]), name="date")
    frame.attrs = {
        "symbol": meta.get("symbol"),
        "currency": meta.get("currency"),
        "timezone": meta.get("timezone"),
        "source": meta.get("source", ""),
        "basis": meta.get("basis", ""),
        "coverage": [(date.fromisoformat(s), date.fromisoformat(e)) for s, e in meta["coverage"]],
    }
    with _memo_lock:
        _memo[path] = (key, frame)
    return _copy(frame)


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {**frame.attrs, "coverage": list(frame.attrs["coverage"])}
    return out


def _load(symbol: str, root: Path, *, seed: bool, fresh: bool = False) -> pd.DataFrame | None:
    """The symbol's cache in ``root``, else (``seed``) the bundled copy shipped with finfacts."""
    frame = _read_file(root / f"{symbol}.parquet", fresh=fresh)
    if frame is None and seed:
        bundled = bundled_path(f"prices/{symbol}.parquet")
        if bundled.resolve() != (root / f"{symbol}.parquet").resolve():
            frame = _read_file(bundled)
    return frame


def _limit_day_files() -> list[Path]:
    paths = [bundled_path("prices/limit_days.csv"), default_cache_dir() / "limit_days.csv"]
    out: list[Path] = []
    for p in paths:
        if p.exists() and all(p.resolve() != q.resolve() for q in out):
            out.append(p)
    return out


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive lock on ``root/.lock`` (fcntl on POSIX, msvcrt on Windows)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt
            import time

            while True:
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- coverage


def _coverage_of(frame: pd.DataFrame | None) -> list[Span]:
    return [] if frame is None else list(frame.attrs.get("coverage", []))


def _merge_spans(spans: Iterable[Span]) -> list[Span]:
    out: list[list[date]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + timedelta(days=1):
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _gaps(spans: list[Span], lo: date, hi: date) -> list[Span]:
    """Parts of ``lo..hi`` not inside any span."""
    gaps: list[Span] = []
    cursor = lo
    for s, e in _merge_spans(spans):
        if e < cursor:
            continue
        if s > hi:
            break
        if s > cursor:
            gaps.append((cursor, min(hi, s - timedelta(days=1))))
        cursor = max(cursor, e + timedelta(days=1))
        if cursor > hi:
            break
    if cursor <= hi:
        gaps.append((cursor, hi))
    return gaps


def _in_spans(index: pd.DatetimeIndex, spans: list[Span]) -> np.ndarray:
    mask = np.zeros(len(index), dtype=bool)
    for lo, hi in spans:
        mask |= (index >= pd.Timestamp(lo)) & (index <= pd.Timestamp(hi))
    return mask


def _join_unique(old: str, new: str) -> str:
    parts = [p for p in old.split(" | ") if p]
    if new and new not in parts:
        parts.append(new)
    return " | ".join(parts)


def _calendar_mic(symbol: str) -> str | None:
    """The MIC whose calendar the symbol's bars follow, or None when finfacts cannot tell."""
    if "=" in symbol or (symbol.startswith("^") and not markets.is_index(symbol)):
        return None
    try:
        return markets.exchange_for_symbol(symbol).mic
    except KeyError:
        return None


def _may_trade(symbol: str, lo: date, hi: date) -> bool:
    """False only when the exchange calendar says ``lo..hi`` holds no session."""
    mic = _calendar_mic(symbol)
    if mic is None:
        return True
    cal = markets.calendar(mic)
    if pd.Timestamp(lo) < cal.first_session or pd.Timestamp(hi) > cal.last_session:
        return True
    return bool(markets.sessions_between(lo, hi, mic))


def _horizon(symbol: str) -> date:
    """The last day whose bar is final: yesterday in the exchange's timezone."""
    try:
        tz = ZoneInfo(markets.exchange_for_symbol(symbol).timezone)
    except KeyError:
        tz = ZoneInfo("UTC")
    return datetime.now(tz).date() - timedelta(days=1)


# --------------------------------------------------------------------------- fetching


def _hint(symbol: str, lo: date, hi: date) -> str:
    return (
        f"run finfacts.prices.history({symbol!r}, '{lo.isoformat()}', '{hi.isoformat()}', "
        "offline=False) with network access"
    )


def _require_online(symbol: str, gaps: list[Span], root: Path, offline: bool | None) -> None:
    if not is_offline(offline):
        return
    why = "offline=True" if offline else f"offline mode (${OFFLINE_ENV}={os.environ[OFFLINE_ENV]})"
    missing = ", ".join(f"{a}..{b}" for a, b in gaps)
    raise MissingPriceError(
        symbol,
        gaps[0][0],
        gaps[-1][1],
        reason=f"not in the price cache {root} (missing {missing}) and {why}",
        hint=_hint(symbol, gaps[0][0], gaps[-1][1]),
    )


@contextlib.contextmanager
def _yfinance_raising() -> Iterator[Any]:
    """yfinance with exceptions instead of logged-and-empty results, one fetch at a time."""
    import yfinance as yf

    with _yf_lock:
        previous = yf.config.debug.hide_exceptions
        yf.config.debug.hide_exceptions = False
        try:
            yield yf
        finally:
            yf.config.debug.hide_exceptions = previous


def _is_network_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    return any(cls.__name__ in _NETWORK_ERRORS for cls in type(exc).__mro__)


def _translate(symbol: str, lo: date, hi: date, exc: Exception) -> Exception:
    from yfinance.exceptions import (
        YFPricesMissingError,
        YFRateLimitError,
        YFTickerMissingError,
        YFTzMissingError,
    )

    if isinstance(exc, YFRateLimitError):
        return PriceFetchError(
            symbol,
            "rate limited by Yahoo (HTTP 429 Too Many Requests); "
            "wait before retrying, or work offline from the cache",
        )
    if isinstance(exc, YFTzMissingError):
        return PriceFetchError(
            symbol,
            "Yahoo has no exchange timezone for the symbol "
            f"(misspelt, or possibly delisted): {exc}",
        )
    if isinstance(exc, YFPricesMissingError | YFTickerMissingError):
        return PriceFetchError(symbol, f"Yahoo returned no prices for {lo}..{hi}: {exc}")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 404:
        return PriceFetchError(
            symbol, "Yahoo does not know the symbol (HTTP 404 Not Found: misspelt or delisted?)"
        )
    if _is_network_error(exc):
        return MissingPriceError(
            symbol,
            lo,
            hi,
            reason=f"network unreachable ({type(exc).__name__}: {exc})",
            hint=_hint(symbol, lo, hi),
        )
    return PriceFetchError(symbol, f"yfinance failed for {lo}..{hi}: {type(exc).__name__}: {exc}")


def _fetch(
    symbol: str,
    lo: date,
    hi: date,
    *,
    margin: timedelta = timedelta(0),
    horizon: date | None = None,
) -> tuple[pd.DataFrame, str | None, str | None]:
    """Daily bars ``lo..hi`` (plus ``margin`` each side, to compare with cached closes) from
    Yahoo with raw closes (auto_adjust=False); failures become finfacts errors naming lo..hi."""
    start = lo - margin
    end = hi + margin if horizon is None else max(hi, min(hi + margin, horizon))
    with _yfinance_raising() as yf:
        try:
            ticker = yf.Ticker(symbol)
            raw = ticker.history(
                start=start.isoformat(),
                end=(end + timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
                interval="1d",
                auto_adjust=False,
                actions=False,
                repair=False,
                timeout=_FETCH_TIMEOUT,
            )
            meta = ticker.history_metadata
            currency = meta.get("currency")
            tz = meta.get("exchangeTimezoneName")
        except Exception as exc:
            raise _translate(symbol, lo, hi, exc) from exc
    if raw is None or raw.empty:
        raise PriceFetchError(symbol, f"Yahoo returned no rows for {lo}..{hi}")
    rows = pd.DataFrame(
        {
            "open": raw["Open"],
            "high": raw["High"],
            "low": raw["Low"],
            "close": raw["Close"],
            "adj_close": raw.get("Adj Close", np.nan),
            "volume": raw["Volume"],
        }
    )
    rows = _normalise(rows, symbol).loc[pd.Timestamp(start) : pd.Timestamp(end)]
    if rows.empty:
        raise PriceFetchError(symbol, f"Yahoo returned no rows for {lo}..{hi}")
    return rows, currency, tz


def _check_basis(symbol: str, cached: pd.DataFrame, fetched: pd.DataFrame) -> None:
    """Refuse to merge when fetched closes sit on another split basis than cached ones."""
    common = cached.index.intersection(fetched.index)
    if common.empty:
        return
    old = cached.loc[common, "close"].to_numpy(dtype="float64")
    new = fetched.loc[common, "close"].to_numpy(dtype="float64")
    ok = np.isfinite(old) & np.isfinite(new) & (old > 0)
    if not ok.any():
        return
    ratio = float(np.median(new[ok] / old[ok]))
    if abs(ratio - 1.0) > _BASIS_TOLERANCE:
        raise PriceFetchError(
            symbol,
            f"Yahoo's closes are {ratio:.4g} times the cached ones over {int(ok.sum())} shared "
            "sessions: a different split basis (a split since the cache was filled?); nothing "
            "was merged. Call history(..., refresh=True) to refetch the cached range on "
            "Yahoo's current basis",
        )
