"""Readers: files and folders, sidecar dates, bad lines, encodings."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finfacts.errors import InputError
from finfacts.io import Document, InputWarning, parse_date, read_documents

ROOT = Path(__file__).resolve().parents[1]


def read(paths, **kwargs) -> tuple[list[Document], list[InputError]]:
    errors: list[InputError] = []
    docs = list(read_documents(paths, on_error=errors.append, **kwargs))
    return docs, errors


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- files and folders --------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_sorted_order_with_stems_as_ids(tmp_path):
    write(tmp_path / "b.txt", "B")
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "z.txt", "Z")
    write(tmp_path / "sub" / "c.txt", "C")
    write(tmp_path / "notes.md", "not a document")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".cache" / "d.txt", "hidden folder")

    docs, errors = read(tmp_path)

    assert errors == []
    assert [d.id for d in docs] == ["a", "b", "c", "z"]
    assert [d.text for d in docs] == ["A", "B", "C", "Z"]
    assert docs[2].source == str(tmp_path / "sub" / "c.txt")
    assert all(d.line is None and d.published is None for d in docs)
    assert [d.id for d in read(tmp_path)[0]] == ["a", "b", "c", "z"]


def test_paths_keep_their_order_and_a_file_named_twice_is_read_once(tmp_path):
    b = write(tmp_path / "b.txt", "B")
    a = write(tmp_path / "a.txt", "A")

    docs, _ = read([b, a, tmp_path, str(b)])

    assert [d.id for d in docs] == ["b", "a"]


def test_text_is_kept_exactly_so_offsets_match(tmp_path):
    text = "Line one,\r\nline two\twith tab  \n\n  NEC fell 3.6%\n"
    write(tmp_path / "doc.txt", text.encode("utf-8"))

    (doc,), _ = read(tmp_path / "doc.txt")

    assert doc.text == text


def test_missing_path_and_unsupported_file_are_reported_and_reading_goes_on(tmp_path):
    good = write(tmp_path / "good.txt", "fine")
    pdf = write(tmp_path / "paper.pdf", b"%PDF-1.4")

    docs, errors = read([tmp_path / "nope", pdf, good])

    assert [d.id for d in docs] == ["good"]
    assert [(e.path, e.line) for e in errors] == [(str(tmp_path / "nope"), None), (str(pdf), None)]
    assert "no such file" in errors[0].reason
    assert "unsupported file type" in errors[1].reason


def test_default_on_error_warns_and_keeps_what_was_read(tmp_path):
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "b.txt", b"\x00\x01\x02binary")
    write(tmp_path / "c.txt", "C")

    with pytest.warns(InputWarning, match=r"b\.txt: binary file"):
        docs = list(read_documents(tmp_path))

    assert [d.id for d in docs] == ["a", "c"]


def test_a_raising_on_error_stops_reading(tmp_path):
    write(tmp_path / "a.txt", b"\x00")

    def strict(err: InputError) -> None:
        raise err

    with pytest.raises(InputError, match="binary file"):
        list(read_documents(tmp_path, on_error=strict))


def test_document_is_frozen():
    doc = Document(id="x", text="t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "changed"  # type: ignore[misc]


# -- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_one_document_per_line_bad_lines_reported_with_their_number(tmp_path):
    lines = [
        json.dumps({"id": "x", "text": "Sony rose 2%", "published": "2023-12-05"}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "y"}),
        json.dumps({"id": "z", "text": 12}),
        "",
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "w", "text": "bad date", "published": "05/12/2023"}),
        json.dumps({"id": 7, "text": "numeric id", "published": "2023-12-05T09:30:00+09:00"}),
    ]
    path = write(tmp_path / "news.jsonl", "\n".join(lines) + "\n")

    docs, errors = read(path)

    assert [(d.id, d.line) for d in docs] == [("x", 1), ("news:7", 7), ("7", 9)]
    assert docs[0].published == date(2023, 12, 5)
    assert docs[2].published == date(2023, 12, 5)  # the date as written, not shifted to UTC
    assert all(d.source == str(path) for d in docs)
    assert [e.line for e in errors] == [2, 3, 4, 5, 8]
    assert all(e.path == str(path) for e in errors)
    assert "invalid JSON" in errors[0].reason
    assert "'text' is missing" in errors[2].reason
    assert "published" in errors[4].reason and "05/12/2023" in errors[4].reason


def test_jsonl_custom_column_names(tmp_path):
    path = write(
        tmp_path / "a.jsonl",
        json.dumps({"key": "k1", "body": "Text", "date": "2024-03-19", "text": "ignored"}) + "\n",
    )

    (doc,), errors = read(path, text_column="body", id_column="key", published_column="date")

    assert errors == []
    assert (doc.id, doc.text, doc.published) == ("k1", "Text", date(2024, 3, 19))


def test_jsonl_damaged_utf8_line_is_reported_alone(tmp_path):
    good1 = json.dumps({"id": "a", "text": "¥1,927 と 2兆円"}, ensure_ascii=False).encode()
    bad = b'{"id": "b", "text": "caf\xe9"}'
    good2 = json.dumps({"id": "c", "text": "€5"}, ensure_ascii=False).encode()
    path = write(tmp_path / "mixed.jsonl", b"\n".join([good1, bad, good2]))

    docs, errors = read(path)

    assert [(d.id, d.text) for d in docs] == [("a", "¥1,927 と 2兆円"), ("c", "€5")]
    assert [(e.line, "not UTF-8" in e.reason) for e in errors] == [(2, True)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00")), max_size=4
    )
)
def test_jsonl_and_csv_texts_read_back_unchanged(tmp_path, texts):
    jsonl = tmp_path / "h.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)
        ),
        encoding="utf-8",
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows([i, t] for i, t in enumerate(texts))
    csv_path = tmp_path / "h.csv"
    csv_path.write_bytes(buffer.getvalue().encode("utf-8"))

    for path in (jsonl, csv_path):
        docs, errors = read(path)
        assert errors == []
        assert [(d.id, d.text) for d in docs] == [(str(i), t) for i, t in enumerate(texts)]


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_rows_with_multiline_fields_keep_their_starting_line(tmp_path):
    content = (
        "id,text,published\n"
        'a,"first line\nsecond line, with comma",2023-12-06\n'
        'b,"He said ""hi""",\n'
        "c,too,many,fields\n"
        "\n"
        ",no id,2023-12-07\n"
    )
    path = write(tmp_path / "rows.csv", content)

    docs, errors = read(path, published=date(2000, 1, 1))

    assert [(d.id, d.line) for d in docs] == [("a", 2), ("b", 4), ("rows:7", 7)]
    assert docs[0].text == "first line\nsecond line, with comma"
    assert docs[1].text == 'He said "hi"'
    assert [d.published for d in docs] == [date(2023, 12, 6), date(2000, 1, 1), date(2023, 12, 7)]
    assert [(e.line, e.reason) for e in errors] == [(5, "row has 4 fields but the header has 3")]


