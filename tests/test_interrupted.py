"""Interrupted runs: a killed ``finfacts extract`` or price-cache writer leaves only whole files.

The CLI runs as a real subprocess on a generated corpus followed by a named pipe nobody writes
to: it extracts and writes the corpus's facts, then waits on the pipe, and is killed there, in
the middle of its run whatever the speed of the machine. The price cache is written by several
processes at once, and by one that is killed mid-way. Afterwards every output or cache file is
either the previous complete file or absent, reads back cleanly, and a rerun rewrites it in
full.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from finfacts import prices
from finfacts.frame import extract_frame, read_frame, write_frame
from finfacts.io import read_documents

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ("facts.parquet", "facts.csv", "facts.jsonl")
DOCS = 1200  # more than two batches of the CLI's streaming writer
PATIENCE = 60.0  # seconds to wait for a subprocess to reach a state; never a measured time
ORPHAN_PATIENCE = 3.0  # seconds helpers of a killed run may take to notice and exit


def _paragraphs() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [
        " ".join(p.split()) for t in texts for p in t.split("\n\n") if any(c.isdigit() for c in p)
    ]


def _corpus(path: Path, docs: int) -> Path:
    """A JSONL corpus of seed paragraphs with varied digits (reproducible)."""
    rng = random.Random(20231205)
    paragraphs = _paragraphs()
    with open(path, "w", encoding="utf-8") as out:
        for number in range(docs):
            text = "".join(
                rng.choice("123456789") if c.isdigit() else c for c in rng.choice(paragraphs)
            )
            row = {"id": f"doc{number}", "text": text, "published": "2023-12-05"}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def _cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "finfacts", "extract", *map(str, args), "--no-table"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "FINFACTS_OFFLINE": "1"}


def _temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.suffix == ".tmp")


def _wait_until_writing(proc: subprocess.Popen, folder: Path) -> None:
    """Return once every temporary output holds data, so a JSON Lines one (which has no
    header) has at least one batch of facts in it; fail if the run ends first."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended (status {proc.returncode}) before it could be interrupted")
        try:
            temporaries = _temporaries(folder)
            if temporaries and all(p.stat().st_size > 0 for p in temporaries):
                return
        except FileNotFoundError:  # renamed or discarded between listing and stat
            pass
        time.sleep(0.005)
    pytest.fail("the run never started writing")  # _started() stops it


@contextlib.contextmanager
def _started(argv: list[str], **kwargs) -> Iterator[subprocess.Popen]:
    """A subprocess that is killed on the way out if the test left it running."""
    proc = subprocess.Popen(argv, env=_env(), **kwargs)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=PATIENCE)


@pytest.fixture
def stalled(tmp_path) -> Path:
    """A named pipe with a .jsonl name: reading it waits until someone writes (no one does)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    fifo = tmp_path / "zz_stalled.jsonl"
    os.mkfifo(fifo)
    return fifo


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl", DOCS)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Enough documents that two workers are still busy when the first facts are written."""
    return _corpus(tmp_path_factory.mktemp("big") / "news.jsonl", 4 * DOCS)


@pytest.fixture(scope="module")
def expected(corpus) -> pd.DataFrame:
    """The facts of the whole corpus, extracted in this process."""
    return extract_frame(read_documents(corpus))


