"""Throughput and peak memory of finfacts at corpus scale: 1 process, 2 processes, Dask.

Builds a corpus of at least ``--mb`` MB (default 200) in a temporary folder, as JSONL and
Parquet shards of about ``--shard-mb`` MB each: the seed articles repeated with varied digits
(benchmarks/corpus.py, same scheme and seed) interleaved with documents made of the peer-suite
sentences (tests/data/peer-suites/*.jsonl), also with varied digits. Then it runs, timing each:

  1 process    read the JSONL shards, extract, stream the facts to one Parquet file
  Dask         Parquet shards -> finfacts.dask.extract -> Parquet dataset, on a LocalCluster
               of 2 worker processes with 1 thread each (cluster start-up timed apart)
  2 processes  the 1-process run with jobs=2 (last: its forkserver outlives the run)

and prints MB/s (10^6 bytes of UTF-8 text per second, reading and writing included), the
facts found, and the peak memory of the whole process tree (this process and every child,
sampled with psutil from a separate process): summed RSS every 0.1 s, which counts pages
that forked processes share once per process, and summed PSS every 0.5 s, which shares them
out and so adds up. Without psutil it shows the larger of this process's and its largest
child's maximum RSS.

    python benchmarks/scale.py               # 200 MB: a few minutes per run on 2 cores
    python benchmarks/scale.py --mb 20       # quick check
    python benchmarks/scale.py --mb 20 --skip-dask --keep /tmp/scale
    python benchmarks/scale.py --runs dask,n # some runs only, in this order
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling module corpus.py

from corpus import DEFAULT_SEED, REPO, SEEDS_DIR, load_seeds, vary_digits

PEER_DIR = REPO / "tests" / "data" / "peer-suites"
PEER_SENTENCES_PER_DOC = 40
MB = 1_000_000


# -- the corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One document of the benchmark corpus."""

    id: str
    text: str
    published: str | None


def _seed_dates() -> dict[str, str | None]:
    import csv

    with open(SEEDS_DIR / "index.csv", encoding="utf-8", newline="") as fh:
        return {Path(r["file"]).stem: (r["published"] or None) for r in csv.DictReader(fh)}