def test_csv_without_the_text_column_is_one_error_naming_the_columns(tmp_path):
    path = write(tmp_path / "other.csv", "id,body\n1,hello\n")

    docs, errors = read(path)

    assert docs == []
    (err,) = errors
    assert (err.path, err.line) == (str(path), 1)
    assert "'text'" in err.reason and "'body'" in err.reason

    docs, errors = read(path, text_column="body")
    assert [(d.id, d.text) for d in docs] == [("1", "hello")]


# -- publication dates --------------------------------------------------------------------------


def test_date_precedence_row_then_sidecar_then_argument(tmp_path):
    write(tmp_path / "index.csv", "file,published\na.txt,2023-12-05\nrows.jsonl,2023-01-01\n")
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "b.txt", "B")
    write(
        tmp_path / "rows.jsonl",
        "\n".join(
            [
                json.dumps({"id": "r1", "text": "x", "published": "2024-02-03"}),
                json.dumps({"id": "r2", "text": "x"}),
                json.dumps({"id": "r3", "text": "x", "published": ""}),
            ]
        ),
    )

    docs, errors = read(tmp_path, published=date(2020, 1, 1))

    assert errors == []
    assert {d.id: d.published for d in docs} == {
        "a": date(2023, 12, 5),  # sidecar beats the argument
        "b": date(2020, 1, 1),  # nothing more specific: the argument
        "r1": date(2024, 2, 3),  # the row's own column beats the sidecar
        "r2": date(2023, 1, 1),
        "r3": date(2023, 1, 1),  # an empty cell means unknown, not "no date"
    }


def test_sidecar_applies_when_a_file_is_named_directly_and_is_not_a_document(tmp_path):
    write(tmp_path / "index.csv", "file,published\na.txt,2023-12-05\n")
    a = write(tmp_path / "a.txt", "A")

    assert [d.id for d in read(tmp_path)[0]] == ["a"]
    (doc,), _ = read(a)
    assert doc.published == date(2023, 12, 5)


def test_bad_sidecar_rows_are_reported_and_good_rows_still_used(tmp_path):
    index = write(tmp_path / "index.csv", "file,published\na.txt,yesterday\nb.txt,2023-12-05\n")
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "b.txt", "B")

    docs, errors = read(tmp_path)

    assert {d.id: d.published for d in docs} == {"a": None, "b": date(2023, 12, 5)}
    assert [(e.path, e.line) for e in errors] == [(str(index), 2)]
    assert "yesterday" in errors[0].reason


