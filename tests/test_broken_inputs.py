"""Broken inputs: each is reported with its file (and line) and the run goes on.

Every case is run through the command line next to a good file, and through the reader API:
the problem is named, the good file's facts are still written, the exit status says that an
input failed, and the summary's counts agree with what was reported and written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from finfacts.cli import EXIT_INPUT_FAILED, EXIT_OK, main
from finfacts.errors import InputError
from finfacts.frame import read_frame
from finfacts.io import read_documents

GOOD = "Sony agreed to pay US$2 billion for the unit, and its shares rose 3%."
SUMMARY = re.compile(
    r"^(?P<docs>\d+) documents? read, (?P<failed>\d+) failed, (?P<facts>\d+) facts? written to "
)


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _jsonl(*rows: object) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


GOOD_ROW = {"id": "row-ok", "text": "It paid ¥500 million."}
SOME_PARQUET = _parquet(pa.table({"id": ["a"], "body": [GOOD]}))

# (file name, bytes, line the problem is on or None for the whole file, words of the reason)
BROKEN = [
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", None, "binary file"),
    ("nul_inside.txt", b"Paid $5 million\x00 in cash", None, "binary file"),
    ("noise.txt", bytes(range(0x80, 0x100)) * 8, None, "cannot decode"),
    ("cut_utf16.txt", "Paid $3 million".encode("utf-16")[:-1], None, "utf-16"),
    ("truncated.jsonl", _jsonl(GOOD_ROW) + b'{"id": "cut", "text": "It cost $8 mil', 2, "JSON"),
    ("damaged.jsonl", _jsonl(GOOD_ROW) + b'{"id": "bad", "text": "\xff $1"}\n', 2, "not UTF-8"),
    ("not_object.jsonl", _jsonl(GOOD_ROW, ["a", "list"]), 2, "JSON object"),
    ("no_text.jsonl", _jsonl({"id": "x", "body": GOOD}), 1, "'text'"),
    ("bad_date.jsonl", _jsonl({"id": "x", "text": GOOD, "published": "2023-13-45"}), 1, "date"),
    ("no_text_column.csv", f'id,body\n1,"{GOOD}"\n'.encode(), 1, "no 'text' column"),
    ("ragged.csv", f'id,text\n1,"{GOOD}",extra\n'.encode(), 2, "fields"),
    ("binary.csv", b'id,text\n1,"Paid $5 million\x00"\n', None, "binary file"),
    ("no_text_column.parquet", SOME_PARQUET, None, "no 'text' column"),
    ("int_text.parquet", _parquet(pa.table({"id": [1], "text": [5]})), None, "'text'"),
    ("truncated.parquet", SOME_PARQUET[: len(SOME_PARQUET) // 2], None, "Parquet"),
    ("binary.html", b"<html>\x00\x00</html>", None, "binary file"),
]


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def run_cli(argv: list[object], capsys) -> tuple[int, str, list[str]]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line]


def _summary(out: str) -> dict[str, int]:
    last = out.splitlines()[-1]
    m = SUMMARY.match(last)
    assert m, f"no summary line: {last!r}"
    return {k: int(v) for k, v in m.groupdict().items()}


@pytest.mark.parametrize(("name", "data", "line", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_cli_names_the_broken_file_writes_the_rest_and_exits_1(
    tmp_path, capsys, name, data, line, reason
):
    good = _write(tmp_path, "a_good.txt", GOOD.encode())
    broken = _write(tmp_path, name, data)
    out_file = tmp_path / "out" / "facts.jsonl"

    code, out, errors = run_cli(["extract", good, broken, "-o", out_file, "--no-table"], capsys)

    assert code == EXIT_INPUT_FAILED
    where = f"finfacts: {broken}" + (f":{line}: " if line else ": ")
    assert [e for e in errors if e.startswith(where) and reason in e], errors
    assert all(str(broken) in e for e in errors), "every message names the file"
    facts = read_frame(out_file)
    assert "a_good" in set(facts["doc_id"]), "the good file's facts are written"
    counts = _summary(out)
    assert counts["failed"] == len(errors)
    assert counts["facts"] == len(facts)


@pytest.mark.parametrize(("name", "data", "line", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_reader_reports_an_input_error_with_file_and_line_and_reads_on(
    tmp_path, name, data, line, reason
):
    broken = _write(tmp_path, name, data)
    good = _write(tmp_path, "z_good.txt", GOOD.encode())
    errors: list[InputError] = []

    docs = list(read_documents([broken, good], on_error=errors.append))

    assert docs[-1].id == "z_good"
    assert errors, "the problem is reported"
    first = errors[0]
    assert (first.path, first.line) == (str(broken), line)
    assert reason in first.reason
    assert str(first).startswith(f"{broken}:{line}: " if line else f"{broken}: ")


def test_many_broken_files_in_one_folder_each_get_a_message_and_good_lines_still_count(
    tmp_path, capsys
):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, data, _line, _reason in BROKEN:
        _write(folder, name, data)
    _write(folder, "a_good.txt", GOOD.encode())
    out_file = tmp_path / "facts.parquet"

    code, out, errors = run_cli(["extract", folder, "-o", out_file, "--no-table"], capsys)

    assert code == EXIT_INPUT_FAILED
    for name, _data, line, _reason in BROKEN:
        prefix = f"finfacts: {folder / name}" + (f":{line}:" if line else ":")
        assert any(e.startswith(prefix) for e in errors), f"no message for {name}"
    facts = read_frame(out_file)
    # the good lines of damaged JSONL files are read: their row-ok documents have facts
    assert {"a_good", "row-ok"} <= set(facts["doc_id"])
    counts = _summary(out)
    assert counts["failed"] == len(errors) >= len(BROKEN)
    assert counts["facts"] == len(facts)


def test_exit_status_is_0_when_every_input_was_read(tmp_path, capsys):
    good = _write(tmp_path, "good.txt", GOOD.encode())
    rows = _write(tmp_path, "rows.jsonl", _jsonl(GOOD_ROW))

    code, out, errors = run_cli(["extract", good, rows, "-o", tmp_path / "f.csv"], capsys)

    assert (code, errors) == (EXIT_OK, [])
    assert _summary(out)["docs"] == 2


# -- problems these tests found: fixed ones stay as regressions, open ones are xfail -------------


def test_an_empty_file_is_reported_by_name(tmp_path, capsys):
    good = _write(tmp_path, "a_good.txt", GOOD.encode())
    empty = _write(tmp_path, "empty.txt", b"")

    _code, _out, errors = run_cli(["extract", good, empty, "-o", tmp_path / "f.csv"], capsys)

    assert any(e.startswith(f"finfacts: {empty}") and "empty" in e for e in errors), errors
    assert "a_good" in set(read_frame(tmp_path / "f.csv")["doc_id"])


def test_utf8_text_with_one_damaged_byte_keeps_its_amounts_and_names_the_line(tmp_path):
    text = "Sony paid ¥1,000 billion (€8 billion) for the unit.\nA stray byte: X here.\n"
    path = _write(tmp_path, "scraped.txt", text.encode("utf-8").replace(b"X", b"\xff"))
    errors: list[InputError] = []

    docs = list(read_documents(path, on_error=errors.append))

    assert "¥1,000 billion (€8 billion)" in docs[0].text
    assert [(e.path, e.line) for e in errors] == [(str(path), 2)]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(b'{"id": "s", "text": "Paid $5 million \\ud800."}', id="in-text"),
        pytest.param(b'{"id": "s\\ud800", "text": "Paid $5 million."}', id="in-id"),
    ],
)
def test_a_jsonl_line_with_a_lone_surrogate_is_reported_and_the_run_goes_on(tmp_path, capsys, row):
    # JSON escapes can spell half a surrogate pair, which no UTF-8 output can hold
    good = _write(tmp_path, "a_good.txt", GOOD.encode())
    rows = _write(tmp_path, "rows.jsonl", row + b"\n" + _jsonl(GOOD_ROW))

    code, _out, errors = run_cli(["extract", good, rows, "-o", tmp_path / "f.csv"], capsys)

    assert code == EXIT_INPUT_FAILED
    assert any(e.startswith(f"finfacts: {rows}:1:") for e in errors), errors
    assert {"a_good", "row-ok"} <= set(read_frame(tmp_path / "f.csv")["doc_id"])


@pytest.mark.parametrize(
    "line",
    [b"[" * 100_000, b'{"id": ' + b"9" * 5000 + b', "text": "Paid $1 million"}'],
    ids=["deep-nesting", "huge-integer"],
)
def test_a_jsonl_line_json_cannot_hold_is_reported_and_the_run_goes_on(tmp_path, capsys, line):
    good = _write(tmp_path, "a_good.txt", GOOD.encode())
    rows = _write(tmp_path, "rows.jsonl", line + b"\n" + _jsonl(GOOD_ROW))

    code, _out, errors = run_cli(["extract", good, rows, "-o", tmp_path / "f.csv"], capsys)

    assert code == EXIT_INPUT_FAILED
    assert any(e.startswith(f"finfacts: {rows}:1:") for e in errors), errors
    assert {"a_good", "row-ok"} <= set(read_frame(tmp_path / "f.csv")["doc_id"])


def test_the_summary_counts_the_files_read(tmp_path, capsys):
    good = _write(tmp_path, "good.txt", GOOD.encode())
    rows = _write(tmp_path, "rows.jsonl", _jsonl(GOOD_ROW, {**GOOD_ROW, "id": "row-2"}))

    _code, out, _errors = run_cli(["extract", good, rows, "-o", tmp_path / "f.csv"], capsys)

    assert re.search(r"\b2 files\b", out.splitlines()[-1]), out.splitlines()[-1]
