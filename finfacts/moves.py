"""Share-price and index moves: "Shares of X jumped 7.6% to close at ¥1,927", "NEC fell 3.6%".

A move is a verb of rising, falling or standing still (data: lexicon/supplement.toml
[moves]) whose subject is a company or index: named with a share word ("Shares of X",
"X's stock"), with a ticker ("X (6701.T)"), or known to the company/index tables. A
change whose subject is a metric ("revenue rose 12%") stays a Percent, described.
The percent a move consumes lives only in the move; a price level after it ("to close
at ¥1,927") stays a Money fact, marked as a share price, and is the move's price too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import islice
from operator import attrgetter

from finfacts import dates, depositary, entities
from finfacts.lexicon.currency import supplement
from finfacts.patterns import alternation
from finfacts.records import Money, Percent, Record, ShareMove
from finfacts.sentences import Sentences


@cache
def _verbs() -> tuple[re.Pattern[str], dict[str, str]]:
    """The verb pattern (longest phrase first) and each phrase's direction."""
    moves = supplement()["moves"]
    direction: dict[str, str] = {}
    for d in ("sequel", "neutral", "bare", "up", "down", "flat"):
        for phrase in moves[d]:
            direction[phrase] = d
    for word in moves["bare"]:
        direction[word] = "bare"
    alt = alternation(direction, flexible_spaces=True)
    return re.compile(rf"(?<![A-Za-z'’-])(?:{_limit_pattern()}|{alt})(?![A-Za-z])"), direction


@cache
def _limit_pattern() -> str:
    """ "hit the upper circuit of", "were locked in the limit-down": a limit verb, an optional
    determiner, a daily price limit and an optional "of" (the figure follows)."""
    moves = supplement()["moves"]
    verbs = alternation(moves["limit_verbs"], flexible_spaces=True)
    limits = alternation(moves["limit_up"] + moves["limit_down"], flexible_spaces=True)
    return rf"(?:{verbs})\s+(?:(?:the|an|a|its|their)\s+)?(?:{limits})(?:\s+of)?"


def _limit_kind(phrase: str) -> str | None:
    """The direction of a daily-limit phrase ("hit the lower circuit of": down), else None."""
    words = " ".join(phrase.lower().split())
    moves = supplement()["moves"]
    for d in ("up", "down"):
        if any(words.endswith((limit, f"{limit} of")) for limit in moves[f"limit_{d}"]):
            return d
    return None


@cache
def _lexicon_set(key: str) -> frozenset[str]:
    return frozenset(supplement()["moves"][key])


# Each break starts with one of [,;:\s]: leading with that class lets `re` skip words fast.
_CLAUSE_BREAK = re.compile(
    r"[,;:\s](?:(?<=[,;])\s*(?:and\s+|but\s+|while\s+|whereas\s+|as\s+)?|(?<=:)\s+"
    r"|(?<=\s)(?:\s*[-–—]+\s+"
    r"|\s*(?:while|whereas|but|as|after|when|with|though|although|because|since|helping"
    r"|pushing|dragging|sending|led\s+by|as\s+well\s+as)\s+"
    r"|(?<=[\d%]\s)\s*(?:and|or)\s+|(?:(?<=changed\s)|(?<=flat\s)|(?<=steady\s))\s*and\s+))"
)


@cache
def _share_subjects() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """ "Shares of X" and "X's shares" (each with a share word, a depositary word or a
    "<place>-listed" before it: groups ``dr`` and ``place``), and the places naming a US line."""
    moves = supplement()["moves"]
    words = alternation({w.lower() for w in moves["depositary_words"]}, flexible_spaces=True)
    capitals = alternation(moves["depositary_capitals"])
    depositary_word = rf"(?P<dr>{words}|(?-i:{capitals}))"
    us_places = frozenset(" ".join(p.lower().split()) for p in moves["us_listing_places"])
    places = alternation(us_places, flexible_spaces=True)
    # a place named in the list, two capitalised words ("Hong Kong") or one word ("Tokyo")
    place = rf"(?P<place>{places}|(?-i:[A-Z][a-z]+\s[A-Z][a-z]+)|[A-Za-z]+)-listed\s+"
    shares_of = re.compile(
        rf"(?i)^(?:the\s+)?(?:{place})?(?:{depositary_word}|shares?|stocks?)\s+(?:of|in)\s+"
        r"(?P<e>.+)$"
    )
    possessive = re.compile(
        rf"(?i)^(?P<e>.+?)(?:['’]s?)?\s+(?:{place}|common\s+|class\s+[a-z]\s+)?"
        rf"(?:{depositary_word}|shares?|stocks?|share\s+price|stock\s+price)$"
    )
    return shares_of, possessive, us_places


def _names_us_line(m: re.Match[str], us_places: frozenset[str]) -> bool:
    """Whether a share-word match names a company's US line: "ADRs", "U.S.-listed shares"."""
    if m.group("dr"):
        return True
    place = m.group("place")
    return place is not None and " ".join(place.lower().split()) in us_places


