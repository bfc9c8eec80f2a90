"""``df.finfacts.extract``: facts of a text column, joined back to their rows."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import finfacts  # noqa: F401 (registers the accessor)
from finfacts.accessor import ROW_COLUMN
from finfacts.frame import COLUMNS, extract_frame, read_frame, write_frame
from finfacts.io import Document, read_documents

ROOT = Path(__file__).resolve().parents[1]
NEC = "NEC fell 3.6% on Tuesday, while Sakura Internet jumped 7.6% to close at ¥1,927."
TAIWAN = "Outbound investment reached a record US$21.05 billion last year."
NVIDIA = "Nvidia revenue for the quarter included US$2.7 billion from Singapore."


def news() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "body": [NEC, None, TAIWAN, NVIDIA, np.nan],
            "date": ["2023-12-05", "2023-12-06", pd.Timestamp("2024-01-15 23:00"), None, None],
            "key": ["nec", "empty", "tw", None, "nan"],
            "title": ["Tokyo close", "(none)", "Taiwan", "Nvidia", "-"],
        },
        index=pd.Index([10, 11, 12, 13, 14], name="story"),
    )


def test_facts_come_with_the_row_they_came_from():
    df = news()

    facts = df.finfacts.extract(text="body", published="date", keep=["title"])

    assert list(facts.columns) == [*COLUMNS, ROW_COLUMN, "title"]
    assert set(facts[ROW_COLUMN]) == {10, 12, 13}  # rows without text have no facts
    for fact in facts.itertuples(index=False):
        source = df.loc[getattr(fact, ROW_COLUMN)]
        assert source["body"][fact.start : fact.end] == fact.surface
        assert fact.title == source["title"]
    joined = facts.merge(df[["key"]], left_on=ROW_COLUMN, right_index=True)
    assert len(joined) == len(facts)
    by_row = facts.groupby(ROW_COLUMN)["published"].first().to_dict()
    assert by_row == {10: date(2023, 12, 5), 12: date(2024, 1, 15), 13: None}
    assert facts[ROW_COLUMN].dtype == df.index.dtype


def test_the_facts_are_those_extract_frame_finds_for_the_same_texts():
    df = news()
    facts = df.finfacts.extract(text="body", published="date")

    expected = extract_frame(
        [
            Document("10", NEC, date(2023, 12, 5)),
            Document("12", TAIWAN, date(2024, 1, 15)),
            Document("13", NVIDIA),
        ]
    )

    pd.testing.assert_frame_equal(facts[list(COLUMNS)], expected)
    money = facts[facts["kind"] == "money"].set_index("surface")["value"]
    assert money["US$21.05 billion"] == Decimal("21050000000")


def test_ids_come_from_the_id_column_or_the_row_label():
    df = news()

    by_label = df.finfacts.extract(text="body")
    by_key = df.finfacts.extract(text="body", id="key")

    assert set(by_label["doc_id"]) == {"10", "12", "13"}
    assert dict(zip(by_key[ROW_COLUMN], by_key["doc_id"], strict=True)) == {
        10: "nec",
        12: "tw",
        13: "13",  # a missing id falls back to the row label
    }


def test_integer_ids_stay_integers_when_pandas_made_them_float():
    df = pd.DataFrame({"text": [TAIWAN, NVIDIA, "x"], "n": [7, np.nan, 9]})

    facts = df.finfacts.extract(id="n")

    assert list(dict.fromkeys(facts["doc_id"])) == ["7", "1"]


def test_published_accepts_every_kind_of_date_cell_and_one_date_for_all():
    tokyo = timezone(timedelta(hours=9))
    cells = [
        "2023-12-05T23:30:00-05:00",
        datetime(2023, 12, 5, 23, 30, tzinfo=tokyo),
        date(2023, 12, 5),
        pd.Timestamp("2023-12-05 23:59"),
        np.datetime64("2023-12-05T10:00"),
        pd.NaT,
    ]
    df = pd.DataFrame({"text": [TAIWAN] * len(cells), "when": pd.Series(cells, dtype=object)})

    facts = df.finfacts.extract(published="when")
    assert facts["published"].iloc[:5].tolist() == [date(2023, 12, 5)] * 5
    assert facts["published"].iloc[5:].isna().all()

    everywhere = df.finfacts.extract(published=date(2020, 2, 2))
    assert set(everywhere["published"]) == {date(2020, 2, 2)}


def test_a_datetime64_column_gives_the_calendar_date():
    df = pd.DataFrame(
        {
            "text": [TAIWAN, NVIDIA],
            "when": [pd.Timestamp("2024-01-15 23:59"), pd.Timestamp("2024-01-16")],
        }
    )

    facts = df.finfacts.extract(published="when")

    assert facts.groupby(ROW_COLUMN)["published"].first().tolist() == [
        date(2024, 1, 15),
        date(2024, 1, 16),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "missing"}, r"no column 'missing' in the DataFrame \(columns: 'body'"),
        ({"text": "body", "published": "nope"}, "no column 'nope'"),
        ({"text": "body", "keep": ["kind"]}, "keep='kind'"),
        ({"text": "body", "keep": ["title", "title"]}, "twice"),
        ({"text": "number"}, "row 'b': column 'number' holds int 2, not text"),
        ({"text": "body", "published": "bad"}, "row 'c': column 'bad': not an ISO date"),
    ],
)
def test_bad_columns_and_cells_are_named(kwargs, message):
    df = pd.DataFrame(
        {
            "body": [TAIWAN, NVIDIA, NEC],
            "number": np.array([None, 2, None], dtype=object),
            "bad": ["2023-12-05", None, "yesterday"],
            "title": ["a", "b", "c"],
            "kind": ["x", "y", "z"],
        },
        index=["a", "b", "c"],
    )

    with pytest.raises(ValueError, match=message):
        df.finfacts.extract(**kwargs)


def test_an_empty_frame_gives_the_empty_facts_frame():
    df = news().iloc[:0]

    facts = df.finfacts.extract(text="body", published="date", keep="title")

    assert len(facts) == 0
    assert list(facts.columns) == [*COLUMNS, ROW_COLUMN, "title"]
    assert facts.dtypes.drop([ROW_COLUMN, "title"]).equals(extract_frame([]).dtypes)


def test_jobs_give_the_same_facts():
    docs = list(read_documents(ROOT / "seeds"))
    df = pd.DataFrame(
        {"text": [d.text for d in docs] * 3, "published": [d.published for d in docs] * 3}
    )

    pd.testing.assert_frame_equal(
        df.finfacts.extract(published="published", jobs=2),
        df.finfacts.extract(published="published"),
    )


def test_the_result_exports_with_its_row_and_kept_columns(tmp_path):
    facts = news().finfacts.extract(text="body", published="date", keep="title")

    for suffix in (".parquet", ".jsonl"):
        back = read_frame(write_frame(facts, tmp_path / f"f{suffix}"))
        assert back[ROW_COLUMN].astype("int64").tolist() == facts[ROW_COLUMN].tolist()
        assert back["title"].tolist() == facts["title"].tolist()


@pytest.mark.parametrize(
    "code",
    [
        # pandas imported after finfacts: registered the moment pandas loads
        "import sys, finfacts\n"
        "assert 'pandas' not in sys.modules, 'import finfacts must not load pandas'\n"
        "import pandas as pd\n"
        "print(type(pd.DataFrame({'text': ['x']}).finfacts).__name__)",
        # pandas first
        "import pandas as pd, finfacts\n"
        "print(type(pd.DataFrame({'text': ['x']}).finfacts).__name__)",
    ],
    ids=["finfacts-first", "pandas-first"],
)
def test_import_finfacts_registers_the_accessor_without_loading_pandas(code):
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FinfactsAccessor"
