"""Amounts: numbers in currency or percent position → money and percent candidates.

Find loosely, verify strictly: one cheap scan for digit runs, then dictionary look-ups
of the tokens right beside each run (currency before or after, scale words, sub-units,
qualifiers, ranges). Written-out numbers, vague plurals and CJK numerals are looked for
only when the document's words say they can be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from finfacts.lexicon.currency import DOLLAR, YEN_SIGN, CurrencyLexicon, Form, lexicon, supplement
from finfacts.numbers import (
    NUMBER_WORDS,
    is_dash,
    normalize,
    parse_cjk,
    parse_digits,
    parse_written,
    plausible,
    to_ascii,
)
from finfacts.patterns import alternation
from finfacts.quantities import measure_at

# possessive: a long digit run is read once, with no backtracking state kept per character
_NUM_TAIL = r"(?:\d|[,.，．](?=\d)|[ \u00a0\u202f'’](?=\d{3}(?!\d)))*+"
NUM_RE = re.compile(r"\d" + _NUM_TAIL)
_FULL_WIDTH = "\uff0c-\uff19"  # the characters to_ascii folds
_CJK_CUE_CHARS = "円元币幣镑鎊ドルウユポ卢盧"  # one character of every _CJK_TRIGGERS entry
_CJK_CUE = re.compile(f"[{_CJK_CUE_CHARS}]")
_LEADING_DOT_AFTER = frozenset("$€£¥＄￥")
PCT_RE = re.compile(
    r"(?:(?P<sign>[ \u00a0]?[%％])|[ \u00a0-]?(?:(?i:(?P<pp>percentage[ -]points?)"
    r"|(?P<bp>basis[ -]points?)|(?P<word>percents?|per[ -]cent|percentage))"
    r"|(?P<pp2>pct[ -]points?|pp)|(?P<bp2>bps|bp)|(?P<word2>pct|pc)))(?![A-Za-z])"
)
_RANGE_CONN = re.compile(r"[ \u00a0]*(?:[-\u2212\u2012\u2013\u2014~]|to|and)[ \u00a0]*")
_RANGE_FROM = re.compile(
    r"(?i:(?<![A-Za-z])(?:ranges?|ranging|ranged|vary|varies|varying|anywhere|estimated))"
    r"[ \u00a0]+from[ \u00a0]+$"
)
_SIGN_WORDS = frozenset(["minus", "negative"])
_GUARD_NEXT = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "approval",
        "support",
        "praise",
        "back",
        "over",
        "out",
        "against",
        "by",
        "in",
        "at",
        "on",
        "gold",
        "silver",
        "first",
        "second",
        "third",
        "seats",
        "votes",
        "awards",
        "election",
        "re-election",
        "contracts",
        "contract",
        "title",
        "titles",
        "estate",
        "time",
        "terms",
        "gdp",
        "wages",
        "income",
        "value",
        "rates",
        "world",
        "life",
        "growth",
        "of",
    ]
)
_WEIGHT_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:lost|lose|losing|gained|gain|weighs?|weighed|weighing|shed))"
    r"[ \u00a0]+\S+[ \u00a0]+pounds?$"
)
_NO_WORD_PREFIX_AFTER = frozenset(
    ["the", "a", "an", "per", "each", "every", "this", "that", "against", "vs", "versus"]
)
_CJK_RE = re.compile(
    r"(?P<num>[0-9０-９][0-9０-９.,，．]*(?:[十百千万萬億亿兆][0-9０-９.,，．]*)*[十百千万萬億亿兆]?"
    r"|[一二三四五六七八九〇十百千万萬億亿兆]+)(?P<cur>米ドル|人民元|新台币|新台幣|美元|港元|港币|日元|"
    r"欧元|歐元|英镑|英鎊|韩元|韓元|卢比|盧比|円|元|ドル|ルピー|ウォン|ユーロ|ポンド)"
)
_CJK_TRIGGERS = (
    "円",
    "元",
    "ドル",
    "ルピー",
    "ウォン",
    "ユーロ",
    "ポンド",
    "币",
    "幣",
    "镑",
    "鎊",
    "卢比",
    "盧比",
)
_CJK_QUALIFIERS = {
    "約": "about",
    "约": "about",
    "およそ": "about",
    "近": "nearly",
    "超": "more than",
    "逾": "more than",
    "超过": "more than",
    "超過": "more than",
}
_WORD_RE = re.compile(r"[a-z]+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_NEXT_TOKEN = re.compile(r"[ \u00a0]([A-Za-z.]+)")
_TRAILING_PUNCT = ".,;:!?)]}\"'’”"
_GLUED_SUBUNITS = frozenset(["p", "c"])


@dataclass(slots=True)
class Amount:
    """One money or percent candidate, before currency context is applied."""

    kind: str  # "money" | "percent"
    start: int
    end: int
    value: Decimal | None
    currency: str | None = None  # ISO code, DOLLAR / YEN_SIGN marker, or None
    value_high: Decimal | None = None
    qualifier: str | None = None
    vague: bool = False
    unit: str = "percent"
    subunit: bool = False
    main_unit: bool = False  # a whole amount in a main unit, open to "and 43 cents"
    what: str | None = None  # for quantities: what is counted


@dataclass(slots=True)
class _Side:
    """What surrounds one number: scale, currency, percent unit, sign, prefix."""

    num_start: int
    num_end: int
    raw: str
    power: int = 0
    end: int = 0
    start: int = 0
    currency: str | None = None
    divisor: int = 1
    pct_unit: str | None = None
    negative: bool = False
    prefix: bool = False
    form_kind: str | None = None
    before: tuple[str, int] | None = None  # the word before ``start``, when read (``read``)
    read: bool = False


# ---------------------------------------------------------------- currency beside a number


def prev_words(t: str, pos: int, n: int = 3) -> list[tuple[str, int]]:
    """Up to ``n`` lower-cased words (with their starts) ending right before ``pos``."""
    words: list[tuple[str, int]] = []
    j = pos
    while len(words) < n:
        k = j
        while k > 0 and t[k - 1] in " \u00a0":
            k -= 1
        if (k == j and j != pos) or k == 0:
            break
        i = k
        while i > 0 and (t[i - 1].isalpha() or t[i - 1] == "."):
            i -= 1
        if i == k:
            break
        words.insert(0, (t[i:k].lower(), i))
        j = i
    return words


def _word_before(t: str, pos: int) -> tuple[str, int] | None:
    """The last of ``prev_words(t, pos, 1)``, without the list: it runs for every amount."""
    k = pos
    while k > 0 and t[k - 1] in " \u00a0":
        k -= 1
    sp = t.rfind(" ", max(0, k - 24), k)
    if sp >= 0 and t[sp + 1 : k].isalpha():  # the common case: a plain word after a space
        return t[sp + 1 : k].lower(), sp + 1
    i = k
    while i > 0 and (t[i - 1].isalpha() or t[i - 1] == "."):
        i -= 1
    return (t[i:k].lower(), i) if i < k else None


def _qualifier_before(
    t: str, pos: int, lex: CurrencyLexicon, last: tuple[str, int] | None = None
) -> tuple[str, int] | None:
    """The qualifier ("about", "more than") ending before ``pos``; ``last``: the word read."""
    if last is None:
        last = _word_before(t, pos)
    if last is None or last[0] not in lex.qualifier_tails:
        return None  # most amounts: no qualifier ends in the word before them
    words = prev_words(t, pos, 3)
    for k in (3, 2, 1):
        if len(words) >= k:
            phrase = " ".join(w for w, _ in words[-k:])
            if phrase in lex.qualifier_set:
                return phrase, words[-k][1]
    return None


def suffix_at(t: str, pos: int, lex: CurrencyLexicon) -> Form | None:
    """The currency form starting at ``pos`` (after one optional space), longest first."""
    size = len(t)
    ts = pos + 1 if pos < size and t[pos] in " \u00a0" else pos
    te = ts
    while te < size and not t[te].isspace() and not t[te].isdigit():
        te += 1
    if te == ts:
        return None
    tok = t[ts:te]
    if tok.lower() in lex.name_heads:  # "US dollars", "New Taiwan dollars"
        toks = [(tok, ts, te)]
        p = te
        for _ in range(2):
            n = _NEXT_TOKEN.match(t, p)
            if n is None:
                break
            toks.append((n.group(1), n.start(1), n.end(1)))
            p = n.end()
        for k in (3, 2):
            if len(toks) >= k:
                phrase = " ".join(tok for tok, _s, _e in toks[:k])
                stripped = phrase.rstrip(_TRAILING_PUNCT)
                code = lex.words.get(stripped.lower())
                if code:
                    end = toks[k - 1][2] - (len(phrase) - len(stripped))
                    return Form(code, ts, end, "word")
    glued = ts == pos
    for cand in _token_variants(tok):
        ce = ts + len(cand)
        if ce < size and t[ce].isdigit():
            continue  # "USD50": a prefix of the next number
        named = lex.symbol_named(cand)
        if named:
            return Form(named[0], ts, ce, named[1], named[2])
        code = lex.code(cand)
        if code:
            return Form(code, ts, ce, "code")
        word = lex.words.get(cand.lower())
        if word and cand.isalpha():
            return Form(word, ts, ce, "word")
        sub = lex.subunits.get(cand if cand in _GLUED_SUBUNITS else cand.lower())
        if sub and (cand not in _GLUED_SUBUNITS or glued):
            return Form(sub[0], ts, ce, "subunit", divisor=sub[1])
    return None


def _token_variants(tok: str) -> list[str]:
    stripped = tok.rstrip(_TRAILING_PUNCT)
    if stripped == tok:
        return [tok]
    out = [tok]
    if tok[len(stripped) :].startswith("."):
        out.append(stripped + ".")
    out.append(stripped)
    return [v for v in dict.fromkeys(out) if v]


_RANGE_CUTS = "-\u2013\u2014/~("
_RANGE_CUT_SET = frozenset(_RANGE_CUTS)


def prefix_at(t: str, s: int, lex: CurrencyLexicon) -> tuple[Form, bool] | None:
    """The currency form ending right before the number at ``s`` and a sign after it."""
    j = s
    neg = False
    if j > 1 and is_dash(t[j - 1]) and not t[j - 2].isalnum():
        neg, j = True, j - 1
    if j > 0 and t[j - 1] in " \u00a0":
        j -= 1
    k = j
    while k > 0 and j - k < 12 and not t[k - 1].isspace() and not t[k - 1].isdigit():
        k -= 1
    if k == j:
        return None
    raw = t[k:j]
    if not _RANGE_CUT_SET.isdisjoint(raw):  # "€3bn-€4bn": the prefix follows the range dash
        cut = max(raw.rfind(c) for c in _RANGE_CUTS)
        k += cut + 1
        raw = raw[cut + 1 :]
    token = raw.lstrip("([{\"'“‘-\u2212\u2013\u2014")
    k += len(raw) - len(token)
    token = token.rstrip(":")
    if not token:
        return None
    end = k + len(token)
    named = lex.symbol_named(token)
    if named is None and token.endswith("."):
        named = lex.symbol_named(token[:-1])
    if named is not None:
        if token in ("$", "＄"):
            lettered = _lettered_dollar(t, k, lex)
            if lettered is not None:
                return Form(lettered[0], lettered[1], end, "symbol"), neg
        return Form(named[0], k, end, named[1], named[2]), neg
    code = lex.code(token)
    if code:
        return Form(code, k, end, "code"), neg
    word = token.lower()
    if word in lex.words and word not in lex.guarded_words and token.isalpha():
        before = _WORD_AND_SPACES.search(t[max(0, k - 20) : k])
        prev = before.group(1).lower() if before else ""
        if prev in _NO_WORD_PREFIX_AFTER:
            return None
        start = k
        if prev and f"{prev} {word}" in lex.words:
            start = k - len(before.group(0))
            word = f"{prev} {word}"
        return Form(lex.words[word], start, end, "word"), neg
    return None


_LETTERS_BEFORE_DOLLAR = re.compile(r"(?<![A-Za-z])([A-Za-z.]{1,4})([ \u00a0]?)$")


def _lettered_dollar(t: str, k: int, lex: CurrencyLexicon) -> tuple[str, int] | None:
    """The code and start of letters before a dollar sign at ``k`` ("c $ 16.4", "aud$ 15")."""
    window = t[max(0, k - 6) : k]
    m = _LETTERS_BEFORE_DOLLAR.search(window)
    if m is None or (m.group(2) and m.group(1).lower() in ("a", "i")):
        return None  # "a $10 million": the article, not A$
    letters = m.group(1).upper()
    code = lex.dollar_prefixes.get(letters) or (
        letters if len(letters) == 3 and letters in lex.codes else None
    )
    return (code, k - len(window) + m.start(1)) if code else None


_WORD_AND_SPACES = re.compile(r"([A-Za-z.]+)[ \u00a0]+$")


# ---------------------------------------------------------------- numbers with their sides

_LETTERS = re.compile(r"[A-Za-z]+")


def _scale_power(lex: CurrencyLexicon, text: str) -> int:
    power = 0
    for w in _LETTERS.findall(text):
        p = lex.scales.get(w)
        if p is None:
            p = lex.scales.get(w.lower(), 0)
        power += p
    return power


def _pct_unit(m: re.Match[str]) -> str:
    """The unit a PCT_RE match names: percent, percentage point or basis point."""
    if m.group("pp") or m.group("pp2"):
        return "percentage_point"
    if m.group("bp") or m.group("bp2"):
        return "basis_point"
    return "percent"


_PCT_SIGNS = frozenset("%％")  # no scale word starts with one: "7.6%" skips scale_re


def _read_side(t: str, s: int, e: int, lex: CurrencyLexicon, floor: int = 0) -> _Side | None:
    """Scale, currency and unit around the number ``t[s:e]``; None for a non-amount."""
    side = _Side(s, e, t[s:e], 0, e, s)
    pos = e
    m = lex.scale_re.match(t, pos) if t[pos : pos + 1] not in _PCT_SIGNS else None
    if m:
        side.power = _scale_power(lex, m.group())
        pos = m.end()
    if pos < len(t) and t[pos] in _PCT_SIGNS:  # the common "7.6%": no currency to look for
        side.pct_unit, pos = "percent", pos + 1
        pre = None
    else:
        pre = prefix_at(t, s, lex)
    if pre is not None and pre[0].start < floor:
        pre = None  # the form already belongs to the amount before: "20 dollar 43c"
    if pre is not None:
        form, neg = pre
        guarded = form.kind == "code" and form.currency in lex.guarded_codes
        if guarded and side.power == 0 and side.raw.isdigit():
            pre = None  # "ALL 5 solutions": a guarded code needs a real amount after it
        elif PCT_RE.match(t, pos):
            pre = None  # "the dollar 1.5% higher"
        else:
            side.currency, side.prefix, side.form_kind = form.currency, True, form.kind
            side.power += form.power
            side.start = form.start
            side.negative = neg
    if not side.prefix and s > 0:
        c = t[s - 1]
        if (c.isascii() and c.isalpha()) or c == "_" or c.isdigit() or c in ".,":
            return None  # "H100", "B200", "COVID19": a number glued to a word
    if pre is None and side.pct_unit is None:
        form = suffix_at(t, pos, lex)
        if form is not None and not _suffix_rejected(t, form, side, lex):
            side.currency, side.form_kind = form.currency, form.kind
            side.divisor = form.divisor
            side.power += form.power
            pos = form.end
            if form.kind == "code" and side.power == 0:
                m = lex.scale_re.match(t, pos)  # "75 USD million"
                if m:
                    side.power = _scale_power(lex, m.group())
                    pos = m.end()
        elif form is None or form.kind != "word":
            m = PCT_RE.match(t, pos)
            if m:
                side.pct_unit = _pct_unit(m)
                pos = m.end()
    side.end = pos
    if not side.negative:
        start = side.start
        if (
            start > 1
            and is_dash(t[start - 1])
            and not (t[start - 2].isalnum() or t[start - 2] in "%％")
        ):
            side.negative, side.start = True, start - 1
        elif start == 1 and is_dash(t[0]):
            side.negative, side.start = True, 0
        else:
            word = _word_before(t, start)
            if word and word[0] in _SIGN_WORDS and start - word[1] <= 10:
                side.negative, side.start = True, word[1]
            else:
                side.before, side.read = word, True
    return side


def _suffix_rejected(t: str, form: Form, side: _Side, lex: CurrencyLexicon) -> bool:
    if form.kind != "word":
        return False
    if _is_year(side.raw) and side.power == 0:
        return True  # "in 2019 dollars"
    word = t[form.start : form.end].lower()
    return _guard_rejects(t, word, form.end, scaled=side.power > 0, lex=lex)


def _guard_rejects(t: str, word: str, end: int, *, scaled: bool, lex: CurrencyLexicon) -> bool:
    """True when a guarded currency word ("won", "pounds", "real") is not money here."""
    if word not in lex.guarded_words or scaled:
        return False
    nxt = _next_word(t, end)
    if word.startswith("pound") and _WEIGHT_BEFORE.search(t, max(0, end - 40), end):
        return True  # "the patient lost 20 pounds"
    if nxt in _GUARD_NEXT:
        return True  # "two pounds of rice", "won the contract"
    return word in ("real", "rand")


def _next_word(t: str, pos: int) -> str:
    m = _WORD_RE.match(t.lower(), pos + (1 if pos < len(t) and t[pos] == " " else 0))
    return m.group() if m else ""


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1800 <= int(raw) <= 2100


def _value(
    raw: str,
    currency: str | None,
    power: int,
    lex: CurrencyLexicon,
    divisor: int = 1,
    negative: bool = False,
) -> Decimal | None:
    """The value of the digits ``raw`` with their scale, sub-unit and sign applied."""
    code = currency
    if code == YEN_SIGN:
        code = "JPY"
    elif code == DOLLAR:
        code = "USD"
    value = parse_digits(raw, zero_decimal=lex.minor_digits(code) == 0, scaled=power > 0)
    if value is None:
        return None
    if not (power or divisor != 1 or negative):
        return value  # digits as written: already positional
    if power:
        value = value.scaleb(power)
    if divisor != 1:
        value = value / divisor
    if negative:
        value = -value
    return normalize(value)


@cache
def _scan_re() -> re.Pattern[str]:
    """Digit runs (as NUM_RE) and single characters that call for to_ascii or CJK amounts."""
    # one pass; the first digit spelled out for the BMP, which sre skips to faster than \d
    digits = "".join(c for c in map(chr, range(0x10000)) if c.isdecimal())
    first = f"[{re.escape(digits)}{_FULL_WIDTH}{_CJK_CUE_CHARS}]"
    return re.compile(f"{first}(?:(?<=\\d){_NUM_TAIL})?")


_ASCII_BYTES = bytes(range(128))
# for raw.translate: "0" at every ASCII digit, a space elsewhere
_DIGIT_MARKS = bytes(0x30 if 0x30 <= c <= 0x39 else 0x20 for c in range(256))
_SCAN_SPECIAL = re.compile(f"[\\d{_FULL_WIDTH}{_CJK_CUE_CHARS}]")


def _scan(text: str, raw: bytes) -> tuple[list[tuple[int, int]], bool, bool]:
    """Digit-run spans of ``text``, whether it needs to_ascii, whether it may hold CJK amounts.

    ``raw``: ``text`` encoded as ASCII with replacements. Most texts have only ASCII digits:
    their runs start where ``raw`` has a digit, which C-level byte searches find quickly.
    """
    if not text.isascii():
        others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
        if _SCAN_SPECIAL.search(others.decode("utf-8", "surrogatepass")):
            return _scan_unicode(text)
    runs = []
    marks = raw.translate(_DIGIT_MARKS)
    s = marks.find(b"0")
    while s >= 0:
        e = NUM_RE.match(text, s).end()  # an ASCII digit: always a match
        runs.append((s, e))
        s = marks.find(b"0", e)
    return runs, False, False


def _scan_unicode(text: str) -> tuple[list[tuple[int, int]], bool, bool]:
    """``_scan`` for a text with non-ASCII digits, full-width characters or CJK currency."""
    astral = len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)
    if astral:  # the BMP class would miss astral digits
        runs = [m.span() for m in NUM_RE.finditer(text)]
        return runs, to_ascii(text) is not text, _CJK_CUE.search(text) is not None
    runs = []
    fold = cjk = False
    for m in _scan_re().finditer(text):
        s, e = m.span()
        if text[s].isdecimal():
            runs.append((s, e))
            if not fold:
                run = text[s:e]
                fold = to_ascii(run) is not run  # "１，０００"
        elif text[s] in _CJK_CUE_CHARS:
            cjk = True
        else:
            fold = True
    return runs, fold, cjk


_GROUP_CHARS = frozenset(" \u00a0'’")
_GROUP_SPLIT = re.compile(r"[ \u00a0\u202f'’]")


def numeric_amounts(t: str, lex: CurrencyLexicon, runs: list[tuple[int, int]]) -> list[Amount]:
    """Money and percent candidates anchored on the digit runs of ``t`` (spans from _scan)."""
    out: list[Amount] = []
    consumed = 0
    for s, e in runs:
        if s < consumed:
            continue
        if s > 1 and t[s - 1] == "." and t[s - 2] in _LEADING_DOT_AFTER:
            s -= 1  # "$.75"
        raw = t[s:e]
        if not _GROUP_CHARS.isdisjoint(raw) and parse_digits(raw) is None:
            e = s + len(_GROUP_SPLIT.split(raw, 1)[0])
        amount = _common_amount(t, s, e, lex, consumed)
        if amount is None and not _plain_number(t, s, e, lex):
            side = _read_side(t, s, e, lex, floor=consumed)
            if side is not None:
                amount = _amount_from(t, side, lex)
            elif s and t[s - 1].isalpha():
                continue  # "H100": not a number of anything
        if amount is None:
            amount = _measure(t, s, e)
            if amount is None:
                continue
        out.append(amount)
        consumed = amount.end
    return out


# ---------------------------------------------------------------- fast path: common shapes

_FAST_PREFIX_MAX = 5  # the longest token _prefix_forms holds ("NZD$", "U.S.$")
_FAST_BOUNDARY = frozenset(" \t\n\r(")  # before a number: no sign, no glued word
_DIGIT = re.compile(r"\d")
_LOWER_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz")
_SCALE_STARTS = frozenset(" \u00a0-")  # what scale_re starts with, letters aside


@dataclass(frozen=True, slots=True)
class _PrefixForms:
    """Currency tokens read the same before any number: token -> (currency, form kind)."""

    forms: dict[str, tuple[str, str]]
    last_chars: frozenset[str]  # a cheap "no such token ends here"


@cache
def _prefix_forms() -> _PrefixForms:
    """Symbols and codes that prefix_at reads with no look at their context, built once."""
    # left out: the dollar signs (letters before them may name the dollar, handled apart),
    # currency words (the word before them matters), million codes and guarded codes
    lex = lexicon()
    forms: dict[str, tuple[str, str]] = {}
    tokens = [*lex.symbols, *(f"{p}$" for p in lex.dollar_prefixes), *lex.codes]
    for token in tokens:
        if (
            len(token) > _FAST_PREFIX_MAX
            or token in ("$", "＄")
            or any(c.isspace() or c.isdigit() or c in _RANGE_CUT_SET for c in token)
            or token[0] in "([{\"'“‘-\u2212\u2013\u2014"
            or token.endswith(":")
            or token[-1] in _LOWER_ASCII
        ):
            continue  # prefix_at trims it, or it ends like a word ("Rs"): not worth a look
        edge = token.strip(_TOKEN_EDGE)
        if edge and edge.isalpha() and edge.isascii() and edge.lower() not in lex.prefix_tokens:
            continue  # _plain_number would call the number plain
        named = lex.symbol_named(token)
        if named is None and token.endswith("."):
            named = lex.symbol_named(token[:-1])
        if named is not None:
            if named[2] == 0:
                forms[token] = (named[0], named[1])
        elif (code := lex.code(token)) and code not in lex.guarded_codes:
            forms[token] = (code, "code")
    forms["$"] = forms["＄"] = (DOLLAR, "symbol")
    return _PrefixForms(forms, frozenset(token[-1] for token in forms))


def _common_amount(t: str, s: int, e: int, lex: CurrencyLexicon, floor: int) -> Amount | None:
    """Fast path for the commonest shapes, or None to take the general path.

    "7.6%", "25 percent", "US$2.7 billion", "¥1,927", "INR 103 billion": the Amount
    _read_side and _amount_from would build, read straight from look-ups at the number when
    nothing unusual is beside it (no sign, no range partner, no sub-unit, no guarded code,
    no currency word); qualifiers are read as usual.
    """
    nxt = t[e : e + 1]
    if nxt == "%" or (nxt == " " and t.startswith("percent", e + 1)):
        return _common_percent(t, s, e, lex)
    j = s - 1 if s and t[s - 1] == " " else s
    forms = _prefix_forms()
    if j < 1 or t[j - 1] not in forms.last_chars:
        return None
    lo = max(0, j - _FAST_PREFIX_MAX - 1)
    k = max(t.rfind(" ", lo, j), t.rfind("(", lo, j)) + 1  # the token starts after either
    if k == 0 and lo > 0:
        return None  # a longer token, or one after a line break: the general path reads it
    form = forms.forms.get(t[k:j])
    if form is None or k < floor:
        return None
    currency, start = form[0], k
    if currency == DOLLAR:
        lettered = _lettered_dollar(t, k, lex)
        if lettered is not None:
            currency, start = lettered
            if start < floor:
                return None
    pos, power = e, 0
    if t[e : e + 1] in _SCALE_STARTS or t[e : e + 1].isalpha():
        m = lex.scale_re.match(t, e)
        if m:
            pos, power = m.end(), _scale_power(lex, m.group())
    if PCT_RE.match(t, pos) or _range_may_follow(t, pos):
        return None
    return _common_built(t, "money", start, pos, s, e, currency, power, lex)


def _common_percent(t: str, s: int, e: int, lex: CurrencyLexicon) -> Amount | None:
    """The fast path's "7.6%" and "25 percent" after a space, a bracket or a line break."""
    if s == 0 or t[s - 1] not in _FAST_BOUNDARY:
        return None
    if t[e] == "%":
        end = e + 1
    else:
        end = e + 8  # " percent"
        if t[end : end + 1] not in ("", " ", "\n", ",", ".", ";", ":", ")"):
            return None  # "percentage", "percent-owned": PCT_RE and suffix_at decide
        if t[s - 1] == " ":  # prefix_at reads the word before: a plain word is no currency
            word = _word_before(t, s)
            if word is None or word[1] + len(word[0]) != s - 1 or s - 1 - word[1] > 12:
                return None
            w, ws = word
            if not (w.isascii() and w.isalpha()) or w in lex.prefix_tokens:
                return None
            if ws and not t[ws - 1].isspace():
                return None
    if _range_may_follow(t, end):
        return None
    return _common_built(t, "percent", s, end, s, e, None, 0, lex)