_TICKER_PAREN = re.compile(
    r"^(?P<e>.+?)\s*\((?:[A-Z]{2,8}:\s*)?(?P<t>[A-Z0-9^][A-Z0-9.^=-]{0,11})\)$"
)
_TOKEN = r"(?:[A-Z0-9^][\w&.'’^-]*|&|(?<=& )[a-z]\b)"
# A name's words: capitalised tokens, with "of", "and", "de"... only between two of them
# ("Bank of America"; "Issuance of" in "Issuance of shares rose" is no name).
_NAME = re.compile(rf"{_TOKEN}(?:(?:\s+(?:of|and|de|du|la))*\s+{_TOKEN})*")
# ... at the end of a text, from a word's start ("Phone" in "iPhone" is no name)
_TRAILING_NAME = re.compile(rf"(?<![\w'’]){_TOKEN}(?:(?:\s+(?:of|de|du|la))*\s+{_TOKEN})*$")
_APPOSITIVE = re.compile(
    r",\s*(?:also\s+|formerly\s+)?(?:known|called|dubbed)\s+as\s+[^,]{1,60},"
    r"|\s*\((?:also\s+)?(?:known\s+as|formerly)\s+[^)]{1,60}\)"
)
# How a "X's shares" subject ends (read on its last 8 characters): a quick test first.
_SHARE_WORD_END = re.compile(r"(?:(?i:shares?|stocks?|adrs?|receipts?|price)|ADSs?)$")
_LEADING_ARTICLE = re.compile(r"^(?:The|the|Its|its)\s+")
_LEADING_SUBJECT = re.compile(r"(?i)(?:the\s+)?(?:shares?|stocks?)\s+(?:of|in)\s+|the\s+")
_CAPITALISED_OWNER = re.compile(r"\b[A-Z][\w.&-]*['’]s\b")
_POSSESSIVE_S = re.compile(r"(?<=\w)['’]s\b")
_POSSESSIVE_END = re.compile(r"(?<=\w)['’]s$")
_LIST_SEP = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_AND = re.compile(r"\s+and\s+")
_LEADING_NAME = re.compile(rf"(?:The\s+)?(?P<n>{_TOKEN}(?:\s+(?:{_TOKEN}|of))*)")
# Words between a subject and its verb: "Sony and NEC both fell", "Sony shares have risen".
_FILLERS = ("all", "both", "each", "also", "too", "has", "have", "had")
_TRAILING_FILLER = re.compile(rf"(?:\s+(?:{'|'.join(_FILLERS)}))+$")
_PRICE_LEAD = re.compile(
    r"(?i)\s*(?:(?:higher|lower|up|down)\s+)?(?:,\s*)?(?:to\s+(?:close|end|finish|settle|trade)\s+at|to\s+(?:a\s+)?(?:"
    r"(?:record|closing|new)\s+)?(?:(?:high|low)\s+)?(?:of\s+)?|closing\s+at|at|to)\s*$"
)
_CHANGE_LEAD = re.compile(
    r"(?i)^\s*(?:the\s+(?:day|session|trading\s+day)\s+)?"  # "ended the day up 0.9%"
    r"(?:(?P<dir>up|down|higher|lower)\s+)?(?:by\s+)?"
    # "rose by the daily maximum of 10 percent", "surged its daily limit of 10%"
    r"(?:(?:the|its|their)\s+(?:maximum\s+)?(?:daily\s+)?(?:maximum|limit)"
    r"(?:\s+(?:allowed|permitted))?\s+of\s+)?"
    r"(?:(?P<q>as\s+much\s+as|about"
    r"|around|roughly|nearly|almost|more\s+than|less\s+than|over|some|just\s+over|just\s+under"
    r"|approximately)\s+)?$"
)
_AMOUNT_THEN_PERCENT = re.compile(r"(?i)^\s*,?\s+or\s+(?:about\s+|some\s+)?$")
_DIRECTION_AFTER = re.compile(r"(?i)\s+(?P<dir>higher|lower|up|down)(?![A-Za-z])")
_PAIR_GAP = re.compile(r"(?i)^\s*(?:,\s*(?:and\s+)?|\s+and\s+)$")
_RESPECTIVELY = re.compile(r"(?i)\s*,?\s+respectively")
_LEVEL_LEAD = re.compile(r"(?i)^\s*(?:to|at)\s+$")
_DIRECTION_WORD = {"up": "up", "higher": "up", "down": "down", "lower": "down"}


class _Change:
    """What follows a verb: direction, the figure(s) and whether they are approximate."""

    __slots__ = ("approx", "direction", "end", "indexes")

    def __init__(self, direction: str, indexes: list[int], approx: bool, end: int):
        self.direction, self.indexes, self.approx, self.end = direction, indexes, approx, end


def _next_index(records: list[Record], pos: int, reach: int) -> int | None:
    """Index of the first record starting at or after ``pos`` within ``reach`` characters."""
    i = bisect_left(records, pos, key=_start)
    if i < len(records) and records[i].start - pos <= reach:
        return i
    return None


_start = attrgetter("start")


def _change_after(
    text: str, records: list[Record], verb_end: int, kind: str, phrase: str
) -> _Change | None:
    """Read the figure after a verb: "jumped 7.6%", "closed 1.2% higher", "rose 45 yen, or 1.6%"."""
    i = _next_index(records, verb_end, 40)
    lead = None
    if i is not None and isinstance(records[i], Money):
        j = i + 1  # "rose 45 yen, or 1.6%": the percent restates the absolute change
        if (
            j < len(records)
            and isinstance(records[j], Percent)
            and _AMOUNT_THEN_PERCENT.match(text[records[i].end : records[j].start])
        ):
            i = j
            lead = _CHANGE_LEAD.match("")
    if i is not None and isinstance(records[i], Percent) and lead is None:
        lead = _CHANGE_LEAD.match(text[verb_end : records[i].start])
        if lead is None and _LEVEL_LEAD.match(text[verb_end : records[i].start]):
            return None  # "the stake rose to 12%": a level, not a change
    if lead is None or i is None or not isinstance(records[i], Percent):
        if kind == "flat":
            exact = phrase in _lexicon_set("exact_flat")
            return _Change("flat", [], not exact, verb_end)
        if kind in ("up", "down"):
            end = verb_end  # "fell 30 yen to ¥2,700": an absolute change, then the level
            if (
                i is not None
                and isinstance(records[i], Money)
                and re.fullmatch(r"\s+(?:by\s+)?", text[verb_end : records[i].start])
                and re.match(r"\s+to\s+", text[records[i].end : records[i].end + 5])
            ):
                end = records[i].end
            return _Change(kind, [], False, end)  # direction only
        return None
    pct = records[i]
    if pct.unit != "percent" or pct.value is None:
        return None
    direction = kind
    if kind in ("neutral", "bare", "sequel"):
        word = (lead.group("dir") or "").lower() or (phrase if kind == "bare" else "")
        after = _DIRECTION_AFTER.match(text, pct.end)
        if not word and after:
            word = after.group("dir").lower()
        direction = _DIRECTION_WORD.get(word, "")
        if not direction:
            return None
    elif kind == "flat":
        return None
    indexes = [i]
    k = i + 1  # "rose 2.1% and 3.4%, respectively"
    while k < len(records) and isinstance(records[k], Percent):
        if not _PAIR_GAP.match(text[records[k - 1].end : records[k].start]):
            break
        indexes.append(k)
        k += 1
    if len(indexes) > 1 and not _RESPECTIVELY.match(text, records[indexes[-1]].end):
        pass  # "A and B tumbled 4.6% and 5.1%": paired below when the counts agree
    approx = bool(lead.group("q")) or bool(pct.approx)
    return _Change(direction, indexes, approx, records[indexes[-1]].end)


