"""Event dates: a sentence's date reference, resolved against the publication date.

"Tuesday" in a story published Saturday 2023-12-09 is 2023-12-05; "yesterday" is the day
before publication; a sentence with no reference happened on the publication date. A vague
reference ("last week", "earlier this year", "in March") names no single session, so it
resolves to None rather than to a guess. Month and weekday names come from CLDR via Babel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from finfacts.markets import exchange_for_symbol, session_on_or_before
from finfacts.patterns import alternation

# Words before a weekday that make it a named day, not a date reference ("Black Friday").
_NAMED_DAYS = frozenset(
    {"black", "good", "super", "cyber", "easter", "ash", "maundy", "holy", "shrove", "whit"}
)
_BEFORE = frozenset({"last", "past", "this past"})
# Words before "since" that make it a comparison, not the move's time: in "its biggest gain
# since March" the move is today's ("since" then names no date at all).
_COMPARISONS = frozenset(
    {
        "biggest",
        "highest",
        "lowest",
        "best",
        "worst",
        "most",
        "least",
        "steepest",
        "largest",
        "sharpest",
        "strongest",
        "weakest",
        "first",
        "longest",
        "smallest",
        "deepest",
        "top",
    }
)
_SINCE = re.compile(r"(?i)\bsince\s+$")
# Units a "this"/"earlier this"/"earlier in the" reference spans: "this session" and
# "earlier in the session" are the story's own session, not a span; "last session" is one.
_SPAN_UNITS = r"(?:week|weekend|month|quarter|year)"
_VAGUE_UNITS = rf"(?:{_SPAN_UNITS}|session)"


@dataclass(frozen=True, slots=True)
class DateResolution:
    """What a sentence's date resolved to, by which rule, from which words, and why."""

    date: date | None
    rule: str  # explicit, month_day, weekday, today, yesterday, published, vague, none
    surface: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class _Ref:
    kind: str
    start: int
    end: int
    surface: str
    fields: tuple[int | str | None, ...]


