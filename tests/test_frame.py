"""The tidy frame: schema, exact decimals, and round trips through Parquet, CSV and JSONL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from finfacts.errors import InputError
from finfacts.frame import (
    COLUMNS,
    DECIMAL_TYPE,
    extract_frame,
    plain_decimal,
    read_frame,
    records_frame,
    to_records,
    write_frame,
)
from finfacts.io import Document, read_documents
from finfacts.records import RECORD_TYPES, Money, Percent, Quantity, ShareMove

ROOT = Path(__file__).resolve().parents[1]
FORMATS = (".parquet", ".csv", ".jsonl")
DEC = pd.ArrowDtype(DECIMAL_TYPE)


def money(value, **kw) -> Money:
    base = dict(doc_id="d1", start=0, end=3, surface="US$21.05 billion", sentence="S.")
    base.update(kw)
    return Money(value=value, currency=base.pop("currency", "USD"), **base)


def sample_records() -> list:
    """One of each kind, with the awkward values an export must keep exactly."""
    return [
        money(Decimal("21050000000")),
        money(Decimal("31980000000000"), doc_id="d2", surface="NT$31.98 trillion", currency="TWD"),
        money(Decimal("0.000001"), surface="0.000001 BTC", currency=None, qualifier=""),
        money(
            Decimal("-5000000"),
            value_high=Decimal("-4000000"),
            surface="minus 5 to 4 million",
            sentence='Quoted "NA", with, commas\nand a line break\r\nand trailing space ',
        ),
        money(None, surface="billions of dollars", vague=True, approx=True, qualifier="vague"),
        money(Decimal("1.25E+9"), surface="USD 1.25 billion", equivalent_of=0),
        money(Decimal("999999999999999999999999.999999999999"), doc_id=None, surface="NA"),
        Percent(
            doc_id="d1",
            start=4,
            end=7,
            surface="25 percent",
            sentence="",
            value=Decimal("25"),
            about="tariffs",
        ),
        Percent(
            doc_id="d1",
            start=8,
            end=9,
            surface="50 bps",
            sentence="null",
            value=Decimal("50"),
            unit="basis_point",
        ),
        ShareMove(
            doc_id="d3",
            start=10,
            end=40,
            surface="Sakura Internet jumped 7.6%",
            sentence="Shares of Sakura Internet jumped 7.6% to close at ¥1,927.",
            entity="Sakura Internet",
            change_pct=Decimal("7.6"),
            direction="up",
            ticker="3778.T",
            price=Decimal("1927"),
            price_currency="JPY",
            event_date=date(2023, 12, 5),
        ),
        ShareMove(
            doc_id="d3",
            start=41,
            end=60,
            surface="little changed",
            sentence="SoftBank Corp was little changed.",
            entity="SoftBank Corp",
            change_pct=None,
            direction="flat",
            approx=True,
        ),
        Quantity(
            doc_id="d4",
            start=0,
            end=11,
            surface="10,000 GPUs",
            sentence="兆 ¥ — 10,000 GPUs.",
            value=Decimal("10000"),
            unit="count",
            what="GPUs",
        ),
    ]


PUBLISHED = {"d1": date(2023, 12, 6), "d3": date(2023, 12, 5)}


# -- shape --------------------------------------------------------------------------------------


def test_columns_are_kind_the_union_of_record_fields_and_published():
    fields = {name for cls in RECORD_TYPES for name in cls.field_names()}
    assert set(COLUMNS) == fields | {"kind", "published"}
    assert COLUMNS[0] == "kind"
    assert len(COLUMNS) == len(set(COLUMNS))


def test_dtypes_and_column_order_do_not_depend_on_the_records():
    records = sample_records()
    full = records_frame(records)
    reordered = records_frame(list(reversed(records)))
    empty = records_frame([])

    for frame in (full, reordered, empty):
        assert tuple(frame.columns) == COLUMNS
        assert frame.dtypes.to_dict() == full.dtypes.to_dict()
    assert len(empty) == 0
    dtypes = full.dtypes
    for name in ("value", "value_high", "change_pct", "price"):
        assert dtypes[name] == DEC
    for name in ("event_date", "published"):
        assert dtypes[name] == pd.ArrowDtype(pa.date32())
    for name in ("start", "end", "equivalent_of"):
        assert dtypes[name] == pd.Int64Dtype()
    for name in ("approx", "vague"):
        assert dtypes[name] == np.dtype(bool)
    for name in ("kind", "doc_id", "surface", "currency", "entity", "sentence"):
        assert dtypes[name] == pd.StringDtype()


def test_one_row_per_record_with_kind_and_missing_fields_empty():
    frame = records_frame(sample_records())

    assert list(frame["kind"]) == ["money"] * 7 + ["percent"] * 2 + ["move"] * 2 + ["quantity"]
    move = frame.iloc[9]
    assert move["entity"] == "Sakura Internet"
    assert move["change_pct"] == Decimal("7.6")
    assert move["event_date"] == date(2023, 12, 5)
    assert pd.isna(move["currency"]) and pd.isna(move["value"])
    assert not frame.iloc[7]["vague"]  # a percent is never a vague money amount
    assert frame.iloc[4]["vague"] and pd.isna(frame.iloc[4]["value"])


def test_decimals_are_exact_in_the_frame():
    frame = records_frame(sample_records())
    values = [frame["value"].iloc[i] for i in range(7)]
    assert values[:4] == [
        Decimal("21050000000"),
        Decimal("31980000000000"),
        Decimal("0.000001"),
        Decimal("-5000000"),
    ]
    assert values[6] == Decimal("999999999999999999999999.999999999999")
    assert frame["value_high"].iloc[3] == Decimal("-4000000")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (Decimal("0.0000000000001"), "does not fit"),
        (Decimal("1E+26"), "does not fit"),
        (Decimal("NaN"), "not a finite"),
        (0.1, "not an exact Decimal"),
    ],
)
def test_values_that_cannot_be_stored_exactly_are_refused_naming_the_record(value, reason):
    with pytest.raises(ValueError, match=reason) as info:
        records_frame([money(value, surface="odd amount")])
    assert "odd amount" in str(info.value) and "'value'" in str(info.value)


def test_published_is_one_date_or_a_mapping_by_doc_id():
    records = sample_records()
    one = records_frame(records, published=date(2024, 1, 2))
    by_doc = records_frame(records, published=PUBLISHED)
    none = records_frame(records)

    assert set(one["published"]) == {date(2024, 1, 2)}
    expected = [PUBLISHED.get(r.doc_id) for r in records]
    assert [None if pd.isna(v) else v for v in by_doc["published"]] == expected
    assert none["published"].isna().all()


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_gives_the_same_frame(tmp_path, suffix):
    frame = records_frame(sample_records(), published=PUBLISHED)
    path = tmp_path / f"facts{suffix}"

    assert write_frame(frame, path) == path
    back = read_frame(path)

    pd.testing.assert_frame_equal(back, frame)
    assert back["value"].iloc[0] == Decimal("21050000000")
    assert back["value"].iloc[2] == Decimal("0.000001")
    assert back["value"].iloc[3] == Decimal("-5000000")
    assert pd.isna(back["value"].iloc[4])


@pytest.mark.parametrize("suffix", FORMATS)
def test_empty_frame_round_trips(tmp_path, suffix):
    frame = records_frame([])
    path = write_frame(frame, tmp_path / f"empty{suffix}")

    pd.testing.assert_frame_equal(read_frame(path), frame)


@pytest.mark.parametrize("suffix", FORMATS)
def test_records_come_back_as_the_same_typed_objects(tmp_path, suffix):
    records = sample_records()
    path = write_frame(records_frame(records), tmp_path / f"facts{suffix}")

    back = to_records(read_frame(path))

    assert back == records
    assert str(back[0].value) == "21050000000"  # no decimal128 padding left on the values
    assert str(back[2].value) == "0.000001"


def test_parquet_stores_amounts_as_decimal128(tmp_path):
    path = write_frame(records_frame(sample_records()), tmp_path / "f.parquet")

    schema = pq.read_schema(path)

    for name in ("value", "value_high", "change_pct", "price"):
        assert schema.field(name).type == DECIMAL_TYPE
    assert schema.field("published").type == pa.date32()


def test_csv_has_plain_decimals_and_tells_empty_text_from_missing(tmp_path):
    path = write_frame(records_frame(sample_records()), tmp_path / "f.csv")
    text = path.read_text(encoding="utf-8")

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # any CSV reader can use it
    assert list(frame["value"][:4]) == ["21050000000", "31980000000000", "0.000001", "-5000000"]
    assert frame["value"][5] == "1250000000"
    assert "E+" not in text and "e-" not in text
    assert '0.000001,,,false,"",' in text  # qualifier "" is quoted, missing values are empty


def test_jsonl_has_decimals_as_strings_and_dates_as_iso(tmp_path):
    path = write_frame(records_frame(sample_records(), published=PUBLISHED), tmp_path / "f.jsonl")

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    assert rows[0]["value"] == "21050000000"
    assert rows[2]["value"] == "0.000001"
    assert rows[4]["value"] is None
    assert rows[9]["event_date"] == "2023-12-05" and rows[9]["change_pct"] == "7.6"
    assert list(rows[0]) == list(COLUMNS)


def test_extra_columns_are_kept_and_decimal_objects_stay_exact(tmp_path):
    frame = records_frame(sample_records()[:2])
    frame["value_usd"] = [Decimal("21050000000.5"), None]  # object column of Decimals
    frame["car"] = [0.0123, float("nan")]

    path = write_frame(frame, tmp_path / "extra.parquet")
    back = read_frame(path)

    assert pq.read_schema(path).field("value_usd").type == DECIMAL_TYPE
    assert back["value_usd"].iloc[0] == Decimal("21050000000.5")
    assert back["car"].iloc[0] == 0.0123
    assert list(back.columns) == [*COLUMNS, "value_usd", "car"]


def test_float_amounts_are_refused_and_the_old_file_is_left_alone(tmp_path):
    path = write_frame(records_frame(sample_records()), tmp_path / "f.csv")
    before = path.read_bytes()
    frame = records_frame(sample_records())
    frame["value"] = frame["value"].astype("float64")

    for suffix in FORMATS:
        with pytest.raises(TypeError, match="'value' holds floats"):
            write_frame(frame, tmp_path / f"f{suffix}")

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]


def test_unknown_extension_and_foreign_files_give_clear_errors(tmp_path):
    frame = records_frame([])
    with pytest.raises(ValueError, match=r"\.xlsx"):
        write_frame(frame, tmp_path / "f.xlsx")

    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'kind' column") as info:
        read_frame(other)
    assert info.value.path == str(other)

    bad = tmp_path / "bad.jsonl"
    good_row = json.dumps({"kind": "money", "value": "1"})
    bad.write_text(good_row + "\n" + json.dumps({"kind": "money", "value": "abc"}) + "\n")
    with pytest.raises(InputError, match="'value'") as info:
        read_frame(bad)
    assert info.value.line == 2


def test_to_records_rejects_an_unknown_kind():
    frame = records_frame(sample_records()[:1])
    frame.loc[0, "kind"] = "bond"
    with pytest.raises(ValueError, match="bond"):
        to_records(frame)


@given(
    st.decimals(min_value=Decimal("-1e25"), max_value=Decimal("1e25"), places=12, allow_nan=False)
)
def test_plain_decimal_is_exact_positional_text(value):
    text = plain_decimal(value)
    assert "E" not in text.upper()
    assert Decimal(text) == value


# -- extraction ---------------------------------------------------------------------------------


def test_extract_frame_takes_texts_pairs_and_documents():
    text = "Nvidia revenue included US$2.7 billion from Singapore."
    from_str = extract_frame(text, published=date(2023, 12, 6))
    from_list = extract_frame([text, text])
    from_pairs = extract_frame([("a", text), ("b", text)])
    from_docs = extract_frame([Document(id="x", text=text, published=date(2023, 12, 1))])

    assert set(from_str["doc_id"]) == {"0"}
    assert set(from_str["published"]) == {date(2023, 12, 6)}
    assert set(from_list["doc_id"]) == {"0", "1"}
    assert set(from_pairs["doc_id"]) == {"a", "b"}
    assert set(from_docs["published"]) == {date(2023, 12, 1)}
    for frame in (from_str, from_list, from_pairs, from_docs):
        assert tuple(frame.columns) == COLUMNS
        row = frame[frame["surface"] == "US$2.7 billion"].iloc[0]
        assert row["value"] == Decimal("2700000000")
        assert text[row["start"] : row["end"]] == row["surface"]


def test_extract_frame_on_the_seeds_keeps_offsets_and_exact_amounts():
    docs = list(read_documents(ROOT / "seeds"))
    texts = {d.id: d.text for d in docs}

    frame = extract_frame(docs)

    assert set(frame["doc_id"]) <= set(texts)
    for row in frame.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.surface
    seed = frame[frame["doc_id"] == "001_3f7fe83832b1c187"]
    assert Decimal("21050000000") in set(seed["value"].dropna())
    assert set(seed["published"]) == {date(2023, 12, 6)}