def attach_moves(
    text: str,
    records: list[Record],
    published: date | None,
    doc_id: str | None,
    cues: list[tuple[int, int]],
    sentences: Sentences | None = None,
) -> list[Record]:
    """Find moves in ``text``; return all records sorted, move percents folded into moves.

    ``cues``: (start, end) of the text's share and flat-move words, in text order
    (``finfacts.amounts.scan`` finds them with the amounts).
    """
    verb_re, kind_of = _verbs()
    records = sorted(records, key=_order)
    if not cues and not any(isinstance(r, Percent) for r in records):
        return records  # no place for a move's verb, no percent to describe
    sentences = sentences or Sentences(text)
    windows = _move_windows(text, records, cues, sentences)
    if not windows:
        return _describe_percents(text, records, sentences)
    consumed: set[int] = set()
    replaced: dict[int, Record] = {}
    moves: list[ShareMove] = []
    resolver = _Resolver(text)
    event_date = _EventDates(text, published)
    last: _Subject | None = None  # the subject of the latest move, for a sequel verb after it
    for m, window_sentence in _verbs_in(verb_re, text, windows):
        phrase = m.group()
        kind = kind_of.get(phrase)
        if kind is None:  # "little  changed": spaced otherwise; "hit the upper circuit of"
            phrase = " ".join(phrase.lower().split())
            kind = kind_of.get(phrase) or _limit_kind(phrase)
            if kind is None:
                continue
        change = _change_after(text, records, m.end(), kind, phrase)
        if change is None or any(i in consumed for i in change.indexes):
            continue
        s_lo, s_hi = window_sentence or sentences.span(m.start(), m.end())
        previous = None  # the latest move's subject, when this verb may go on from it
        if (
            last is not None
            and (kind in ("sequel", "bare") or phrase.endswith("ing"))
            and len(change.indexes) <= len(last.names)
            and last.follows(s_lo, text, m)
        ):
            previous = last
        if kind == "sequel" and previous is not None:
            subject = previous  # "rose as much as 6.5% before paring gains to end 2.1% higher"
        else:
            if (
                not change.indexes
                and change.direction != "flat"
                and not _may_be_explicit(text[s_lo : m.start()])
            ):
                continue  # a bare "X rose" needs a share word or a ticker: none before it
            subject_end = m.start()
            if kind in ("sequel", "neutral"):  # "X shares gave up early gains to close 1% lower"
                subject_end = _course_start(text, s_lo, m.start())
                if kind == "sequel" and subject_end == m.start() and not phrase.endswith("ing"):
                    continue  # "plans to trade 5%": no subject of its own, no move before it
            subject = _subject_of(
                text, s_lo, subject_end, phrase, change, records, replaced, resolver
            )
            if subject is None and kind == "bare" and _completes(previous, change, text, m):
                subject = previous  # "slumped to a four-year low, down 4.5%"
            elif subject is None and kind in ("up", "down") and previous and change.indexes:
                subject = previous  # "ended down 1.1%, after falling as much as 2% earlier"
            if subject is None:
                continue
        names, hits = subject.names, subject.hits
        if len(change.indexes) > 1 and len(change.indexes) != len(names):
            change.indexes = change.indexes[:1]
            change.end = records[change.indexes[0]].end
        consumed.update(change.indexes)
        price = currency = None
        price_index = _next_index(records, change.end, 30)
        if (
            price_index is not None
            and isinstance(records[price_index], Money)
            and _PRICE_LEAD.fullmatch(text[change.end : records[price_index].start])
            and records[price_index].value is not None
        ):
            money = records[price_index]
            price, currency = money.value, money.currency
            replaced[price_index] = replace(money, qualifier="share price", approx=False)
        sentence = text[s_lo:s_hi]
        pairs = len(change.indexes) == len(names) > 1
        completes = subject is previous and previous.open(change.direction)
        made = []
        for n, (name, hit) in enumerate(zip(names, hits, strict=True)):
            figure = change.indexes[n if pairs else 0] if change.indexes else None
            value = records[figure].value if figure is not None else None
            if change.direction == "flat":
                value = Decimal(0)
            elif value is not None and change.direction == "down":
                value = -value
            start = subject.starts[n]
            end = records[figure].end if figure is not None else m.end()
            if completes:  # the figure of a direction-only move: "fell, closing 2% lower"
                k = subject.first + n
                moves[k] = replace(
                    moves[k],
                    end=end,
                    surface=text[start:end],
                    change_pct=value,
                    approx=change.approx,
                    price=price if price is not None else moves[k].price,
                    price_currency=currency if price is not None else moves[k].price_currency,
                )
                continue
            made.append(
                ShareMove(
                    doc_id,
                    start,
                    end,
                    text[start:end],
                    sentence,
                    entity=name,
                    change_pct=value,
                    direction=change.direction,  # type: ignore[arg-type]
                    company=hit.company if hit else None,
                    ticker=hit.symbol if hit else None,
                    exchange=hit.exchange if hit else None,
                    instrument="index" if hit and hit.is_index else "stock",
                    approx=change.approx,
                    price=price,
                    price_currency=currency,
                    event_date=event_date(start, s_lo, s_hi, hit, m.start() - s_lo),
                )
            )
        if made:
            subject.settle(len(moves), change.direction, bool(change.indexes))
            moves.extend(made)
        elif completes:
            subject.figured = True  # completed once: a later figure is a move of its own
        subject.until = max(subject.until, end)
        last = subject
    out: list[Record] = []
    for i, r in enumerate(records):
        if i in consumed:
            continue
        out.append(replaced.get(i, r))
    out.extend(moves)
    return _describe_percents(text, sorted(out, key=_order), sentences)


class _Subject:
    """The companies a verb's move is of: names as written, their hits, where each mention
    starts, and (once moves are made) where its moves are in the layer's list, so that a
    sequel verb ("... to end 2.1% higher") can reuse or complete them."""

    __slots__ = ("direction", "figured", "first", "hits", "names", "s_lo", "starts", "until")

    def __init__(self, s_lo: int, names: list[str], hits: list, starts: list[int]):
        self.s_lo, self.names, self.hits, self.starts = s_lo, names, hits, starts
        self.first, self.direction, self.figured = -1, "", True
        self.until = -1  # where its latest move ends

    def follows(self, s_lo: int, text: str, verb: re.Match[str]) -> bool:
        """Whether ``verb``, in the sentence starting at ``s_lo``, can go on from this
        subject's latest move: same sentence, and no other name written between ("Sony
        rose 2% while Toyota slipped to close 1% lower": not Sony's close)."""
        if self.s_lo != s_lo or self.until < 0:
            return False
        if _SEVERAL.search(text, self.until, verb.start()):
            return False  # "before both pared gains": more than this subject
        calendar = dates.calendar_words()
        between = _CAPITALISED.finditer(text, self.until, verb.start())
        return all(w.group() in calendar for w in between)

    def settle(self, first: int, direction: str, figured: bool) -> None:
        """Record where this subject's moves start in the list, their direction and whether
        they carry a figure."""
        self.first, self.direction, self.figured = first, direction, figured

    def open(self, direction: str) -> bool:
        """Whether its moves are direction-only in ``direction``, waiting for a figure."""
        return self.first >= 0 and not self.figured and self.direction == direction


