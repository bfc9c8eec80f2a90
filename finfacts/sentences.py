"""Sentence spans for context: cheap, local, and not fooled by "Corp." or "U.S."."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "corp co inc ltd plc llc mr mrs ms dr st no vs jan feb mar apr jun jul aug sep sept oct "
    "nov dec u.s u.k e.g i.e approx est dept gov sen rep bros fig rs".split()
)
_BREAK = re.compile(r"[.!?。！？][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n")
_LOOKAROUND = 600  # characters searched on each side; a longer sentence is cut there


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Half-open span of the sentence holding ``text[start:end]``."""
    lo = max(0, start - _LOOKAROUND)
    left = lo
    for m in _BREAK.finditer(text, lo, start):
        if _is_break(text, m):
            left = m.end()
    right = min(len(text), end + _LOOKAROUND)
    for m in _BREAK.finditer(text, end, right):
        if _is_break(text, m):
            right = m.start() + 1
            break
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _is_break(text: str, m: re.Match[str]) -> bool:
    if m.group().startswith("\n"):
        return True
    i = m.start()
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:i].lower()
    return word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha())