@cache
def _names() -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday names (CLDR English via Babel) → month 1..12 / weekday 0..6."""
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale="en").items():
            months[name] = number
    months["Sept"] = 9  # news style, not in CLDR
    days = {name: number for number, name in get_day_names("wide", locale="en").items()}
    return months, days


@cache
def calendar_words() -> frozenset[str]:
    """Month and weekday names as news writes them ("March", "Mar", "Tuesday")."""
    months, days = _names()
    return frozenset(months) | frozenset(days)


def _alternation(names: dict[str, int]) -> str:
    forms = {f for n in names for f in (n, n.upper())}
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """Each reference pattern with the cues (see ``_cues``) a match of it needs."""
    months, days = _names()
    month = rf"(?P<month>{_alternation(months)})\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d{2})"
    weekday = rf"(?P<weekday>{_alternation(days)})"
    # "Friday, March 1": the weekday belongs to the date, which alone decides the day
    named_day = rf"(?:(?:{_alternation(days)}),?\s+)?"
    not_amount = r"(?!\s*(?:%|percent|per cent|million|billion|trillion|bn|mln)\b)(?![.,]\d)"
    return [
        (
            "explicit",
            re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
            ("iso",),
        ),
        (
            "explicit",
            re.compile(rf"\b{named_day}{month}\s+{day},?\s+{year}\b"),
            ("year", "month"),
        ),
        (
            "explicit",
            re.compile(rf"\b{named_day}{day}\s+{month},?\s+{year}\b"),
            ("year", "month"),
        ),
        ("month_day", re.compile(rf"\b{named_day}{month}\s+{day}\b{not_amount}"), ("month",)),
        (
            "month_day",
            re.compile(rf"(?<![\d.,$€£¥])\b{named_day}{day}\s+{month}\b"),
            ("month",),
        ),
        (
            "weekday_week",
            re.compile(rf"\b{weekday}(?:['’]s)?\s+(?:of\s+)?(?P<which>last|this|next)\s+week\b"),
            ("day",),
        ),
        (
            "weekday",
            re.compile(
                rf"(?:\b(?P<modifier>this past|last|past|next|this)\s+)?\b{weekday}\b",
                re.IGNORECASE,
            ),
            ("day",),
        ),
        (
            "today",
            re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I),
            ("today",),
        ),
        ("yesterday", re.compile(r"\byesterday\b", re.IGNORECASE), ("day",)),
        (
            "vague",
            re.compile(
                rf"\b(?:(?:last|next|past|previous|the previous|the past)\s+{_VAGUE_UNITS}"
                rf"|(?:this|earlier this|later this)\s+{_SPAN_UNITS}"
                rf"|earlier (?:this|in the) {_SPAN_UNITS}|recently|"
                rf"(?:in|since|during|until|through)\s+(?:early\s+|mid-?|late\s+)?"
                rf"(?-i:{_alternation(months)})\b(?!\.?\s+\d)|in\s+(?:19|20)\d{{2}})\b",
                re.IGNORECASE,
            ),
            ("vague",),
        ),
    ]


@cache
def _year_or_month() -> re.Pattern[str]:
    """A year as the patterns other than ISO's read it, or the first three letters of a
    month name as they spell it (capitals only): one quick test for both, made a flat
    alternation of literals, which `re` tries fastest."""
    starts = sorted({f[:3] for n in _names()[0] for f in (n, n.upper())})
    return re.compile("|".join([r"19\d\d", r"20\d\d", *map(re.escape, starts)]))


_FOUR_DIGITS = re.compile(r"\d\d\d\d")  # \d{4} written out, which `re` runs faster
# A vague reference to a unit ends with one of these lead words, spaces and a unit
# ("earlier in the year"; "week" also finds "weekend"), in lower case.
_UNIT_LEADS = ("last", "this", "next", "past", "previous", "the")
_UNIT_CUES = ("week", "month", "quarter", "year", "session")


def _folded(sentence: str) -> str:
    """The sentence in lower case, so that a case-insensitive match of a lowercase ASCII
    word is that word in it: "İ", "ı" and "ſ", which `re` matches to "i" and "s" but which
    lower otherwise, become "i" and "s" ("K" lowers to "k")."""
    folded = sentence.lower()
    if folded.isascii():
        return folded
    return folded.replace("i\u0307", "i").replace("ı", "i").replace("ſ", "s")


def _unit_after_lead(folded: str) -> bool:
    """Whether a unit word follows a lead word and spaces: a vague unit reference can be in
    the folded sentence ("in almost eight years" cannot be one)."""
    if not (
        "this" in folded
        or "last" in folded
        or "next" in folded
        or "past" in folded
        or "previous" in folded
        or "earlier" in folded  # every unit reference has one of these words
    ):
        return False
    for unit in _UNIT_CUES:
        at = folded.find(unit)
        while at != -1:
            end = at
            while end and folded[end - 1].isspace():
                end -= 1
            if end < at and folded.endswith(_UNIT_LEADS, 0, end):
                return True
            at = folded.find(unit, at + 1)
    return False


def _cues(sentence: str) -> set[str]:
    """The cues of the sentence: four digits and a hyphen (ISO), a year, a month name, "day"
    (in every weekday, "today" and "yesterday"), a word of "today", a vague reference's
    words. A pattern is tried only if its cues are: each is in every sentence it matches.
    The words are tested one by one with ``in``, which is cheaper here than a pattern."""
    folded = _folded(sentence)
    cues = set()
    for found in _year_or_month().findall(sentence):
        cues.add("year" if found[0].isdigit() else "month")
    if "-" in sentence and _FOUR_DIGITS.search(sentence):
        cues.add("iso")
    if "day" in folded:
        cues.update(("day", "today"))  # "today" has "day"
    elif "tonight" in folded or "morning" in folded or "afternoon" in folded or "evening" in folded:
        cues.add("today")
    if "year" in cues or "month" in cues or "recently" in folded or _unit_after_lead(folded):
        cues.add("vague")
    return cues


def _references(sentence: str) -> list[_Ref]:
    """Every date reference in the sentence, earlier-listed patterns winning overlaps."""
    cues = _cues(sentence)
    if not cues:
        return []  # no pattern can match
    months, days = _names()
    taken: list[tuple[int, int]] = []
    refs: list[_Ref] = []
    for kind, pattern, needs in _patterns():
        if not cues.issuperset(needs):
            continue  # it cannot match
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            since = _since(sentence, m.start()) if "since" in sentence else None
            if since is not None:  # "since March": where a span starts, not the move's day
                start, comparison = since
                taken.append((start, m.end()))
                if not comparison:  # "have risen 20% since March 4": no single session
                    refs.append(_Ref("vague", start, m.end(), sentence[start : m.end()], ()))
                continue
            groups = m.groupdict()
            if kind in ("weekday", "weekday_week"):
                name = groups["weekday"]
                if not (name[0].isupper()):
                    continue  # "monday" in lowercase is not news style; skip look-alikes
                # the word before, from a short stretch (a named day's word is short)
                before = sentence[max(0, m.start() - 40) : m.start()].split()
                if before and before[-1].casefold() in _NAMED_DAYS:
                    continue
                weekday = days.get(name.title())
                if weekday is None:
                    continue  # matched only case-insensitively ("FRİDAY"): no weekday name
                fields: tuple[int | str | None, ...] = (
                    weekday,
                    (groups.get("modifier") or groups.get("which") or "").lower() or None,
                )
            elif kind in ("explicit", "month_day"):
                raw_month = groups["month"]
                number = int(raw_month) if raw_month.isdigit() else months[raw_month.title()]
                year = int(groups["year"]) if groups.get("year") else None
                fields = (year, number, int(groups["day"]))
            else:
                fields = ()
            taken.append((m.start(), m.end()))
            refs.append(_Ref(kind, m.start(), m.end(), m.group(), fields))
    refs.sort(key=lambda r: r.start)
    return refs


def _since(sentence: str, start: int) -> tuple[int, bool] | None:
    """For a reference at ``start`` that "since" leads (or that starts with it): where
    "since" starts, and whether a superlative before it makes the phrase a comparison ("its
    biggest gain since March"); None when no "since" leads it."""
    if sentence[start : start + 5].lower() == "since":
        at = start
    else:
        lead = _SINCE.search(sentence, max(0, start - 12), start)
        if lead is None:
            return None
        at = lead.start()
    words = sentence[max(0, at - 60) : at].lower().split()[-4:]
    return at, not _COMPARISONS.isdisjoint(words)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _apply(ref: _Ref, published: date | None) -> DateResolution:
    kind, surface = ref.kind, ref.surface
    if kind == "explicit":
        year, month, day = ref.fields
        found = _valid(int(year), int(month), int(day))  # type: ignore[arg-type]
        reason = "an explicit date" if found else "not a calendar date"
        return DateResolution(found, kind, surface, reason)
    if published is None:
        return DateResolution(None, kind, surface, f"{surface!r} needs a publication date")
    if kind == "month_day":
        _, month, day = ref.fields
        found = _valid(published.year, int(month), int(day))  # type: ignore[arg-type]
        if found and found > published:
            found = _valid(published.year - 1, int(month), int(day))  # type: ignore[arg-type]
            return DateResolution(found, kind, surface, "after publication: the previous year")
        return DateResolution(found, kind, surface, "the publication year")
    if kind == "today":
        return DateResolution(published, kind, surface, "the publication date")
    if kind == "yesterday":
        return DateResolution(published - timedelta(days=1), kind, surface, "publication - 1 day")
    if kind == "weekday":
        weekday, modifier = ref.fields
        back = (published.weekday() - int(weekday)) % 7  # type: ignore[arg-type]
        if modifier == "next":
            ahead = (int(weekday) - published.weekday()) % 7 or 7  # type: ignore[arg-type]
            return DateResolution(published + timedelta(days=ahead), kind, surface, "next one")
        if modifier in _BEFORE and back == 0:
            back = 7
        reason = (
            "latest such day before publication"
            if modifier in _BEFORE
            else ("latest such day on or before publication")
        )
        return DateResolution(published - timedelta(days=back), kind, surface, reason)
    if kind == "weekday_week":
        weekday, which = ref.fields
        monday = published - timedelta(days=published.weekday())
        shift = {"last": -7, "this": 0, "next": 7}[str(which)]
        found = monday + timedelta(days=shift + int(weekday))  # type: ignore[arg-type]
        return DateResolution(found, "weekday", surface, f"that day of {which} week")
    return DateResolution(None, "vague", surface, f"{surface!r} names no single day")


def explain(sentence: str, published: date | None, near: int | None = None) -> DateResolution:
    """Resolve the sentence's date and say how: the rule, the words used and the reason.

    A specific reference (explicit date, month-day, weekday, today, yesterday) wins over a
    vague one. Among several, the first; given ``near`` (the offset of the move's verb in the
    sentence), the first one after it ("rose 2% on Tuesday"), else the last one before it.
    With no reference the publication date applies.
    """
    return SentenceDates(sentence).explain(published, near)


class SentenceDates:
    """The date references of one sentence, read once: a sentence with several moves is
    resolved for each verb in it without reading it again."""

    __slots__ = ("_refs", "_specific")

    def __init__(self, sentence: str):
        self._refs = refs = _references(sentence)
        self._specific = [r for r in refs if r.kind != "vague"] if refs else refs

    def _chosen(self, near: int | None) -> _Ref | None:
        """The reference that dates a verb at ``near`` (see :func:`explain`), if any."""
        specific = self._specific
        if specific:
            if near is None:
                return specific[0]
            return next((r for r in specific if r.start >= near), specific[-1])
        return self._refs[0] if self._refs else None

    def explain(self, published: date | None, near: int | None = None) -> DateResolution:
        """:func:`explain` of the sentence, for a verb at ``near``."""
        chosen = self._chosen(near)
        if chosen is not None:
            return _apply(chosen, published)
        if published is None:
            return DateResolution(None, "none", None, "no date reference and no publication date")
        return DateResolution(published, "published", None, "no date reference: publication date")

    def resolve(self, published: date | None, near: int | None = None) -> date | None:
        """:func:`resolve` of the sentence, for a verb at ``near``: the date alone, which a
        sentence without references (most) gives without building its explanation."""
        if not self._refs:
            return published
        chosen = self._chosen(near)
        return published if chosen is None else _apply(chosen, published).date


def resolve(sentence: str, published: date | None, near: int | None = None) -> date | None:
    """The date a sentence's event happened on, or None when it cannot be told."""
    return SentenceDates(sentence).resolve(published, near)


def event_session(day: date, symbol: str) -> date:
    """The trading session of the symbol's exchange on ``day``, or the last one before it.

    A Saturday story about Friday's close maps to Friday; a Tokyo holiday to the session
    before it for a ".T" symbol, while a US symbol trades that day.
    """
    try:
        mic = exchange_for_symbol(symbol).mic
    except KeyError as exc:
        raise ValueError(f"no trading calendar for symbol {symbol!r}: {exc.args[0]}") from None
    return session_on_or_before(day, mic)


@cache
def _markers() -> tuple[str, ...]:
    """The sign-off markers of ``finfacts/lexicon/signoffs.txt``."""
    text = resources.files("finfacts.lexicon").joinpath("signoffs.txt").read_text("utf-8")
    return tuple(
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    )


_YEAR_SLOT = "\x00"  # stands for "{year}" while the markers are factored into a trie


def _marker_alternation(markers: list[str]) -> str:
    """The markers as one trie alternation (see ``finfacts.patterns``), "{year}" a year."""
    words = [m.replace("{year}", _YEAR_SLOT) for m in markers]
    return alternation(words).replace(_YEAR_SLOT, r"(?:19|20)\d{2}")


@cache
def _signoffs() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]:
    """The marker at the text's start and after a line break (each after spaces and dashes),
    and the "(" markers. The last two start with one literal character, which `re` looks
    for before trying anything else, and a line is tried only if it starts as a marker
    line can: that keeps the scan of a long text cheap."""
    markers = list(_markers())
    leads = "".join(sorted({re.escape(m[0]) for m in markers}))  # a marker's first character
    at_start = rf"(?=[ \t\-–—{leads}])[ \t]*(?:[-–—]+[ \t]*)?(?P<m>{_marker_alternation(markers)})"
    paren = [m for m in markers if m.startswith("(")]
    inline = re.compile(rf"(?P<m>{_marker_alternation(paren)})", re.I) if paren else None
    return re.compile(at_start, re.I), re.compile("\n" + at_start, re.I), inline