def _subject_of(
    text: str,
    s_lo: int,
    subject_end: int,
    phrase: str,
    change: _Change,
    records: list[Record],
    replaced: dict[int, Record],
    resolver: _Resolver,
) -> _Subject | None:
    """The resolved subject written before ``subject_end``, or None when there is no company
    or index there (a metric's percent is then described by its subject)."""
    subject = _subject(text, s_lo, subject_end, participle=phrase.endswith("ing"))
    if subject is None:
        return None
    names, explicit, us_line = subject
    owner_at = None  # where "its" stands, in "Honda cut its forecast, and its shares fell"
    if explicit and len(names) == 1 and names[0].lower() in _lexicon_set("owner_words"):
        owner_at = text.rfind(names[0], s_lo, subject_end)
        antecedent = _antecedent(text, s_lo, owner_at, resolver)
        if antecedent is None:
            return None  # no one company named before it in the sentence: whose shares?
        names = [antecedent]
    names, hits = _resolve_all(names, resolver, text, s_lo)
    if us_line:
        hits = [_on_us_line(hit) for hit in hits]
    generic = _lexicon_set("generic_subjects")
    if any(n.lower() in generic for n in names):
        return None  # "Japanese shares rose 1%": the market, not a company
    if not explicit and any(h is None for h in hits):
        if len(change.indexes) == 1:
            _note_metric(records, replaced, change.indexes[0], text, s_lo, subject_end)
        return None
    if not change.indexes and change.direction != "flat" and not explicit:
        return None  # a bare "X rose" without a share word or a figure is too loose
    if owner_at is not None:
        starts = [owner_at]
    else:
        starts = [text.find(name, s_lo, subject_end) for name in names]
    return _Subject(s_lo, names, hits, starts)


def _completes(previous: _Subject | None, change: _Change, text: str, m: re.Match[str]) -> bool:
    """Whether a bare direction word gives the figure of the direction-only move just before
    it, after one comma: "Nissan shares slumped to a four-year low, down 4.5%"."""
    return (
        previous is not None
        and previous.open(change.direction)
        and bool(change.indexes)
        and _AFTER_ONE_COMMA.fullmatch(text, previous.until, m.start()) is not None
    )


_AFTER_ONE_COMMA = re.compile(r"[^,;:]*,\s*")
_SEVERAL = re.compile(r"(?i)\b(?:both|each|all|they|the\s+two|the\s+pair)\b")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w&'’.-]*")


@cache
def _course_tail() -> re.Pattern[str]:
    """What a stock did earlier in the session, just before a verb: "gave up early gains",
    "pared losses and", "erasing early gains before" (lexicon: course_verbs, course_objects)."""
    moves = supplement()["moves"]
    verbs = alternation(moves["course_verbs"], flexible_spaces=True)
    objects = alternation(moves["course_objects"], flexible_spaces=True)
    return re.compile(
        rf"(?<![A-Za-z])(?:{verbs})\s+(?:{objects})\s*,?(?:\s+(?:and|before|then|but))?\s*$"
    )


_COURSE_REACH = 80  # a course phrase and its joining words are read this far before a verb


def _course_start(text: str, s_lo: int, verb_start: int) -> int:
    """Where a course phrase ending just before the verb at ``verb_start`` starts, or
    ``verb_start`` when there is none: the subject is read before it."""
    m = _course_tail().search(text, max(s_lo, verb_start - _COURSE_REACH), verb_start)
    return m.start() if m else verb_start


def _subject(
    text: str, s_lo: int, verb_start: int, participle: bool = False
) -> tuple[list[str], bool, bool] | None:
    """The entity names before a verb, whether a share word/ticker made them explicit, and
    whether the share word names the companies' US line ("ADRs", "U.S.-listed shares")."""
    pre = text[s_lo:verb_start]
    if "known" in pre or "called" in pre or "dubbed" in pre or "formerly" in pre:
        pre = _APPOSITIVE.sub(",", pre)  # each appositive has one of these words
    start = _clause_scan_start(pre)
    if start:
        try:
            return _subject_in(pre, start, participle)
        except _FirstClause:
            pass  # the rules read back to the first clause: read every break
    return _subject_in(pre, 0, participle)


_SUBJECT_REACH = 90  # the clause breaks before a verb are read from about this far back
# The last character before that which no clause break can hold: breaks are made of space,
# ",;:", dashes and lower-case words, so a break found after it is a break of the whole text.
_BREAK_FREE = re.compile(r"(?s).*[^\s,;:\-–—a-z]")


def _clause_scan_start(pre: str) -> int:
    """Where reading the clause breaks of ``pre`` may start without changing any break
    after it: just after a character no break holds, at least _SUBJECT_REACH from the end
    (0 for a short ``pre``)."""
    if len(pre) <= _SUBJECT_REACH:
        return 0
    m = _BREAK_FREE.match(pre, 0, len(pre) - _SUBJECT_REACH)
    return m.end() if m else 0


class _FirstClause(Exception):
    """A subject read from part of the text needs its first clause, which it has not read."""


