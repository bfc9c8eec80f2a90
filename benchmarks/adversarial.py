"""Adversarial inputs for ``finfacts.extract``: does the time grow linearly with the size?

Each kind of hostile text (long digit runs, "$$$$", "1,1,1,…", deep parentheses, 1 MB lines,
repeated currency and scale words, spaced digits, dash and percent runs, CJK numerals,
full-width digits, and a few shapes that once hid quadratic loops) is generated at 1 MB and
at 10 MB as one document, and ``extract_with_errors`` is timed on each. A linear extractor
takes about ten times as long on the larger text; the verdict is ``ok`` when the ratio is at
most 12. Each measurement runs in a forked child that is stopped when it overruns, so a
super-linear kind cannot hang the run: its line says how long it was given.

    python benchmarks/adversarial.py                        # every kind, 1 MB and 10 MB
    python benchmarks/adversarial.py --kinds digit_run,cjk_numerals --sizes 100000,1000000
    python benchmarks/adversarial.py --list

Sizes are UTF-8 bytes (MB = 10^6). The exit status is 1 when some kind is not linear.
tests/test_adversarial.py runs the same generators at small sizes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINEAR_LIMIT = 12.0
"""Largest acceptable ratio of the 10x-size time to the 1x-size time."""

LINE = 1_000_000
"""Length of a line in the long-lines kind (bytes)."""


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated and cut to about ``size`` UTF-8 bytes."""
    unit_bytes = len(unit.encode("utf-8"))
    copies = -(-size // unit_bytes)  # ceiling
    return (unit * copies)[: max(1, round(size * len(unit) / unit_bytes))]


def _nested(size: int) -> str:
    depth = 1000
    block = "(" * depth + "US$5 million (about ¥700 million)" + ")" * depth + " "
    return _repeat(block, size)


def _seed_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return " ".join(" ".join(t.split()) for t in texts) + " "


def _long_lines(size: int) -> str:
    """News text with its line breaks removed: lines of 1 MB (or ``size``, if smaller)."""
    seed = _seed_text()
    line = _repeat(seed, min(LINE, size))
    return _repeat(line + "\n", size)


@dataclass(frozen=True)
class Kind:
    """One adversarial shape: how to make it, and the size a quick test uses."""

    make: Callable[[int], str]
    what: str
    test_size: int = 20_000


KINDS: dict[str, Kind] = {
    "digit_run": Kind(lambda n: _repeat("1234567890", n), "one long run of digits"),
    "dollar_signs": Kind(lambda n: _repeat("$", n), "$$$$…"),
    "comma_ones": Kind(lambda n: _repeat("1,", n), "1,1,1,1,…"),
    "nested_parens": Kind(_nested, "parentheses 1000 deep around amounts", 8_000),
    "long_lines": Kind(_long_lines, "the seed articles as 1 MB lines", 20_000),
    "currency_words": Kind(
        lambda n: _repeat("dollars yen euros pounds won real rupees yuan USD JPY ", n),
        "currency words and codes with no numbers",
    ),
    "billion_billion": Kind(
        lambda n: _repeat("1 billion billion billion ", n), "stacked scale words", 5_000
    ),
    "spaced_digits": Kind(lambda n: "1" + _repeat(" 000", n), "1 000 000 000 … one number"),
    "dashes": Kind(lambda n: _repeat("-", n), "a run of hyphens"),
    "dash_numbers": Kind(
        lambda n: _repeat("-1--2---$3" + "-" * 40 + " ", n),
        "numbers inside runs of dashes",
        5_000,
    ),
    "percent_signs": Kind(lambda n: _repeat("%", n), "%%%%…"),
    "percent_after_numbers": Kind(
        lambda n: _repeat("5" + "%" * 30 + " ", n), "a number before a run of %", 5_000
    ),
    "cjk_numerals": Kind(
        lambda n: _repeat("一二三四五六七八九十百千万億兆円", n), "CJK numerals before 円", 4_000
    ),
    "fullwidth_digits": Kind(lambda n: _repeat("１２３４５６７８９０", n), "full-width digit run"),
    "dense_amounts": Kind(lambda n: _repeat("($1 ", n), "an amount every four bytes", 2_000),
    "number_words": Kind(
        lambda n: _repeat("a ", n) + "dollars",
        "'a a a … dollars': number words, one amount",
        10_000,
    ),
    "share_moves": Kind(
        lambda n: _repeat("Shares of Sony rose 3%. ", n), "the same share move repeated", 6_000
    ),
    "ambiguous_moves": Kind(
        lambda n: _repeat("SoftBank rose 3%. ", n), "a move of an ambiguous name repeated", 1_000
    ),
}


@dataclass(frozen=True)
class Run:
    """One timed extraction: seconds (None when stopped), records, faults, peak memory."""

    seconds: float | None
    records: int = 0
    faults: int = 0
    fault: str = ""
    peak_mb: float = 0.0


def _child(kind: str, size: int, repeat: int, conn) -> None:
    import resource

    from finfacts.extract import extract_with_errors

    text = KINDS[kind].make(size)
    best, found, errors = float("inf"), 0, []
    for _ in range(repeat):
        start = time.perf_counter()
        records, errors = extract_with_errors(text)
        best = min(best, time.perf_counter() - start)
        found = len(records)
        del records  # free them before the next repetition
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    conn.send(Run(best, found, len(errors), errors[0][:120] if errors else "", peak))
    conn.close()


def measure(kind: str, size: int, timeout: float, repeat: int = 1) -> Run:
    """Best time of ``extract_with_errors`` on one generated text, in a forked child that is
    stopped when it overruns ``timeout`` seconds (then ``seconds`` is None)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(kind, size, repeat, send))
    child.start()
    send.close()
    result = Run(None)
    if receive.poll(timeout):
        try:
            result = receive.recv()
        except EOFError:  # the child died (out of memory?)
            result = Run(None, fault="child process died")
    child.kill()
    child.join()
    return result


def _warm_up() -> None:
    """Load the lexicon, tables and lazy patterns once, before forking the children."""
    from finfacts.extract import extract

    extract("Shares of Sony rose 3% to ¥1,927. SoftBank paid US$2 billion (2兆円), one dollar.")


def _seconds(run: Run, budget: float) -> str:
    return f"{run.seconds:9.3f}" if run.seconds is not None else f">{budget:8.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: time every chosen kind at both sizes and print the ratios."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--kinds", help="comma-separated kinds (default: all; see --list)")
    ap.add_argument(
        "--sizes",
        default="1000000,10000000",
        help="small,large sizes in bytes (default 1 MB,10 MB)",
    )
    ap.add_argument(
        "--timeout", type=float, default=120.0, help="seconds allowed a run of the small size"
    )
    ap.add_argument(
        "--repeat", type=int, default=2, help="runs of each size, best kept (default 2)"
    )
    ap.add_argument("--list", action="store_true", help="list the kinds and exit")
    args = ap.parse_args(argv)
    if args.list:
        for name, kind in KINDS.items():
            print(f"{name:22s} {kind.what}")
        return 0
    names = args.kinds.split(",") if args.kinds else list(KINDS)
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        ap.error(f"unknown kinds {unknown} (see --list)")
    small, large = (int(float(s)) for s in args.sizes.split(","))
    factor = large / small
    limit = LINEAR_LIMIT * factor / 10
    _warm_up()
    print(f"extract_with_errors on one document per kind; sizes {small:,} and {large:,} bytes")
    print(
        f"{'kind':22s} {'small s':>9s} {'large s':>9s} {'ratio':>7s} {'records':>9s} "
        f"{'peak MB':>8s}  verdict"
    )
    failed = 0
    for name in names:
        repeat = max(1, args.repeat)  # the same for both sizes: warm and cold runs alike
        first = measure(name, small, args.timeout * repeat, repeat)
        second, budget = Run(None), 0.0
        if first.seconds is None:
            ratio, verdict = "", f"SLOW: over {args.timeout:.0f} s at the small size"
        else:  # stop the large runs once they are clearly not linear
            # stopped when its runs average over budget / repeat
            budget = max(5.0, first.seconds * factor * 2.5) * repeat
            second = measure(name, large, budget, repeat)
            if second.seconds is None:
                ratio = f">{budget / repeat / max(first.seconds, 1e-9):.1f}"
                verdict = f"NOT LINEAR: stopped after {budget:.0f} s"
            else:
                value = second.seconds / max(first.seconds, 1e-9)
                ratio, verdict = f"{value:.1f}", "ok" if value <= limit else "NOT LINEAR"
        failed += verdict != "ok"
        faults = max(first.faults, second.faults)
        if faults:
            verdict += f"; {faults} fault(s): {first.fault or second.fault}"
        done = second if second.seconds is not None else first
        print(
            f"{name:22s} {_seconds(first, args.timeout)} {_seconds(second, budget / repeat)} "
            f"{ratio:>7s} {done.records:9d} {done.peak_mb:8.0f}  {verdict}",
            flush=True,
        )
    print(f"{len(names) - failed} of {len(names)} kinds linear (ratio <= {limit:g})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