def _range_may_follow(t: str, pos: int) -> bool:
    """True when a range connector and a number within reach follow ``pos`` ("-2", " to $2")."""
    m = _RANGE_CONN.match(t, pos)
    return m is not None and _DIGIT.search(t, m.end(), m.end() + 6) is not None


def _common_built(
    t: str,
    kind: str,
    start: int,
    end: int,
    s: int,
    e: int,
    currency: str | None,
    power: int,
    lex: CurrencyLexicon,
) -> Amount | None:
    """The fast path's Amount, unless a sign word or unparsable digits call for the general one."""
    if start and is_dash(t[start - 1]):
        return None  # "-$5 million": a negative amount
    before = _word_before(t, start)
    if before is not None and before[0] in _SIGN_WORDS:
        return None
    raw = t[s:e]
    value = _value(raw, currency, power, lex)
    if value is None:
        return None
    q = _qualifier_before(t, start, lex, before)
    return Amount(
        kind=kind,
        start=start,
        end=end,
        value=value,
        currency=currency,
        qualifier=q[0] if q else None,
        main_unit=kind == "money" and power == 0 and raw.isdigit(),
    )


def _measure(t: str, s: int, e: int) -> Amount | None:
    m = measure_at(t, s, e)
    if m is None:
        return None
    return Amount(
        kind="quantity",
        start=m.start,
        end=m.end,
        value=m.value,
        value_high=m.value_high,
        unit=m.unit,
        what=m.what,
    )