def _subject_in(pre: str, start: int, participle: bool) -> tuple[list[str], bool, bool] | None:
    """:func:`_subject` with the clause breaks read from ``start`` on (0: all of them)."""
    paren = "(" in pre
    bounds = [start]  # where each segment starts
    ends = []  # ... and ends, at the next break
    seps = [""]
    for m in _CLAUSE_BREAK.finditer(pre, start):
        if paren and pre.count("(", 0, m.start()) > pre.count(")", 0, m.start()):
            continue  # "Tata Motors (NSE: TATAMOTORS)": inside a parenthesis
        ends.append(m.start())
        bounds.append(m.end())
        seps.append(m.group())
    ends.append(len(pre))

    def segment(i: int) -> str:  # read only the segments the rules below look at
        if i == 0 and start:
            raise _FirstClause  # its start, and whether a clause comes before, are unknown
        return pre[bounds[i] : ends[i]].strip()

    k = len(bounds) - 1
    chunk = segment(k)
    if not chunk and k > 0 and participle:
        lead = _LEADING_NAME.match(segment(0))  # "The S&P 500 closed higher, rising 0.6%"
        return ([lead.group("n")], False, False) if lead else None
    if not chunk and k > 0:
        k -= 1  # "Fast Retailing, the Uniqlo owner, fell": the verb follows a comma
        chunk = segment(k)
        if chunk[:1].islower() and k > 0 and seps[k].strip() == ",":
            k -= 1  # skip the appositive
            chunk = segment(k)
    if chunk in ("which", "that") and k > 0 and seps[k].strip() == ",":
        k -= 1  # "outperforming the Taiex, which closed 0.5% higher": the name before
        chunk = segment(k)
    if chunk.endswith(_FILLERS):
        chunk = _TRAILING_FILLER.sub("", chunk)
    # "DBS, OCBC and UOB": earlier comma-separated names belong to the same list
    while (
        k > 0
        and seps[k].strip() == ","
        and _NAME.fullmatch(segment(k - 1) or "-")
        and _AND.search(chunk)
    ):
        k -= 1
        chunk = f"{segment(k)}, {chunk}"
    if not chunk or len(chunk) > 160:
        return None
    explicit = us_line = False
    shares_of, possessive, us_places = _share_subjects()
    m = shares_of.match(chunk)
    if m is None and _SHARE_WORD_END.search(chunk[-8:]):  # the slow pattern only when it can
        m = possessive.match(chunk)
    if m:
        chunk, explicit = m.group("e").strip(), True
        us_line = _names_us_line(m, us_places)
        if " and " in chunk:
            chunk = _after_other_clause(chunk)
        if chunk.lower() in _lexicon_set("owner_words"):
            return [chunk], True, us_line  # "its shares": the caller finds whose
    m = _TICKER_PAREN.match(chunk) if ")" in chunk[-2:] else None
    if m:
        chunk, explicit = m.group("e").strip(), True
    index = _index_suffix(chunk)
    if index:
        return [index], False, False
    if chunk.startswith(("The", "the", "Its", "its")):
        chunk = _LEADING_ARTICLE.sub("", chunk)
    if not explicit and ("'s" in chunk[-3:] or "’s" in chunk[-3:]):
        chunk = _POSSESSIVE_END.sub("", chunk)
    pieces = _LIST_SEP.split(chunk) if "," in chunk or "and" in chunk else [chunk]
    parts = [p.strip() for p in pieces if p.strip()]
    if not parts or len(parts) > 6:
        return None
    metric_words = _lexicon_set("metric_words")
    names = []
    for part in parts:
        name = part if _NAME.fullmatch(part) else None
        if name is None and len(parts) == 1:
            m = _TRAILING_NAME.search(part)  # "Its backer Toyota", "by Nissan Motor Co"
            name = m.group() if m else None
        if name is None or name.lower() in metric_words:
            return None
        names.append(name)
    return names, explicit, us_line


def _after_other_clause(owner: str) -> str:
    """The owner of a share word after "and" when what comes before it is no list of names:
    "Honda" in "Toyota cut its forecast and Honda('s shares)", "its" in "Nintendo raised its
    outlook and its (stock)"; ``owner`` itself otherwise ("Sony and Nintendo")."""
    parts = _AND.split(owner)
    before = " and ".join(parts[:-1])
    if all(_NAME.fullmatch(p.strip()) for p in _LIST_SEP.split(before)):
        return owner
    return parts[-1].strip()


def _antecedent(text: str, lo: int, hi: int, resolver: _Resolver) -> str | None:
    """The listed company that opens the sentence ``text[lo:hi]`` starts, as written, when it
    is the only owner named there: "Honda" in "Honda cut its forecast, and" (for the "its
    shares" after it). None when the sentence opens otherwise, names another company, or
    another owner ("Toyota said Suzuki's profit rose, and its shares fell": whose?)."""
    segment = text[lo:hi]
    lead = _LEADING_SUBJECT.match(segment)
    opens_at = lead.end() if lead else 0
    named = _POSSESSIVE_S.sub("  ", segment)  # "TSMC's revenue": the name is read, offsets kept
    mentions = entities.DocumentEntities.scan(named).mentions
    if not mentions or mentions[0].start != opens_at:
        return None
    first = mentions[0]
    hit = resolver(first.surface, lo + first.start)
    if hit is None or not hit.symbol or hit.is_index:
        return None
    for other in mentions[1:]:
        again = resolver(other.surface, lo + other.start)
        if again is None or again.symbol != hit.symbol:
            return None
    after = first.end + 2 if segment.startswith(("'s", "’s"), first.end) else first.end
    if _CAPITALISED_OWNER.search(segment, after):
        return None  # another possessive owner after the company: the reading is unsure
    return first.surface


def _may_be_explicit(pre: str) -> bool:
    """False when no subject in ``pre`` can be explicit: it has no share or depositary word
    and no closing parenthesis of a ticker; a quick test before reading the subject."""
    if ")" in pre or "ADS" in pre:
        return True
    low = pre.lower()
    return "share" in low or "stock" in low or "adr" in low or "depositary" in low


def _index_suffix(chunk: str) -> str | None:
    """The longest trailing words of ``chunk`` that name a market index ("broader Topix")."""
    words = chunk.split()
    if not words or not entities.may_end_index_name(words[-1]):
        return None
    for k in range(max(0, len(words) - 6), len(words)):
        candidate = " ".join(words[k:])
        first = words[k]
        if first in ("The", "the") or first.endswith(("'s", "’s")):
            continue
        if candidate[:1].isupper() and _index_symbol(candidate):
            return re.sub(r"\s+index$", "", candidate)  # "Hang Seng index" → "Hang Seng"
    return None


def _resolve_all(names: list[str], resolver, text: str, s_lo: int):
    """Resolve each name; a long unknown name may end in a known one ("Hon Hai ... Nissan")."""
    out_names, hits = [], []
    for name in names:
        at = text.find(name, s_lo)
        hit = resolver(name, at)
        if text.startswith(("'s", "’s"), at + len(name)):
            whole = text[at : at + len(name) + 2]  # "McDonald's" keeps its possessive
            named = resolver(whole, at)
            if named is not None and named.name.lower().endswith(("'s", "’s")):
                name, hit = whole, named
        if hit is None:
            for tail in _tails(name):
                hit = resolver(tail, text.find(tail, s_lo))
                if hit is not None:
                    name = tail
                    break
        out_names.append(name)
        hits.append(hit)
    return out_names, hits


