"""How the market actually reacted: reported vs actual moves, and market-model event studies.

Reported figures stay ``Decimal`` in every frame; they are turned into ``float`` only inside
the comparison with market data (which is float). The event study is the market model of
MacKinlay (1997, "Event Studies in Economics and Finance", Journal of Economic Literature
35(1)): OLS of the stock's daily simple returns on its market index over an estimation
window, abnormal returns after it, and t-statistics from the estimation residual variance
including the error in the estimated alpha and beta.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from finfacts import markets, prices
from finfacts.errors import FinfactsError, MissingPriceError, PriceFetchError
from finfacts.records import ShareMove

DEFAULT_TOLERANCE_PP = 0.05
"""Allowed gap (percentage points) on top of the rounding of the reported figure."""
FLAT_THRESHOLD_PCT = 1.0
"""A "little changed" report matches when the actual move is smaller than this (percent)."""
PRICE_BASIS_TOLERANCE = 0.01
"""A reported price more than 1% away from the close is flagged as another price basis."""
ESTIMATION = 120
GAP = 10
POST_DAYS = 5
CAR_WINDOWS: dict[str, tuple[int, int]] = {"car_m1_p1": (-1, 1), "car_0_p5": (0, 5)}

PathLike = str | os.PathLike[str] | None


# --------------------------------------------------------------------------- event study


@dataclass(frozen=True)
class EventStudy:
    """Market-model event study of one stock around one event (MacKinlay 1997).

    ``series`` has one row per session from the start of the estimation window to day +5:
    ``rel_day``, ``stock_close``, ``index_close``, ``stock_return``, ``index_return``,
    ``expected_return`` (alpha + beta * index return), ``abnormal_return``,
    ``in_estimation``, ``limit`` ("up"/"down"/""). Returns are simple daily returns
    (fractions, not percent); ``ar`` and the CARs are fractions too.
    """

    ticker: str
    index_symbol: str
    event_date: date
    event_session: date
    estimation_start: date
    estimation_end: date
    n_estimation: int
    alpha: float
    beta: float
    sigma: float
    ar: float
    ar_t: float
    car_m1_p1: float
    car_m1_p1_t: float
    car_0_p5: float
    car_0_p5_t: float
    flags: tuple[str, ...] = ()
    series: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    def to_row(self) -> dict[str, Any]:
        """The scalar results as one frame row (``flags`` joined with "; ")."""
        return {
            "ticker": self.ticker,
            "event_date": self.event_date,
            "event_session": self.event_session,
            "index_symbol": self.index_symbol,
            "estimation_start": self.estimation_start,
            "estimation_end": self.estimation_end,
            "n_estimation": self.n_estimation,
            "alpha": self.alpha,
            "beta": self.beta,
            "sigma": self.sigma,
            "ar": self.ar,
            "ar_t": self.ar_t,
            "car_m1_p1": self.car_m1_p1,
            "car_m1_p1_t": self.car_m1_p1_t,
            "car_0_p5": self.car_0_p5,
            "car_0_p5_t": self.car_0_p5_t,
            "flags": "; ".join(self.flags),
        }


@dataclass(frozen=True)
class _MarketModel:
    """OLS fit of stock on index returns over the estimation window."""

    alpha: float
    beta: float
    s2: float  # residual variance, n - 2 degrees of freedom
    n: int
    x_mean: float
    sxx: float  # sum of squared index-return deviations

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray) -> _MarketModel:
        x_mean, y_mean = float(x.mean()), float(y.mean())
        sxx = float(((x - x_mean) ** 2).sum())
        if sxx == 0.0:
            raise ValueError("index returns do not vary in the estimation window")
        beta = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
        alpha = y_mean - beta * x_mean
        s2 = float(((y - alpha - beta * x) ** 2).sum()) / (len(x) - 2)
        return cls(alpha, beta, s2, len(x), x_mean, sxx)

    def car(self, abnormal: np.ndarray, index_returns: np.ndarray) -> tuple[float, float]:
        """CAR over a window and its t: Var = s2 [L + L^2/n + (sum(Rm - mean Rm))^2 / Sxx]."""
        total = float(abnormal.sum())
        length = len(abnormal)
        dev = float((index_returns - self.x_mean).sum())
        var = self.s2 * (length + length**2 / self.n + dev**2 / self.sxx)
        return total, (total / math.sqrt(var) if var > 0 else math.nan)


def event_study(
    ticker: str,
    event_date: date | str,
    *,
    index: str | None = None,
    estimation: int = ESTIMATION,
    gap: int = GAP,
    min_estimation: int | None = None,
    offline: bool | None = None,
    cache_dir: PathLike = None,
) -> EventStudy:
    """Market-model abnormal return of ``ticker`` on the first session on/after ``event_date``.

    The index defaults to the exchange's benchmark (``markets.exchange_for_symbol(ticker)
    .index``). Alpha and beta come from OLS over the ``estimation`` sessions ending ``gap``
    sessions before day 0 (days -(gap+estimation-1) .. -gap); at least ``min_estimation``
    complete return pairs are required (default: half the window). For a window of L
    sessions, Var(CAR) = s2 * (L + L**2/n + (sum of (Rm - mean Rm) over it)**2 / Smm), with
    s2 the residual variance (n - 2 d.o.f.) and Smm the sum of squared index-return
    deviations in the estimation window; AR is the case L = 1. Raises
    :class:`MissingPriceError`/:class:`PriceFetchError` when the prices cannot be had and
    ``ValueError`` when the data cannot support the model.
    """
    if estimation < 3 or gap < 1:
        raise ValueError("estimation needs at least 3 sessions and gap at least 1")
    min_obs = max(3, estimation // 2) if min_estimation is None else max(3, min_estimation)
    exchange = markets.exchange_for_symbol(ticker)
    index_symbol = index or exchange.index
    asked = _as_date(event_date)
    day0 = _session_on_or_after(asked, exchange.mic)
    flags: list[str] = []
    if day0 != asked:
        flags.append(f"event_date_not_session:{asked}->{day0}")

    first_rel = -(gap + estimation)
    sessions = _sessions(exchange.mic, day0, -first_rel, POST_DAYS)
    rel = np.arange(first_rel, first_rel + len(sessions))
    stock, stock_flags = _closes(ticker, sessions, day0, offline, cache_dir, "stock")
    bench, bench_flags = _closes(index_symbol, sessions, day0, offline, cache_dir, "index")
    flags += stock_flags + bench_flags

    r_stock = _returns(stock)
    r_index = _returns(bench)
    est_mask = (rel >= -(gap + estimation - 1)) & (rel <= -gap)
    ok = est_mask & np.isfinite(r_stock) & np.isfinite(r_index)
    n = int(ok.sum())
    if n < min_obs:
        raise ValueError(
            f"{ticker} around {day0}: only {n} complete return pairs with {index_symbol} in "
            f"the estimation window (need {min_obs})"
        )
    try:
        model = _MarketModel.fit(r_index[ok], r_stock[ok])
    except ValueError as exc:
        raise ValueError(f"{ticker} vs {index_symbol} around {day0}: {exc}") from None
    expected = model.alpha + model.beta * r_index
    abnormal = r_stock - expected
    limits = _limit_marks(ticker, sessions)
    flags += _limit_flags(limits, sessions, rel, est_mask)
    results: dict[str, tuple[float, float]] = {}
    for label, (lo, hi) in {"ar": (0, 0), **CAR_WINDOWS}.items():
        window = (rel >= lo) & (rel <= hi)
        if window.sum() != hi - lo + 1 or not np.isfinite(abnormal[window]).all():
            flags.append(f"{label}_incomplete")
            results[label] = (math.nan, math.nan)
        else:
            results[label] = model.car(abnormal[window], r_index[window])

    series = pd.DataFrame(
        {
            "rel_day": rel,
            "stock_close": stock,
            "index_close": bench,
            "stock_return": r_stock,
            "index_return": r_index,
            "expected_return": expected,
            "abnormal_return": abnormal,
            "in_estimation": est_mask,
            "limit": limits,
        },
        index=pd.DatetimeIndex(pd.to_datetime(sessions), name="session"),
    )
    est_days = [s for s, m in zip(sessions, est_mask, strict=True) if m]
    return EventStudy(
        ticker=ticker,
        index_symbol=index_symbol,
        event_date=asked,
        event_session=day0,
        estimation_start=est_days[0],
        estimation_end=est_days[-1],
        n_estimation=n,
        alpha=model.alpha,
        beta=model.beta,
        sigma=math.sqrt(model.s2),
        ar=results["ar"][0],
        ar_t=results["ar"][1],
        car_m1_p1=results["car_m1_p1"][0],
        car_m1_p1_t=results["car_m1_p1"][1],
        car_0_p5=results["car_0_p5"][0],
        car_0_p5_t=results["car_0_p5"][1],
        flags=tuple(flags),
        series=series,
    )


def event_studies(
    pairs: Iterable[tuple[str, date | str]],
    *,
    index: str | None = None,
    estimation: int = ESTIMATION,
    gap: int = GAP,
    min_estimation: int | None = None,
    offline: bool | None = None,
    cache_dir: PathLike = None,
) -> pd.DataFrame:
    """One event study per (ticker, event_date) pair, one row each, in input order.

    Rows that cannot be computed keep their ticker and date, NaN results and the reason in
    ``error``; nothing is dropped or zero-filled.
    """
    rows = []
    for ticker, when in pairs:
        try:
            study = event_study(
                ticker,
                when,
                index=index,
                estimation=estimation,
                gap=gap,
                min_estimation=min_estimation,
                offline=offline,
                cache_dir=cache_dir,
            )
            rows.append({**study.to_row(), "error": None})
        except (FinfactsError, ValueError, KeyError) as exc:
            rows.append({**_empty_study_row(ticker, when), "error": _reason(exc)})
    frame = pd.DataFrame(rows, columns=[*_STUDY_COLUMNS, "error"])
    frame["n_estimation"] = frame["n_estimation"].astype("Int64")
    return frame


def named_companies(text: str, published: date | str) -> list[tuple[str, date]]:
    """(ticker, session) for every listed company a document names, on its published date.

    The study of a story without a reported move: which of the companies it names moved,
    and how abnormally, on the session the story came out (a weekend story → the last
    session before it). Order of first mention; each company once.
    """
    from finfacts import dates, entities

    day = _as_date(published)
    doc = entities.DocumentEntities.scan(text)
    pairs: dict[str, date] = {}
    for mention in doc.mentions:
        company = mention.company or doc.resolve(mention.surface, mention.start)
        if company is None or company.symbol in pairs:
            continue
        try:
            pairs[company.symbol] = dates.event_session(day, company.symbol)
        except (KeyError, ValueError):
            continue  # an exchange without a calendar here: left out, not guessed
    return list(pairs.items())


def document_studies(text: str, published: date | str, **options: Any) -> pd.DataFrame:
    """Event studies for every listed company the document names (see ``event_studies``)."""
    return event_studies(named_companies(text, published), **options)


# --------------------------------------------------------------------------- reported vs actual


def reported_vs_actual(
    moves: Iterable[ShareMove],
    *,
    tolerance_pp: float = DEFAULT_TOLERANCE_PP,
    flat_threshold_pct: float = FLAT_THRESHOLD_PCT,
    with_study: bool = True,
    index: str | None = None,
    estimation: int = ESTIMATION,
    gap: int = GAP,
    offline: bool | None = None,
    cache_dir: PathLike = None,
) -> pd.DataFrame:
    """Each reported share move beside what the market did on its session, one row per move.

    ``actual_pct`` is the close-to-close change on the event session (vs the previous
    session's close). A numeric report matches when ``|actual - reported|`` is within half
    a unit of the reported precision plus ``tolerance_pp`` ("7.6%" allows 0.05 + 0.05 pp);
    a direction-only report matches on sign; "little changed" (no figure or an approximate
    0) matches when ``|actual| < flat_threshold_pct``. With ``with_study`` the market-model
    columns (``ar``, ``car_*``, t-statistics) are filled for stocks. Failures go to
    ``error`` (the move itself) and ``study_error`` (the event study).
    """
    rows = []
    for move in moves:
        row = _move_row(move, tolerance_pp, flat_threshold_pct, offline, cache_dir)
        if with_study:
            _add_study(row, move, index, estimation, gap, offline, cache_dir)
        row["flags"] = "; ".join(row["flags"])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=_MOVE_COLUMNS)
    frame["n_estimation"] = frame["n_estimation"].astype("Int64")
    frame["match"] = frame["match"].astype("boolean")
    frame["price_match"] = frame["price_match"].astype("boolean")
    return frame


def compare_move(
    reported: Decimal | None,
    direction: str,
    approx: bool,
    actual_pct: float,
    *,
    tolerance_pp: float = DEFAULT_TOLERANCE_PP,
    flat_threshold_pct: float = FLAT_THRESHOLD_PCT,
) -> tuple[bool, str, float]:
    """(match, rule, allowed) for a reported move against the actual percent change.

    Rules: "flat" when the report is "little changed" (direction flat with no figure, or an
    approximate 0): ``|actual| < flat_threshold_pct``; "sign" for a direction without a
    figure; "figure" otherwise: ``|actual - reported| <= half a unit of the reported
    precision + tolerance_pp``. ``allowed`` is the bound that was applied.
    """
    if reported is None or (reported == 0 and approx):
        if direction == "flat" or reported is not None:
            return abs(actual_pct) < flat_threshold_pct, "flat", flat_threshold_pct
        if direction == "up":
            return actual_pct > 0, "sign", 0.0
        if direction == "down":
            return actual_pct < 0, "sign", 0.0
        raise ValueError(f"unknown direction {direction!r}")
    allowed = float(_half_unit(reported)) + tolerance_pp
    diff = actual_pct - float(reported)  # float only here, at comparison time
    return abs(diff) <= allowed + 1e-9, "figure", allowed


# --------------------------------------------------------------------------- price paths


def price_paths(
    ticker: str,
    event_date: date | str,
    *,
    index: str | None = None,
    before: int = 10,
    after: int = 10,
    offline: bool | None = None,
    cache_dir: PathLike = None,
) -> pd.DataFrame:
    """Stock and index closes around an event, rebased so day -1's close is 100.

    Indexed by ``rel_day`` (day 0 = first session on/after ``event_date``), with a
    ``session`` column and one column per symbol. Missing or not-yet-available closes are
    NaN, never filled.
    """
    if before < 1 or after < 0:
        raise ValueError("price_paths needs before >= 1 (day -1 is the base) and after >= 0")
    exchange = markets.exchange_for_symbol(ticker)
    index_symbol = index or exchange.index
    day0 = _session_on_or_after(_as_date(event_date), exchange.mic)
    sessions = _sessions(exchange.mic, day0, before, after)
    frame = pd.DataFrame(
        {"session": sessions}, index=pd.Index(range(-before, -before + len(sessions)))
    )
    frame.index.name = "rel_day"
    for symbol in (ticker, index_symbol):
        closes, _ = _closes(symbol, sessions, day0, offline, cache_dir, symbol)
        frame[symbol] = closes / closes[before - 1] * 100.0
    return frame


def plot_price_paths(paths: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Draw :func:`price_paths` output (matplotlib is imported only when this is called)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for column in paths.columns.drop("session"):
        ax.plot(paths.index, paths[column], marker="o", markersize=3, label=column)
    ax.axvline(0, color="grey", linewidth=0.8, linestyle="--")
    ax.axhline(100, color="grey", linewidth=0.5)
    ax.set_xlabel("sessions relative to the event (day 0)")
    ax.set_ylabel("close, day -1 = 100")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


# --------------------------------------------------------------------------- internals

_STUDY_COLUMNS = [
    "ticker",
    "event_date",
    "event_session",
    "index_symbol",
    "estimation_start",
    "estimation_end",
    "n_estimation",
    "alpha",
    "beta",
    "sigma",
    "ar",
    "ar_t",
    "car_m1_p1",
    "car_m1_p1_t",
    "car_0_p5",
    "car_0_p5_t",
    "flags",
]
_MOVE_COLUMNS = [
    "doc_id",
    "entity",
    "surface",
    "ticker",
    "instrument",
    "event_date",
    "session",
    "prev_session",
    "direction",
    "approx",
    "reported_pct",
    "actual_pct",
    "diff_pp",
    "match",
    "match_rule",
    "allowed_pp",
    "reported_price",
    "price_currency",
    "actual_close",
    "prev_close",
    "price_match",
    "index_symbol",
    "n_estimation",
    "alpha",
    "beta",
    "ar",
    "ar_t",
    "car_m1_p1",
    "car_m1_p1_t",
    "car_0_p5",
    "car_0_p5_t",
    "flags",
    "error",
    "study_error",
]
_STUDY_FIELDS = ["n_estimation", "alpha", "beta", "ar", "ar_t"]
_STUDY_FIELDS += ["car_m1_p1", "car_m1_p1_t", "car_0_p5", "car_0_p5_t"]


def _as_date(value: date | str | pd.Timestamp) -> date:
    if isinstance(value, datetime):  # also pd.Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    return f"{type(exc).__name__}: {text}"


def _half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last reported digit: 7.6 -> 0.05, 1927 -> 0.5."""
    exponent = value.as_tuple().exponent
    exponent = min(exponent, 0) if isinstance(exponent, int) else 0
    return Decimal(5).scaleb(exponent - 1)


def _session_on_or_after(day: date, mic: str) -> date:
    cal = markets.calendar(mic)
    ts = pd.Timestamp(day)
    if ts < cal.first_session or ts > cal.last_session:
        raise ValueError(f"{day} is outside the {mic} calendar")
    return cal.date_to_session(ts, direction="next").date()


def _sessions(mic: str, day0: date, before: int, after: int) -> list[date]:
    """Sessions from ``before`` sessions before ``day0`` to ``after`` sessions after it."""
    cal = markets.calendar(mic)
    ts = pd.Timestamp(day0)
    try:
        head = cal.sessions_window(ts, -(before + 1))
    except Exception as exc:  # exchange_calendars raises its own errors past its bounds
        raise ValueError(f"{before} sessions before {day0} are outside the {mic} calendar") from exc
    try:
        tail = cal.sessions_window(ts, after + 1)[1:]
    except Exception:
        tail = cal.sessions_in_range(ts, cal.last_session)[1 : after + 1]
    return [t.date() for t in head] + [t.date() for t in tail]


def _closes(
    symbol: str,
    sessions: Sequence[date],
    day0: date,
    offline: bool | None,
    cache_dir: PathLike,
    role: str,
) -> tuple[np.ndarray, list[str]]:
    """Closes of ``symbol`` on ``sessions`` (NaN where absent) and flags saying why."""
    flags: list[str] = []
    try:
        frame = prices.history(
            symbol, sessions[0], sessions[-1], offline=offline, cache_dir=cache_dir
        )
    except (MissingPriceError, PriceFetchError) as exc:
        if sessions[-1] <= day0:
            raise
        # The window may run past what exists yet: keep the cached stretch through day 0.
        end = day0
        for lo, hi in prices.coverage(symbol, cache_dir=cache_dir):
            if lo <= day0 <= hi:
                end = max(day0, min(hi, sessions[-1]))
        frame = prices.history(symbol, sessions[0], end, offline=offline, cache_dir=cache_dir)
        flags.append(f"{role}_unavailable_after:{end}({_reason(exc)})")
    closes = frame["close"]
    by_day = {ts.date(): float(v) for ts, v in closes.items()}
    values = np.array([by_day.get(d, math.nan) for d in sessions], dtype="float64")
    covered = frame.attrs.get("coverage", [])
    missing = [
        d
        for d in sessions
        if not math.isfinite(by_day.get(d, math.nan)) and any(s <= d <= e for s, e in covered)
    ]
    if missing:
        flags.append(f"{role}_missing_sessions:" + ",".join(d.isoformat() for d in missing))
    return values, flags


def _returns(closes: np.ndarray) -> np.ndarray:
    out = np.full(len(closes), math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1:] = closes[1:] / closes[:-1] - 1.0
    out[~np.isfinite(out)] = math.nan
    return out


def _limit_marks(ticker: str, sessions: Sequence[date]) -> list[str]:
    table = prices.limit_days(ticker)
    marks = dict(zip(table["date"], table["limit"], strict=True))
    return [marks.get(d, "") for d in sessions]


def _limit_flags(
    limits: list[str], sessions: Sequence[date], rel: np.ndarray, est_mask: np.ndarray
) -> list[str]:
    flags = [
        f"limit_{mark}:{day}(day {int(r):+d})"
        for mark, day, r in zip(limits, sessions, rel, strict=True)
        if mark and -1 <= r <= POST_DAYS
    ]
    in_est = sum(1 for mark, m in zip(limits, est_mask, strict=True) if mark and m)
    if in_est:
        flags.append(f"limit_days_in_estimation:{in_est}")
    return flags


def _empty_study_row(ticker: str, when: date | str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(_STUDY_COLUMNS)
    for key in ("alpha", "beta", "sigma", "ar", "ar_t", "car_m1_p1", "car_m1_p1_t"):
        row[key] = math.nan
    row.update(car_0_p5=math.nan, car_0_p5_t=math.nan, flags="")
    try:
        row["event_date"] = _as_date(when)
    except ValueError:
        row["event_date"] = when
    row["ticker"] = ticker
    return row


def _move_row(
    move: ShareMove,
    tolerance_pp: float,
    flat_threshold_pct: float,
    offline: bool | None,
    cache_dir: PathLike,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(_MOVE_COLUMNS)
    row.update(
        doc_id=move.doc_id,
        entity=move.entity,
        surface=move.surface,
        ticker=move.ticker,
        instrument=move.instrument,
        event_date=move.event_date,
        direction=move.direction,
        approx=move.approx,
        reported_pct=move.change_pct,
        reported_price=move.price,
        price_currency=move.price_currency,
        flags=[],
    )
    for key in ("actual_pct", "diff_pp", "allowed_pp", "actual_close", "prev_close"):
        row[key] = math.nan
    for key in _STUDY_FIELDS:
        row[key] = math.nan
    try:
        _fill_actual(row, move, tolerance_pp, flat_threshold_pct, offline, cache_dir)
    except (FinfactsError, ValueError, KeyError) as exc:
        row["error"] = _reason(exc)
    return row


def _fill_actual(
    row: dict[str, Any],
    move: ShareMove,
    tolerance_pp: float,
    flat_threshold_pct: float,
    offline: bool | None,
    cache_dir: PathLike,
) -> None:
    if not move.ticker:
        raise ValueError(f"move {move.surface!r} has no ticker")
    if move.event_date is None:
        raise ValueError(f"move {move.surface!r} has no event date")
    exchange = markets.exchange_for_symbol(move.ticker)
    session = markets.session_on_or_before(move.event_date, exchange.mic)
    if session != move.event_date:
        row["flags"].append(f"event_date_not_session:{move.event_date}->{session}")
    prev = markets.calendar(exchange.mic).previous_session(pd.Timestamp(session)).date()
    row.update(session=session, prev_session=prev)
    frame = prices.history(move.ticker, prev, session, offline=offline, cache_dir=cache_dir)
    closes = {ts.date(): float(v) for ts, v in frame["close"].items() if math.isfinite(v)}
    for day in (prev, session):
        if day not in closes:
            raise MissingPriceError(
                move.ticker, day, day, reason=f"session {day} has no close in the price data"
            )
    row.update(actual_close=closes[session], prev_close=closes[prev])
    actual = (closes[session] / closes[prev] - 1.0) * 100.0
    row["actual_pct"] = actual
    reported = move.change_pct
    if reported is not None:
        row["diff_pp"] = actual - float(reported)
        sign = (reported > 0) - (reported < 0)
        expected_sign = {"up": 1, "down": -1, "flat": 0}.get(move.direction)
        if sign and expected_sign is not None and sign != expected_sign:
            row["flags"].append(f"sign_disagrees_with_direction:{reported}/{move.direction}")
    match, rule, allowed = compare_move(
        reported,
        move.direction,
        move.approx,
        actual,
        tolerance_pp=tolerance_pp,
        flat_threshold_pct=flat_threshold_pct,
    )
    row.update(match=match, match_rule=rule, allowed_pp=allowed)
    limits = prices.limit_days(move.ticker)
    for day, mark in zip(limits["date"], limits["limit"], strict=True):
        if day == session:
            row["flags"].append(f"limit_{mark}:{day}")
    _compare_price(row, move, frame.attrs.get("currency"))


def _compare_price(row: dict[str, Any], move: ShareMove, currency: str | None) -> None:
    if move.price is None:
        return
    if move.price_currency and currency and move.price_currency != currency:
        row["flags"].append(f"price_currency_differs:{move.price_currency}!={currency}")
        return
    close = row["actual_close"]
    reported = float(move.price)  # float only here, at comparison time
    row["price_match"] = abs(reported - close) <= float(_half_unit(move.price)) + 1e-9
    ratio = reported / close
    if abs(ratio - 1.0) > PRICE_BASIS_TOLERANCE:
        row["flags"].append(f"price_basis_differs:reported/close={ratio:.4g}")


def _add_study(
    row: dict[str, Any],
    move: ShareMove,
    index: str | None,
    estimation: int,
    gap: int,
    offline: bool | None,
    cache_dir: PathLike,
) -> None:
    try:
        if not move.ticker or move.event_date is None:
            raise ValueError("no ticker or event date")
        if move.instrument == "index" or markets.is_index(move.ticker):
            raise ValueError(f"{move.ticker} is a market index: no market-model study")
        day = row["session"] or move.event_date
        study = event_study(
            move.ticker,
            day,
            index=index,
            estimation=estimation,
            gap=gap,
            offline=offline,
            cache_dir=cache_dir,
        )
    except (FinfactsError, ValueError, KeyError) as exc:
        row["study_error"] = _reason(exc)
        return
    row["index_symbol"] = study.index_symbol
    for key in _STUDY_FIELDS:
        row[key] = getattr(study, key)
    seen = list(row["flags"])  # the study repeats limit days with their relative day
    row["flags"] += [f for f in study.flags if not any(f.startswith(m) for m in seen)]