def _line_marker(text: str, pos: int) -> re.Match[str] | None:
    """The first marker that starts a line (after spaces and dashes) at or after ``pos``."""
    at_start, after_break, _ = _signoffs()
    if pos <= 0:
        m = at_start.match(text)
        if m:
            return m
        pos = 1
    return after_break.search(text, pos - 1)  # the line break before a line at ``pos``


def _inline_marker(text: str, pos: int, stop: int) -> re.Match[str] | None:
    """The first "(" marker before ``stop`` after a sentence's end and spaces or tabs, the
    spaces starting at or after ``pos``."""
    pattern = _signoffs()[2]
    if pattern is None:
        return None
    m = pattern.search(text, pos, stop)
    while m is not None:
        paren = space = m.start()
        while space > 0 and text[space - 1] in " \t":
            space -= 1
        if pos <= space < paren and space and text[space - 1] in _SENTENCE_END:
            return m
        m = pattern.search(text, paren + 1, stop)
    return None


_SENTENCE_END = '.!?"”’'


def main_story_end(text: str, min_story_chars: int = 200) -> int:
    """Offset where the main story ends: the end of its first sign-off line, else len(text).

    Markers come from ``finfacts/lexicon/signoffs.txt``. A marker within the first
    ``min_story_chars`` characters is an update note at the top ("(Adds ...)"), not a sign-off.
    """
    return StoryEnd(text, min_story_chars).end()