def _note_metric(
    records: list[Record],
    replaced: dict[int, Record],
    index: int,
    text: str,
    s_lo: int,
    verb_start: int,
) -> None:
    """A change of something that is not a share: describe the percent by its subject."""
    pct = records[index]
    if not isinstance(pct, Percent):
        return
    chunk = text[s_lo:verb_start].strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", chunk)
    if words:
        replaced[index] = replace(pct, about=" ".join(words[-3:]).lower())


_order = attrgetter("start", "end", "kind")  # records in text order


_BEFORE_FIGURE = 48  # a move's verb stands this close before its figure
_AFTER_CUE = 90  # ... and this close after a share word ("Shares of X ... rose")
_BEFORE_CUE = 24  # ... or this close before one ("X jumped, shares ...", "were little changed")


def _move_windows(
    text: str, records: list[Record], cues: list[tuple[int, int]], sentences: Sentences
) -> list[tuple[int, int, tuple[int, int] | None]]:
    """Stretches of text that can hold a move's verb: just before a percent figure, around a
    share word or a "little changed" — each kept inside its sentence, given with it when
    that is the span of every verb in it (None where two sentence spans meet in one
    stretch, or where a span may have been cut around its figure)."""
    verb_re = _verbs()[0]
    spans = []
    for r in records:
        if isinstance(r, Percent):
            sentence = sentences.span(r.start, r.end)
            spans.append((max(sentence[0], r.start - _BEFORE_FIGURE), r.start, sentence))
    for start, end in cues:
        if end - start == 5 and _portion_share(text, start):
            continue  # "market share": not a share of stock
        line_lo, line_hi = sentences.line_around(start)  # holds the sentence
        lo, hi = max(line_lo, start - _BEFORE_CUE), min(line_hi, end + _AFTER_CUE)
        if verb_re.search(text, lo, hi) is None:
            continue  # no verb near the word even within its line: its sentence is not read
        sentence = sentences.span(start, end)
        lo, hi = sentence
        spans.append((max(lo, start - _BEFORE_CUE), min(hi, end + _AFTER_CUE), sentence))
    merged: list[tuple[int, int, tuple[int, int] | None]] = []
    for lo, hi, sentence in sorted(spans):
        if merged and lo <= merged[-1][1]:
            last_lo, last_hi, last_sentence = merged[-1]
            same = sentence if sentence == last_sentence else None
            merged[-1] = (last_lo, max(hi, last_hi), same)
        else:
            merged.append((lo, hi, sentence))
    return [(lo, hi, s if s and sentences.uncut(s) else None) for lo, hi, s in merged]


def _portion_share(text: str, start: int) -> bool:
    """Whether the five-letter cue word at ``start`` is "share" as a portion: "market share",
    "the lion's share" (lexicon: [moves] portion_before_share)."""
    if text[start : start + 5].lower() != "share":
        return False
    before = text[max(0, start - 8) : start].split()
    return bool(before) and before[-1].lower() in _lexicon_set("portion_before_share")


def _verbs_in(verb_re: re.Pattern[str], text: str, windows):
    """The verbs in each window, in text order, with the window's sentence span."""
    for lo, hi, sentence in windows:
        for m in verb_re.finditer(text, lo, hi):
            yield m, sentence


_FOLLOWING_NOUNS = re.compile(
    r"\s+(?P<np>(?!(?:of|to|in|on|from|for|and|or|by|at|as|than|higher|lower|up|down|more"
    r"|less|after|before|while|since|last|this|next|year|increase|decrease|rise|fall|drop"
    r"|gain|could|would|will|may|might|is|was|are|were|against|versus|compared|over|during"
    r"|amid|despite)\b)"
    r"[a-z][a-z-]+(?:\s+(?:on|of|for)\s+(?:all\s+)?[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)?)"
)
_TRANSITIVE = re.compile(
    r"(?i)\b(?:raised|raise|raises|cut|cuts|lowered|lowers|hiked|hikes|trimmed|lifted|kept|keeps"
    r"|held|holds|set|sets|increased|reduced)\s+(?P<np>(?:its|their|the|his|her)\s+[\w -]{2,40}?)"
    r"(?:\s+by\s+[\w .%-]{1,30}?)?"  # "raised its key rate by 25 basis points to 5.5%"
    r"\s+(?:to|by|at|of)\s+(?:about\s+|around\s+)?$"
)
_NOUN_OF = re.compile(
    r"(?P<np>(?:[A-Za-z][\w'’-]*\s+){0,2}[A-Za-z][\w'’-]*)\s+of\s+(?:(?:up\s+to|about|around"
    r"|as\s+much\s+as|more\s+than|nearly|almost|some|at\s+least)\s+)?$"
)
# A reporting verb before the metric, and a conjunction that leads it.
_REPORTED = re.compile(
    r"\b(?:said|says|reported|reports|announced|expects|expected)\s+(?:that\s+)?"
)
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|while|whereas|as|or)\s+")
_LEADING_DETERMINERS = re.compile(r"(?i)^(?:(?:the|a|an|its|their|his|her)\s+)+")


@cache
def _metric_verb_re() -> tuple[re.Pattern[str], frozenset[str]]:
    """The "<metric> <verb> [by] [about]" pattern at the end of a text, and the last words
    its matches can end with (the pattern is slow to search, the last word quick to test)."""
    moves = supplement()["moves"]
    verbs = {v for key in ("up", "down", "flat", "neutral", "metric_verbs") for v in moves[key]}
    alt = alternation(verbs, flexible_spaces=True)
    pattern = re.compile(
        rf"(?P<np>[A-Za-z][\w'’ &.-]{{0,80}}?)\s+(?:{alt})\s+(?:by\s+|to\s+|at\s+)?"
        r"(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?$"
    )
    ends = {v.split()[-1] for v in verbs} | {"by", "to", "at"} | _APPROX_WORDS
    return pattern, frozenset(ends)


_APPROX_WORDS = frozenset({"about", "around", "nearly", "almost", "some"})
# The last word a match of _TRANSITIVE (any case) or _NOUN_OF can end with.
_TRANSITIVE_ENDS = frozenset({"to", "by", "at", "of", "about", "around"})
_NOUN_OF_ENDS = frozenset({"of", "to", "as", "than", "least"}) | _APPROX_WORDS