_TOKEN_EDGE = "()[]{}\"'“”‘’,;:!?."
_SPACES = frozenset(" \u00a0\t\n")
_SIGNIFICANT_BEFORE = frozenset("-\u2212\u2013\u2014.,'’")


def _plain_number(t: str, s: int, e: int, lex: CurrencyLexicon) -> bool:
    """Cheap rejection: True when no token beside the number can make it an amount."""
    if s:
        before = t[s - 1]
        if before in _SPACES:
            j = s - 1
            while j > 0 and t[j - 1] in _SPACES and s - j < 4:
                j -= 1
            sp = t.rfind(" ", max(0, j - 25), j)
            prev = t[sp + 1 : j]
            if sp < 0 or not prev.isalpha():  # not a plain word after a space: read it out
                k = j
                while k > 0 and not t[k - 1].isspace() and j - k < 24:
                    k -= 1
                prev = t[k:j].strip(_TOKEN_EDGE)
            if prev and (
                not prev.isalpha() or not prev.isascii() or prev.lower() in lex.prefix_tokens
            ):
                return False
        elif before.isalnum() or before in _SIGNIFICANT_BEFORE or before in lex.symbol_chars:
            return False
    if e >= len(t):
        return True
    nxt = t[e]
    if nxt in _SPACES:
        sp = t.find(" ", e + 1, e + 25)
        token = t[e + 1 : sp]
        if sp > e + 1 and token.isalpha():  # the common case: a plain word, then a space
            return token.isascii() and token.lower() not in lex.beside_tokens
        k = e + 1
        stop = min(len(t), k + 24)
        while k < stop and not t[k].isspace():
            k += 1
        token = t[e + 1 : k].strip(_TOKEN_EDGE).lower()
        return token.isalpha() and token.isascii() and token not in lex.beside_tokens
    return nxt in ",;:!?)" or (nxt == "." and (e + 1 >= len(t) or not t[e + 1].isalnum()))


