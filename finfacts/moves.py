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
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from finfacts.lexicon.currency import supplement
from finfacts.records import Money, Percent, Record, ShareMove
from finfacts.sentences import Sentences


@cache
def _verbs() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    moves = supplement()["moves"]
    direction: dict[str, str] = {}
    for d in ("up", "down", "flat"):
        for phrase in moves[d]:
            direction[phrase] = d
    alt = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(direction, key=lambda p: (-len(p), p))
    )
    first_words = frozenset(p.split()[0] for p in direction) | frozenset(
        p.split()[-1] for p in direction
    )
    return re.compile(rf"(?<![A-Za-z'’-])(?:{alt})(?![A-Za-z])"), direction, first_words


@cache
def _share_words() -> frozenset[str]:
    return frozenset(supplement()["moves"]["share_words"])


@cache
def _metric_words() -> frozenset[str]:
    return frozenset(supplement()["moves"]["metric_words"])


_CLAUSE_BREAK = re.compile(
    r"(?:[,;:]\s*(?:and\s+|but\s+|while\s+|whereas\s+|as\s+)?|\s+(?:while|whereas|but|as|after"
    r"|when|with|though|although|because|since|since)\s+|\s+[-–—]+\s+|^)"
)
_SHARES_OF = re.compile(r"(?i)^(?:the\s+)?(?:shares?|stocks?|ADRs?)\s+(?:of|in)\s+(?P<e>.+)$")
_POSSESSIVE_SHARES = re.compile(
    r"(?i)^(?P<e>.+?)(?:['’]s?)?\s+(?:shares?|stocks?|ADRs?|share\s+price|stock\s+price)$"
)
_TICKER_PAREN = re.compile(
    r"^(?P<e>.+?)\s*\((?:[A-Z]{2,6}:\s*)?(?P<t>[A-Z0-9^][A-Z0-9.^=-]{0,11})\)$"
)
_NAME = re.compile(r"(?:[A-Z0-9^][\w&.'’^-]*|&)(?:\s+(?:[A-Z0-9][\w&.'’-]*|&|of|and|de|du|la))*")
_TRAILING_NAME = re.compile(
    r"(?:[A-Z0-9^][\w&.'’^-]*|&)(?:\s+(?:[A-Z0-9][\w&.'’-]*|&|of|and|de|du|la))*$"
)
_PRICE_LEAD = re.compile(
    r"(?i)\s*(?:,\s*)?(?:to\s+(?:close|end|finish|settle|trade)\s+at|to\s+(?:a\s+)?(?:"
    r"record\s+|closing\s+)?(?:high|low)?\s*(?:of\s+)?|closing\s+at|at|to)\s+$"
)
_CHANGE_LEAD = re.compile(
    r"(?i)^\s*(?:by\s+)?(?:(?P<q>as\s+much\s+as|about|around|roughly|nearly|almost|more\s+than"
    r"|less\s+than|over|some|just\s+over|just\s+under|approximately)\s+)?$"
)
_LEVEL_LEAD = re.compile(r"(?i)^\s*(?:to|at)\s+$")


