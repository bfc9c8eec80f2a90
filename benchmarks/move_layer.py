"""Time of the share-move layer alone, this checkout's against a git revision's, same run.

Every document of the benchmark corpus (benchmarks/corpus.py) is first run through the
foundation layer once, keeping what the move layer is given (records, move cue words,
sentence spans found so far). Then ``finfacts.moves.attach_moves`` of this checkout and
of ``finfacts/moves.py`` at REV are timed over all of them, alternating, thread time, best
of N; the records both give are compared. This is how a change to the move layer is
measured without the noise of the rest of the pipeline.

    python benchmarks/move_layer.py                  # against HEAD, best of 15
    python benchmarks/move_layer.py --against 803b6be --repeat 21
    python benchmarks/move_layer.py --by-source   # per seed article: layer vs foundation

``--by-source`` splits this checkout's time by the seed article each document copies and
sets it beside the foundation layer's (``extract(..., moves=False)``) on the same
documents: what the layer costs per story and per move it finds.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import subprocess
import sys
import time
import types
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling module corpus.py

from corpus import DEFAULT_SEED, build_corpus

Inputs = tuple  # (text, records, published, doc_id, move cues, sentences) of one document


def moves_at(revision: str) -> types.ModuleType:
    """``finfacts/moves.py`` as it was at ``revision``, loaded beside the current one."""
    source = subprocess.run(
        ["git", "show", f"{revision}:finfacts/moves.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("finfacts.moves_at_revision")
    module.__file__ = f"moves.py@{revision}"
    sys.modules[module.__name__] = module  # dataclasses and the like look a module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def move_layer_inputs(min_bytes: int, seed: int) -> list[Inputs]:
    """What the pipeline hands the move layer for each document of the corpus."""
    extract_module = importlib.import_module("finfacts.extract")  # the module, not the function
    extract = extract_module.extract

    kept: list[Inputs] = []
    real = extract_module._with_moves

    def keep(text, records, published, doc_id, move_cues, sentences=None):
        kept.append((text, list(records), published, doc_id, list(move_cues), copied(sentences)))
        return real(text, records, published, doc_id, move_cues, sentences)

    extract_module._with_moves = keep
    try:
        for doc in build_corpus(min_bytes, seed):
            extract(doc.text, published=doc.published, doc_id=doc.doc_id)
    finally:
        extract_module._with_moves = real
    return kept


def copied(sentences):
    """A copy of a document's ``Sentences`` as the pipeline handed it over (or None)."""
    return None if sentences is None else sentences.copy()


def fresh(inputs: Sequence[Inputs]) -> list[Inputs]:
    """Copies of the inputs a pass may change (records list, sentence spans)."""
    return [(t, list(r), p, d, c, copied(s)) for t, r, p, d, c, s in inputs]


def run(attach: Callable[..., list], inputs: Sequence[Inputs]) -> list[list]:
    """The move layer over every document, each from a fresh copy of its inputs."""
    return [attach(*args) for args in fresh(inputs)]


def best_seconds(attach: Callable[..., list], inputs: Sequence[Inputs]) -> float:
    """Thread time of one pass (the fresh copies are made before the clock starts)."""
    copies = fresh(inputs)
    gc.collect()
    start = time.thread_time()
    for args in copies:
        attach(*args)
    return time.thread_time() - start


def by_source(attach: Callable[..., list], inputs: Sequence[Inputs], repeat: int) -> None:
    """Print, per seed article, the move layer's and the foundation layer's best time per
    document (interleaved, thread time), their ratio and the layer's time per move."""
    from finfacts.extract import extract

    groups: dict[str, list[Inputs]] = {}
    for args in inputs:
        groups.setdefault(str(args[3]).split("#")[0], []).append(args)
    print(f"per seed article, best of {repeat} (µs per document):")
    print(
        f"  {'source':24s}{'docs':>5s}{'moves':>7s}{'layer':>9s}{'foundation':>12s}"
        f"{'ratio':>7s}{'per move':>10s}"
    )
    for source, group in sorted(groups.items()):
        layer = foundation = float("inf")
        for _ in range(max(1, repeat)):
            layer = min(layer, best_seconds(attach, group))
            gc.collect()
            start = time.thread_time()
            for text, _records, published, doc_id, _cues, _sentences in group:
                extract(text, published=published, doc_id=doc_id, moves=False)
            foundation = min(foundation, time.thread_time() - start)
        moves = sum(r.kind == "move" for records in run(attach, group) for r in records)
        n = len(group)
        per_move = f"{layer / moves * 1e6:8.0f}" if moves else "       -"
        print(
            f"  {source:24s}{n:5d}{moves / n:7.1f}{layer / n * 1e6:9.0f}"
            f"{foundation / n * 1e6:12.0f}{layer / foundation:7.2f}  {per_move}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: time both move layers, alternating, and compare their records."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--against", default="HEAD", help="git revision to compare (default HEAD)")
    ap.add_argument("--repeat", type=int, default=15, help="passes of each, best kept")
    ap.add_argument("--min-mb", type=float, default=2.0, help="corpus size in MB (default 2)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed for digit variation")
    ap.add_argument(
        "--by-source", action="store_true", help="this checkout per seed article, vs foundation"
    )
    args = ap.parse_args(argv)

    from finfacts.moves import attach_moves

    if args.by_source:
        by_source(
            attach_moves, move_layer_inputs(int(args.min_mb * 1_000_000), args.seed), args.repeat
        )
        return 0

    other = moves_at(args.against).attach_moves
    inputs = move_layer_inputs(int(args.min_mb * 1_000_000), args.seed)
    best = {"this checkout": float("inf"), args.against: float("inf")}
    for k in range(max(1, args.repeat)):
        order = [("this checkout", attach_moves), (args.against, other)]
        for name, attach in order if k % 2 else order[::-1]:
            best[name] = min(best[name], best_seconds(attach, inputs))
    found = run(attach_moves, inputs)
    same = [repr(r) for r in found] == [repr(r) for r in run(other, inputs)]
    moves = sum(r.kind == "move" for records in found for r in records)
    print(f"move layer over {len(inputs)} documents ({moves} moves), best of {args.repeat}:")
    for name, seconds in best.items():
        print(f"  {name + ':':16s}{seconds * 1000:8.1f} ms")
    print(f"same records: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