def _amount_from(t: str, a: _Side, lex: CurrencyLexicon) -> Amount | None:
    before = a.before if a.read else _word_before(t, a.start)
    b = _range_partner(t, a, lex, before)
    first_open = a.currency is None and a.pct_unit is None
    if b is not None:
        if first_open:
            a.currency, a.divisor, a.pct_unit = b.currency, b.divisor, b.pct_unit
            a.form_kind = b.form_kind
            if a.power == 0 and b.power:
                a.power = b.power  # "1 to 2 billion dollars"
        elif a.power == 0 and b.power and a.prefix:
            a.power = b.power  # "$1-2 billion"
        if b.currency is None and b.pct_unit is None:
            b.currency, b.divisor, b.pct_unit = a.currency, a.divisor, a.pct_unit
            if b.power == 0 and a.power:
                b.power = a.power
        if not _compatible(a, b):
            if first_open:
                return None
            b = None
    kind = "money" if a.currency else "percent" if a.pct_unit else None
    if kind is None:
        return None
    value = _value(a.raw, a.currency, a.power, lex, a.divisor, a.negative)
    if value is None:
        return None
    if b is not None and before and before[0] == "between":
        q = _qualifier_before(t, before[1], lex)
    else:
        q = _qualifier_before(t, a.start, lex, before)
    amount = Amount(
        kind=kind,
        start=a.start,
        end=a.end,
        value=value,
        currency=a.currency,
        qualifier=q[0] if q else None,
        unit=a.pct_unit or "percent",
        subunit=a.divisor != 1,
        main_unit=(
            kind == "money" and b is None and a.divisor == 1 and a.power == 0 and a.raw.isdigit()
        ),
    )
    if b is not None:
        amount.value_high = _value(b.raw, b.currency, b.power, lex, b.divisor, b.negative)
        amount.end = b.end
        if amount.value_high is None:
            return None
    return amount