def test_sidecar_without_its_columns_is_reported(tmp_path):
    index = write(tmp_path / "index.csv", "name,date\na.txt,2023-12-05\n")
    write(tmp_path / "a.txt", "A")

    docs, errors = read(tmp_path)

    assert [d.published for d in docs] == [None]
    assert [(e.path, e.line) for e in errors] == [(str(index), 1)]


def test_bundled_seed_index_gives_the_gold_publication_dates():
    gold = [json.loads(line) for line in (ROOT / "tests/data/seeds.jsonl").read_text().splitlines()]
    expected = {
        Path(g["file"]).stem: (date.fromisoformat(g["published"]) if g["published"] else None)
        for g in gold
    }

    docs, errors = read(ROOT / "seeds")

    assert errors == []
    assert {d.id: d.published for d in docs} == expected


def test_parse_date_accepts_dates_and_timestamps_and_names_bad_values():
    assert parse_date(" 2023-12-05 ") == date(2023, 12, 5)
    assert parse_date("2023-12-05T23:30:00-05:00") == date(2023, 12, 5)
    assert parse_date("2023-12-05T10:00:00Z") == date(2023, 12, 5)
    with pytest.raises(ValueError, match="31/12/2023"):
        parse_date("31/12/2023")


# -- encodings ----------------------------------------------------------------------------------

TEXT_EN = "Café crème costs €5 — “quoted” naïve résumé. Shares rose 5% on Tuesday, analysts said."
TEXT_JA = (
    "ソフトバンクの株価は火曜日に3.6%下落し、約2兆円の投資を発表した。東京証券取引所で取引された。"
)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (TEXT_EN, TEXT_EN.encode("utf-8")),
        (TEXT_EN, b"\xef\xbb\xbf" + TEXT_EN.encode("utf-8")),
        (TEXT_EN, TEXT_EN.encode("utf-16")),
        (TEXT_EN, TEXT_EN.encode("utf-16-le")),
        (TEXT_EN, TEXT_EN.encode("cp1252")),
        (TEXT_JA, TEXT_JA.encode("shift_jis")),
        (TEXT_JA, TEXT_JA.encode("utf-16")),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-bom",
        "utf-16-le-no-bom",
        "cp1252",
        "shift-jis",
        "utf-16-ja",
    ],
)
def test_encodings_are_detected(tmp_path, text, data):
    path = write(tmp_path / "doc.txt", data)

    (doc,), errors = read(path)

    assert errors == []
    assert doc.text == text


def test_detected_encoding_applies_to_csv_too(tmp_path):
    path = write(tmp_path / "legacy.csv", f'id,text\n1,"{TEXT_EN}"\n'.encode("cp1252"))

    (doc,), errors = read(path)

    assert errors == []
    assert doc.text == TEXT_EN


def test_explicit_encoding_is_used_and_a_mismatch_names_the_file(tmp_path):
    path = write(tmp_path / "legacy.txt", "Gewinn: 5 Mio. € für Müller".encode("cp1252"))

    (doc,), _ = read(path, encoding="cp1252")
    assert doc.text == "Gewinn: 5 Mio. € für Müller"

    docs, errors = read(path, encoding="utf-8")
    assert docs == []
    assert errors[0].path == str(path)
    assert "cannot decode as utf-8" in errors[0].reason


def test_unknown_encoding_name_fails_at_once(tmp_path):
    write(tmp_path / "a.txt", "A")
    with pytest.raises(LookupError):
        read(tmp_path, encoding="no-such-codec")


def test_binary_and_undecodable_files_are_reported_by_name(tmp_path):
    write(tmp_path / "a_image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    write(tmp_path / "b_garbage.txt", bytes(range(0x80, 0x100)) * 8)
    write(tmp_path / "c_nul_in_utf8.txt", b"text\x00more")
    write(tmp_path / "d_good.txt", "still read")

    docs, errors = read(tmp_path)

    assert [d.id for d in docs] == ["d_good"]
    assert [Path(e.path).name for e in errors] == [
        "a_image.txt",
        "b_garbage.txt",
        "c_nul_in_utf8.txt",
    ]
    assert "binary file" in errors[0].reason
    assert "cannot decode" in errors[1].reason
    assert "binary file" in errors[2].reason


def test_empty_files_are_named_and_empty_tables_are_fine(tmp_path):
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "empty.jsonl", b"")
    write(tmp_path / "empty.csv", b"")
    write(tmp_path / "header_only.csv", "id,text\n")

    docs, errors = read(tmp_path)

    # an empty .txt is named (a scrape that came out empty); empty tables are just empty
    assert [(str(e.path), e.reason) for e in errors] == [
        (str(tmp_path / "empty.txt"), "empty file (no text to read)")
    ]
    assert docs == []
