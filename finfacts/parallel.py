"""Extract documents in batches, in one process or several, with results in input order.

Documents are cut into batches (``batch_docs`` documents or ``batch_bytes`` characters of text,
whichever comes first). With ``jobs`` > 1 each batch is extracted in a worker process; at most
two batches per worker are in flight, so memory stays bounded however long the input is, and
batches are handed back in the order they were read. The facts are the same as in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

import pandas as pd
import pyarrow as pa

from finfacts.errors import FinfactsError
from finfacts.frame import (
    DocsArg,
    ExtractionError,
    _as_date,
    _documents,
    _to_pandas,
    extract_table,
    warn_extraction_error,
)
from finfacts.io import Document

BATCH_DOCS = 500
"""Most documents in one batch."""

BATCH_BYTES = 1_000_000
"""Characters of text after which a batch is closed (about a second of extraction)."""

IN_FLIGHT_PER_JOB = 2
"""Batches queued per worker: one being extracted, one waiting, so no worker idles."""

WATCH_SECONDS = 0.5
"""How often a worker checks that the process that started it is still there."""

ErrorHandler = Callable[[Document, ExtractionError], object]

_GUARD_HINT = (
    "when started from a script, extraction with jobs > 1 must run under "
    "'if __name__ == \"__main__\":', because worker processes import the script"
)


class WorkerError(FinfactsError):
    """A worker process died (killed, out of memory, crashed) while extracting a batch."""

    def __init__(self, first: Document, reason: str):
        self.first = first
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.first.source or self.first.id
        if self.first.source and self.first.line is not None:
            where += f":{self.first.line}"
        return f"extraction worker failed on the batch starting at {where!r}: {self.reason}"


def resolve_jobs(jobs: int) -> int:
    """The number of processes ``jobs`` asks for: itself when positive, 0 means one per CPU."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be a whole number, 0 (one per CPU) or more; got {jobs!r}")
    if jobs == 0:
        if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on
            return max(1, len(os.sched_getaffinity(0)))
        return os.cpu_count() or 1
    return jobs


def batches(
    docs: Iterable[Document], *, batch_docs: int = BATCH_DOCS, batch_bytes: int = BATCH_BYTES
) -> Iterator[list[Document]]:
    """Consecutive runs of documents, each closed at ``batch_docs`` documents or
    ``batch_bytes`` characters of text (a longer document makes a batch of its own)."""
    if batch_docs < 1 or batch_bytes < 1:
        raise ValueError("batch_docs and batch_bytes must be at least 1")
    batch: list[Document] = []
    size = 0
    for doc in docs:
        batch.append(doc)
        size += len(doc.text) if isinstance(doc.text, str) else 0
        if len(batch) >= batch_docs or size >= batch_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _extract_batch(docs: list[Document]) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Worker side: the batch's facts and each failed document's position and reason."""
    position = {id(doc): number for number, doc in enumerate(docs)}
    faults: list[tuple[int, str]] = []

    def collect(doc: Document, err: ExtractionError) -> None:
        faults.append((position[id(doc)], err.reason))

    return extract_table(docs, on_error=collect), faults


def _watch_main(pid: int) -> None:
    """Worker initializer: exit when the process that started the pool is gone (killed).

    Nothing else would end the worker: with forkserver every worker holds both ends of the
    pool's pipes, so none of them ever reads end-of-file, and it would wait for work (or to
    hand back a result) for ever.
    """
    born = _stat(pid)

    def watch() -> None:
        while _alive(pid, born):
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="finfacts-watch-main", daemon=True).start()


def _stat(pid: int) -> tuple[bytes, bytes] | None:
    """(state, start time) of a process from /proc, or None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[-1].split()
    except OSError:
        return None
    return fields[0], fields[19]  # fields 3 and 22 of proc(5): the name may hold spaces