def _compatible(a: _Side, b: _Side) -> bool:
    if a.currency and b.currency:
        return a.currency == b.currency and a.divisor == b.divisor
    if a.pct_unit and b.pct_unit:
        return a.pct_unit == b.pct_unit
    return False


@cache
def _change_before() -> re.Pattern[str]:
    moves = supplement()["moves"]
    verbs = sorted({v for d in ("up", "down") for v in moves[d] if " " not in v} | {"by"})
    alt = alternation(verbs)
    return re.compile(rf"(?i:(?<![A-Za-z])(?:{alt}))[ \u00a0]+(?:[A-Za-z]+[ \u00a0]+)?$")


class _LazyPattern:
    """A pattern compiled on first use (keeps imports cheap)."""

    def __init__(self, build):
        self._build = build

    def search(self, text: str, pos: int, endpos: int):
        return self._build().search(text, pos, endpos)


_CHANGE_BEFORE = _LazyPattern(_change_before)


def _range_partner(
    t: str, a: _Side, lex: CurrencyLexicon, before: tuple[str, int] | None
) -> _Side | None:
    """The second number of "$1-2 billion", "5 to 7 percent", "between ¥1,000 and ¥2,000"."""
    # before: the word right before the first number, read once by the caller
    bare = a.currency is None and a.pct_unit is None
    anchor = a.end
    if bare or (a.prefix and a.power == 0):
        anchor = a.num_end if a.power == 0 else a.end
    m = _RANGE_CONN.match(t, anchor)
    if not m:
        return None
    word = m.group().strip(" \u00a0").lower()
    ctx = before[0] if before and before[0] in ("between", "from") else None
    if word == "and" and ctx != "between":
        return None
    if word != "and" and ctx == "from" and not _RANGE_FROM.search(t, max(0, a.start - 30), a.start):
        return None  # "rose from $1 billion to $2 billion": two amounts
    if word == "to" and ctx is None and _CHANGE_BEFORE.search(t, max(0, a.start - 30), a.start):
        return None  # "fell by $2 billion to $18 billion", "fell 3 pence to 52 pence"
    p = m.end()
    n = NUM_RE.match(t, p)
    if n is None:
        for k in range(1, 6):  # a repeated prefix: "$1 billion to $2 billion"
            n = NUM_RE.match(t, p + k)
            if n is not None:
                break
        if n is None:
            return None
    b = _read_side(t, n.start(), n.end(), lex)
    if b is None or b.start != p:
        return None
    if b.prefix and not a.prefix and not bare:
        return None
    return b


