"""Sentence spans for context: cheap, local, and not fooled by "Corp." or "U.S."."""

from __future__ import annotations

import re
from bisect import bisect_right

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
_BREAK = re.compile(r"[.!?。！？][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n")
_LONGEST = 600  # a sentence longer than this is cut around the fact


class Sentences:
    """The sentence breaks of one document, found once and looked up by offset."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        ends = []
        for m in _BREAK.finditer(text):
            if _is_break(text, m):
                ends.append(m.start() + 1)
                starts.append(m.end())
        ends.append(len(text))
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Half-open span of the sentence holding ``text[start:end]``."""
        i = max(0, bisect_right(self._starts, start) - 1)
        left = self._starts[i]
        j = i
        while j < len(self._ends) - 1 and self._ends[j] < end:
            j += 1
        right = self._ends[j]
        left = max(left, start - _LONGEST)
        right = min(right, end + _LONGEST)
        text = self.text
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        return left, right


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Half-open span of the sentence holding ``text[start:end]`` (one-off lookup)."""
    return Sentences(text).span(start, end)


def _is_break(text: str, m: re.Match[str]) -> bool:
    if m.group().startswith("\n"):
        return True
    i = m.start()
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:i].lower()
    return word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha())