def _subject_phrase(raw: str) -> str | None:
    """ "The company's stake in the venture" → "stake in the venture"."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(raw):
        cut = m.end()
    phrase = raw[cut:].strip()
    if phrase.endswith(_FILLERS):
        phrase = _TRAILING_FILLER.sub("", phrase)  # "Revenue has risen 12%"
    said = [m.end() for m in _REPORTED.finditer(phrase)]
    if said:
        phrase = phrase[said[-1] :]  # "Toyota said sales rose 4%": sales
    phrase = _LEADING_CONJUNCTION.sub("", phrase)  # "..., and its shares fell 3%"
    possessive = max(phrase.rfind("'s "), phrase.rfind("’s "), phrase.rfind("s' "))
    if possessive >= 0:
        phrase = phrase[possessive + 3 :]
    phrase = _LEADING_DETERMINERS.sub("", phrase).strip()
    return phrase.lower() if phrase and len(phrase.split()) <= 6 else None


def _describe_percents(
    text: str, records: list[Record], sentences: Sentences | None = None
) -> list[Record]:
    """Fill ``Percent.about``: the metric that moved ("revenue rose 12%"), what a rate was
    set for ("raised its short-term rate to 0.25%"), or the noun a percent qualifies
    ("25 percent tariffs")."""
    out: list[Record] = []
    for r in records:
        if isinstance(r, Percent) and r.about is None:
            about = None
            lo = (sentences or Sentences(text)).span(r.start, r.end)[0]
            before = text[lo : r.start]
            words = before.rsplit(None, 1)
            last = words[-1] if words else ""  # each pattern below needs a certain last word
            m = _TRANSITIVE.search(before) if last.lower() in _TRANSITIVE_ENDS else None
            if m:
                about = _LEADING_DETERMINERS.sub("", m.group("np")).lower()
            else:
                metric, metric_ends = _metric_verb_re()
                m = metric.search(before) if last in metric_ends else None
                if m:
                    about = _subject_phrase(m.group("np"))
            if about is None:
                m = _NOUN_OF.search(before) if last in _NOUN_OF_ENDS else None
                about = _subject_phrase(m.group("np")) if m else None  # "tariffs of up to 25%"
            if about is None:
                m = _FOLLOWING_NOUNS.match(text, r.end)
                about = m.group("np") if m else None
            if about:
                r = replace(r, about=about)
        out.append(r)
    return out


class _EventDates:
    """The trading sessions of one document's moves: the sentence's date (nearest the verb),
    else the publication date, on the company's exchange; None after the story's sign-off.
    The sign-off is found once, and each sentence's date references are read once."""

    def __init__(self, text: str, published: date | None):
        self.text, self.published = text, published
        self.story_end: dates.StoryEnd | None = None  # made at the first move
        self.sentences: dict[tuple[int, int], dates.SentenceDates] = {}  # by (start, end)

    def __call__(self, start: int, s_lo: int, s_hi: int, hit, near: int) -> date | None:
        if self.story_end is None:
            self.story_end = dates.StoryEnd(self.text)
        if self.story_end.after(start):
            return None
        refs = self.sentences.get((s_lo, s_hi))
        if refs is None:
            refs = self.sentences[s_lo, s_hi] = dates.SentenceDates(self.text[s_lo:s_hi])
        day = refs.resolve(self.published, near)
        if day is None:
            return None
        if hit is not None and hit.symbol:
            try:
                return dates.event_session(day, hit.symbol)
            except (KeyError, ValueError):
                return day
        return day


@lru_cache(maxsize=8192)
def _index_symbol(mention: str) -> str | None:
    return entities.resolve_index(mention)


class _PerTable:
    """A function of a name, memoised per company table (a registration makes a new table,
    hence new entries); cleared when it holds more than ``size`` names."""

    __slots__ = ("compute", "found", "size")

    def __init__(self, compute: Callable[[str], tuple], size: int = 8192):
        self.compute, self.size = compute, size
        self.found: dict[tuple[object, str], tuple] = {}

    def __call__(self, name: str) -> tuple:
        key = (entities._table(), name)  # the table object itself: a new table, new entries
        found = self.found.get(key)
        if found is None:
            if len(self.found) > self.size:
                self.found.clear()
            found = self.found[key] = self.compute(name)
        return found

    def clear(self) -> None:
        self.found.clear()


def _named_alone(mention: str) -> tuple[bool, _Hit | None, tuple, bool]:
    """What the tables say of a mention alone: whether the document cannot change it, and
    then its hit; the companies it names; and whether a fuller name in the document could
    only repeat them."""
    index = _index_symbol(mention)
    if index:
        return True, _Hit(mention, index, None, True), (), True
    companies = _companies_named(mention)
    repeats = _only_repeats(mention)
    if not repeats or len(companies) > 1:
        return False, None, companies, repeats  # an earlier fuller or full name decides
    if companies:
        company = companies[0]
        return True, _Hit(company.name, company.symbol, company.exchange, False), companies, True
    return True, None, companies, True


def _tails_naming_something(name: str) -> tuple[str, ...]:
    """The tails of a name, longest first, that may name an index or a company wherever
    they are written ("Nissan Motor Co" of "Hon Hai Precision Nissan Motor Co")."""
    tokens = name.split()
    tails = (" ".join(tokens[k:]) for k in range(1, len(tokens)))
    return tuple(t for t in tails if not _names_nothing(t))


_companies_named = _PerTable(entities.lookup)  # the companies a name denotes on its own
_named = _PerTable(_named_alone)
_tails = _PerTable(_tails_naming_something)


def _names_nothing(mention: str) -> bool:
    """Whether ``mention`` names no index and no company, alone or through a fuller name."""
    settled, hit, _, _ = _named(mention)
    return settled and hit is None


_NAME_REACH = 80  # characters read after an earlier occurrence of a short name


def _earlier_names(text: str, mention: str, offset: int):
    """Company names written out where the mention's first word occurs before ``offset``.

    "SoftBank" resolves to the "SoftBank Corp." the story named earlier; reading only the
    places where "SoftBank" occurs keeps this cheap on long documents.
    """
    first = mention.split()[0] if mention.split() else mention
    found = []
    i = text.find(first)
    while i != -1 and i < offset:
        piece = entities.DocumentEntities.scan(text[i : i + _NAME_REACH])
        found.extend(replace(m, start=m.start + i, end=m.end + i) for m in piece.mentions)
        i = text.find(first, i + len(first))
    return entities.DocumentEntities(text, found)


class _Hit:
    """A resolved subject: company or index. ``company``: the company's name when it is
    known (by default, when there is a symbol; an ambiguous name has neither)."""

    __slots__ = ("company", "exchange", "is_index", "name", "symbol")

    def __init__(
        self,
        name: str,
        symbol: str | None,
        exchange: str | None,
        is_index: bool,
        company: str | None = None,
    ):
        self.name, self.symbol, self.exchange, self.is_index = name, symbol, exchange, is_index
        self.company = company if company is not None or symbol is None else name


