"""Non-money measures beside a number: "10,000 GPUs", "1.2 gigawatts", "18–24 months".

Units come from the supplement's [units] table (pint unit names); a plural noun after a
number is a count of that noun. Years, money and percents never reach this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from finfacts.lexicon.currency import supplement
from finfacts.numbers import is_dash, normalize, parse_digits

_WORDS = re.compile(r"[ \u00a0]([A-Za-z][A-Za-z-]*)")
_RANGE = re.compile(r"[ \u00a0]*(?:[-\u2013\u2014]|to)[ \u00a0]*(\d[\d,.]*)")
_MAX_NOUN_WORDS = 3
_AFTER_NUMBER = " \u00a0-\u2013\u2014t"  # what _RANGE or _WORDS can start with
# words after a plural that end its noun phrase: "10,000 GPUs in", "18 months to"
_AFTER_PLURAL = frozenset(
    [
        "of",
        "in",
        "within",
        "to",
        "from",
        "and",
        "for",
        "at",
        "by",
        "with",
        "on",
        "over",
        "under",
        "were",
        "are",
        "will",
        "would",
    ]
)


@dataclass(slots=True)
class Measure:
    """A quantity candidate: value, optional high end, pint unit, what is counted."""

    start: int
    end: int
    value: Decimal
    unit: str
    value_high: Decimal | None = None
    what: str | None = None


@cache
def _units() -> dict[str, str]:
    return dict(supplement()["units"])


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(supplement()["count_stopwords"]["list"])


def measure_at(t: str, s: int, e: int) -> Measure | None:
    """The measure whose number is ``t[s:e]``, or None."""
    if e >= len(t) or t[e] not in _AFTER_NUMBER:
        return None  # neither a range nor a word follows: "(copy 12)", "15,000,"
    raw = t[s:e]
    if len(raw) == 4 and raw.isdigit() and 1800 <= int(raw) <= 2100:
        return None
    value = None  # parsed once a measure is found, or a range needs it
    high = None
    pos = e
    m = _RANGE.match(t, e)
    if m:
        value = parse_digits(raw)
        if value is None:
            return None
        high = parse_digits(m.group(1))
        if high is not None and high > value:
            pos = m.end()
        else:
            high = None
    units = _units()
    words = []
    p = pos
    for _ in range(_MAX_NOUN_WORDS):
        w = _WORDS.match(t, p)
        if w is None:
            break
        words.append((w.group(1), w.end()))
        p = w.end()
    if not words:
        return None
    two = f"{words[0][0]} {words[1][0]}" if len(words) > 1 else None
    first = words[0][0]
    unit = units.get(two) if two else None
    end = words[1][1] if unit else words[0][1]
    unit = unit or units.get(first) or units.get(first.lower())
    if unit:
        value = value if value is not None else parse_digits(raw)
        return None if value is None else Measure(s, end, normalize(value), unit, _norm(high))
    if high is not None or (s > 0 and is_dash(t[s - 1])):
        return None
    # a count: the noun phrase up to its plural head ("graphics processing units", "GPUs")
    noun_end = None
    for i, (word, end) in enumerate(words):
        low = word.lower()
        if low in _stopwords() or (i == 0 and not word[0].isalpha()):
            return None
        if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
            nxt = t[end : end + 1]
            later = words[i + 1][0] if i + 1 < len(words) else ""
            if (
                not later
                or nxt in ",.;:()"
                or not later[0].isalpha()
                or (later.islower() and later in _AFTER_PLURAL)
            ):
                noun_end = i
                break
        if not word.islower() and not word.isupper() and i > 0:
            return None
    if noun_end is None:
        return None
    value = parse_digits(raw)
    if value is None:
        return None
    what = " ".join(w for w, _ in words[: noun_end + 1])
    return Measure(s, words[noun_end][1], normalize(value), "count", what=what)


def _norm(value: Decimal | None) -> Decimal | None:
    return None if value is None else normalize(value)
