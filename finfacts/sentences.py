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
_MARKS = ".!?。！？"  # the marks that can end a sentence (with a line break)
_ASCII_MARKS = ".!?"
_PUNCT = f"[{_MARKS}]"
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
        rf"[{_MARKS}\n](?:(?<=\n)|(?<={_PUNCT}){''.join(guards)}"
        r"[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9]))"
    )


_BREAK = _break_pattern()
_NEWLINE = re.compile("\n")
_NEAR_LINE = 2048  # a line break is looked for this far around a fact before all are listed
_LONGEST = 600  # a sentence longer than this is cut around the fact


class Sentences:
    """The sentence breaks of one document, looked up by offset.

    A line break always ends a sentence, so breaks are found one paragraph (line) at a
    time, and only in the paragraphs a fact asks about: a long story with a few figures
    is not scanned whole.
    """

    __slots__ = ("_newlines", "_paragraphs", "_spans", "_whole", "text")

    def __init__(self, text: str):
        self.text = text
        self._spans: dict[tuple[int, int], tuple[int, int]] = {}  # answers given, by fact span
        self._newlines: list[int] | None = None
        self._paragraphs: dict[int, tuple[list[int], list[int]]] = {}
        self._whole: tuple[list[int], list[int]] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Half-open span of the sentence holding ``text[start:end]``, cut to at most
        ``_LONGEST`` characters either side of it and stripped of surrounding space.

        Each answer is kept: the money layer and the move layer ask about the same figures.
        """
        found = self._spans.get((start, end))
        if found is not None:
            return found
        found = self._spans[start, end] = self._span(start, end)
        return found

    def copy(self) -> Sentences:
        """A copy holding the answers and lines found so far, which grows on its own."""
        other = Sentences(self.text)
        other._spans = dict(self._spans)
        other._newlines = self._newlines  # never changed once found
        other._paragraphs = dict(self._paragraphs)
        other._whole = self._whole
        return other

    def uncut(self, span: tuple[int, int]) -> bool:
        """Whether ``span``, an answer of :meth:`span`, is the answer for every word inside
        it too: no cut to ``_LONGEST`` around a fact can have shaped it, as it is at most half
        that long and no run of space that long beside it was stripped off."""
        lo, hi = span
        half = _LONGEST // 2
        if hi - lo > half:
            return False
        text = self.text
        if text[lo - 1 : lo].isspace():  # read the space before only when there is some
            before = text[max(0, lo - half) : lo]
            if len(before) == half and before.isspace():
                return False
        if text[hi : hi + 1].isspace():
            after = text[hi : hi + half]
            if len(after) == half and after.isspace():
                return False
        return True

    def _span(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        para_start, para_end = self.line_around(start)
        if para_end < end:  # the span crosses a line break (odd): read the whole text
            para_start, para_end = 0, len(text)
            marks, ends = self._all_breaks()
        else:
            marks, ends = self._breaks(para_start, para_end)
        left = para_start  # the line start, unless a break in the line is nearer
        i = bisect_right(ends, start)
        if i and ends[i - 1] > left:
            left = ends[i - 1]
        right = para_end + 1 if para_end < len(text) else para_end  # after the line break
        for k in range(bisect_left(marks, end - 1), len(marks)):
            if ends[k] > start:  # the first end mark at or after the fact
                right = marks[k] + 1
                break
        left = max(left, start - _LONGEST)
        right = min(right, end + _LONGEST)
        while left < right and text[left].isspace():  # strip, without copying the sentence
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        return left, right

    def line_around(self, pos: int) -> tuple[int, int]:
        """Start and end of the line holding ``pos``: looked for nearby first, and on a very
        long line by bisection over all line breaks (so many facts there stay linear)."""
        text = self.text
        near = text.rfind("\n", max(0, pos - _NEAR_LINE), pos)
        if near == -1 and pos > _NEAR_LINE:
            near = self._line_break_before(pos)
        end = text.find("\n", pos, pos + _NEAR_LINE)
        if end == -1:
            end = self._line_break_after(pos) if pos + _NEAR_LINE < len(text) else len(text)
        return near + 1, end

    def _line_break_before(self, pos: int) -> int:
        """Offset of the last line break before ``pos``, or -1."""
        newlines = self._line_breaks()
        i = bisect_left(newlines, pos)
        return newlines[i - 1] if i else -1

    def _line_break_after(self, pos: int) -> int:
        """Offset of the first line break at or after ``pos``, or the text's length."""
        newlines = self._line_breaks()
        i = bisect_left(newlines, pos)
        return newlines[i] if i < len(newlines) else len(self.text)

    def _line_breaks(self) -> list[int]:
        """Offsets of the text's line breaks, found once (only for very long lines)."""
        if self._newlines is None:
            self._newlines = [m.start() for m in _NEWLINE.finditer(self.text)]
        return self._newlines

    def _breaks(self, para_start: int, para_end: int) -> tuple[list[int], list[int]]:
        """Marks and ends of the breaks whose mark lies in the line ``[para_start, para_end)``."""
        found = self._paragraphs.get(para_start)
        if found is None:
            text = self.text
            marks: list[int] = []
            ends: list[int] = []
            for i in self._end_marks(para_start, para_end):
                m = _BREAK.match(text, i)
                if m:
                    marks.append(i)
                    ends.append(m.end())
            found = self._paragraphs[para_start] = (marks, ends)
        return found

    def _end_marks(self, start: int, end: int) -> list[int]:
        """Offsets of the end marks in ``[start, end)``, in order: found by a search per mark,
        which is several times quicker than a character class scan of the line."""
        text = self.text
        found: list[int] = []
        for mark in _ASCII_MARKS if text.isascii() else _MARKS:
            i = text.find(mark, start, end)
            while i != -1:
                found.append(i)
                i = text.find(mark, i + 1, end)
        found.sort()
        return found

    def _all_breaks(self) -> tuple[list[int], list[int]]:
        """Marks and ends of every break of the text."""
        if self._whole is None:
            spans = [m.span() for m in _BREAK.finditer(self.text)]
            self._whole = ([s for s, _e in spans], [e for _s, e in spans])
        return self._whole


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Half-open span of the sentence holding ``text[start:end]`` (one-off lookup)."""
    return Sentences(text).span(start, end)
