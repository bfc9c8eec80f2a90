"""Event dates: the quick tests that skip reference patterns, and the story's end by offset.

A pattern runs only when its cue words are in the sentence, so every form a pattern
accepts, in any case, must keep its cue; and ``StoryEnd`` must agree with
``main_story_end`` whatever offsets it is asked about, in whatever order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finfacts.dates import StoryEnd, event_session, explain, main_story_end

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = date(2023, 12, 6)
UNITS = ["week", "weekend", "month", "quarter", "year", "session"]
# The words before the spaces and the unit in the vague pattern's first alternative.
LEADS = ["last", "this", "next", "past", "previous", "earlier this", "later this"]
LEADS += ["the previous", "the past"]
# Leads that name the story's own session with "session" ("this session"): no span.
OWN_SESSION_LEADS = ("this", "earlier this", "later this", "earlier in the")


def own_session(lead: str, unit: str) -> bool:
    """Whether ``lead unit`` is the story's own session: tested on its own below."""
    return unit == "session" and lead in OWN_SESSION_LEADS


def rule(sentence: str) -> str:
    return explain(sentence, PUBLISHED).rule


def cases(words: str) -> list[str]:
    """``words`` as written, in capitals and in title case."""
    return [words, words.upper(), words.title()]


# --------------------------------------------------------------------------- vague


@pytest.mark.parametrize(
    ("lead", "unit"),
    [(lead, unit) for lead in LEADS for unit in UNITS if not own_session(lead, unit)],
)
def test_every_lead_and_unit_is_vague_in_any_case_and_spacing(lead, unit):
    for words in [*cases(f"{lead} {unit}"), f"{lead} \n\t {unit}", f"{lead}\u00a0{unit}"]:
        assert rule(f"Shares of Sony rose 3% {words}, the company said.") == "vague", words


@pytest.mark.parametrize(
    ("lead", "unit"),
    [
        (lead, unit)
        for lead in ("earlier this", "earlier in the")
        for unit in UNITS
        if not own_session(lead, unit)
    ],
)
def test_earlier_in_the_unit_is_vague(lead, unit):
    for words in cases(f"{lead} {unit}"):
        assert rule(f"Shares of Sony had fallen {words}.") == "vague", words


@pytest.mark.parametrize(
    "words",
    ["recently", "in March", "since early March", "during mid-March", "until late Sept",
     "through Dec", "IN 2019", "in  2021"],
)  # fmt: skip
def test_other_vague_forms(words):
    for form in (words, words.upper() if words[0].islower() else words):
        assert rule(f"Shares of Sony have risen {form} on chip demand.") == "vague", form


def test_dotted_and_dotless_i_and_long_s_still_find_a_lead():
    # `re` matches "İ" and "ı" to "i", "ſ" to "s", whatever their case; lower() does not.
    for words in ("THİS WEEK", "thıs week", "PREVİOUS QUARTER", "prevıous year", "laſt ſeſſion"):
        assert rule(f"Shares rose 3% {words}.") == "vague", words


@pytest.mark.parametrize("lead", OWN_SESSION_LEADS)
def test_the_story_s_own_session_is_no_span(lead):
    """ "fell as much as 2% earlier in the session" is the day's session: the move keeps the
    publication date; "last session" and "previous session" still span."""
    for words in cases(f"{lead} session"):
        assert rule(f"Shares of Sony fell 2% {words}.") == "published", words
    assert rule("Shares of Sony fell 2% in the previous session.") == "vague"


def test_a_unit_without_a_lead_is_not_a_reference():
    sentence = "Shares jumped 7.6% to ¥1,927, the highest in almost eight years."
    assert explain(sentence, PUBLISHED).rule == "published"


# --------------------------------------------------------------------------- today and years


@pytest.mark.parametrize(
    "words", ["today", "tonight", "this morning", "this afternoon", "this evening"]
)
def test_every_today_form_in_any_case(words):
    for form in [*cases(words), words.replace("i", "İ").upper(), words.replace("i", "ı")]:
        resolution = explain(f"Shares of Sony will be suspended {form}.", PUBLISHED)
        assert (resolution.rule, resolution.date) == ("today", PUBLISHED), form


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The filing is dated 3024-01-01, a typo.", date(3024, 1, 1)),  # any four digits
        ("Trading resumed on 19 March 2024.", date(2024, 3, 19)),
        ("The shares listed on SEPT 18, 1999.", date(1999, 9, 18)),
    ],
)
def test_explicit_dates_with_any_year_digits(sentence, expected):
    assert explain(sentence, None).date == expected


# --------------------------------------------------------------------------- story end

FRAGMENTS = [
    "\n", "\n", " ", "\t", "-", "—", ". ", '." ', "word ", "(", ")", "x" * 30,
    "Reporting by Jane", "(Reporting by Jane Doe)", "(Adds detail)", "--With assistance from",
    "©2024 Bloomberg", "© Getty", "Copyright (c) 1999", "EDITING BY", "(writing by",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.sampled_from([0, 5, 200]),
    st.lists(st.integers(0, 1300), max_size=8),
)
def test_story_end_by_offset_agrees_with_main_story_end(text, min_chars, offsets):
    end = main_story_end(text, min_chars)
    story = StoryEnd(text, min_chars)
    for offset in [*offsets, end, end - 1, 0, len(text)]:
        assert story.after(offset) == (offset >= end), (offset, end)


def test_story_end_of_the_seeds_from_the_last_offset_back():
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text("utf-8")
        end = main_story_end(text)
        story = StoryEnd(text)
        for offset in range(len(text), -1, -97):
            assert story.after(offset) == (offset >= end), (path.name, offset)


def test_a_marker_on_the_first_line_counts_when_the_story_may_be_short():
    text = "  -- Reporting by Jane Doe  \nThe story."
    assert main_story_end(text, 0) == len("  -- Reporting by Jane Doe")
    assert main_story_end(text) == len(text)


def test_a_symbol_without_a_calendar_fails_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match=r"VOD\.L"):
            event_session(date(2024, 3, 20), "VOD.L")