def attach_moves(
    text: str,
    records: list[Record],
    published: date | None,
    doc_id: str | None,
    sentences: Sentences | None = None,
) -> list[Record]:
    """Find moves in ``text``; return all records sorted, move percents folded into moves."""
    verb_re, direction_of, _first = _verbs()
    records = sorted(records, key=_order)
    sentences = sentences or Sentences(text)
    windows = _move_windows(text, records, sentences)
    if not windows:
        return _describe_percents(text, records)
    consumed: set[int] = set()
    replaced: dict[int, Record] = {}
    moves: list[ShareMove] = []
    resolver = _resolver(text)
    story_end = _once(lambda: _main_story_end(text))
    for m in (m for lo, hi in windows for m in verb_re.finditer(text, lo, hi)):
        phrase = " ".join(m.group().lower().split())
        direction = direction_of.get(phrase)
        if direction is None:
            continue
        s_lo, s_hi = sentences.span(m.start(), m.end())
        subject = _subject(text, s_lo, m.start())
        if subject is None:
            continue
        entities, explicit = subject
        # the change right after the verb
        change: Decimal | None = None
        approx = direction == "flat"
        pct_index = _next_record(records, text, m.end(), Percent, _CHANGE_LEAD)
        level_index = None
        if pct_index is None:
            level_index = _next_record(records, text, m.end(), Percent, _LEVEL_LEAD)
        if pct_index is not None:
            pct = records[pct_index]
            if pct.unit != "percent" or pct.value is None:
                continue
            change = pct.value if direction != "down" else -pct.value
            lead = _CHANGE_LEAD.match(text[m.end() : pct.start])
            if (lead and lead.group("q")) or pct.approx:
                approx = True
        elif direction == "flat":
            change = Decimal(0)
        elif level_index is not None:
            continue  # "stake rose to 12%": a level, not a move
        # a price level after the change
        after = records[pct_index].end if pct_index is not None else m.end()
        price_index = _next_record(records, text, after, Money, _PRICE_LEAD, reach=30)
        entities, resolved = _resolve_all(entities, resolver, text, s_lo)
        if not explicit and any(r is None for r in resolved):
            if pct_index is not None:
                _note_metric(records, replaced, pct_index, text, s_lo, m.start())
            continue
        if change is None and not explicit:
            continue  # a bare "X rose" without a share word or figure is too loose
        if pct_index is not None:
            consumed.add(pct_index)
        price = currency = None
        if price_index is not None:
            money = records[price_index]
            price, currency = money.value, money.currency
            replaced[price_index] = replace(money, qualifier="share price", approx=False)
        sentence = text[s_lo:s_hi]
        end = records[pct_index].end if pct_index is not None else m.end()
        for name, hit in zip(entities, resolved, strict=True):
            start = text.find(name, s_lo, m.start())
            moves.append(
                ShareMove(
                    doc_id=doc_id,
                    start=start,
                    end=end,
                    surface=text[start:end],
                    sentence=sentence,
                    entity=name,
                    change_pct=change,
                    direction=direction,  # type: ignore[arg-type]
                    company=hit.name if hit else None,
                    ticker=hit.symbol if hit else None,
                    exchange=hit.exchange if hit else None,
                    instrument="index" if hit and hit.is_index else "stock",
                    approx=approx,
                    price=price,
                    price_currency=currency,
                    event_date=_event_date(
                        story_end(), start, sentence, published, hit, m.start() - s_lo
                    ),
                )
            )
    out: list[Record] = []
    for i, r in enumerate(records):
        if i in consumed:
            continue
        out.append(replaced.get(i, r))
    out.extend(moves)
    return _describe_percents(text, sorted(out, key=_order))


def _resolve_all(names: list[str], resolver, text: str, s_lo: int):
    """Resolve each name; a long unknown name may end in a known one ("Hon Hai ... Nissan")."""
    out_names, hits = [], []
    for name in names:
        hit = resolver(name, text.find(name, s_lo))
        if hit is None:
            tokens = name.split()
            for k in range(1, len(tokens)):
                tail = " ".join(tokens[k:])
                hit = resolver(tail, text.find(tail, s_lo))
                if hit is not None:
                    name = tail
                    break
        out_names.append(name)
        hits.append(hit)
    return out_names, hits


def _once(compute):
    """A memo of one value computed on first call (per document)."""
    box: list = []

    def get():
        if not box:
            box.append(compute())
        return box[0]

    return get


def _main_story_end(text: str) -> int:
    from finfacts.dates import main_story_end

    return main_story_end(text)


def _order(r: Record) -> tuple[int, int, str]:
    return (r.start, r.end, r.kind)


_SHARE_CUES = ("share", "stock", "Share", "Stock", "ADR", "changed", "unchanged", "flat", "steady")


def _move_windows(text: str, records: list[Record], sentences: Sentences) -> list[tuple[int, int]]:
    """Sentences that can hold a move: those with a percent figure or a share cue word."""
    spans = {sentences.span(r.start, r.end) for r in records if isinstance(r, Percent)}
    for cue in _SHARE_CUES:
        i = text.find(cue)
        while i != -1:
            spans.add(sentences.span(i, i + len(cue)))
            i = text.find(cue, i + len(cue))
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _next_record(
    records: list[Record], text: str, pos: int, kind: type, lead: re.Pattern[str], reach: int = 40
) -> int | None:
    for i, r in enumerate(records):
        if r.start < pos:
            continue
        if r.start - pos > reach:
            return None
        if isinstance(r, kind) and lead.match(text[pos : r.start]):
            return i
        return None
    return None