def _previous_outputs(folder: Path) -> dict[str, bytes]:
    """Complete outputs of one small document, as an earlier successful run left them."""
    earlier = extract_frame(["Sony paid US$2 billion; its shares rose 3%."])
    return {name: write_frame(earlier, folder / name).read_bytes() for name in OUTPUTS}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_run_leaves_the_previous_outputs_and_a_rerun_rewrites_them(
    tmp_path, corpus, expected, stalled, sig
):
    out = tmp_path / "out"
    out.mkdir()
    before = _previous_outputs(out)
    outputs = [a for name in OUTPUTS for a in ("-o", out / name)]

    with _started(
        _cli(corpus, stalled, *outputs), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as proc:
        _wait_until_writing(proc, out)
        proc.send_signal(sig)
        proc.wait(timeout=PATIENCE)

    assert proc.returncode == -sig
    for name in OUTPUTS:  # byte for byte the earlier file: never a half-written one
        assert (out / name).read_bytes() == before[name], name
        read_frame(out / name)
    if sig != signal.SIGKILL:
        return  # the rerun is the same after either signal: checked once

    rerun = subprocess.run(_cli(corpus, *outputs), env=_env(), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    facts = read_frame(out / "facts.parquet")
    pd.testing.assert_frame_equal(facts, expected)
    for name in OUTPUTS[1:]:
        pd.testing.assert_frame_equal(read_frame(out / name), facts, obj=name)
    summary = rerun.stdout.splitlines()[-1]
    for part in (f"{DOCS} documents read", "0 failed", f"{len(expected)} facts written"):
        assert part in summary, summary


def test_sigterm_leaves_no_temporary_files(tmp_path, corpus, stalled):
    out = tmp_path / "out"
    out.mkdir()
    with _started(
        _cli(corpus, stalled, *(a for name in OUTPUTS for a in ("-o", out / name))),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as proc:
        _wait_until_writing(proc, out)
        proc.terminate()
        proc.wait(timeout=PATIENCE)

    assert proc.returncode == -signal.SIGTERM
    assert _temporaries(out) == []
    assert not any((out / name).exists() for name in OUTPUTS)


def test_a_killed_parallel_run_leaves_no_worker_processes(tmp_path, big_corpus):
    psutil = pytest.importorskip("psutil")  # installed with the dask extra
    out = tmp_path / "out"
    out.mkdir()
    helpers: list = []
    with _started(
        _cli(big_corpus, "-j", "2", "-o", out / "facts.jsonl"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as proc:
        try:
            _wait_until_writing(proc, out)
        finally:  # known even if the wait fails, so that none is left running
            with contextlib.suppress(psutil.NoSuchProcess):
                helpers = psutil.Process(proc.pid).children(recursive=True)
        proc.kill()
        proc.wait(timeout=PATIENCE)
    for helper in list(helpers):  # workers the forkserver started meanwhile count too
        with contextlib.suppress(psutil.NoSuchProcess):
            helpers.extend(p for p in helper.children(recursive=True) if p not in helpers)
    _gone, alive = psutil.wait_procs(helpers, timeout=ORPHAN_PATIENCE)
    for orphan in alive:  # do not leave them running after the test
        with contextlib.suppress(psutil.NoSuchProcess):
            orphan.kill()
    psutil.wait_procs(alive, timeout=PATIENCE)

    assert helpers, "-j 2 should extract in worker processes"
    assert alive == [], f"processes outlived the killed run: {[p.pid for p in alive]}"
    assert not (out / "facts.jsonl").exists()


# -- the price cache ----------------------------------------------------------------------------

SYMBOL = "7203.T"
START = date(2024, 1, 1)


def _rows(first: date, days: int, level: float) -> pd.DataFrame:
    index = pd.DatetimeIndex([first + timedelta(days=i) for i in range(days)], name="date")
    close = [level + i for i in range(days)]
    return pd.DataFrame(
        {
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "adj_close": close,
            "volume": [1000 + i for i in range(days)],
        },
        index=index,
    )


def _store_slices(cache: str, worker: int, slices: int, days: int) -> None:
    """Store ``slices`` consecutive date ranges of its own (interleaved with the other worker)."""
    for k in range(worker, 2 * slices, 2):
        first = START + timedelta(days=k * days)
        prices.store(
            SYMBOL,
            _rows(first, days, 100.0 + k * days),
            covered=(first, first + timedelta(days=days - 1)),
            currency="JPY",
            timezone="Asia/Tokyo",
            source=f"worker {worker}",
            cache_dir=cache,
        )


def _check_cache(cache: Path, days_stored: int) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frame = prices.read_cache(SYMBOL, cache_dir=cache)
    schema = pq.read_schema(cache / f"{SYMBOL}.parquet")
    assert schema.names == ["date", *prices.COLUMNS]
    assert list(frame.columns) == list(prices.COLUMNS)
    assert frame.index.is_unique and frame.index.is_monotonic_increasing
    assert len(frame) == days_stored
    expected = [100.0 + i for i in range(days_stored)]
    assert frame["close"].tolist() == expected  # every row from the worker that stored it
    return frame


def test_two_processes_storing_prices_at_once_leave_a_valid_merged_cache(tmp_path):
    slices, days = 12, 5
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, as two separate runs
    workers = [
        ctx.Process(target=_store_slices, args=(str(tmp_path), w, slices, days)) for w in (0, 1)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(PATIENCE)
        assert w.exitcode == 0

    frame = _check_cache(tmp_path, 2 * slices * days)
    last = START + timedelta(days=2 * slices * days - 1)
    assert frame.attrs["coverage"] == [(START, last)]
    assert set(frame.attrs["source"].split(" | ")) == {"worker 0", "worker 1"}
    assert _temporaries(tmp_path) == []


def _store_forever(cache: str, ready) -> None:
    days = 3
    for k in range(10_000):
        first = START + timedelta(days=k * days)
        prices.store(
            SYMBOL,
            _rows(first, days, 100.0 + k * days),
            covered=(first, first + timedelta(days=days - 1)),
            currency="JPY",
            timezone="Asia/Tokyo",
            cache_dir=cache,
        )
        if k == 3:
            ready.set()


def test_a_cache_writer_killed_mid_store_leaves_a_valid_cache_and_the_lock_free(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    writer = ctx.Process(target=_store_forever, args=(str(tmp_path), ready))
    writer.start()
    assert ready.wait(PATIENCE)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(PATIENCE)

    frame = prices.read_cache(SYMBOL, cache_dir=tmp_path)
    stored = len(frame)
    assert stored >= 12 and stored % 3 == 0  # whole stores only
    _check_cache(tmp_path, stored)
    # the killed process held the lock; the next writer must not wait for it
    first = START + timedelta(days=stored)
    prices.store(
        SYMBOL,
        _rows(first, 3, 100.0 + stored),
        covered=(first, first + timedelta(days=2)),
        currency="JPY",
        timezone="Asia/Tokyo",
        cache_dir=tmp_path,
    )
    _check_cache(tmp_path, stored + 3)