def _on_us_line(hit: _Hit | None) -> _Hit | None:
    """The hit of a move of a company's US line ("Infosys ADRs", "Toyota's U.S.-listed
    shares"): that line's symbol and exchange (data/depositary_receipts.csv); a company
    listed in the US keeps its own; one listed abroad without a known US line keeps its name
    and gets no symbol, never its home listing's."""
    if hit is None or hit.is_index or hit.symbol is None:
        return hit
    if hit.exchange in depositary.US_EXCHANGES:
        return hit
    line = depositary.us_line(hit.symbol)
    if line is None:
        return _Hit(hit.name, None, None, False, company=hit.name)
    return _Hit(hit.name, line.symbol, line.exchange, False)


class _Resolver:
    """Mention → _Hit | None for one document, with its earlier full names in scope.

    A short name takes the fuller name the story used earlier ("SoftBank" after "SoftBank
    Corp.", "Mitsui" after "Mitsui Fudosan Co."); a known but ambiguous name gives a hit
    without a symbol; an unknown name gives None.
    """

    def __init__(self, text: str):
        self.text = text
        self.fuller: dict[str, tuple[_CompaniesByOffset, int]] = {}  # found so far, next occurrence
        self.scans: dict[str, _CompaniesByOffset] = {}  # full names of ambiguous mentions

    def _fuller(self, mention: str, offset: int) -> dict:
        """The companies, by symbol, of the longer names starting with ``mention`` written
        before ``offset``; the text is read once, and only as far as asked."""
        found, at = self.fuller.get(mention) or (_CompaniesByOffset(), self.text.find(mention))
        if at != -1 and at < offset:
            at = _fuller_names(self.text, mention, at, offset, found)
            self.fuller[mention] = (found, at)
        return found.before(offset)

    def __call__(self, mention: str, offset: int) -> _Hit | None:
        """The hit for ``mention`` written at ``offset`` (-1: not found, read as 0)."""
        settled, hit, found, repeats = _named(mention)
        if settled:
            return hit  # the hits are never changed: one serves every call
        offset = max(offset, 0)
        # A fuller name that could only repeat the mention's own company changes nothing.
        fuller = {} if repeats else self._fuller(mention, offset)
        if len(fuller) == 1:
            company = next(iter(fuller.values()))
            return _Hit(company.name, company.symbol, company.exchange, False)
        if len(fuller) > 1:
            return _Hit(mention, None, None, False)  # two earlier candidates: undecided
        if len(found) == 1:
            return _Hit(found[0].name, found[0].symbol, found[0].exchange, False)
        if len(found) > 1:
            named = self._named_before(mention, found, offset)
            if len(named) != 1:
                return _Hit(mention, None, None, False)  # "SoftBank" alone: known, ambiguous
            company = next(iter(named.values()))
            return _Hit(company.name, company.symbol, company.exchange, False)
        return None

    def _named_before(self, mention: str, candidates: tuple, offset: int) -> dict:
        """The candidate companies the story named (fully) before ``offset``, by symbol.

        The document is read once per mention; each look-up is a bisection, so many moves
        of one ambiguous name stay linear.
        """
        named = self.scans.get(mention)
        if named is None:
            symbols = {c.symbol for c in candidates}
            scan = _earlier_names(self.text, mention, len(self.text))
            named = self.scans[mention] = _CompaniesByOffset()
            for m in sorted(scan.mentions, key=lambda m: m.end):
                if m.company is not None and m.company.symbol in symbols:
                    named.append((m.end, m.company))
        return named.up_to(offset)


_NAME_WORD = re.compile(r"[\w&.'’-]+")


class _CompaniesByOffset:
    """Companies named in a document, added in text order, kept so that "which companies
    were named before this offset" is a bisection, not a pass over every earlier name."""

    __slots__ = ("offsets", "seen")

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.seen: list[dict[str, entities.Company]] = []  # by symbol, up to each offset

    def append(self, item: tuple[int, entities.Company]) -> None:
        """Add (offset, company) found after every earlier one."""
        at, company = item
        current = self.seen[-1] if self.seen else {}
        if company.symbol not in current:
            current = {**current, company.symbol: company}
        self.offsets.append(at)
        self.seen.append(current)

    def before(self, offset: int) -> dict[str, entities.Company]:
        """The companies, by symbol, added at an offset before ``offset``."""
        i = bisect_left(self.offsets, offset)
        return self.seen[i - 1] if i else {}

    def up_to(self, offset: int) -> dict[str, entities.Company]:
        """The companies, by symbol, added at an offset at or before ``offset``."""
        i = bisect_right(self.offsets, offset)
        return self.seen[i - 1] if i else {}


def _only_repeats(mention: str) -> bool:
    """Whether a longer name written from ``mention`` on can name one company only if it is
    the one ``mention`` names alone, so that :func:`_fuller_names` would change nothing.

    The words read at an occurrence are then the mention's own (the last perhaps continued)
    and more; unless the reading splits a word of the mention in two ("Foo/Bar").
    """
    words = _NAME_WORD.findall(mention)
    return len(words) <= len(mention.split()) and entities.longer_names_repeat(mention)


def _fuller_names(text: str, mention: str, i: int, end: int, found: _CompaniesByOffset) -> int:
    """Add to ``found`` (offset, company) where the story writes a longer name that starts
    with ``mention`` ("Mitsui Fudosan Co." for "Mitsui"), reading its occurrences from ``i``
    up to ``end``; return the next occurrence (-1 for none)."""
    n = len(mention.split())
    size = len(mention)
    whole = mention[-1:].isalnum()  # then a letter or digit after it continues a word
    while i != -1 and i < end:
        if (i == 0 or not text[i - 1].isalnum()) and not (
            whole and text[i + size : i + size + 1].isalnum()
        ):  # a whole word: "Intel" is not read in "Intelsat SA"
            reach = _NAME_WORD.finditer(text, i, min(len(text), i + _NAME_REACH))
            words = [w.group() for w in islice(reach, n + 4)]  # only the words tried below
            for k in entities.name_lengths(words):  # longest first; skips runs naming nothing
                if k <= n:
                    break
                candidates = _companies_named(" ".join(words[:k]).rstrip(".,"))
                if len(candidates) == 1:
                    found.append((i, candidates[0]))
                    break
        i = text.find(mention, i + len(mention))
    return i