# ---------------------------------------------------------------- compounds

_COMPOUND_GAP = re.compile(r"[ \u00a0]+(?:and[ \u00a0]+)?")
_BARE_CENTS = re.compile(
    r"[ \u00a0]+(?:and[ \u00a0]+)?(?P<n>\d{1,2})(?=[ \u00a0]*(?:[.,;!?]|$|more))"
)


def merge_compounds(t: str, amounts: list[Amount], lex: CurrencyLexicon) -> list[Amount]:
    """ "20 dollars 43 cents", "3 GBP and one", "$20 43" → one amount in the main unit."""
    out: list[Amount] = []
    i = 0
    while i < len(amounts):
        a = amounts[i]
        nxt = amounts[i + 1] if i + 1 < len(amounts) else None
        if a.main_unit and a.value is not None and a.currency is not None:
            if (
                nxt is not None
                and nxt.subunit
                and nxt.value is not None
                and _COMPOUND_GAP.fullmatch(t, a.end, nxt.start)
                and nxt.value < 1
                and a.value >= 0
            ):
                out.append(_combined(t, a, nxt.value, nxt.end))
                i += 2
                continue
            m = _BARE_CENTS.match(t, a.end)
            if m and (nxt is None or nxt.start >= m.end()):
                out.append(_combined(t, a, Decimal(m.group("n")) / 100, m.end("n")))
                i += 1
                continue
            w = _written_cents(t, a.end)
            if w is not None and (nxt is None or nxt.start >= w[1]):
                out.append(_combined(t, a, w[0], w[1]))
                i += 1
                continue
        out.append(a)
        i += 1
    return out


def _combined(t: str, a: Amount, cents: Decimal, end: int) -> Amount:
    return Amount(
        kind="money",
        start=a.start,
        end=end,
        value=normalize(a.value + cents),
        currency=a.currency,
        qualifier=a.qualifier,
    )


_WRITTEN_TAIL = re.compile(
    r"[ \u00a0]+(?:and[ \u00a0]+)?(?P<w>(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety)(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen))(?=[ \u00a0]*(?:[.,;!?]|$))",
    re.I,
)


def _written_cents(t: str, pos: int) -> tuple[Decimal, int] | None:
    m = _WRITTEN_TAIL.match(t, pos)
    if not m:
        return None
    value = parse_written(re.split(r"[ -]", m.group("w")))
    if value is None or value >= 100:
        return None
    return value / 100, m.end("w")


# ---------------------------------------------------------------- where words may make amounts

# ``t`` as bytes, offset for offset: ASCII letters lower-cased, every other character a space
_WORD_BYTES = bytes(c | 0x20 if chr(c).isalpha() else 0x20 for c in range(128)) + b" " * 128
_BACK_WINDOW = 24  # how far _words_before looks back for the next number word
_PCT_WORDS = frozenset(["percent", "percents", "pct", "percentage"])
_ARTICLE_HEADS = ("dollar", "euro", "penny", "pound", "yen", "rupee", "cent")  # "a dollar"
_HEAD_REACH = 40  # a head starts at most 32 characters after its phrase ("per cent": 36)
_MAX_NUMBER_WORDS = 12  # "one hundred and twenty-three thousand four hundred …" fits


@dataclass(frozen=True, slots=True)
class _Cues:
    """The words written and vague amounts are found by, built once from the lexicon."""

    pattern: re.Pattern[bytes]  # a cue word in _WORD_BYTES text, after a space
    heads: frozenset[str]  # words a written amount may end in: currency, code, percent
    head_bytes: frozenset[bytes]
    number_bytes: frozenset[bytes]
    plurals: frozenset[str]
    plural_bytes: frozenset[bytes]
    mark_bytes: frozenset[bytes]  # words the move layer starts from, found in the same pass


@cache
def _cues(with_moves: bool = False) -> _Cues:
    """Cue words and head words, built once: what _cue_positions looks for and checks;
    ``with_moves`` adds the move cue words (a pipeline without moves does not pay for them)."""
    # a written amount holds a number word other than "a", "an" and "and", or is "a"/"an"
    # before one of _ARTICLE_HEADS; a vague amount starts with a vague plural
    lex = lexicon()
    plurals = frozenset(lex.vague_plurals)
    words = (NUMBER_WORDS - {"a", "an", "and"}) | set(_ARTICLE_HEADS) | plurals
    heads = lex.word_tokens | _PCT_WORDS | lex.lower_code_tokens
    marks = _move_cue_words() if with_moves else frozenset()
    return _Cues(
        pattern=re.compile(f" ({alternation(words | marks)})(?= )".encode()),
        heads=heads,
        head_bytes=frozenset(h.encode() for h in heads if h.isascii()),
        number_bytes=frozenset(w.encode() for w in NUMBER_WORDS),
        plurals=plurals,
        plural_bytes=frozenset(p.encode() for p in plurals),
        mark_bytes=frozenset(w.encode() for w in marks),
    )


