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

# Words before a weekday that make it a named day, not a date reference ("Black Friday").
_NAMED_DAYS = frozenset(
    {"black", "good", "super", "cyber", "easter", "ash", "maundy", "holy", "shrove", "whit"}
)
_BEFORE = frozenset({"last", "past", "this past"})
_VAGUE_UNITS = r"(?:week|weekend|month|quarter|year|session)"


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
    not_amount = r"(?!\s*(?:%|percent|per cent|million|billion|trillion|bn|mln)\b)(?![.,]\d)"
    return [
        (
            "explicit",
            re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
            ("year",),
        ),
        ("explicit", re.compile(rf"\b{month}\s+{day},?\s+{year}\b"), ("year", "month")),
        ("explicit", re.compile(rf"\b{day}\s+{month},?\s+{year}\b"), ("year", "month")),
        ("month_day", re.compile(rf"\b{month}\s+{day}\b{not_amount}"), ("month",)),
        ("month_day", re.compile(rf"(?<![\d.,$€£¥])\b{day}\s+{month}\b"), ("month",)),
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
            (),
        ),
        ("yesterday", re.compile(r"\byesterday\b", re.IGNORECASE), ("day",)),
        (
            "vague",
            re.compile(
                rf"\b(?:(?:last|this|next|past|previous|earlier this|later this|the previous|"
                rf"the past)\s+{_VAGUE_UNITS}|earlier (?:this|in the) {_VAGUE_UNITS}|recently|"
                rf"(?:in|since|during|until|through)\s+(?:early\s+|mid-?|late\s+)?"
                rf"(?-i:{_alternation(months)})\b(?!\.?\s+\d)|in\s+(?:19|20)\d{{2}})\b",
                re.IGNORECASE,
            ),
            ("vague",),
        ),
    ]


@cache
def _month_names() -> re.Pattern[str]:
    """Any month name as the reference patterns spell it (a quick test: capitals only)."""
    return re.compile(_alternation(_names()[0]))


_FOUR_DIGITS = re.compile(r"\d{4}")
# Words a vague reference needs besides a month or a year, case-folded; no "i", whose
# case-insensitive matches do not all fold to it ("session" is found by "sess").
_VAGUE_CUES = ("week", "month", "quarter", "year", "sess", "recently")


def _cues(sentence: str) -> set[str]:
    """The cues of the sentence: a four-digit year, a month name, "day" (in every weekday
    and "yesterday"), a vague reference's word; a pattern is tried only if its cues are."""
    folded = sentence.casefold()
    cues = set()
    if _FOUR_DIGITS.search(sentence):
        cues.add("year")
    if _month_names().search(sentence):
        cues.add("month")
    if "day" in folded:
        cues.add("day")
    if cues & {"year", "month"} or any(word in folded for word in _VAGUE_CUES):
        cues.add("vague")
    return cues


def _references(sentence: str) -> list[_Ref]:
    """Every date reference in the sentence, earlier-listed patterns winning overlaps."""
    months, days = _names()
    taken: list[tuple[int, int]] = []
    refs: list[_Ref] = []
    cues = _cues(sentence)
    for kind, pattern, needs in _patterns():
        if not cues.issuperset(needs):
            continue  # it cannot match
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            groups = m.groupdict()
            if kind in ("weekday", "weekday_week"):
                name = groups["weekday"]
                if not (name[0].isupper()):
                    continue  # "monday" in lowercase is not news style; skip look-alikes
                before = sentence[: m.start()].split()
                if before and before[-1].casefold() in _NAMED_DAYS:
                    continue
                fields: tuple[int | str | None, ...] = (
                    days[name.title()],
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

    __slots__ = ("_refs",)

    def __init__(self, sentence: str):
        self._refs = _references(sentence)

    def explain(self, published: date | None, near: int | None = None) -> DateResolution:
        """:func:`explain` of the sentence, for a verb at ``near``."""
        refs = self._refs
        specific = [r for r in refs if r.kind != "vague"]
        if specific:
            chosen = specific[0]
            if near is not None:
                after = [r for r in specific if r.start >= near]
                chosen = after[0] if after else specific[-1]
            return _apply(chosen, published)
        if refs:
            return _apply(refs[0], published)
        if published is None:
            return DateResolution(None, "none", None, "no date reference and no publication date")
        return DateResolution(published, "published", None, "no date reference: publication date")


def resolve(sentence: str, published: date | None, near: int | None = None) -> date | None:
    """The date a sentence's event happened on, or None when it cannot be told."""
    return explain(sentence, published, near).date


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


@cache
def _line_leads() -> frozenset[str]:
    """The ASCII characters a sign-off line can start with: spaces, a dash, or a marker's
    first character in either case; a line starting otherwise is not tried."""
    firsts = {m[0] for m in _markers()}
    cased = {f for c in firsts for f in (c, c.lower(), c.upper(), c.casefold())}
    return frozenset({" ", "\t", "-"} | cased)


@cache
def _signoffs() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The marker at a line start (matched only where a line starts, see ``_line_marker``)
    and the "(" markers, each matched at its "(" (see ``_inline_marker``)."""
    markers = list(_markers())

    def alternation(items: list[str]) -> str:
        parts = [re.escape(m).replace(r"\{year\}", r"(?:19|20)\d{2}") for m in items]
        return "|".join(sorted(parts, key=len, reverse=True))

    at_line = re.compile(rf"[ \t]*(?:[-–—]+[ \t]*)?(?P<m>{alternation(markers)})", re.I)
    paren = [m for m in markers if m.startswith("(")]
    inline = re.compile(rf"(?P<m>{alternation(paren)})", re.I) if paren else None
    return at_line, inline


def _line_marker(text: str, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
    """The first marker that starts a line (after spaces and dashes) at or after ``pos``;
    only line starts are tried, and of them only those a marker can start (a non-ASCII
    character always is), which is what keeps this cheap."""
    leads = _line_leads()
    if pos > 0 and text[pos - 1 : pos] != "\n":
        pos = text.find("\n", pos) + 1
        if not pos:
            return None
    while True:
        lead = text[pos : pos + 1]
        if lead in leads or not lead.isascii():
            m = pattern.match(text, pos)
            if m:
                return m
        pos = text.find("\n", pos) + 1
        if not pos:
            return None


def _inline_marker(text: str, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
    """The first "(" marker after a sentence's end and spaces or tabs, the spaces starting
    at or after ``pos``."""
    paren = text.find("(", pos)
    while paren != -1:
        space = paren
        while space > 0 and text[space - 1] in " \t":
            space -= 1
        if pos <= space < paren and space and text[space - 1] in _SENTENCE_END:
            m = pattern.match(text, paren)
            if m:
                return m
        paren = text.find("(", paren + 1)
    return None


_SENTENCE_END = '.!?"”’'


def main_story_end(text: str, min_story_chars: int = 200) -> int:
    """Offset where the main story ends: the end of its first sign-off line, else len(text).

    Markers come from ``finfacts/lexicon/signoffs.txt``. A marker within the first
    ``min_story_chars`` characters is an update note at the top ("(Adds ...)"), not a sign-off.
    """
    at_line, inline = _signoffs()
    pos = max(min_story_chars, 0)
    hits = [_line_marker(text, at_line, pos)]
    if inline is not None:
        hits.append(_inline_marker(text, inline, pos))
    found = [m for m in hits if m is not None]
    if not found:
        return len(text)
    first = min(found, key=lambda m: m.start("m"))
    start = first.start("m")
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    if first.group("m").startswith("("):
        close = text.find(")", start, line_end)
        if close != -1:
            return close + 1
    return len(text[:line_end].rstrip())
