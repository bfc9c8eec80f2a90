"""Parallel extraction in input order, batch streaming, and facts files written as they come."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from finfacts.cli import main
from finfacts.frame import (
    FactsWriter,
    extract_frame,
    read_frame,
    records_frame,
    to_arrow,
    write_batches,
    write_frame,
)
from finfacts.io import Document, read_documents
from finfacts.parallel import batches, extract_batches, extract_tables, resolve_jobs
from finfacts.records import Money

ROOT = Path(__file__).resolve().parents[1]
FORMATS = (".parquet", ".csv", ".jsonl")


def corpus() -> list[Document]:
    """The seed stories and some short ones, each under several ids (about 60 documents)."""
    seeds = list(read_documents(ROOT / "seeds"))
    short = [
        "Nvidia revenue included US$2.7 billion from Singapore.",
        "Shares of Sakura Internet jumped 7.6% to close at ¥1,927 on Tuesday.",
        "Outbound investment reached a record NT$31.98 trillion, or about 25 percent more.",
        "No numbers here at all.",
        "",
    ]
    docs = []
    for copy in range(6):
        docs += [Document(f"{d.id}#{copy}", d.text, d.published) for d in seeds]
        docs += [Document(f"short{i}#{copy}", t, date(2023, 12, 5)) for i, t in enumerate(short)]
    return docs


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return corpus()


@pytest.fixture(scope="module")
def one_process(docs) -> pd.DataFrame:
    return extract_frame(docs)


# -- same facts, same order ---------------------------------------------------------------------


def test_two_processes_give_the_same_frame_as_one_in_input_order(docs, one_process):
    pulled = 0

    def stream():
        nonlocal pulled
        for doc in docs:
            pulled += 1
            yield doc

    parts = extract_batches(stream(), jobs=2, batch_docs=4)
    first = next(parts)
    # lazily: only the batches in flight (two per worker) and the one being cut are read
    assert pulled <= 4 * (2 * 2 + 1) < len(docs)
    parts = [first, *parts]

    assert len(parts) == -(-len(docs) // 4)  # every batch went through the workers
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), one_process)
    order = list(dict.fromkeys(one_process["doc_id"]))
    assert order == [d.id for d in docs if d.id in set(order)]


def test_extraction_faults_are_reported_in_the_caller_in_document_order(docs):
    bad = [Document("bad-1", None), Document("bad-2", 42)]  # type: ignore[arg-type]
    mixed = [docs[0], bad[0], *docs[1:8], bad[1], docs[8]]
    reported: list[tuple[str, str]] = []

    frame = extract_frame(
        mixed, jobs=2, on_error=lambda doc, err: reported.append((doc.id, err.doc_id))
    )

    assert reported == [("bad-1", "bad-1"), ("bad-2", "bad-2")]
    assert not set(frame["doc_id"]) & {"bad-1", "bad-2"}
    pd.testing.assert_frame_equal(frame, extract_frame(mixed, on_error=lambda d, e: None))


def test_one_process_batches_add_up_to_the_whole_frame(docs, one_process):
    tables = list(extract_tables(docs, batch_docs=5, batch_bytes=10_000))

    assert len(tables) > len(docs) // 5  # the byte limit closed some batches early
    assert all(t.schema.equals(tables[0].schema) for t in tables)
    pd.testing.assert_frame_equal(
        pd.concat(list(extract_batches(docs, batch_docs=5)), ignore_index=True), one_process
    )


def test_batches_close_at_a_count_or_a_size():
    docs = [Document(str(i), "x" * size) for i, size in enumerate([3, 3, 3, 10, 1, 1, 1, 1])]

    runs = [[d.id for d in run] for run in batches(docs, batch_docs=3, batch_bytes=8)]

    assert runs == [["0", "1", "2"], ["3"], ["4", "5", "6"], ["7"]]
    with pytest.raises(ValueError):
        list(batches(docs, batch_docs=0))


def test_jobs_zero_means_one_per_cpu_and_bad_values_are_refused():
    assert resolve_jobs(0) >= 1
    assert resolve_jobs(3) == 3
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="jobs"):
            resolve_jobs(bad)  # type: ignore[arg-type]


# -- streaming writers --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_file_written_in_batches_equals_the_file_written_whole(tmp_path, suffix, one_process):
    whole = write_frame(one_process, tmp_path / f"whole{suffix}")
    parts = [one_process.iloc[i : i + 9] for i in range(0, len(one_process), 9)]

    streamed = write_batches([parts[0], *(to_arrow(p) for p in parts[1:])], tmp_path / f"s{suffix}")

    pd.testing.assert_frame_equal(read_frame(streamed), read_frame(whole))
    if suffix != ".parquet":  # the text formats are the same bytes
        assert streamed.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_streamed_file_appears_only_when_complete(tmp_path, suffix, one_process):
    target = tmp_path / f"facts{suffix}"
    write_frame(one_process.iloc[:3], target)
    before = target.read_bytes()

    with FactsWriter(target) as writer:
        writer.write(one_process.iloc[:10])
        assert target.read_bytes() == before  # readers still see the old, complete file
        writer.write(one_process.iloc[10:])
    assert len(read_frame(target)) == len(one_process) == writer.rows

    with pytest.raises(RuntimeError), FactsWriter(target) as writer:
        writer.write(one_process.iloc[:2])
        raise RuntimeError("interrupted")
    assert target.read_bytes() != before
    assert len(read_frame(target)) == len(one_process)  # the interrupted write left no trace
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_an_empty_stream_gives_an_empty_file_with_the_columns(tmp_path):
    for suffix in FORMATS:
        path = write_batches([], tmp_path / f"empty{suffix}")
        pd.testing.assert_frame_equal(read_frame(path), records_frame([]))


def test_a_batch_with_other_columns_is_refused_naming_the_file(tmp_path, one_process):
    with FactsWriter(tmp_path / "f.parquet") as writer:
        with pytest.raises(ValueError, match=r"f\.parquet: batch columns"):
            writer.write(one_process.assign(extra=1))
        writer.write(one_process)
    with pytest.raises(ValueError, match="unknown export format"):
        FactsWriter(tmp_path / "f.xlsx")


def test_parquet_row_groups_gather_small_batches(tmp_path, monkeypatch, one_process):
    import pyarrow.parquet as pq

    import finfacts.frame

    monkeypatch.setattr(finfacts.frame, "PARQUET_ROW_GROUP", 20)
    parts = [one_process.iloc[i : i + 3] for i in range(0, len(one_process), 3)]

    path = write_batches(parts, tmp_path / "g.parquet")

    groups = pq.ParquetFile(path).metadata.num_row_groups
    assert groups == -(-len(one_process) // 21)  # each group closes at the first 3 past 20
    pd.testing.assert_frame_equal(read_frame(path), one_process)


def test_amounts_stream_exactly_in_every_format(tmp_path):
    values = [Decimal("0.000000000001"), Decimal("31980000000000"), Decimal("-5.25"), None]
    frame = records_frame(
        [
            Money(
                doc_id="d", start=i, end=i + 1, surface="x", sentence="s", value=v, currency="USD"
            )
            for i, v in enumerate(values)
        ]
    )
    for suffix in FORMATS:
        path = write_batches([frame.iloc[:1], frame.iloc[1:]], tmp_path / f"d{suffix}")
        assert read_frame(path)["value"].tolist() == frame["value"].tolist()


def test_a_stream_that_fails_midway_leaves_no_file(tmp_path, one_process):
    def failing():
        yield one_process.iloc[:5]
        raise KeyboardInterrupt

    for suffix in FORMATS:
        with pytest.raises(KeyboardInterrupt):
            write_batches(failing(), tmp_path / f"facts{suffix}")
    assert list(tmp_path.iterdir()) == []


# -- command line -------------------------------------------------------------------------------


def make_inputs(folder: Path) -> Path:
    folder.mkdir()
    rows = [
        {
            "id": f"n{i}",
            "text": f"Sony raised US${i + 1}.5 billion and rose {i}%.",
            "published": "2024-01-15",
        }
        for i in range(30)
    ]
    (folder / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def test_cli_jobs_gives_the_same_files_as_one_process(tmp_path, capsys):
    news = make_inputs(tmp_path / "news")
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"

    assert main(["extract", str(news), "-o", str(one), "--no-table"]) == 0
    assert main(["extract", str(news), "-o", str(two), "--no-table", "--jobs", "2"]) == 0
    out = capsys.readouterr().out.splitlines()

    assert two.read_bytes() == one.read_bytes()
    assert out[0] == out[1].replace(str(two), str(one))


def test_cli_table_shows_the_first_rows_and_counts_the_rest(tmp_path, capsys):
    news = make_inputs(tmp_path / "news")
    facts = len(extract_frame(read_documents(news)))

    assert main(["extract", str(news), "--rows", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert len(lines) == 2 + 5 + 2  # header, rule, 5 facts, the count, the summary
    assert lines[7] == (
        f"... {facts - 5} more facts not shown (--rows N shows more; -o FILE writes them all)"
    )
    assert (
        lines[8]
        == f"30 documents read, 0 failed, {facts} facts found (no -o: nothing written); 1 file"
    )


@pytest.mark.parametrize("argv", [["--jobs", "-1"], ["--jobs", "two"], ["--rows", "-3"]])
def test_cli_bad_counts_are_usage_errors(tmp_path, capsys, argv):
    news = make_inputs(tmp_path / "news")

    assert main(["extract", str(news), *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "0 or more" in err


def test_workers_can_tell_when_the_process_that_started_them_is_gone():
    """Workers poll this to exit when the main process is killed (nothing else would end them)."""
    import subprocess
    import sys

    from finfacts.parallel import _alive, _stat

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    born = _stat(child.pid)
    assert _alive(child.pid, born)
    assert _alive(os.getpid(), _stat(os.getpid()))

    child.kill()
    if born is not None:  # where /proc tells, a killed but not yet reaped process is gone too
        while _stat(child.pid)[0] != b"Z":
            pass
        assert not _alive(child.pid, born)
    child.wait()
    assert not _alive(child.pid, born)
