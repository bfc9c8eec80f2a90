"""The ``finfacts extract`` command: outputs, table, summary, exit codes, bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from finfacts.cli import main, render_table
from finfacts.frame import read_frame, records_frame
from finfacts.records import Money, ShareMove

ROOT = Path(__file__).resolve().parents[1]
NVIDIA = "Nvidia revenue for the quarter included US$2.7 billion that originated from Singapore."
TAIWAN = (
    "Outbound investment reached a record US$21.05 billion last year, central bank data showed."
)


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a_nvidia.txt").write_text(NVIDIA, encoding="utf-8")
    rows = [{"id": "tw", "text": TAIWAN, "published": "2024-01-15"}]
    (folder / "b_rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_writes_every_output_prints_a_table_and_a_summary(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")
    parquet, csv_path = tmp_path / "out" / "facts.parquet", tmp_path / "out" / "facts.csv"

    code, out, err = run(["extract", corpus, "-o", parquet, "-o", csv_path], capsys)

    assert (code, err) == (0, "")
    frame = read_frame(parquet)
    pd.testing.assert_frame_equal(read_frame(csv_path), frame)
    values = dict(zip(frame["surface"], frame["value"], strict=True))
    assert values["US$2.7 billion"] == Decimal("2700000000")
    assert values["US$21.05 billion"] == Decimal("21050000000")
    assert set(frame["doc_id"]) == {"a_nvidia", "tw"}
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["doc", "kind", "surface", "value"]
    assert any("21,050,000,000" in line and "USD" in line for line in lines)
    assert lines[-1] == (
        f"2 documents read, 0 failed, {len(frame)} facts written to {parquet}, {csv_path}; 2 files"
    )


def test_unreadable_files_are_named_and_the_others_facts_still_written(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")
    (corpus / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (corpus / "d_garbage.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
    (corpus / "e_rows.jsonl").write_text('{"id": "ok", "text": "none here"}\n{broken\n')
    output = tmp_path / "facts.jsonl"

    code, out, err = run(["extract", corpus, "-o", output], capsys)

    assert code == 1
    messages = err.splitlines()
    assert len(messages) == 3
    assert f"{corpus / 'c_binary.txt'}: binary file" in messages[0]
    assert f"{corpus / 'd_garbage.txt'}: cannot decode" in messages[1]
    assert f"{corpus / 'e_rows.jsonl'}:2: invalid JSON" in messages[2]
    frame = read_frame(output)
    assert {"US$2.7 billion", "US$21.05 billion"} <= set(frame["surface"])
    assert out.splitlines()[-1].startswith("3 documents read, 3 failed, ")


def test_published_flag_fills_in_only_where_nothing_more_specific_is_known(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")
    (corpus / "index.csv").write_text("file,published\na_nvidia.txt,2023-12-06\n")
    (corpus / "c_plain.txt").write_text(TAIWAN, encoding="utf-8")
    output = tmp_path / "facts.jsonl"

    code, _, _ = run(["extract", corpus, "--published", "2020-02-02", "-o", output], capsys)

    assert code == 0
    published = read_frame(output).groupby("doc_id")["published"].first().to_dict()
    assert published == {
        "a_nvidia": date(2023, 12, 6),  # index.csv
        "tw": date(2024, 1, 15),  # the JSONL row's own column
        "c_plain": date(2020, 2, 2),  # only the flag
    }


def test_csv_input_with_custom_columns(tmp_path, capsys):
    path = tmp_path / "feed.csv"
    path.write_text(f'key,body,when\nk1,"{NVIDIA}",2023-12-06\n', encoding="utf-8")
    output = tmp_path / "facts.parquet"

    code, _, err = run(
        [
            "extract",
            path,
            "--text-column",
            "body",
            "--id-column",
            "key",
            "--published-column",
            "when",
            "-o",
            output,
        ],
        capsys,
    )

    assert (code, err) == (0, "")
    frame = read_frame(output)
    assert set(frame["doc_id"]) == {"k1"}
    assert set(frame["published"]) == {date(2023, 12, 6)}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["extract", "{corpus}", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["extract", "{corpus}/missing.txt"], "no such file or folder"),
        (["extract", "{corpus}", "--published", "2023-13-45"], "not a date"),
        (["extract", "{corpus}", "-o", "{tmp}/facts.xlsx"], "unknown output format '.xlsx'"),
        (["extract", "{corpus}", "-o", "{tmp}/facts"], "unknown output format"),
        (["extract", "{corpus}", "--encoding", "klingon"], "unknown encoding"),
        (["extract"], "required: PATH"),
        ([], "required: COMMAND"),
        (["reactions"], "invalid choice: 'reactions'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv, expected):
    corpus = make_corpus(tmp_path / "news")
    argv = [a.format(corpus=corpus, tmp=tmp_path) for a in argv]

    code, out, err = run(argv, capsys)

    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("finfacts")
    assert expected in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news"]  # nothing was written


def test_help_and_version_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "extract" in capsys.readouterr().out
    assert main(["extract", "--help"]) == 0
    assert "--published" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("finfacts ")


def test_without_outputs_nothing_is_written_and_no_table_on_request(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")

    code, out, _ = run(["extract", corpus, "--no-table"], capsys)

    assert code == 0
    assert out.splitlines() == [out.strip()]
    assert out.strip().endswith("found (no -o: nothing written); 2 files")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news"]


def test_an_output_that_cannot_be_written_is_reported_and_the_others_are_written(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    good = tmp_path / "facts.csv"

    code, _, err = run(["extract", corpus, "-o", blocker / "facts.csv", "-o", good], capsys)

    assert code == 1
    assert f"{blocker / 'facts.csv'}: cannot write" in err
    assert len(read_frame(good)) > 0


def test_progress_bar_only_for_many_files_on_a_terminal(tmp_path, capsys, monkeypatch):
    many = tmp_path / "many"
    many.mkdir()
    for i in range(20):
        (many / f"{i:02d}.txt").write_text(f"Doc {i} raised US${i + 1} million.")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["extract", str(many), "--no-table"]) == 0
    assert "/20" in terminal.getvalue()

    few = tmp_path / "few"
    few.mkdir()
    (few / "a.txt").write_text(NVIDIA)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["extract", str(few), "--no-table"]) == 0
    assert terminal.getvalue() == ""

    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert main(["extract", str(many), "--no-table"]) == 0
    assert sys.stderr.getvalue() == ""


def _display_width(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_table_fits_100_columns_trims_text_but_never_numbers():
    long = "a very long surface form that goes on and on and on well past any sensible width"
    records = [
        Money(
            doc_id="a-document-id-that-is-rather-long",
            start=0,
            end=10,
            surface=long,
            sentence="s",
            value=Decimal("31980000000000.5"),
            currency="TWD",
        ),
        Money(
            doc_id="ja",
            start=0,
            end=4,
            surface="約2兆円の投資を発表した東京証券取引所で取引された日本企業",
            sentence="s",
            value=Decimal("2000000000000"),
            currency="JPY",
            approx=True,
        ),
        ShareMove(
            doc_id="m",
            start=0,
            end=5,
            surface="NEC fell 3.6%",
            sentence="s",
            entity="Nippon Electric Company Limited of Minato, Tokyo",
            ticker="6701.T",
            change_pct=Decimal("-3.6"),
            direction="down",
            event_date=date(2023, 12, 5),
        ),
    ]

    table = render_table(records_frame(records), width=100)
    lines = table.splitlines()

    assert len(lines) == 5
    assert all(_display_width(line) <= 100 for line in lines)
    assert "31,980,000,000,000.5" in table
    assert "~2,000,000,000,000" in table
    assert "…" in table
    assert "-3.6%" in lines[4] and "2023-12-05" in lines[4]
    value_ends = {_display_width(line[: line.index("TWD") - 2]) for line in lines[2:3]}
    assert value_ends == {_display_width(lines[3][: lines[3].index("JPY") - 2])}


def test_module_runs_as_a_program_on_the_bundled_seeds(tmp_path):
    output = tmp_path / "facts.parquet"
    env = {**os.environ, "COLUMNS": "100"}

    result = subprocess.run(
        [sys.executable, "-m", "finfacts", "extract", "seeds", "-o", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    frame = read_frame(output)
    assert result.stdout.splitlines()[-1] == (
        f"5 documents read, 0 failed, {len(frame)} facts written to {output}; 5 files"
    )
    seed = frame[frame["doc_id"] == "001_3f7fe83832b1c187"]
    assert Decimal("21050000000") in set(seed["value"].dropna())
    assert set(seed["published"]) == {date(2023, 12, 6)}


def test_an_export_inside_the_input_folder_is_not_read_back_as_input(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "news")
    output = corpus / "facts.csv"

    first = run(["extract", corpus, "-o", output, "--no-table"], capsys)
    second = run(["extract", corpus, "-o", output, "--no-table"], capsys)

    assert first[0] == second[0] == 0
    assert second[1] == first[1]
    assert second[1].startswith("2 documents read, 0 failed")