@cache
def _move_cue_words() -> frozenset[str]:
    """Share words and flat-move words ("shares", "unchanged"), lower case: the places the
    move layer reads, found by the amount cue scan in the same pass over the text."""
    return frozenset(supplement()["moves"]["cue_words"])


def word_amounts(
    t: str, raw: bytes, lex: CurrencyLexicon, move_cues: bool = False
) -> tuple[list[Amount], list[tuple[int, int]]]:
    """Vague ("billions of dollars") and written-out ("two trillion yen") amounts in ``t``,
    and, if ``move_cues``, the (start, end) of its move cue words (``_move_cue_words``).

    ``raw``: ``t`` encoded as ASCII with replacements (offsets as in ``t``).
    """
    if "\u0130" in t:
        # the one character whose lower case is longer: offsets would shift
        return [], move_cue_spans(t) if move_cues else []
    if "\u212a" in t:
        # rare: a Kelvin sign lower-cases to "k", which the ASCII cue scan cannot see;
        # then every head and plural is tried
        low = t.lower()
        heads, plurals = _every_cue(low)
        marks = move_cue_spans(t) if move_cues else []
    else:
        bb = b" " + raw.translate(_WORD_BYTES) + b" "
        heads, plurals, marks = _cue_positions(bb, _cues(move_cues))
        low = t.lower() if heads else ""
    out = vague_amounts(t, plurals, lex) if plurals else []
    if heads:
        out.extend(written_amounts(t, low, heads, lex))
    return out, marks


def move_cue_spans(t: str) -> list[tuple[int, int]]:
    """(start, end) of the move cue words in ``t``, any case, each a whole run of ASCII
    letters: what the cue scan of ``word_amounts`` finds, read word by word."""
    marks = _move_cue_words()
    return [m.span() for m in _LETTERS.finditer(t) if m.group().lower() in marks]


def _cue_positions(
    bb: bytes, cues: _Cues
) -> tuple[set[tuple[str, int]], list[tuple[int, str]], list[tuple[int, int]]]:
    """Heads a written amount may end in, vague plurals, and move cue words (start, end),
    from the cue words of ``cues`` in ``bb``."""
    # bb: the text as _WORD_BYTES between two spaces (offsets one more than in the text).
    # From a number word the run of number words is followed forwards; each head within
    # _HEAD_REACH of a place the run may end is a candidate, checked in full later.
    heads: set[tuple[str, int]] = set()
    plurals: list[tuple[int, str]] = []
    marks: list[tuple[int, int]] = []
    size = len(bb)
    for m in cues.pattern.finditer(bb):
        word = m.group(1)
        if word in cues.plural_bytes:
            plurals.append((m.start(1) - 1, word.decode()))
        elif word in cues.mark_bytes:
            marks.append((m.start(1) - 1, m.end(1) - 1))
        elif word not in cues.number_bytes:  # "a dollar": the article is checked later
            heads.add((word.decode(), m.start(1) - 1))
        else:
            q = m.end(1)
            for _ in range(_MAX_NUMBER_WORDS):
                while q < size and bb[q] == 0x20:
                    q += 1
                if q == size:
                    break
                if not cues.head_bytes.isdisjoint(bb[q : q + _HEAD_REACH + 12].split()):
                    _heads_from(bb, q, cues.head_bytes, heads)
                end = bb.index(b" ", q)
                if bb[q:end] not in cues.number_bytes:
                    break
                q = end
    return heads, plurals, marks


def _heads_from(bb: bytes, q: int, head_bytes: frozenset[bytes], out: set[tuple[str, int]]) -> None:
    """Add to ``out`` the heads in ``bb`` that start within _HEAD_REACH of ``q``."""
    size = len(bb)
    r = q
    while r < size and r <= q + _HEAD_REACH:
        end = bb.index(b" ", r)
        if bb[r:end] in head_bytes:
            out.add((bb[r:end].decode(), r - 1))
        r = end
        while r < size and bb[r] == 0x20:
            r += 1


def _every_cue(low: str) -> tuple[set[tuple[str, int]], list[tuple[int, str]]]:
    """Every head word and vague plural in ``low``: what _cue_positions narrows down."""
    cues = _cues()
    heads: set[tuple[str, int]] = set()
    plurals: list[tuple[int, str]] = []
    for m in _WORD_RE.finditer(low):
        word = m.group()
        if word in cues.heads:
            heads.add((word, m.start()))
        if word in cues.plurals:
            plurals.append((m.start(), word))
    return heads, plurals


def _is_word_at(t: str, i: int, word: str) -> bool:
    """True when lower-cased ``t`` has ``word`` at ``i`` as a whole word (``t`` may be low)."""
    end = i + len(word)
    return (
        t[i:end].lower() == word
        and (i == 0 or not t[i - 1].lower().isalpha())
        and (end == len(t) or not t[end].lower().isalpha())
    )


# ---------------------------------------------------------------- written numbers


def written_amounts(
    t: str, low: str, candidates: set[tuple[str, int]], lex: CurrencyLexicon
) -> list[Amount]:
    """Amounts spelled out in words ("two trillion yen"), tried at the candidate heads."""
    by_head: dict[str, list[int]] = {}
    for head, hs in candidates:
        by_head.setdefault(head, []).append(hs)
    out: list[Amount] = []
    for head in sorted(by_head):
        positions = sorted(p for p in by_head[head] if _is_word_at(low, p, head))
        if head == "cent":  # "twelve per cent": the head is "per cent"
            positions = [p - 4 for p in positions if low.endswith("per ", 0, p)]
            head = "percent"
        for hs in positions:
            before = low[max(0, hs - 2) : hs].rstrip()
            if before[-1:].isdigit() or not before:
                continue  # "7.6 percent", "2 trillion yen": the digit scan has it
            amount = _written_at(
                t, low, hs, hs + (8 if low.startswith("per cent", hs) else len(head)), head, lex
            )
            if amount is not None:
                out.append(amount)
    return out


_UNIT_BEFORE = re.compile(r"(?i:cents?|pence|per|yen|dollars?|euros?|p)[ \u00a0]+$")
_BACK_WORD = re.compile(r"(?<![^\W\d_])([a-z]+)[ \u00a0-]+$")  # a whole word, not a tail


def _words_before(low: str, end: int) -> tuple[int, list[str]]:
    """Number words running back from ``end``; returns their start and the words."""
    words: list[str] = []
    pos = end
    start = end
    while len(words) < _MAX_NUMBER_WORDS:
        m = _BACK_WORD.search(low, max(0, pos - _BACK_WINDOW), pos)
        if not m or m.group(1) not in NUMBER_WORDS:
            break
        words.append(m.group(1))
        pos = start = m.start(1)
    words.reverse()
    while words and words[0] == "and":
        words.pop(0)
        start = low.index(words[0], start) if words else end
    return start, words


