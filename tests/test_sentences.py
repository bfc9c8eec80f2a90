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


def _full_scan_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The reference: every break of the text found up front, then looked up."""
    from bisect import bisect_left, bisect_right

    from finfacts.sentences import _BREAK, _LONGEST

    spans = [m.span() for m in _BREAK.finditer(text)]
    starts = [0, *(e for _s, e in spans)]
    ends = [*(s + 1 for s, _e in spans), len(text)]
    i = max(0, bisect_right(starts, start) - 1)
    j = max(i, bisect_left(ends, end))
    left, right = max(starts[i], start - _LONGEST), min(ends[j], end + _LONGEST)
    piece = text[left:right]
    left += len(piece) - len(piece.lstrip())
    return left, left + len(piece.strip())


def test_line_by_line_breaks_agree_with_a_whole_text_scan() -> None:
    """Breaks are read one line at a time; every fact-like span of the seeds (and of
    stories with blank lines, quotes after the full stop, long lines) gets the same
    sentence as from a scan of the whole text. (A span running past its sentence's end
    mark is no fact; there a blank line now ends the sentence, where the whole-text scan
    let the closing quote and blank line run on into the next paragraph.)"""
    import random
    import re
    from pathlib import Path

    seeds = sorted(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    texts += [
        'Profit rose 5%.\n\n  "Next year," he said. Sales fell 2%.”\n\nNEC fell 3.6%.',
        "Shares rose 2% to a record. \n \nThe yen weakened.\r\nExports rose 1.2%.",
        ("Revenue rose 12% " + "and more " * 120 + "in the year.\n") * 3,
        "売上は増えた。 Toyota rose 2%！ Sony fell 1.5%？ NEC Corp. was flat! Why? U.S. data.",
    ]
    rng = random.Random(7)
    checked = 0
    for text in texts:
        starts = [i for i in range(len(text)) if not text[i].isspace()]
        for start in rng.sample(starts, min(300, len(starts))):
            end = min(len(text), start + rng.randint(1, 12))
            if re.search(r"[.!?。！？](?!\d)", text[start:end]):
                continue  # past an end mark: not a fact's span
            assert Sentences(text).span(start, end) == _full_scan_span(text, start, end)
            checked += 1
    assert checked > 800


def test_many_facts_on_one_long_line_stay_linear() -> None:
    """Looking up sentences for every figure of one huge line (no line breaks) costs in
    proportion to the text: ten times the text and the figures, about ten times the work,
    never a hundred. (A ratio of best timings, as in test_adversarial; no absolute time.)"""
    import time

    def best_seconds(copies: int) -> float:
        text = "Shares rose 2.5% and fell 1.5% on the day, " * copies
        positions = [i for i in range(len(text)) if text.startswith("2.5%", i)]
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            sentences = Sentences(text)
            for p in positions:
                sentences.span(p, p + 4)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = best_seconds(2_000), best_seconds(20_000)
    assert large / small < 25


def test_uncut_spans_are_every_inner_words_span() -> None:
    """``uncut``: a short sentence's span is the span of each word in it; a long one, cut
    around the fact asked about, or one beside a long run of stripped space, is not."""
    text = "Sony rose 2%. " + "Toyota, as traders said, fell " * 30 + "3%. Honda was flat."
    sentences = Sentences(text)
    short = sentences.span(text.index("2%"), text.index("2%") + 2)
    assert sentences.uncut(short)
    for word in ("Sony", "rose"):
        at = text.index(word)
        assert Sentences(text).span(at, at + len(word)) == short
    long = sentences.span(text.index("3%"), text.index("3%") + 2)
    assert not sentences.uncut(long)
    at = text.index("Toyota")
    assert Sentences(text).span(at, at + 6) != long  # each fact has its own cut
    spaced = " " * 400 + "Sony rose 2%."
    sentences = Sentences(spaced)
    assert not sentences.uncut(sentences.span(spaced.index("2%"), len(spaced) - 1))
    assert Sentences(" " * 20 + "Sony rose 2%.").uncut((20, 33))


def test_a_copy_answers_alike_and_grows_on_its_own() -> None:
    text = "Sony rose 2%. Honda fell 1%.\nToyota was flat."
    original = Sentences(text)
    first = original.span(10, 12)
    copy = original.copy()
    assert copy.span(10, 12) == first
    at = text.index("1%")
    assert copy.span(at, at + 2) == (14, 28)
    assert (at, at + 2) not in original._spans  # the copy's answers stay its own
    at = text.index("flat")
    assert original.span(at, at + 4) == copy.span(at, at + 4) == (29, 45)
