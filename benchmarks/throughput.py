"""Throughput of ``finfacts.extract.extract`` against a one-regex toy extractor, same run.

The corpus (benchmarks/corpus.py) is the seed articles repeated with varied digits, at
least 2 MB. Both extractors run document by document; the repetitions are interleaved
(full, toy, full, toy, ...) in one process and the best time of each is reported, so
machine noise hits both alike. MB = 10^6 bytes of UTF-8 text.

    python benchmarks/throughput.py              # best of 5
    python benchmarks/throughput.py --repeat 9 --min-mb 4
    python benchmarks/throughput.py --profile    # cProfile of the full extractor

Beside the whole pipeline it times two inner layers in the same loop: the amount grammar
alone (``finfacts.amounts.all_amounts``) and the money/percent layer (records with currency
context and equivalents, no share moves: ``extract(..., moves=False)``) — the foundation
extractor, which the whole pipeline is compared against.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling module corpus.py

from corpus import DEFAULT_SEED, Doc, build_corpus, corpus_bytes

# The baseline: one honest compiled pattern for money and percent, no normalisation.
# Either a currency sign/code then a number with an optional scale word, or a number
# (optionally scaled) followed by %, "percent" or a currency word.
TOY_PATTERN = re.compile(
    r"""
    (?:US\$|[A-Z]{1,2}\$|[$€£¥₹]|\b(?:USD|EUR|GBP|JPY|CNY|INR|SGD|HKD|TWD|KRW|Rs\.?)\ ?)
    \d+(?:,\d{3})*(?:\.\d+)?
    (?:\ ?(?:thousand|million|billion|trillion|bn|mn|m|k)\b)?
    |
    \b\d+(?:,\d{3})*(?:\.\d+)?
    (?:\ (?:thousand|million|billion|trillion))?
    \ ?(?:%|percent\b|(?:dollars|yen|euros|pounds|rupees|yuan|won)\b)
    """,
    re.X,
)


T = TypeVar("T")


def toy_extract(text: str) -> int:
    """Count the toy pattern's matches in one document (the work is the finditer scan)."""
    return sum(1 for _ in TOY_PATTERN.finditer(text))


def full_extract() -> Callable[..., list]:
    """finfacts' extractor, imported when the benchmark starts."""
    from finfacts.extract import extract

    return extract


def run_full(docs: Sequence[Doc], extract: Callable[..., list]) -> Counter[str]:
    """Extract every document; return the number of records per kind."""
    kinds: Counter[str] = Counter()
    for d in docs:
        for r in extract(d.text, published=d.published, doc_id=d.doc_id):
            kinds[r.kind] += 1
    return kinds


def run_toy(docs: Sequence[Doc]) -> int:
    """Run the toy pattern over every document; return the number of matches."""
    return sum(toy_extract(d.text) for d in docs)


MONEY_LAYER = "money/percent layer"


def layer_runners() -> dict[str, Callable[[Sequence[Doc]], object]]:
    """The inner layers, each run over every document: amounts only, money/percent records."""
    from finfacts.amounts import all_amounts
    from finfacts.extract import extract

    def amounts(docs: Sequence[Doc]) -> int:
        return sum(len(all_amounts(d.text)) for d in docs)

    def money_layer(docs: Sequence[Doc]) -> int:
        return sum(
            len(extract(d.text, published=d.published, doc_id=d.doc_id, moves=False)) for d in docs
        )

    return {MONEY_LAYER: money_layer, "amount grammar": amounts}


def measure(
    docs: Sequence[Doc], repeat: int
) -> tuple[float, float, Counter[str], int, dict[str, float], list[float]]:
    """Best-of-``repeat`` seconds for the full extractor, the toy and each inner layer,
    interleaved so machine noise hits them alike; and each round's ratio of the money/percent
    layer's time to the full extractor's (the two are timed back to back)."""
    extract = full_extract()
    for d in docs[:10]:  # warm-up: lazy tables and compiled patterns
        extract(d.text, published=d.published)
    toy_extract(docs[0].text)
    layers = layer_runners()
    best_full = best_toy = float("inf")
    best_layer = dict.fromkeys(layers, float("inf"))
    kinds: Counter[str] = Counter()
    toy_found = 0
    paired: list[float] = []
    for _ in range(repeat):
        full_seconds, kinds = timed(run_full, docs, extract)
        best_full = min(best_full, full_seconds)
        for name, run in layers.items():  # the money/percent layer first: just after the full run
            seconds = timed(run, docs)[0]
            best_layer[name] = min(best_layer[name], seconds)
            if name == MONEY_LAYER:
                paired.append(seconds / full_seconds)
        seconds, toy_found = timed(run_toy, docs)
        best_toy = min(best_toy, seconds)
    return best_full, best_toy, kinds, toy_found, best_layer, paired


def timed(run: Callable[..., T], *args: object) -> tuple[float, T]:
    """Seconds one call takes, and its result. The garbage of earlier runs is collected
    first, so that a collection it leaves behind does not land in this run's time (the
    collector stays on: the garbage a run makes itself is part of its cost)."""
    gc.collect()
    start = time.perf_counter()
    result = run(*args)
    return time.perf_counter() - start, result


def profile(docs: Sequence[Doc], top: int) -> None:
    """Profile one pass of the full extractor over the corpus and print the top entries."""
    extract = full_extract()
    run_full(docs[:50], extract)  # warm-up: imports and lazy tables stay out of the profile
    prof = cProfile.Profile()
    prof.enable()
    run_full(docs, extract)
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the corpus, time both extractors, print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--min-mb", type=float, default=2.0, help="corpus size in MB (default 2)")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions, best kept (default 5)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed for digit variation")
    ap.add_argument("--profile", action="store_true", help="cProfile the full extractor instead")
    ap.add_argument("--top", type=int, default=25, help="profile rows to print (default 25)")
    args = ap.parse_args(argv)

    docs = build_corpus(int(args.min_mb * 1_000_000), args.seed)
    size = corpus_bytes(docs)
    print(f"corpus: {size / 1e6:.2f} MB ({size:,} bytes UTF-8), {len(docs)} docs")
    if args.profile:
        profile(docs, args.top)
        return 0
    full_s, toy_s, kinds, toy_found, layer_s, paired = measure(docs, max(1, args.repeat))
    full_mbs, toy_mbs = size / full_s / 1e6, size / toy_s / 1e6
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    print(f"facts found: finfacts {sum(kinds.values())} ({by_kind}); toy regex {toy_found}")
    if not kinds:
        print("warning: finfacts found no facts at all; the timing measures a failing extractor")
    print(f"finfacts extract: {full_mbs:8.2f} MB/s  (best of {args.repeat}: {full_s:.3f} s)")
    print(f"toy regex:        {toy_mbs:8.2f} MB/s  (best of {args.repeat}: {toy_s:.3f} s)")
    ratio = full_mbs / toy_mbs
    print(f"ratio full/toy (MB/s): {ratio:.4f}  (the toy regex is {1 / ratio:.1f}x faster)")
    print("inner layers, same run:")
    for name, seconds in layer_s.items():
        mbs = size / seconds / 1e6
        print(f"  {name + ':':22s}{mbs:8.2f} MB/s  ({toy_s / seconds:.2f}x the toy)")
    money_s = layer_s[MONEY_LAYER]
    print(
        f"whole pipeline vs money/percent layer: {money_s / full_s:.2f} of its speed "
        f"({(full_s / money_s - 1) * 100:+.0f}% time)"
    )
    print(
        f"  the same, round by round (timed back to back): median {statistics.median(paired):.2f}, "
        f"range {min(paired):.2f}–{max(paired):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
