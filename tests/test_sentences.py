"""Sentence spans: the context every record carries, not fooled by "Corp." or "U.S."."""

import pytest

from finfacts import extract
from finfacts.sentences import Sentences


def sentence_of(text: str, needle: str) -> str:
    start = text.index(needle)
    lo, hi = Sentences(text).span(start, start + len(needle))
    return text[lo:hi]


@pytest.mark.parametrize(
    ("text", "needle", "expected"),
    [
        (
            "Mitsui & Co. shed 1.4% in Tokyo. NEC fell 3.6%.",
            "1.4%",
            "Mitsui & Co. shed 1.4% in Tokyo.",
        ),
        (
            "U.S. stocks fell 2% on Friday. The yen rose.",
            "2%",
            "U.S. stocks fell 2% on Friday.",
        ),
        (
            "Analyst J. Smith at Nomura Holdings Inc. expects 5% growth. Others disagree.",
            "5%",
            "Analyst J. Smith at Nomura Holdings Inc. expects 5% growth.",
        ),
        (
            "Profit rose 12% in the year to Sept. 30, the company said! Shares jumped 4%.",
            "12%",
            "Profit rose 12% in the year to Sept. 30, the company said!",
        ),
        (
            "It cost approx. $5 million. Was it worth it? Analysts said 10% was fair.",
            "10%",
            "Analysts said 10% was fair.",
        ),
        (
            'Revenue rose 7.6%." Margins were flat.',
            "7.6%",
            "Revenue rose 7.6%.",
        ),
        # a line break ends a paragraph even right after an abbreviation
        ("Toyota Motor Corp.\nShares of Honda rose 2%.", "2%", "Shares of Honda rose 2%."),
        ("Sales hit ¥1.5 trillion\nin 2023, up 3%.", "3%", "in 2023, up 3%."),
        # decimals and lower-case continuations are not breaks
        (
            "The index closed at 3.6 points. e.g. a lower-case word goes on",
            "3.6",
            "The index closed at 3.6 points. e.g. a lower-case word goes on",
        ),
        ("Prices rose 2.5% vs. 1.9% a year ago.", "1.9%", "Prices rose 2.5% vs. 1.9% a year ago."),
    ],
)
def test_sentence_span(text: str, needle: str, expected: str) -> None:
    assert sentence_of(text, needle) == expected


def test_long_sentence_is_cut_around_the_fact() -> None:
    text = "word " * 400 + "profit rose 12% " + "word " * 400
    lo, hi = Sentences(text).span(text.index("12%"), text.index("12%") + 3)
    assert text.index("12%") - lo <= 600 and hi - (text.index("12%") + 3) <= 600
    assert "12%" in text[lo:hi]


def test_records_carry_their_sentence() -> None:
    text = "Toyota Motor Corp. said on Tuesday profit rose 12% to ¥1.2 trillion. NEC fell 3.6%."
    facts = extract(text)
    assert {f.sentence for f in facts if f.kind in ("percent", "money")} == {
        "Toyota Motor Corp. said on Tuesday profit rose 12% to ¥1.2 trillion."
    }
