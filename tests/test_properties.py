"""Properties of the public API that must hold for every input, checked with hypothesis.

- ``extract`` / ``extract_with_errors`` never raise and report no internal fault on a ``str``;
- every record's offsets slice the document to its ``surface``;
- the output is deterministic;
- a fact's record does not change when unrelated paragraphs come before and after it;
- the tidy frame survives Parquet, CSV and JSON Lines round trips exactly.

Set FINFACTS_HYPOTHESIS_EXAMPLES to search harder (the default keeps the file fast).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finfacts.extract import extract, extract_with_errors
from finfacts.frame import read_frame, records_frame, to_records, write_frame
from finfacts.records import Money, Percent, Quantity, ShareMove

EXAMPLES = int(os.environ.get("FINFACTS_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- finance-flavoured text ---------------------------------------------------------------------
# Random unicode almost never reaches the grammar's interesting paths, so a third of the texts
# are built from the tokens news is made of: numbers in every notation, currency forms,
# scale words, percent units, qualifiers, range words, move verbs and company names, glued
# by spaces and punctuation (or nothing, so numbers also run together into huge ones).

# fmt: off
CURRENCY = [
    "$", "US$", "S$", "NT$", "HK$", "A$", "C$", "R$", "¥", "￥", "£", "€", "₹", "₩", "Rs", "Rs.",
    "RMB", "USD", "JPY", "EUR", "GBP", "INR", "KRW", "CNY", "TWD", "yen", "yuan", "dollars",
    "dollar", "euros", "pounds", "pound", "won", "real", "reais", "rupees", "dlrs", "cents",
    "pence", "sen", "円", "元", "ドル", "米ドル", "ルピー", "美元",
]
SCALES = ["million", "billion", "trillion", "bn", "mln", "m", "k", "crore", "lakh", "兆", "億",
          "万"]
PERCENTS = ["%", "％", "percent", "per cent", "pct", "percentage points", "pp", "bps",
            "basis points"]
WORDS = [
    "about", "around", "more than", "up to", "nearly", "some", "between", "from", "to", "and",
    "or", "minus", "negative", "of", "billions of", "hundreds of millions of", "one", "two",
    "twenty", "a half", "dozen", "Shares of", "shares", "stock", "rose", "fell", "jumped",
    "slid", "little changed", "was unchanged", "to close at", "SoftBank", "SoftBank Corp",
    "SoftBank Group", "Sony", "NEC", "Toyota Motor", "TSMC", "Nikkei", "(6701.T)", "(9984.T)",
    "Tuesday", "yesterday", "2023-12-05", "Dec. 5", "Reporting by", "http://x.co/1", "the",
    "revenue", "profit", "GPUs", "gigawatts", "months", "employees",
]
PUNCT = ["", " ", " ", " ", "  ", "\u00a0", "\u202f", "\n", "\n\n", "\t", ". ", ", ", "; ",
         "(", ")", "-", "–", "—", "~", "/", ":", "'", "’", '"']
# fmt: on


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


NUMBERS = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n / 100:.2f}"),
    st.integers(1000, 10**9).map(lambda n: _grouped(n, ",")),
    st.integers(1000, 10**9).map(lambda n: _grouped(n, " ")),
    st.integers(1000, 10**9).map(lambda n: _grouped(n, ".")),
    st.integers(0, 10**6).map(lambda n: str(n).translate({c: c + 0xFEE0 for c in range(48, 58)})),
    st.sampled_from(
        [
            "1,03,000",
            "10,372",
            "1.234.567,89",
            "1 029,00",
            ".75",
            "0.5",
            "1兆2000億",
            "二千",
            "三",
            "十五",
            "5万",
            "１，０００",
            "１．５",
        ]
    ),
)
TOKEN = st.one_of(
    NUMBERS,
    st.sampled_from(CURRENCY),
    st.sampled_from(SCALES),
    st.sampled_from(PERCENTS),
    st.sampled_from(WORDS),
    st.text(max_size=3),
)
FINANCE_TEXT = st.lists(st.tuples(TOKEN, st.sampled_from(PUNCT)).map("".join), max_size=40).map(
    "".join
)
# lone surrogates are valid in a str (a JSON "\ud800" escape makes one) though not in UTF-8
SURROGATE_TEXT = st.text(st.characters(categories=["Cs", "Nd", "No", "Sc", "Zs", "Po", "Ll", "Lo"]))
ANY_TEXT = st.one_of(st.text(), SURROGATE_TEXT, FINANCE_TEXT)
PUBLISHED = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 31)))


@SETTINGS
@given(text=ANY_TEXT, published=PUBLISHED)
def test_extract_reports_no_fault_and_offsets_slice_to_surface(text, published):
    records, errors = extract_with_errors(text, published=published, doc_id="d")

    assert errors == []
    for r in records:
        assert 0 <= r.start <= r.end <= len(text)
        assert text[r.start : r.end] == r.surface
        assert r.doc_id == "d"
        assert r.sentence in text and r.surface in r.sentence
    assert [r.start for r in records] == sorted(r.start for r in records)


@SETTINGS
@given(text=ANY_TEXT, published=PUBLISHED)
def test_extract_is_deterministic(text, published):
    first = extract(text, published=published)
    second = extract(text, published=published)

    assert first == second


@SETTINGS
@given(text=st.one_of(st.text(), SURROGATE_TEXT))
def test_extract_never_raises_and_agrees_with_extract_with_errors(text):
    records = extract(text)

    assert (records, []) == extract_with_errors(text)


# -- filler around a fact -----------------------------------------------------------------------

# fmt: off
FILLER_WORDS = [
    "the", "committee", "said", "it", "would", "review", "plans", "for", "new", "offices",
    "after", "talks", "with", "regulators", "analysts", "expected", "demand", "to", "improve",
    "while", "officials", "noted", "that", "policy", "remained", "uncertain", "members",
    "agreed", "outlook", "was", "mixed", "and", "consumers", "stayed", "cautious", "about",
    "travel", "this", "season",
]
# fmt: on
AMOUNT_PREFIX = ["$", "US$", "S$", "€", "£", "¥", "Rs ", "NT$", "USD ", "INR "]
AMOUNT_SCALE = ["", " million", " billion", "bn", " trillion"]
COMPANY = ["Sony", "NEC", "Toyota Motor", "SoftBank Corp", "Panasonic"]
VERB = ["rose", "fell", "jumped", "slid", "gained", "dropped"]


@st.composite
def amounts(draw) -> str:
    prefix = draw(st.sampled_from(AMOUNT_PREFIX))
    whole = draw(st.integers(1, 999))
    cents = draw(st.sampled_from(["", ".5", ".25", ".05"]))
    return f"{prefix}{whole}{cents}{draw(st.sampled_from(AMOUNT_SCALE))}"


@st.composite
def fact_sentences(draw) -> str:
    """One real-looking sentence holding money, percent and/or share-move facts."""
    pct = f"{draw(st.integers(0, 99))}.{draw(st.integers(0, 9))}"
    company = draw(st.sampled_from(COMPANY))
    templates = [
        f"{company} agreed to pay {draw(amounts())} for the unit.",
        f"The deal is worth about {draw(amounts())}, the company said.",
        f"Revenue rose {pct}% to {draw(amounts())} in the quarter.",
        f"The central bank raised rates by {draw(st.integers(5, 100))} basis points.",
        f"Shares of {company} {draw(st.sampled_from(VERB))} {pct}% on Tuesday.",
        f"Shares of {company} {draw(st.sampled_from(VERB))} {pct}% to close at "
        f"¥{draw(st.integers(100, 9999)):,}.",
        f"{company} was little changed.",
        f"Costs were between {draw(amounts())} and {draw(amounts())} last year.",
        f"Inflation slowed to {pct} percent, while wages grew {pct}%.",
        "Investors poured billions of dollars into the sector.",
        f"{company} plans to invest {draw(st.integers(2, 9))} trillion yen (US$"
        f"{draw(st.integers(10, 60))} billion).",
    ]
    return " ".join(draw(st.lists(st.sampled_from(templates), min_size=1, max_size=3)))


@st.composite
def filler(draw) -> str:
    """Paragraphs of plain words: no digits, currencies, dates, companies or move verbs."""
    paragraphs = []
    for _ in range(draw(st.integers(0, 3))):
        words = draw(st.lists(st.sampled_from(FILLER_WORDS), min_size=1, max_size=25))
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


def _shifted(records, by: int) -> list:
    return [dataclasses.replace(r, start=r.start + by, end=r.end + by) for r in records]


@SETTINGS
@given(fact=fact_sentences(), before=filler(), after=filler(), published=PUBLISHED)
def test_a_fact_is_unchanged_by_filler_paragraphs_around_it(fact, before, after, published):
    head = before + "\n\n" if before else ""
    text = head + fact + ("\n\n" + after if after else "")

    alone = extract(fact, published=published, doc_id="d")
    framed = extract(text, published=published, doc_id="d")

    assert alone, f"the grammar sentence {fact!r} should hold at least one fact"
    assert framed == _shifted(alone, len(head))


def test_filler_alone_holds_no_facts():
    assert extract(" ".join(FILLER_WORDS).capitalize() + ".") == []


# -- export round trips -------------------------------------------------------------------------

# decimal128(38, 12): at most 26 digits before the point and 12 after
DECIMALS = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(-(10**26) + 1, 10**26 - 1),
    st.integers(0, 12),
)
OPT_DECIMAL = st.one_of(st.none(), DECIMALS)
TEXT = st.text(max_size=30)
OPT_TEXT = st.one_of(st.none(), TEXT)
DATES = st.dates(date(1900, 1, 1), date(2100, 12, 31))


def _common(draw) -> dict:
    start = draw(st.integers(0, 10**6))
    return dict(
        doc_id=draw(OPT_TEXT),
        start=start,
        end=start + draw(st.integers(0, 500)),
        surface=draw(TEXT),
        sentence=draw(TEXT),
    )


@st.composite
def records(draw):
    kind = draw(st.sampled_from(["money", "percent", "move", "quantity"]))
    base = _common(draw)
    if kind == "money":
        return Money(
            **base,
            value=draw(OPT_DECIMAL),
            currency=draw(st.one_of(st.none(), st.sampled_from(["USD", "JPY", "INR", "TWD"]))),
            value_high=draw(OPT_DECIMAL),
            approx=draw(st.booleans()),
            qualifier=draw(OPT_TEXT),
            vague=draw(st.booleans()),
            equivalent_of=draw(st.one_of(st.none(), st.integers(0, 1000))),
        )
    if kind == "percent":
        return Percent(
            **base,
            value=draw(OPT_DECIMAL),
            unit=draw(st.sampled_from(["percent", "percentage_point", "basis_point"])),
            value_high=draw(OPT_DECIMAL),
            approx=draw(st.booleans()),
            qualifier=draw(OPT_TEXT),
            about=draw(OPT_TEXT),
        )
    if kind == "move":
        return ShareMove(
            **base,
            entity=draw(TEXT),
            change_pct=draw(OPT_DECIMAL),
            direction=draw(st.sampled_from(["up", "down", "flat"])),
            company=draw(OPT_TEXT),
            ticker=draw(OPT_TEXT),
            exchange=draw(OPT_TEXT),
            instrument=draw(st.sampled_from(["stock", "index"])),
            approx=draw(st.booleans()),
            price=draw(OPT_DECIMAL),
            price_currency=draw(OPT_TEXT),
            event_date=draw(st.one_of(st.none(), DATES)),
        )
    return Quantity(
        **base,
        value=draw(DECIMALS),
        unit=draw(TEXT),
        value_high=draw(OPT_DECIMAL),
        what=draw(OPT_TEXT),
        approx=draw(st.booleans()),
    )


@settings(SETTINGS, max_examples=max(1, EXAMPLES // 4))  # each example writes three files
@given(recs=st.lists(records(), max_size=8), published=st.one_of(st.none(), DATES))
def test_frame_round_trips_exactly_through_every_export_format(recs, published):
    frame = records_frame(recs, published=published)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".parquet", ".csv", ".jsonl"):
            back = read_frame(write_frame(frame, Path(tmp) / f"facts{suffix}"))

            if not (back.equals(frame) and list(back.dtypes) == list(frame.dtypes)):
                pd.testing.assert_frame_equal(back, frame, obj=f"{suffix} round trip")
            assert to_records(back) == recs, suffix
