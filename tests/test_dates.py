"""Event dates: references resolved against publication, sessions, and the main story's end."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finfacts.dates import event_session, explain, main_story_end, resolve

ROOT = Path(__file__).resolve().parent.parent
GOLD = {d["id"]: d for d in map(json.loads, (ROOT / "tests/data/seeds.jsonl").open())}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def seed_text(doc_id: str) -> str:
    return (ROOT / "seeds" / GOLD[doc_id]["file"]).read_text("utf-8")


def sentence_with(text: str, words: str) -> str:
    """The sentence of ``text`` that contains ``words`` (split on . ! ? and newlines)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if words in sentence:
            return sentence
    raise AssertionError(f"{words!r} not in text")


# --------------------------------------------------------------------------- seed articles


def test_bloomberg_moves_happen_on_the_publication_session():
    gold = GOLD["003"]
    published = date.fromisoformat(gold["published"])
    sentence = sentence_with(seed_text("003"), "Shares of Sakura Internet jumped")
    assert explain(sentence, published).rule == "published"
    for move in gold["moves"]:
        day = resolve(sentence, published)
        assert event_session(day, move["ticker"]).isoformat() == move["event_date"]


def test_weekday_in_a_saturday_story_is_the_latest_such_day():
    sentence = sentence_with(seed_text("003"), "Nishimura Tuesday")
    assert resolve(sentence, date(2023, 12, 9)) == date(2023, 12, 5)
    # Published on the Tuesday itself: that very day.
    assert resolve(sentence, date.fromisoformat(GOLD["003"]["published"])) == date(2023, 12, 5)


def test_yesterday_in_the_taipei_times_story():
    sentence = sentence_with(seed_text("001"), "said yesterday")
    published = date.fromisoformat(GOLD["001"]["published"])
    resolution = explain(sentence, published)
    assert resolution.date == date(2023, 12, 5)
    assert resolution.surface == "yesterday"


def test_month_day_takes_the_year_from_publication():
    sentence = sentence_with(seed_text("002"), "press briefing on March 19")
    assert resolve(sentence, date(2024, 3, 25)) == date(2024, 3, 19)
    # A month-day after the publication date is last year's.
    assert resolve(sentence, date(2024, 3, 10)) == date(2023, 3, 19)
    # Without a publication date there is no year to take.
    assert resolve(sentence, None) is None


def test_on_monday_in_seed_001():
    sentence = sentence_with(seed_text("001"), "said on Monday")
    assert resolve(sentence, date(2023, 12, 6)) == date(2023, 12, 4)


def test_vague_references_give_no_date_and_say_why():
    text = seed_text("001")
    for words in ("earlier this week met", "Trump last week said"):
        resolution = explain(sentence_with(text, words), date(2023, 12, 6))
        assert resolution.date is None
        assert resolution.rule == "vague"
        assert resolution.surface in resolution.reason
    in_march = sentence_with(seed_text("002"), "In March, India approved")
    assert resolve(in_march, date(2024, 5, 2)) is None


# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nvidia's market value hit a record on Dec. 5, 2023, data showed.", date(2023, 12, 5)),
        ("The filing is dated 2024-03-19.", date(2024, 3, 19)),
        ("Trading resumed on 19 March 2024 in Mumbai.", date(2024, 3, 19)),
        ("The shares listed on December 18, 2024.", date(2024, 12, 18)),
    ],
)
def test_explicit_dates_need_no_publication_date(sentence, expected):
    assert resolve(sentence, None) == expected
    assert resolve(sentence, date(2025, 6, 30)) == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Tokyo Electron closed 3% higher today.", date(2024, 3, 19), date(2024, 3, 19)),
        ("Shares fell 2% last Friday.", date(2023, 12, 8), date(2023, 12, 1)),
        ("The company will report results next Tuesday.", date(2023, 12, 5), date(2023, 12, 12)),
        ("It rose 3% on Tuesday last week.", date(2023, 12, 6), date(2023, 11, 28)),
        ("Shares were halted on 19 March.", date(2024, 3, 25), date(2024, 3, 19)),
        ("Retailers rallied ahead of Black Friday.", date(2023, 11, 20), date(2023, 11, 20)),
        ("Sony may 5 percent of its staff.", date(2023, 12, 6), date(2023, 12, 6)),
    ],
)
def test_relative_references(sentence, published, expected):
    assert resolve(sentence, published) == expected


def test_no_reference_and_no_publication_date_is_none():
    resolution = explain("Shares of Sakura Internet jumped 7.6%.", None)
    assert resolution.date is None and resolution.rule == "none"


def test_specific_reference_near_the_move_wins():
    sentence = "Nissan, which fell on Monday, rose 2% on Tuesday, its best week this year."
    published = date(2023, 12, 6)
    assert resolve(sentence, published) == date(2023, 12, 4)
    assert resolve(sentence, published, near=sentence.index("rose")) == date(2023, 12, 5)


def test_impossible_calendar_date_is_none():
    assert resolve("Shares were suspended on February 30.", date(2024, 3, 25)) is None


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.sampled_from(WEEKDAYS))
def test_weekday_is_the_latest_such_day_on_or_before_publication(published, name):
    day = resolve(f"Shares fell 3% on {name}.", published)
    assert day is not None
    assert day.strftime("%A") == name
    assert published - timedelta(days=6) <= day <= published


# --------------------------------------------------------------------------- sessions