def _peer_sentences() -> list[str]:
    texts = []
    for path in sorted(PEER_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    if not texts:
        raise SystemExit(f"no peer-suite sentences under {PEER_DIR}")
    return texts


def corpus_rows(min_bytes: int, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    """Documents until ``min_bytes`` of UTF-8 text: per copy, the seeds (copy 0 as they are,
    later copies with varied digits as in corpus.build_corpus) then one peer-sentence document."""
    seeds = load_seeds()
    dates = _seed_dates()
    sentences = _peer_sentences()
    rng = random.Random(seed)
    size, copy, next_sentence = 0, 0, 0
    while size < min_bytes:
        for s in seeds:
            stem = s.doc_id.split("#")[0]
            text = s.text if copy == 0 else f"(copy {copy})\n" + vary_digits(s.text, rng)
            size += len(text.encode("utf-8"))
            yield Row(f"{stem}#{copy}", text, dates.get(stem))
        chunk = [
            sentences[(next_sentence + i) % len(sentences)] for i in range(PEER_SENTENCES_PER_DOC)
        ]
        next_sentence = (next_sentence + PEER_SENTENCES_PER_DOC) % len(sentences)
        text = vary_digits("\n".join(chunk), rng) if copy else "\n".join(chunk)
        size += len(text.encode("utf-8"))
        yield Row(f"peer#{copy}", text, None)
        copy += 1


def write_shards(folder: Path, min_bytes: int, shard_bytes: int, seed: int) -> tuple[int, int]:
    """Write the corpus as ``jsonl/part-NNNN.jsonl`` and ``parquet/part-NNNN.parquet`` shards
    (the same documents in both); returns (documents, bytes of text)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "jsonl").mkdir(parents=True)
    (folder / "parquet").mkdir()
    docs = total = 0
    shard: list[Row] = []
    size = number = 0

    def flush() -> None:
        nonlocal shard, size, number
        if not shard:
            return
        name = f"part-{number:04d}"
        with open(folder / "jsonl" / f"{name}.jsonl", "w", encoding="utf-8") as out:
            for r in shard:
                row = {"id": r.id, "text": r.text, "published": r.published}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        table = pa.table(
            {
                "id": [r.id for r in shard],
                "text": [r.text for r in shard],
                "published": pa.array([r.published for r in shard], pa.string()).cast(pa.date32()),
            }
        )
        pq.write_table(table, folder / "parquet" / f"{name}.parquet", row_group_size=256)
        shard, size, number = [], 0, number + 1

    for row in corpus_rows(min_bytes, seed):
        shard.append(row)
        n = len(row.text.encode("utf-8"))
        size += n
        total += n
        docs += 1
        if size >= shard_bytes:
            flush()
    flush()
    return docs, total


# -- memory -------------------------------------------------------------------------------------


class PeakMemory:
    """Peak summed RSS and PSS of this process and all its descendants while the block runs.

    Summed RSS counts pages that forked processes share once per process; PSS (where the OS
    reports it) shares them out, so it adds up. The sampling runs in a separate process
    (``--sample-tree``): reading PSS parses /proc/*/smaps, and doing that in a thread here
    would take the GIL from the code being measured (the Dask scheduler lives here).
    """

    def __init__(self) -> None:
        self.peak = 0
        self.peak_pss = 0

    @staticmethod
    def describe() -> str:
        """How the peaks are measured on this machine."""
        try:
            import psutil  # noqa: F401
        except ImportError:
            return "getrusage: max of self and largest child (no psutil)"
        return "psutil in a sampler process, summed RSS (0.1 s) and PSS (0.5 s)"

    def __enter__(self) -> PeakMemory:
        import subprocess

        try:
            import psutil  # noqa: F401
        except ImportError:
            self._sampler = None
            return self
        self._sampler = subprocess.Popen(
            [sys.executable, __file__, "--sample-tree", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sampler is None:
            import resource

            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            self.peak = max(own, kids) * 1024  # kilobytes on Linux
            return
        out, _ = self._sampler.communicate("")  # closing stdin stops the sampler
        self.peak, self.peak_pss = (int(n) for n in out.split())


def sample_tree(pid: int, interval: float = 0.1, pss_every: int = 5) -> None:
    """Sampler process: track the peak RSS/PSS of ``pid``'s tree (without itself) until stdin
    closes, then print the two peaks in bytes."""
    import select

    import psutil

    root = psutil.Process(pid)
    me = os.getpid()
    peak = peak_pss = 0
    tick = 0
    while True:
        tree = [root, *(p for p in root.children(recursive=True) if p.pid != me)]
        rss = pss = 0
        for proc in tree:
            with contextlib.suppress(psutil.Error):
                if tick % pss_every == 0:
                    info = proc.memory_full_info()
                    pss += getattr(info, "pss", 0)
                else:
                    info = proc.memory_info()
                rss += info.rss
        peak = max(peak, rss)
        peak_pss = max(peak_pss, pss)
        tick += 1
        ready, _, _ = select.select([sys.stdin], [], [], interval)
        if ready and not sys.stdin.read(1):
            break
    print(peak, peak_pss)


# -- the runs -----------------------------------------------------------------------------------


@dataclass
class Result:
    """One timed run."""

    name: str
    seconds: float
    facts: int
    peak: int
    peak_pss: int
    note: str = ""


def run_local(folder: Path, out: Path, jobs: int, fmt: str) -> tuple[float, int]:
    """Read the shards, extract with ``jobs`` processes, stream to one Parquet file."""
    from finfacts.frame import FactsWriter
    from finfacts.io import read_documents
    from finfacts.parallel import extract_tables

    errors: list[object] = []
    start = time.perf_counter()
    docs = read_documents(folder / fmt, on_error=errors.append)
    facts = 0
    with FactsWriter(out) as writer:
        for table in extract_tables(docs, jobs=jobs, on_error=lambda d, e: errors.append(e)):
            writer.write(table)
            facts += table.num_rows
    seconds = time.perf_counter() - start
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    return seconds, facts


def run_dask(folder: Path, out: Path, workers: int) -> tuple[float, float, int]:
    """Start a LocalCluster, then time Parquet shards -> facts -> Parquet dataset."""
    import dask.dataframe as dd
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster

    import finfacts.dask as fd

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        ready = time.perf_counter()
        ddf = dd.read_parquet(str(folder / "parquet"), split_row_groups=True)
        facts = fd.extract(ddf, text="text", published="published", id="id")
        fd.to_parquet(facts, str(out))
        seconds = time.perf_counter() - ready
    count = pq.ParquetDataset(str(out)).read(columns=["kind"]).num_rows
    return ready - start, seconds, count


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the corpus, run each configuration, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mb", type=float, default=200, help="corpus size in MB (default 200)")
    ap.add_argument("--shard-mb", type=float, default=8, help="shard size in MB (default 8)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed for digit variation")
    ap.add_argument("--workers", type=int, default=2, help="processes / Dask workers (default 2)")
    ap.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="shards the local runs read (default jsonl; Dask reads parquet)",
    )
    ap.add_argument(
        "--runs",
        default="1,dask,n",
        help="which runs, in order: 1 (one process), dask, n (--workers processes); "
        "default 1,dask,n",
    )
    ap.add_argument("--skip-dask", action="store_true", help="local runs only")
    ap.add_argument("--keep", type=Path, help="build the corpus and outputs here and keep them")
    ap.add_argument("--sample-tree", type=int, metavar="PID", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.sample_tree:
        sample_tree(args.sample_tree)
        return 0
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    if not runs or set(runs) - {"1", "dask", "n"}:
        ap.error(f"--runs takes 1, dask and n separated by commas, not {args.runs!r}")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="finfacts-scale-"))
    if args.keep and args.keep.exists():
        shutil.rmtree(args.keep)
    try:
        t0 = time.perf_counter()
        docs, size = write_shards(folder, int(args.mb * MB), int(args.shard_mb * MB), args.seed)
        shards = len(list((folder / "jsonl").glob("*.jsonl")))
        print(
            f"corpus: {size / MB:.1f} MB of text, {docs:,} documents, {shards} shards "
            f"(built in {time.perf_counter() - t0:.1f} s) in {folder}"
        )
        print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
        results = []

        def local(jobs: int) -> None:
            name = f"{jobs} process{'es' if jobs > 1 else ''}"
            with PeakMemory() as mem:
                out = folder / f"facts-{jobs}.parquet"
                seconds, facts = run_local(folder, out, jobs, args.format)
            note = f"{args.format} shards -> one Parquet file"
            results.append(Result(name, seconds, facts, mem.peak, mem.peak_pss, note))
            print(f"  {name}: {seconds:.1f} s", flush=True)

        # Dask before the worker pool by default: a pool's forkserver lives on until this
        # process ends and would count in the Dask run's memory
        for run in runs:
            if run == "1":
                local(1)
            elif run == "n":
                local(args.workers)
            elif not args.skip_dask:
                with PeakMemory() as mem:
                    startup, seconds, facts = run_dask(folder, folder / "facts-dask", args.workers)
                note = (
                    f"parquet; {args.workers} workers x 1 thread; start-up {startup:.1f} s untimed"
                )
                results.append(
                    Result("Dask LocalCluster", seconds, facts, mem.peak, mem.peak_pss, note)
                )
                print(f"  Dask: {seconds:.1f} s", flush=True)
        print()
        print(
            f"{'run':<18} {'seconds':>8} {'MB/s':>6} {'facts':>9} {'peak RSS':>9} "
            f"{'peak PSS':>9}  input; notes"
        )
        for r in results:
            pss = f"{r.peak_pss / MB:6.0f} MB" if r.peak_pss else "      n/a"
            print(
                f"{r.name:<18} {r.seconds:8.1f} {size / MB / r.seconds:6.2f} {r.facts:9,} "
                f"{r.peak / MB:6.0f} MB {pss}  {r.note}"
            )
        print(f"peak memory: {PeakMemory.describe()}")
        counts = {r.facts for r in results}
        print("facts agree across runs" if len(counts) == 1 else f"FACT COUNTS DIFFER: {counts}")
        return 0 if len(counts) == 1 else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
