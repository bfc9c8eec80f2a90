"""Time converting 100,000 amounts to USD with ECB rates (offline), against a bare baseline.

Run: .venv/bin/python benchmarks/fx_convert.py [N]

The ECB table is loaded once before timing starts (its load time is printed on its own).
The baseline is a plain loop of Decimal multiply + quantize over the same amounts with
rates looked up beforehand, so the ratio shows what the dated lookup, validation and
result records cost on top of the arithmetic itself.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

os.environ.setdefault("FINFACTS_OFFLINE", "1")

from finfacts import fx

REPEAT = 3
CURRENCIES = ("JPY", "EUR", "GBP", "INR", "KRW", "CNY", "CHF", "AUD", "CAD", "HKD", "SGD", "BRL")


def make_inputs(n: int, seed: int = 7) -> list[tuple[Decimal, str, date]]:
    """``n`` (amount, currency, date) triples: amounts with 1-13 integer digits, 2016-2024."""
    rng = random.Random(seed)
    start = date(2016, 1, 1)
    out = []
    for _ in range(n):
        digits = rng.randint(1, 13)
        amount = Decimal(rng.randrange(10 ** (digits - 1), 10**digits)).scaleb(-rng.randint(0, 2))
        day = start + timedelta(days=rng.randrange(9 * 365))
        out.append((amount, rng.choice(CURRENCIES), day))
    return out


def tidy_frame(inputs: list[tuple[Decimal, str, date]]) -> pd.DataFrame:
    """The inputs as the tidy frame's money rows (Arrow decimal values, date32 dates)."""
    import pandas as pd
    import pyarrow as pa

    return pd.DataFrame(
        {
            "kind": ["money"] * len(inputs),
            "value": pd.array([a for a, _, _ in inputs], dtype=pd.ArrowDtype(pa.decimal128(38, 2))),
            "currency": [c for _, c, _ in inputs],
            "published": pd.array([d for _, _, d in inputs], dtype=pd.ArrowDtype(pa.date32())),
        }
    )


def best_of(run: Callable[[], object], prepare: Callable[[], object] = lambda: None) -> float:
    """The fastest of REPEAT timed runs (each after ``prepare``): the least disturbed one."""
    times = []
    for _ in range(REPEAT):
        prepare()
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n: int = 100_000) -> None:
    """Time ``n`` conversions three ways against the baseline and print the figures."""
    inputs = make_inputs(n)
    pairs = {(c, d) for _, c, d in inputs}
    frame = tidy_frame(inputs)

    t0 = time.perf_counter()
    fx.ecb_currencies()  # loads and parses the whole ECB table, once per process
    load = time.perf_counter() - t0

    def convert_all() -> None:
        results = [fx.convert(a, "USD", d, currency=c) for a, c, d in inputs]
        assert all(r.amount is not None for r in results)

    cold = best_of(convert_all, fx.clear_memory_caches)
    warm = best_of(convert_all)

    rates = [fx.rate(c, "USD", d).value for _, c, d in inputs]
    cent = Decimal("0.01")

    def baseline() -> None:
        for (a, _, _), r in zip(inputs, rates, strict=True):
            (a * r).quantize(cent, ROUND_HALF_EVEN)

    base = best_of(baseline)

    def convert_frame() -> None:
        out = fx.convert_frame(frame, "USD")
        assert out["value_USD"].notna().all()

    framed = best_of(convert_frame, fx.clear_memory_caches)

    print(f"amounts: {n:,} in {len(CURRENCIES)} currencies, {len(pairs):,} distinct (ccy, date)")
    print(f"best of {REPEAT} runs each")
    print(f"ECB table load + parse (once per process): {load * 1e3:.1f} ms")
    print(f"convert, rates not yet memoised: {cold:.3f} s  ({cold / n * 1e6:.2f} us/amount)")
    print(f"convert, rates memoised:         {warm:.3f} s  ({warm / n * 1e6:.2f} us/amount)")
    print(f"convert_frame, tidy frame:       {framed:.3f} s  ({framed / n * 1e6:.2f} us/row)")
    print(f"baseline Decimal multiply+round: {base:.3f} s  ({base / n * 1e6:.2f} us/amount)")
    print(
        f"ratio to baseline: convert cold {cold / base:.1f}x, memoised {warm / base:.1f}x, "
        f"convert_frame {framed / base:.1f}x"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