def test_saturday_story_about_the_close_maps_to_friday_session():
    saturday = date(2023, 12, 9)
    day = resolve("Sakura Internet shares closed 3% higher.", saturday)
    assert day == saturday
    assert event_session(day, "3778.T") == date(2023, 12, 8)


def test_tokyo_holiday_maps_to_the_previous_session_but_not_in_new_york():
    holiday = date(2024, 3, 20)  # Vernal Equinox Day: Tokyo closed, New York open
    assert event_session(holiday, "6701.T") == date(2024, 3, 19)
    assert event_session(holiday, "^N225") == date(2024, 3, 19)
    assert event_session(holiday, "NVDA") == holiday


def test_symbol_without_a_calendar_is_a_clear_error():
    with pytest.raises(ValueError, match=r"VOD\.L"):
        event_session(date(2024, 3, 20), "VOD.L")


# --------------------------------------------------------------------------- main story


def test_main_story_of_seed_001_ends_at_the_reuters_sign_off():
    text = seed_text("001")
    end = main_story_end(text)
    assert text[:end].endswith("Additional reporting by Reuters")
    # The appended 2025 story carries the Nissan move, whose gold event date is null.
    nissan = GOLD["001"]["moves"][0]
    assert text.index(nissan["entity"]) > end
    assert nissan["event_date"] is None


def test_main_story_of_seed_003_ends_at_the_first_bloomberg_sign_off():
    text = seed_text("003")
    end = main_story_end(text)
    assert text[:end].endswith("--With assistance from Debby Wu and Winnie Hsu.")
    assert text.index("Shares of Sakura Internet") < end


def test_republished_and_plain_stories():
    text = seed_text("002")
    assert text[: main_story_end(text)].endswith("partnership with Nikkei.")
    for doc_id in ("000", "004"):
        assert main_story_end(seed_text(doc_id)) == len(seed_text(doc_id))


STORY = (
    "Toyota Motor Corp. shares rose 2% in Tokyo on Tuesday after the carmaker raised its "
    "profit forecast for the year, citing a weaker yen and strong demand for hybrids in the "
    "United States and Europe, the company said in a statement."
)


def test_inline_reuters_sign_off_ends_at_its_parenthesis():
    text = STORY + " (Reporting by Jane Doe; Editing by John Roe) Other story: stocks fell."
    end = main_story_end(text)
    assert text[:end].endswith("Editing by John Roe)")


def test_update_note_at_the_top_and_image_credits_are_not_sign_offs():
    text = "(Adds analyst comment)\n" + STORY + "\n© Getty Images\nMore text.\n©2024 Bloomberg L.P."
    end = main_story_end(text)
    assert text[:end].endswith("©2024 Bloomberg L.P.")


def test_a_weekday_matched_only_case_insensitively_is_no_reference():
    """ "FRİDAY" (dotted capital I) matches the weekday pattern case-insensitively but names
    no weekday; the sentence falls back to the publication date and the document keeps
    its facts instead of failing whole."""
    from finfacts import extract_with_errors

    saturday = date(2023, 12, 9)
    sentence = "Toyota shares rose 2% on FR\u0130DAY."
    assert resolve(sentence, saturday) == saturday
    records, errors = extract_with_errors(sentence, published=saturday)
    assert errors == []
    assert [(r.kind, r.event_date) for r in records] == [("move", date(2023, 12, 8))]


def test_a_named_day_is_read_from_the_word_before_it_in_a_long_sentence():
    long_lead = "Retailers, " * 60
    saturday = date(2023, 12, 9)
    assert explain(f"{long_lead}sales rose 5% on Black Friday.", saturday).rule == "published"
    assert explain(f"{long_lead}sales rose 5% on Friday.", saturday).date == date(2023, 12, 8)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("NEC rose 1% on Friday, March 1.", date(2024, 3, 1)),
        ("NEC rose 1% on Friday 1 March.", date(2024, 3, 1)),
        ("Sony rose 3% on Thursday, May 30, 2024.", date(2024, 5, 30)),
    ],
)
def test_a_weekday_before_a_date_is_part_of_it(sentence, expected):
    """Not two references of which the weekday, nearer the verb, would win."""
    found = explain(sentence, date(2024, 6, 5))
    assert found.date == expected and found.surface.split()[0].rstrip(",") in WEEKDAYS


@pytest.mark.parametrize(
    "sentence",
    [
        "Nintendo gained 3.1%, its biggest advance since March.",
        "Toyota rose 2.2% to its highest close since 2015.",
        "Panasonic fell 4%, its steepest drop since last year.",
        "Honda fell 2.2%, the steepest drop since Oct. 3.",
        "Sony rose 1%, the first gain since Monday.",
    ],
)
def test_since_after_a_superlative_dates_nothing(sentence):
    """A comparison ("its biggest gain since March") leaves the move on publication day."""
    found = explain(sentence, date(2024, 6, 5))
    assert (found.date, found.rule) == (date(2024, 6, 5), "published")


@pytest.mark.parametrize(
    "sentence",
    [
        "Sony shares have risen 20% since March 4.",
        "Toyota shares have fallen 5% since Monday.",
        "Nomura has gained 8% since March.",
    ],
)
def test_a_move_since_a_date_has_no_single_day(sentence):
    found = explain(sentence, date(2024, 6, 5))
    assert found.date is None and found.rule == "vague"
    assert found.surface.startswith("since ")
