"""Hostile text: the work ``extract`` does grows linearly, and odd numbers never cost a document.

The generators are those of benchmarks/adversarial.py (which times them at 1 MB and 10 MB).
Here each kind runs at a small size and at ten times that size, and two ratios are checked:

- the number of Python and built-in function calls (counted by cProfile: deterministic), which
  exposes a quadratic loop in Python code, bounded by 1.5 x the size ratio;
- the best wall time of a few runs of each size in this process, which also exposes
  backtracking inside one regular-expression call, bounded generously by 2.5 x the size ratio.

No absolute time is asserted anywhere.
"""

from __future__ import annotations

import cProfile
import importlib.util
import pstats
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from finfacts.extract import extract_with_errors
from finfacts.frame import extract_frame

ROOT = Path(__file__).resolve().parents[1]
FACTOR = 10
CALLS_BOUND = 1.5 * FACTOR
TIME_BOUND = 2.5 * FACTOR


def _load_benchmark():
    path = ROOT / "benchmarks" / "adversarial.py"
    spec = importlib.util.spec_from_file_location("finfacts_bench_adversarial", path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


adversarial = _load_benchmark()

SUPERLINEAR: dict[str, str] = {}  # every kind is linear now; a regression goes here


def _calls(text: str) -> int:
    profile = cProfile.Profile()
    profile.enable()
    extract_with_errors(text)
    profile.disable()
    return pstats.Stats(profile).total_calls


def _best_seconds(text: str, runs: int, enough: float = 0.5) -> float:
    """The best of ``runs`` timings; one run when it already takes ``enough`` seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        extract_with_errors(text)
        best = min(best, time.perf_counter() - start)
        if best >= enough:
            break
    return best


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=SUPERLINEAR[name]),
        )
        if name in SUPERLINEAR
        else name
        for name in adversarial.KINDS
    ],
)
def test_work_grows_linearly_with_the_size_of_hostile_text(kind):
    spec = adversarial.KINDS[kind]
    small, large = spec.make(spec.test_size), spec.make(spec.test_size * FACTOR)
    records, errors = extract_with_errors(small)  # warm up lazy tables, and no fault
    assert errors == []
    assert all(small[r.start : r.end] == r.surface for r in records)

    seconds = _best_seconds(large, 2) / _best_seconds(small, 3)
    assert seconds <= TIME_BOUND, f"{kind}: {seconds:.1f}x the time for {FACTOR}x the text"

    calls = _calls(large) / _calls(small)
    assert calls <= CALLS_BOUND, f"{kind}: {calls:.1f}x the calls for {FACTOR}x the text"


def test_the_benchmark_covers_every_kind_the_reliability_brief_names():
    names = set(adversarial.KINDS)
    assert {
        "digit_run",
        "dollar_signs",
        "comma_ones",
        "nested_parens",
        "long_lines",
        "currency_words",
        "billion_billion",
        "spaced_digits",
        "dashes",
        "percent_signs",
        "cjk_numerals",
        "fullwidth_digits",
    } <= names
    for name, spec in adversarial.KINDS.items():
        size = len(spec.make(spec.test_size).encode("utf-8"))
        assert abs(size - spec.test_size) <= spec.test_size // 100 + 10, name


def test_long_lines_are_a_megabyte_long():
    text = adversarial.KINDS["long_lines"].make(2 * adversarial.LINE)
    lines = text.split("\n")
    assert max(len(line.encode("utf-8")) for line in lines) >= adversarial.LINE - 20_000


# -- memory -------------------------------------------------------------------------------------

BYTES_PER_CHAR = 32  # a few copies of the text (lower-cased, full-width folded), its pieces


@pytest.mark.parametrize("kind", ["digit_run", "comma_ones", "spaced_digits", "fullwidth_digits"])
def test_memory_stays_proportional_to_a_long_number(kind):
    # a greedy group repeated over a digit run once kept ~130 bytes of regex backtracking state
    # per character (1.3 GB for 10 MB of digits)
    text = adversarial.KINDS[kind].make(200_000)
    extract_with_errors(text[:1000])  # lazy tables load outside the measurement
    tracemalloc.start()
    try:
        extract_with_errors(text)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak <= BYTES_PER_CHAR * len(text), f"{peak / len(text):.0f} bytes per character"


# -- numbers too big for Decimal's default precision, or for the export ------------------------

HUGE = {
    "stacked-scales": "$1 billion billion billion billion",
    "hundred-words": "one hundred " * 20 + "dollars",
    "long-digit-run-yen": "9" * 40 + "円",
    "scaled-17-digits": "$99999999999999999 trillion",
    "trillion-suffix": "$66666666666666666T",
    "scaled-digit-run": "999999999999999999999999999999 million yen",
    "indian-grouping": "Rs 1,00,00,00,00,00,00,00,00,00,00,00,00,00,00,000 crore",
}


@pytest.mark.parametrize("huge", HUGE.values(), ids=HUGE.keys())
def test_huge_numbers_do_not_lose_the_document(huge):
    text = f"The company paid $5 million. {huge} was printed on the page."

    records, errors = extract_with_errors(text)

    assert errors == []
    assert any(r.surface == "$5 million" and r.value == Decimal(5_000_000) for r in records)


@pytest.mark.parametrize(
    "amount",
    ["$0.0000000000001", "$" + "9" * 30, "0.0000000000001%", "9" * 30 + " GPUs"],
    ids=["tiny-money", "huge-money", "tiny-percent", "huge-count"],
)
def test_an_amount_the_export_cannot_store_does_not_cost_its_document(amount):
    # decimal128(38, 12) holds 26 digits before the point and 12 after; a record beyond that
    # would make the frame refuse its whole document
    problems = []
    text = f"It cost $5 million. A figure of {amount} was shown."

    frame = extract_frame([text], on_error=lambda doc, err: problems.append(err))

    assert problems == []
    assert "$5 million" in set(frame["surface"])
