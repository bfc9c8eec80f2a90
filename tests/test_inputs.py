"""New inputs: Parquet files, HTML pages, and large JSONL/CSV files decoded as they are read."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import finfacts.io as fio
from finfacts.errors import InputError
from finfacts.io import Document, read_documents


def read(paths, **kwargs) -> tuple[list[Document], list[InputError]]:
    errors: list[InputError] = []
    docs = list(read_documents(paths, on_error=errors.append, **kwargs))
    return docs, errors


# -- Parquet ------------------------------------------------------------------------------------

TOKYO = timezone(timedelta(hours=9))


def test_parquet_rows_become_documents_with_their_ids_and_dates(tmp_path):
    path = tmp_path / "news.parquet"
    table = pa.table(
        {
            "body": ["NEC fell 3.6%", "Sony rose 2%", None, "no date", "blank id"],
            "key": pa.array([10, 11, 12, None, None], pa.int64()),
            "when": pa.array(
                [
                    datetime(2023, 12, 5, 23, 30, tzinfo=TOKYO),
                    datetime(2024, 1, 2, 1, 0, tzinfo=TOKYO),  # 2024-01-01 16:00 UTC
                    None,
                    None,
                    datetime(2024, 3, 1, tzinfo=TOKYO),
                ],
                pa.timestamp("us", tz="Asia/Tokyo"),
            ),
            "other": [1, 2, 3, 4, 5],
        }
    )
    pq.write_table(table, path)

    docs, errors = read(
        path,
        text_column="body",
        id_column="key",
        published_column="when",
        published=date(2000, 1, 1),
    )

    assert [(d.id, d.text, d.line) for d in docs] == [
        ("10", "NEC fell 3.6%", 1),
        ("11", "Sony rose 2%", 2),
        ("news:4", "no date", 4),
        ("news:5", "blank id", 5),
    ]
    # the date as stamped in the column's time zone, not shifted to UTC; none: the default
    assert [d.published for d in docs] == [
        date(2023, 12, 5),
        date(2024, 1, 2),
        date(2000, 1, 1),
        date(2024, 3, 1),
    ]
    assert all(d.source == str(path) for d in docs)
    assert [(e.path, e.line) for e in errors] == [(str(path), 3)]
    assert "'body' is missing" in errors[0].reason


def test_parquet_dates_as_date32_and_as_text_and_text_ids(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(
        pa.table(
            {
                "text": ["a", "b", "c"],
                "id": ["x", "y", ""],
                "published": ["2023-12-05", "", "05/12/2023"],
                "day": pa.array([date(2024, 1, 1), None, date(2024, 1, 3)], pa.date32()),
            }
        ),
        path,
    )

    docs, errors = read(path)
    assert [(d.id, d.published) for d in docs] == [("x", date(2023, 12, 5)), ("y", None)]
    assert [(e.line, "05/12/2023" in e.reason) for e in errors] == [(3, True)]

    docs, errors = read(path, published_column="day")
    assert errors == []
    assert [(d.id, d.published) for d in docs] == [
        ("x", date(2024, 1, 1)),
        ("y", None),
        ("d:3", date(2024, 1, 3)),
    ]


def test_parquet_is_read_in_row_batches_with_rows_numbered_across_them(tmp_path, monkeypatch):
    path = tmp_path / "many.parquet"
    texts = [f"document {i}" for i in range(23)]
    pq.write_table(pa.table({"text": texts}), path, row_group_size=5)
    monkeypatch.setattr(fio, "PARQUET_BATCH_ROWS", 4)

    docs, errors = read(path)

    assert errors == []
    assert [d.text for d in docs] == texts
    assert [d.line for d in docs] == list(range(1, 24))
    assert [d.id for d in docs][-1] == "many:23"


def test_parquet_without_the_text_column_or_with_unusable_types_is_one_error(tmp_path):
    no_text = tmp_path / "a.parquet"
    pq.write_table(pa.table({"body": ["x"], "id": [1]}), no_text)
    numbers = tmp_path / "b.parquet"
    pq.write_table(pa.table({"text": [1, 2]}), numbers)
    bad_date = tmp_path / "c.parquet"
    pq.write_table(pa.table({"text": ["x"], "published": [1.5]}), bad_date)

    docs, errors = read(tmp_path)

    assert docs == []
    assert [Path(e.path).name for e in errors] == ["a.parquet", "b.parquet", "c.parquet"]
    assert "no 'text' column" in errors[0].reason and "'body'" in errors[0].reason
    assert "column 'text' holds int64" in errors[1].reason
    assert "column 'published' holds double" in errors[2].reason

    docs, errors = read(no_text, text_column="body")
    assert [(d.id, d.text) for d in docs] == [("1", "x")]


def test_a_file_that_is_not_parquet_is_named_and_the_others_are_read(tmp_path):
    (tmp_path / "a_broken.parquet").write_bytes(b"PAR1 this is not really parquet")
    pq.write_table(pa.table({"text": ["fine"]}), tmp_path / "b_good.parquet")

    docs, errors = read(tmp_path)

    assert [d.text for d in docs] == ["fine"]
    assert [Path(e.path).name for e in errors] == ["a_broken.parquet"]
    assert "Parquet" in errors[0].reason


def test_parquet_dictionary_text_column_from_pandas_categories(tmp_path):
    path = tmp_path / "cat.parquet"
    text = pa.array(["US$5 million", "US$5 million", "€2"]).dictionary_encode()
    pq.write_table(pa.table({"text": text}), path)

    docs, errors = read(path)

    assert errors == []
    assert [d.text for d in docs] == ["US$5 million", "US$5 million", "€2"]


# -- HTML ---------------------------------------------------------------------------------------

STORY = (
    "Shares of Sakura Internet jumped 7.6% to close at ¥1,927 on Tuesday after the cloud "
    "operator said it would buy 10,000 GPUs from Nvidia for its new data centre in Hokkaido."
)
STORY_2 = (
    "The company plans to invest about 2 trillion yen over five years, it said in a "
    "statement, while NEC fell 3.6% in Tokyo trading."
)
NEXT_STORY = "Brent crude fell 2% to US$75 a barrel as traders weighed weaker demand."


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>News</title></head><body>{body}</body></html>"


NAV = (
    '<header><nav><a href="/">Home</a> | <a href="/markets">Markets</a> | '
    '<a href="/tech">Technology and Innovation</a></nav></header>'
)
FOOTER = "<footer><p>Subscribe to our newsletter for daily market updates.</p></footer>"


def test_html_main_text_without_navigation_footer_comments_or_the_next_story(tmp_path):
    body = (
        NAV + "<main><article><h1>Sakura Internet soars</h1>"
        f"<p>{STORY}</p><p>{STORY_2}</p>"
        "<p>Auto loading next article</p><p>Loading...</p>"
        f"<h2>Oil prices slip</h2><p>{NEXT_STORY}</p></article>"
        '<section class="comments"><p>Reader comment: I paid $400 for one share!</p></section>'
        "</main>" + FOOTER
    )
    path = tmp_path / "sakura.html"
    path.write_text(
        page(body, '<meta charset="utf-8"><meta name="date" content="2023-12-05">'),
        encoding="utf-8",
    )

    (doc,), errors = read(path)

    assert errors == []
    assert doc.id == "sakura"
    assert doc.published == date(2023, 12, 5)
    assert STORY in doc.text and STORY_2 in doc.text
    for clutter in ("Home", "Markets", "newsletter", "Oil prices", NEXT_STORY, "$400"):
        assert clutter not in doc.text


def test_html_page_date_beats_the_sidecar_which_beats_the_argument(tmp_path):
    dated = page(f"<article><p>{STORY}</p><p>{STORY_2}</p></article>").replace(
        "<title>",
        '<meta property="article:published_time" content="2024-03-19T08:00:00+09:00"><title>',
    )
    (tmp_path / "a_dated.html").write_text(dated, encoding="utf-8")
    undated = page(f"<article><p>{STORY}</p><p>{STORY_2}</p><p>It said so on 3 March 2021.</p>")
    (tmp_path / "b_undated.htm").write_text(undated, encoding="utf-8")
    (tmp_path / "c_plain.html").write_text(undated, encoding="utf-8")
    (tmp_path / "index.csv").write_text(
        "file,published\na_dated.html,2020-01-01\nb_undated.htm,2023-12-06\n", encoding="utf-8"
    )

    docs, errors = read(tmp_path, published=date(2000, 1, 1))

    assert errors == []
    assert {d.id: d.published for d in docs} == {
        "a_dated": date(2024, 3, 19),  # the page states it
        "b_undated": date(2023, 12, 6),  # a date in the story text is not a publication date
        "c_plain": date(2000, 1, 1),
    }


@pytest.mark.parametrize(
    ("charset", "encoding", "text"),
    [
        ("shift_jis", "cp932", "ソフトバンクの株価は火曜日に3.6%下落し、約2兆円の投資を発表した。"),
        ("iso-8859-1", "cp1252", "Gewinn: 5 Mio. € für Müller — “record” year."),
    ],
)
def test_html_declared_charset_is_used(tmp_path, charset, encoding, text):
    html = page(
        f"<article><p>{text}</p><p>{STORY_2}</p></article>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
    )
    path = tmp_path / "legacy.html"
    path.write_bytes(html.encode(encoding))

    (doc,), errors = read(path)

    assert errors == []
    assert text in doc.text


def test_html_without_trafilatura_names_the_file_and_the_extra(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_text(page(f"<p>{STORY}</p>"), encoding="utf-8")
    (tmp_path / "b.txt").write_text("still read", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes the import fail

    docs, errors = read(tmp_path)

    assert [d.id for d in docs] == ["b"]
    (err,) = errors
    assert err.path == str(tmp_path / "a.html")
    assert "finfacts[html]" in err.reason


def test_html_without_main_text_is_reported(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text(page(NAV + FOOTER), encoding="utf-8")

    docs, errors = read(path)

    assert docs == []
    assert [(e.path, "no main text" in e.reason) for e in errors] == [(str(path), True)]


# -- large JSONL and CSV: decoded as read ---------------------------------------------------------

ROWS = [
    {"id": f"r{i}", "text": f"Row {i}: café crème costs €{i}, “quoted” naïve résumé, +{i}%."}
    for i in range(60)
]
JA_ROWS = [
    {"id": f"j{i}", "text": f"ソフトバンクの株価は{i}%下落し、約{i}兆円の投資。"} for i in range(60)
]


def jsonl(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def csv_text(rows) -> str:
    return "id,text\n" + "".join(f'{r["id"]},"{r["text"]}\nsecond line"\n' for r in rows)


@pytest.fixture
def small_head(monkeypatch):
    """Make 'large' mean more than 1 KB, so the streaming path runs on small files."""
    monkeypatch.setattr(fio, "STREAM_BYTES", 1024)


CASES = [
    ("utf-8", ROWS),
    ("utf-8-sig", ROWS),
    ("utf-16", ROWS),
    ("cp1252", ROWS),
    ("shift_jis", JA_ROWS),
]


@pytest.mark.parametrize(("encoding", "rows"), CASES, ids=[c[0] for c in CASES])
def test_large_jsonl_and_csv_decode_as_the_whole_file_would(tmp_path, encoding, rows, small_head):
    for name, content in (("big.jsonl", jsonl(rows)), ("big.csv", csv_text(rows))):
        path = tmp_path / name
        path.write_bytes(content.encode(encoding))
        assert path.stat().st_size > 1024

        docs, errors = read(path)

        assert errors == []
        expected = [r["text"] + ("\nsecond line" if name.endswith(".csv") else "") for r in rows]
        assert [d.text for d in docs] == expected
        assert [d.id for d in docs] == [r["id"] for r in rows]


def test_large_jsonl_with_an_explicit_encoding(tmp_path, small_head):
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl(ROWS).encode("cp1252"))

    docs, errors = read(path, encoding="cp1252")
    assert errors == [] and [d.text for d in docs] == [r["text"] for r in ROWS]

    docs, errors = read(path, encoding="utf-8")  # wrong: every line with € or é fails, by line
    assert docs == []
    assert [e.line for e in errors] == list(range(1, 61))
    assert all(e.path == str(path) and "not utf-8" in e.reason for e in errors)


@pytest.mark.parametrize("bad_line", [2, 31])
def test_large_jsonl_damaged_line_is_reported_alone(tmp_path, small_head, bad_line):
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in ROWS]
    lines[bad_line - 1] = b'{"id": "bad", "text": "caf\xe9"}'
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines))

    docs, errors = read(path)

    assert [d.text for d in docs] == [r["text"] for r in ROWS if r["id"] != f"r{bad_line - 1}"]
    assert [(e.line, "not utf-8" in e.reason) for e in errors] == [(bad_line, True)]


def test_large_files_are_read_lazily(tmp_path, small_head):
    """The first documents come before the end of the file is even decoded."""
    good = jsonl(ROWS).encode("utf-8")
    path = tmp_path / "big.jsonl"
    path.write_bytes(good + b"\xff\xfe garbage at the end\n" * 10)
    errors: list[InputError] = []

    docs = read_documents(path, on_error=errors.append)
    first = next(docs)

    assert first.id == "r0"
    assert errors == []  # a whole-file decode would have failed or reported already
    rest = list(docs)
    assert len(rest) == 59
    assert len(errors) == 10


def test_large_csv_that_stops_decoding_is_named_with_the_line(tmp_path, small_head):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_text(ROWS).encode("utf-8") + b'x,"caf\xe9"\n')
    other = tmp_path / "ok.txt"
    other.write_text("fine", encoding="utf-8")

    docs, errors = read([path, other])

    assert len(docs) == 61  # every CSV row before the bad bytes, and the other file
    assert docs[-1].id == "ok"
    (err,) = errors
    assert err.path == str(path)
    assert "cannot decode as utf-8" in err.reason


def test_binary_large_file_is_reported_by_name(tmp_path, small_head):
    path = tmp_path / "big.jsonl"
    path.write_bytes(bytes(range(256)) * 20)

    docs, errors = read(path)

    assert docs == []
    assert [e.path for e in errors] == [str(path)]


# -- damage inside otherwise good files ---------------------------------------------------------


def test_utf8_text_with_a_damaged_byte_stays_utf8_and_names_the_line(tmp_path):
    text = "Sony paid ¥1,000 billion (€8 billion).\nA stray byte: X here.\nThen NT$5 more.\n"
    damaged = text.encode("utf-8").replace(b"X", b"\xff")
    txt = tmp_path / "a_scraped.txt"
    txt.write_bytes(damaged)
    rows = tmp_path / "b_rows.csv"
    rows.write_bytes(b'id,text\nr1,"' + damaged.replace(b"\n", b" ") + b'"\n')

    docs, errors = read([txt, rows])

    assert docs[0].text == text.replace("X", "\ufffd")  # one character, so offsets hold
    assert "¥1,000 billion (€8 billion)" in docs[1].text
    assert [(Path(e.path).name, e.line) for e in errors] == [
        ("a_scraped.txt", 2),
        ("b_rows.csv", 2),
    ]
    assert all("0xff" in e.reason for e in errors)


def test_a_jsonl_id_with_a_lone_surrogate_is_reported_and_the_next_line_read(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(
        b'{"id": "s\\ud800", "text": "Paid $5 million."}\n'
        b'{"id": "ok", "text": "Paid \\ud800 $5 million."}\n'
        b'{"id": "fine", "text": "Paid $6 million."}\n'
    )

    docs, errors = read(path)

    assert [d.id for d in docs] == ["fine"]
    assert [(e.line, e.reason.split(" holds")[0]) for e in errors] == [
        (1, "field 'id'"),
        (2, "field 'text'"),
    ]
