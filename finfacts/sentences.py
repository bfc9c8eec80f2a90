"""Sentence spans for context: cheap, local, and not fooled by "Corp." or "U.S."."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ABBREVIATIONS = frozenset(
    [
        "corp",
        "co",
        "inc",
        "ltd",
        "plc",
        "llc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "est",
        "dept",
        "gov",
        "sen",
        "rep",
        "bros",
        "fig",
        "rs",
    ]
)
_PUNCT = "[.!?。！？]"
_WORD_START = r"(?<![^\W\d_.])"  # the word (letters and dots) before the mark starts here


def _break_pattern() -> re.Pattern[str]:
    """A sentence break: a newline, or an end mark then space before a capital or a digit,
    unless the word before the mark is a single letter ("J. Smith") or an abbreviation
    ("Corp.", "U.S.") — checked by look-behinds, one per word length, so the scan stays
    in the regex engine."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        by_length.setdefault(len(word), []).append(re.escape(word))
    guards = [rf"(?<!{_WORD_START}[^\W\d_]{_PUNCT})"]
    guards += [
        rf"(?<!{_WORD_START}(?i:{'|'.join(words)}){_PUNCT})"
        for _, words in sorted(by_length.items())
    ]
    return re.compile(
        rf"[.!?。！？\n](?:(?<=\n)|(?<=[.!?。！？]){''.join(guards)}"
        r"[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9]))"
    )


_BREAK = _break_pattern()
_LONGEST = 600  # a sentence longer than this is cut around the fact


class Sentences:
    """The sentence breaks of one document, found once and looked up by offset."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, text: str):
        self.text = text
        spans = [m.span() for m in _BREAK.finditer(text)]
        self._starts = [0, *(e for _s, e in spans)]
        self._ends = [*(s + 1 for s, _e in spans), len(text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Half-open span of the sentence holding ``text[start:end]``."""
        i = max(0, bisect_right(self._starts, start) - 1)
        ends = self._ends
        j = max(i, bisect_left(ends, end))  # the first end mark at or after the fact
        left = max(self._starts[i], start - _LONGEST)
        right = min(ends[j], end + _LONGEST)
        piece = self.text[left:right]
        left += len(piece) - len(piece.lstrip())
        return left, left + len(piece.strip())


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Half-open span of the sentence holding ``text[start:end]`` (one-off lookup)."""
    return Sentences(text).span(start, end)