def _marker_end(text: str, marker: re.Match[str]) -> int:
    """Where a sign-off ends: at its closing parenthesis, else at the end of its line."""
    start = marker.start("m")
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    if text[start] == "(":
        close = text.find(")", start, line_end)
        if close != -1:
            return close + 1
    while text[line_end - 1].isspace():  # the marker itself is not: this stops at it
        line_end -= 1
    return line_end


class StoryEnd:
    """Whether offsets of one text come after its main story (see :func:`main_story_end`).

    The first sign-off line is found once. The story ends at that line's end at the latest
    (or at the text's end), so an offset past it is after the story whatever precedes the
    line; the "(" markers before the line are looked for only when an offset before that
    end is asked about, and then once.
    """

    __slots__ = ("_end", "_latest", "_line_break", "_pos", "_text")

    def __init__(self, text: str, min_story_chars: int = 200):
        self._text, self._pos = text, max(min_story_chars, 0)
        self._latest: int | None = None  # where the story ends at the latest, once known
        self._line_break = len(text)  # before the first sign-off line: "(" markers come first
        self._end: int | None = None  # main_story_end, once known

    def after(self, offset: int) -> bool:
        """Whether ``offset`` is at or after the end of the main story."""
        if self._end is None and offset >= self._latest_end():
            return True  # past the first sign-off line: no "(" marker need be looked for
        return offset >= self.end()

    def end(self) -> int:
        """Offset where the main story ends (:func:`main_story_end`)."""
        if self._end is None:
            latest = self._latest_end()
            # A "(" marker must start before the line's break to come first: scan no further.
            inline = _inline_marker(self._text, self._pos, self._line_break)
            self._end = latest if inline is None else _marker_end(self._text, inline)
        return self._end

    def _latest_end(self) -> int:
        """Where the story ends at the latest: at the first sign-off line's end, else at the
        text's (found once; the line's break is noted for the "(" markers)."""
        if self._latest is None:
            line = _line_marker(self._text, self._pos)
            if line is None:
                self._latest = len(self._text)
            else:
                self._line_break = line.start()
                self._latest = _marker_end(self._text, line)
        return self._latest