def _alive(pid: int, born: tuple[bytes, bytes] | None) -> bool:
    """The process still runs: not gone, not a zombie, not a newer process with its pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists (and belongs to someone else: checked below where /proc can tell)
    now = _stat(pid)
    if now is None or born is None:
        return now is None and born is None
    return now[0] != b"Z" and now[1] == born[1]


def _start_method() -> str:
    """forkserver where there is one: workers forked from a clean server, not from a parent
    that may hold threads (Arrow's pools, a progress bar); spawn elsewhere."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def extract_tables(
    docs: DocsArg,
    *,
    published: date | None = None,
    on_error: ErrorHandler | None = None,
    jobs: int = 1,
    batch_docs: int = BATCH_DOCS,
    batch_bytes: int = BATCH_BYTES,
) -> Iterator[pa.Table]:
    """Yield the facts of each batch of documents as an Arrow table (``FRAME_SCHEMA``), in order.

    Arguments as for ``finfacts.frame.extract_frame``; ``on_error`` is called in the calling
    process, in document order, before the batch's table is yielded. The documents are read
    lazily, so a generator of documents (``read_documents``) is never held in memory whole.
    """
    report = on_error or warn_extraction_error
    workers = resolve_jobs(jobs)
    documents = _documents(docs, _as_date(published))
    runs = batches(documents, batch_docs=batch_docs, batch_bytes=batch_bytes)
    if workers == 1:
        for batch in runs:
            yield extract_table(batch, on_error=report)
        return
    yield from _in_processes(runs, workers, report)


def _context() -> multiprocessing.context.BaseContext:
    method = _start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Workers fork from a server that has imported finfacts (pandas, pyarrow) once, so a
        # pool starts in a fraction of a second from the second time on. Other preloads stay.
        from multiprocessing import forkserver

        current = list(getattr(forkserver._forkserver, "_preload_modules", ["__main__"]))
        if __name__ not in current:
            context.set_forkserver_preload([*current, __name__])  # type: ignore[attr-defined]
    return context


def _in_processes(
    runs: Iterator[list[Document]], workers: int, report: ErrorHandler
) -> Iterator[pa.Table]:
    context = _context()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_watch_main,
        initargs=(os.getpid(),),
    )
    pending: deque[tuple[list[Document], Future[tuple[pa.Table, list[tuple[int, str]]]]]] = deque()
    try:
        for batch in runs:
            pending.append((batch, pool.submit(_extract_batch, batch)))
            if len(pending) >= workers * IN_FLIGHT_PER_JOB:
                yield _collect(*pending.popleft(), report)
        while pending:
            yield _collect(*pending.popleft(), report)
    finally:
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(
    batch: list[Document],
    future: Future[tuple[pa.Table, list[tuple[int, str]]]],
    report: ErrorHandler,
) -> pa.Table:
    try:
        table, faults = future.result()
    except BrokenProcessPool as exc:
        reason = f"{exc or 'the process pool broke'} ({_GUARD_HINT})"
        raise WorkerError(batch[0], reason) from None
    for number, reason in faults:
        doc = batch[number]
        report(doc, ExtractionError(doc.id, reason))
    return table


def extract_batches(
    docs: DocsArg,
    *,
    published: date | None = None,
    on_error: ErrorHandler | None = None,
    jobs: int = 1,
    batch_docs: int = BATCH_DOCS,
    batch_bytes: int = BATCH_BYTES,
) -> Iterator[pd.DataFrame]:
    """Yield a tidy frame of facts per batch of documents, in input order (see ``extract_tables``).

    Concatenated, the frames hold exactly the rows ``extract_frame`` returns for the same
    documents; memory holds a few batches at a time, not the corpus.
    """
    for table in extract_tables(
        docs,
        published=published,
        on_error=on_error,
        jobs=jobs,
        batch_docs=batch_docs,
        batch_bytes=batch_bytes,
    ):
        yield _to_pandas(table)


__all__ = [
    "BATCH_BYTES",
    "BATCH_DOCS",
    "WorkerError",
    "batches",
    "extract_batches",
    "extract_tables",
    "resolve_jobs",
]