def _written_at(
    t: str, low: str, hs: int, he: int, head: str, lex: CurrencyLexicon
) -> Amount | None:
    for phrase_start in _phrase_starts(low, hs):
        start, words = _words_before(low, phrase_start)
        if not words or all(w == "and" for w in words):
            continue
        if words in (["a"], ["an"]) and head not in _ARTICLE_HEADS:
            continue
        if words in (["a"], ["an"]) and _UNIT_BEFORE.search(t, max(0, start - 16), start):
            continue  # "1.20 cents a pound": a unit of measure, not an amount
        if len(words) > 1 and words[-1] in ("a", "an") and words[-2] in ("half", "quarter"):
            words = words[:-1]  # "half a percentage point"
        value = Decimal(1) if words in (["a"], ["an"]) else parse_written(words)
        if value is None:
            continue
        sign = _word_before(t, start)
        if sign and sign[0] in _SIGN_WORDS:
            value, start = -value, sign[1]
        if head in _PCT_WORDS:
            if phrase_start != hs:
                continue
            end, unit = he, "percent"
            point = re.match(r"[ -]points?\b", t[he : he + 8])
            if head == "percentage" and point:
                end, unit = he + point.end(), "percentage_point"
            q = _qualifier_before(t, start, lex)
            return Amount(
                kind="percent",
                start=start,
                end=end,
                value=normalize(value),
                unit=unit,
                qualifier=q[0] if q else None,
            )
        form = suffix_at(t, phrase_start, lex)
        if form is None or form.end < he:
            continue
        scaled = any(
            w in ("thousand", "million", "billion", "trillion", "lakh", "crore") for w in words
        )
        if form.kind == "word" and _guard_rejects(
            t, t[form.start : form.end].lower(), form.end, scaled=scaled, lex=lex
        ):
            continue
        amount_value = value / form.divisor if form.divisor != 1 else value
        q = _qualifier_before(t, start, lex)
        return Amount(
            kind="money",
            start=start,
            end=form.end,
            value=normalize(amount_value),
            currency=form.currency,
            qualifier=q[0] if q else None,
            subunit=form.divisor != 1,
            main_unit=form.divisor == 1 and value == value.to_integral_value() and not scaled,
        )
    return None


_PHRASE_WORD = re.compile(r"([a-z.]+)\s+$")


def _phrase_starts(low: str, hs: int) -> list[int]:
    """Where a currency phrase ending at the head word may start ("us dollars")."""
    starts = [hs]
    pos = hs
    for _ in range(2):
        m = _PHRASE_WORD.search(low[max(0, pos - 16) : pos])
        if not m:
            break
        pos = max(0, pos - 16) + m.start()
        starts.append(pos)
    return starts


# ---------------------------------------------------------------- vague amounts


@cache
def _vague_re() -> re.Pattern[str]:
    plurals = "|".join(supplement()["vague"]["plurals"])
    return re.compile(
        rf"(?i:(?<![A-Za-z])(?P<mag>{plurals})(?:[ \u00a0]+of[ \u00a0]+(?:{plurals}))?"
        rf"[ \u00a0]+of)(?=[ \u00a0])"
    )


def vague_amounts(t: str, plurals: list[tuple[int, str]], lex: CurrencyLexicon) -> list[Amount]:
    """ "billions of dollars", "hundreds of millions of yen": currency known, value not."""
    out = []
    pattern = _vague_re()
    for i in sorted(i for i, plural in plurals if _is_word_at(t, i, plural)):
        m = pattern.match(t, i)
        if m is None:
            continue
        form = suffix_at(t, m.end(), lex)
        if form is None or form.kind not in ("word", "code"):
            continue
        out.append(
            Amount(
                kind="money",
                start=m.start(),
                end=form.end,
                value=None,
                currency=form.currency,
                qualifier="vague",
                vague=True,
            )
        )
    return out


# ---------------------------------------------------------------- CJK amounts


def cjk_amounts(t: str, lex: CurrencyLexicon) -> list[Amount]:
    """ "2兆円", "1兆2000億円", "103億ルピー", "5万元"."""
    if not any(trigger in t for trigger in _CJK_TRIGGERS):
        return []
    out = []
    for m in _CJK_RE.finditer(t):
        value = parse_cjk(m.group("num"))
        code = lex.symbols.get(m.group("cur"))
        if value is None or code is None:
            continue
        if m.start() > 0 and to_ascii(t[m.start() - 1]).isdigit():
            continue
        qualifier = next(
            (q for w, q in _CJK_QUALIFIERS.items() if t.endswith(w, 0, m.start())), None
        )
        out.append(
            Amount(
                kind="money",
                start=m.start(),
                end=m.end(),
                value=normalize(value),
                currency=code,
                qualifier=qualifier,
            )
        )
    return out


class Scan(NamedTuple):
    """One pass over a document: its amounts, and the words the move layer starts from."""

    amounts: list[Amount]  # as all_amounts gives them
    move_cues: list[tuple[int, int]]  # (start, end) of share and flat-move words, in order


def all_amounts(text: str) -> list[Amount]:
    """Every money and percent candidate in ``text``, non-overlapping, in text order."""
    return scan(text, move_cues=False).amounts


def scan(text: str, *, move_cues: bool = True) -> Scan:
    """:func:`all_amounts` of ``text`` and, if ``move_cues``, its move cue words, from the
    same reading."""
    lex = lexicon()
    raw = text.encode("ascii", "replace")  # offset for offset: non-ASCII characters read "?"
    runs, fold, cjk = _scan(text, raw)
    t = text
    if fold:  # same length: the spans still hold
        t = to_ascii(text)
        raw = t.encode("ascii", "replace")
    candidates = numeric_amounts(t, lex, runs)
    if cjk:
        candidates.extend(cjk_amounts(t, lex))
    words, cue_spans = word_amounts(t, raw, lex, move_cues)
    candidates.extend(words)
    candidates.sort(key=lambda a: (a.start, -(a.end - a.start)))
    out: list[Amount] = []
    last_end = -1
    for a in candidates:
        if a.start >= last_end:
            out.append(a)
            last_end = a.end
        elif out and a.end > out[-1].end and a.start <= out[-1].start:
            out[-1] = a
            last_end = a.end
    if b"://" in raw or b"www." in raw:
        urls = [m.span() for m in _URL_RE.finditer(t)]
        out = [a for a in out if not any(s <= a.start < e for s, e in urls)]
    merged = merge_compounds(t, out, lex)
    amounts = [a for a in merged if plausible(a.value) and plausible(a.value_high)]
    return Scan(amounts, cue_spans)
