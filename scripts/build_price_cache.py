"""Build the bundled price cache (data/prices/*.parquet) from the reference daily-price CSVs.

Usage:
    python scripts/build_price_cache.py SOURCE_DIR [--out data/prices]

SOURCE_DIR holds one CSV per instrument named by its Yahoo symbol (``3778.T.csv``,
``^N225.csv``, ``TOPIX.csv``) with the header ``date,open,high,low,close,adj_close,volume``.
Which files to convert, their upstream source, price basis and covered window come from
``data/prices/sources.csv``; the script checks every row (ISO dates ascending and unique,
each a session of the instrument's exchange, numeric OHLC, expected row count) and the
price-limit table before writing anything, then writes each file atomically with its
coverage, currency, timezone, source and basis in the Parquet metadata.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from datetime import date
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from finfacts import markets, prices  # noqa: E402
from finfacts.errors import FinfactsError, InputError  # noqa: E402

HEADER = ["date", "open", "high", "low", "close", "adj_close", "volume"]


def read_sources(path: Path) -> list[dict[str, str]]:
    """The rows of sources.csv (comment lines skipped), checked for the needed columns."""
    required = ["symbol", "source_repo", "commit", "source_path", "basis"]
    required += ["covered_start", "covered_end", "rows"]
    lines = path.read_text("utf-8").splitlines()
    numbered = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader([ln for _, ln in numbered])
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(str(path), f"missing columns {missing}")
    rows = []
    for (line, _), row in zip(numbered[1:], reader, strict=True):
        for key in required:
            if not (row.get(key) or "").strip():
                raise InputError(str(path), f"empty {key}", line=line)
        rows.append(row)
    return rows


def _number(text: str, path: Path, line: int, field: str, *, required: bool) -> float:
    if text == "":
        if required:
            raise InputError(str(path), f"empty {field}", line=line)
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise InputError(str(path), f"{field} {text!r} is not a number", line=line) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(str(path), f"{field} {text!r} is not a finite non-negative number", line)
    return value


def read_prices(path: Path, mic: str, lo: date, hi: date) -> pd.DataFrame:
    """One instrument's CSV as a frame, every row checked; errors name file and line."""
    cal = markets.calendar(mic)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != HEADER:
            raise InputError(str(path), f"header {header} is not {HEADER}", line=1)
        records = []
        previous: date | None = None
        for line, fields in enumerate(reader, start=2):
            if len(fields) != len(HEADER):
                raise InputError(str(path), f"expected 7 fields, found {len(fields)}", line=line)
            try:
                day = date.fromisoformat(fields[0])
            except ValueError:
                raise InputError(str(path), f"date {fields[0]!r} is not YYYY-MM-DD", line) from None
            if previous is not None and day <= previous:
                raise InputError(str(path), f"date {day} not after {previous}", line=line)
            if not lo <= day <= hi:
                raise InputError(str(path), f"date {day} outside covered {lo}..{hi}", line=line)
            if not cal.is_session(pd.Timestamp(day)):
                raise InputError(str(path), f"{day} is not a {mic} session", line=line)
            previous = day
            o, h, lw, c = (
                _number(fields[i], path, line, HEADER[i], required=True) for i in range(1, 5)
            )
            if not (lw <= min(o, c) and h >= max(o, c)):
                raise InputError(str(path), f"inconsistent OHLC {o}/{h}/{lw}/{c}", line=line)
            adj = _number(fields[5], path, line, "adj_close", required=False)
            vol = _number(fields[6], path, line, "volume", required=False)
            records.append((pd.Timestamp(day), o, h, lw, c, adj, vol))
    frame = pd.DataFrame.from_records(records, columns=HEADER).set_index("date")
    frame["volume"] = frame["volume"].astype("Int64")
    return frame


def check_limit_days(frames: dict[str, pd.DataFrame]) -> None:
    """Every listed limit day must be a row of its symbol; one-price days must have O=H=L=C."""
    table = prices.limit_days()
    for row in table.itertuples(index=False):
        frame = frames.get(row.symbol)
        if frame is None:
            continue
        ts = pd.Timestamp(row.date)
        if not frame.index[0] <= ts <= frame.index[-1]:
            continue
        if ts not in frame.index:
            raise InputError("limit_days.csv", f"{row.symbol} {row.date}: no price row that day")
        bar = frame.loc[ts]
        one_price = bar["open"] == bar["high"] == bar["low"] == bar["close"]
        if row.single_price and not one_price:
            raise InputError(
                "limit_days.csv", f"{row.symbol} {row.date}: single_price but O/H/L/C differ"
            )


def main(argv: list[str] | None = None) -> int:
    """Convert the CSVs, then write every cache file (all checks pass before any write)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source_dir", type=Path, help="folder of <symbol>.csv files")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "prices")
    parser.add_argument("--sources", type=Path, default=REPO / "data" / "prices" / "sources.csv")
    args = parser.parse_args(argv)

    try:
        sources = read_sources(args.sources)
        frames: dict[str, pd.DataFrame] = {}
        for row in sources:
            symbol = row["symbol"]
            lo = date.fromisoformat(row["covered_start"])
            hi = date.fromisoformat(row["covered_end"])
            mic = markets.exchange_for_symbol(symbol).mic
            path = args.source_dir / f"{symbol}.csv"
            frame = read_prices(path, mic, lo, hi)
            if len(frame) != int(row["rows"]):
                raise InputError(str(path), f"{len(frame)} rows, sources.csv expects {row['rows']}")
            frames[symbol] = frame
        check_limit_days(frames)
    except (FinfactsError, OSError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    lock = args.out / ".lock"
    had_lock = lock.exists()
    for row in sources:
        symbol = row["symbol"]
        ex = markets.exchange_for_symbol(symbol)
        target = prices.store(
            symbol,
            frames[symbol],
            covered=(row["covered_start"], row["covered_end"]),
            currency=ex.currency,
            timezone=ex.timezone,
            source=f"{row['source_repo']}@{row['commit']}:{row['source_path']}",
            basis=row["basis"],
            cache_dir=args.out,
            replace=True,
        )
        first, last = frames[symbol].index[[0, -1]].date
        print(
            f"{target.name:18} {len(frames[symbol]):4} rows {first}..{last}"
            f"  covered {row['covered_start']}..{row['covered_end']}  {ex.currency}"
        )
    if not had_lock:
        lock.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