def _subject(text: str, s_lo: int, verb_start: int) -> tuple[list[str], bool] | None:
    """The entity names before a verb, and whether a share word/ticker made them explicit."""
    chunk = text[s_lo:verb_start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(chunk):
        if m.end() < len(chunk):
            cut = m.end()
    chunk = chunk[cut:].strip()
    if not chunk or len(chunk) > 120:
        return None
    explicit = False
    for pattern in (_SHARES_OF, _POSSESSIVE_SHARES):
        m = pattern.match(chunk)
        if m:
            chunk, explicit = m.group("e").strip(), True
            break
    m = _TICKER_PAREN.match(chunk)
    if m:
        chunk, explicit = m.group("e").strip(), True
    chunk = re.sub(r"^(?:The|the)\s+", "", chunk)
    chunk = re.sub(r"['’]s$", "", chunk)
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", chunk) if p.strip()]
    if not parts or len(parts) > 6:
        return None
    names = []
    for p in parts:
        m = _NAME.fullmatch(p)
        if not m and explicit and len(parts) == 1:
            m = _TRAILING_NAME.search(p)  # "... a minority investment by Nissan Motor Co"
            p = m.group() if m else p
        if not m:
            return None
        if p.lower() in _metric_words():
            return None
        names.append(p)
    return names, explicit


def _note_metric(
    records: list[Record],
    replaced: dict[int, Record],
    index: int,
    text: str,
    s_lo: int,
    verb_start: int,
) -> None:
    pct = records[index]
    chunk = text[s_lo:verb_start].strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", chunk)
    if words:
        replaced[index] = replace(pct, about=" ".join(words[-3:]).lower())


_FOLLOWING_NOUNS = re.compile(
    r"\s+(?P<np>(?!(?:of|to|in|on|from|for|and|or|by|at|as|than|higher|lower|up|down|more"
    r"|less|stake|after|before|while|since|year|increase|decrease|rise|fall|drop|gain)\b)"
    r"[a-z][a-z-]+(?:\s+(?:on|of|for)\s+(?:all\s+)?[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)?)"
)


def _describe_percents(text: str, records: list[Record]) -> list[Record]:
    """Fill ``Percent.about`` from the noun phrase a percent qualifies ("25 percent tariffs")."""
    out: list[Record] = []
    for r in records:
        if isinstance(r, Percent) and r.about is None:
            m = _FOLLOWING_NOUNS.match(text, r.end)
            if m:
                r = replace(r, about=m.group("np"))
        out.append(r)
    return out


def _event_date(
    story_end: int, start: int, sentence: str, published: date | None, hit, near: int
) -> date | None:
    """The trading session of the move: the sentence's date (nearest the verb), else the
    publication date, on the company's exchange; None after the story's sign-off."""
    from finfacts import dates

    if start >= story_end:
        return None
    day = _resolve_day(sentence, published, near)
    if day is None:
        return None
    if hit is not None and hit.symbol:
        try:
            return dates.event_session(day, hit.symbol)
        except (KeyError, ValueError):
            return day
    return day


@lru_cache(maxsize=8192)
def _resolve_day(sentence: str, published: date | None, near: int) -> date | None:
    from finfacts import dates

    return dates.resolve(sentence, published, near=near)


@lru_cache(maxsize=8192)
def _index_symbol(mention: str) -> str | None:
    from finfacts import entities

    return entities.resolve_index(mention)


def _companies_named(mention: str):
    """``entities.lookup`` memoised per company table (a registration makes a new table)."""
    from finfacts import entities

    key = (entities._table(), mention)  # the table object itself: a new table, new entries
    found = _LOOKUPS.get(key)
    if found is None:
        if len(_LOOKUPS) > 8192:
            _LOOKUPS.clear()
        found = _LOOKUPS[key] = entities.lookup(mention)
    return found


_LOOKUPS: dict[tuple[object, str], tuple] = {}
_NAME_REACH = 80  # characters read after an earlier occurrence of a short name


def _earlier_names(text: str, mention: str, offset: int):
    """Company names written out where the mention's first word occurs before ``offset``.

    "SoftBank" resolves to the "SoftBank Corp." the story named earlier; reading only the
    places where "SoftBank" occurs keeps this cheap on long documents.
    """
    from finfacts import entities

    first = mention.split()[0] if mention.split() else mention
    found = []
    i = text.find(first)
    while i != -1 and i < offset:
        piece = entities.DocumentEntities.scan(text[i : i + _NAME_REACH])
        found.extend(replace(m, start=m.start + i, end=m.end + i) for m in piece.mentions)
        i = text.find(first, i + len(first))
    return entities.DocumentEntities(text, found)


class _Hit:
    """A resolved subject: company or index."""

    __slots__ = ("exchange", "is_index", "name", "symbol")

    def __init__(self, name: str, symbol: str | None, exchange: str | None, is_index: bool):
        self.name, self.symbol, self.exchange, self.is_index = name, symbol, exchange, is_index


def _resolver(text: str):
    """A function mention → _Hit | None, with the document's earlier full names in scope."""

    def resolve(mention: str, offset: int) -> _Hit | None:
        index = _index_symbol(mention)
        if index:
            return _Hit(mention, index, None, True)
        found = _companies_named(mention)
        if len(found) == 1:
            company = found[0]  # a unique name needs no document context
        else:
            company = _earlier_names(text, mention, max(offset, 0)).resolve(mention, offset)
        if company is None:
            return None
        return _Hit(company.name, company.symbol, company.exchange, False)

    return resolve
