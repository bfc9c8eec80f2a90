"""Numerals as news writes them → exact Decimals.

Digits with any grouping (1,927; 1,03,000; 1.234.567,89; 1 029,00), full-width digits,
written-out numbers ("one and a half", "a hundred"), and CJK numerals (1兆2000億).
Separator guessing is explicit and documented in docs/conventions.md: a lone comma
followed by three digits groups thousands (English news: "1,927", "Rs 10,372 crore");
a lone dot followed by three digits is a decimal point unless the currency shows no
minor unit on price tags (JPY, KRW, IDR) and no scale word follows.
"""

from __future__ import annotations

import re
from decimal import MAX_PREC, Context, Decimal, InvalidOperation

_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("，"): ord(","), ord("．"): ord("."), ord("－"): ord("-")})
_GROUP_SPACES = "\u00a0\u202f\u2009 '’"
_GROUP_SET = frozenset(_GROUP_SPACES)
_DASHES = "-\u2212\u2012\u2013\u2014\ufe63\uff0d"


_NEEDS_ASCII = re.compile(r"[\uff0c-\uff19]")
_ONE = Decimal(1)
_UNROUNDED = Context(prec=MAX_PREC)  # quantizing to units never rounds; built once


def to_ascii(text: str) -> str:
    """Full-width digits and punctuation to ASCII; same length, so offsets still hold."""
    if text.isascii() or _NEEDS_ASCII.search(text) is None:
        return text
    return text.translate(_FULLWIDTH)


def parse_digits(raw: str, *, zero_decimal: bool = False, scaled: bool = False) -> Decimal | None:
    """Parse a digit string with grouping/decimal separators; None when it is malformed.

    ``zero_decimal``: the currency has no minor unit (JPY, KRW, IDR), so "350.000" groups.
    ``scaled``: a scale word follows ("1.927 trillion"), so a lone separator is decimal.
    """
    s = to_ascii(raw).strip()
    if s.isdigit() and s.isascii():  # the common "2019", "103": nothing to guess
        return Decimal(s)
    if not _GROUP_SET.isdisjoint(s):
        for ch in _GROUP_SPACES:
            s = s.replace(ch, " ")
        groups = s.split(" ")
        # "1 029,00": space groups, then an optional decimal comma/dot in the last group
        last = groups[-1]
        dec = ""
        for sep in ",.":
            if sep in last:
                last, dec = last.split(sep, 1)
                break
        if not all(len(g) == 3 for g in [*groups[1:-1], last]) or not groups[0]:
            return None
        s = "".join([*groups[:-1], last]) + ("." + dec if dec else "")
        return _decimal(s)
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        dec_sep = "," if s.rfind(",") > s.rfind(".") else "."
        grp_sep = "." if dec_sep == "," else ","
        if s.count(dec_sep) != 1:
            return None
        int_part, frac = s.split(dec_sep)
        if not _valid_groups(int_part, grp_sep):
            return None
        return _decimal(int_part.replace(grp_sep, "") + "." + frac)
    if commas:
        return _one_separator(s, ",", zero_decimal=zero_decimal, scaled=scaled, comma=True)
    if dots:
        return _one_separator(s, ".", zero_decimal=zero_decimal, scaled=scaled, comma=False)
    return _decimal(s)


def _one_separator(
    s: str, sep: str, *, zero_decimal: bool, scaled: bool, comma: bool
) -> Decimal | None:
    parts = s.split(sep)
    if len(parts) > 2:  # 1,234,567 or 1.234.567 or Indian 1,03,000: grouping only
        return _decimal(s.replace(sep, "")) if _valid_groups(s, sep) else None
    int_part, frac = parts
    if not int_part:  # ".75"
        return _decimal("0." + frac) if frac.isdigit() else None
    if len(frac) == 3 and len(int_part) <= 3:
        # Ambiguous "1,927" / "3.350": news convention decides (see module docstring).
        grouping = comma or (zero_decimal and not scaled)
        if grouping:
            return _decimal(int_part + frac)
    return _decimal(int_part + "." + frac)


def _valid_groups(int_part: str, sep: str) -> bool:
    groups = int_part.split(sep)
    if not groups[0] or len(groups[0]) > 3 or not all(g.isdigit() for g in groups):
        return False
    rest = groups[1:]
    if not rest:
        return True
    if rest[-1] and len(rest[-1]) != 3:
        return False
    middle = rest[:-1]
    # Western groups of three, or Indian groups of two before the last three.
    return all(len(g) == 3 for g in middle) or all(len(g) == 2 for g in middle)


def _decimal(s: str) -> Decimal | None:
    if not s.replace(".", "", 1).isdigit():  # digits with at most one dot
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


# ---------------------------------------------------------------- written numbers

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_MULTIPLIERS = {
    "hundred": 2,
    "thousand": 3,
    "lakh": 5,
    "lakhs": 5,
    "million": 6,
    "crore": 7,
    "crores": 7,
    "billion": 9,
    "trillion": 12,
}
_FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25")}
_FRACTION_PLURALS = {
    "halves": Decimal("0.5"),
    "quarters": Decimal("0.25"),
    "thirds": Decimal(1) / 3,
}
NUMBER_WORDS = frozenset(
    [*_UNITS, *_MULTIPLIERS, *_FRACTIONS, *_FRACTION_PLURALS, "a", "an", "and", "dozen"]
)


def parse_written(words: list[str]) -> Decimal | None:
    """Value of written-out number words ("one and a half billion", "a hundred million").

    Returns None when the words do not form a number.
    """
    total = Decimal(0)
    current = Decimal(0)
    article = False
    seen = False
    for raw in words:
        w = raw.lower()
        if w == "and":
            continue
        if w in ("a", "an"):
            article = True
            continue
        if w in _UNITS:
            if article:
                return None
            current += _UNITS[w]
        elif w in _FRACTIONS:
            current += _FRACTIONS[w]
            article = False
        elif w in _FRACTION_PLURALS:
            if not current:
                return None
            current *= _FRACTION_PLURALS[w]
        elif w == "dozen":
            current = (current or 1) * 12
            article = False
        elif w in _MULTIPLIERS:
            power = _MULTIPLIERS[w]
            base = current if current else Decimal(1)
            if power == 2:
                current = base * 100
            else:
                total += base * (Decimal(10) ** power)
                current = Decimal(0)
            article = False
        else:
            return None
        seen = True
    if not seen or article:
        return None
    return total + current


# ---------------------------------------------------------------- CJK numerals

_CJK_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CJK_DIGITS["零"] = 0
_CJK_SMALL = {"十": 1, "百": 2, "千": 3}
_CJK_LARGE = {"万": 4, "萬": 4, "億": 8, "亿": 8, "兆": 12}


def parse_cjk(raw: str) -> Decimal | None:
    """Value of a CJK numeral, digits mixed with 十百千万億兆 ("1兆2000億" → 1.2e12)."""
    s = to_ascii(raw).replace(",", "")
    total = Decimal(0)
    section = Decimal(0)
    buf = ""
    try:
        for ch in s:
            if ch.isdigit() or ch == ".":
                buf += ch
            elif ch in _CJK_DIGITS:
                buf += str(_CJK_DIGITS[ch])
            elif ch in _CJK_SMALL:
                section += (Decimal(buf) if buf else Decimal(1)) * 10 ** _CJK_SMALL[ch]
                buf = ""
            elif ch in _CJK_LARGE:
                section += Decimal(buf) if buf else Decimal(0)
                if section == 0:
                    section = Decimal(1)
                total += section * (Decimal(10) ** _CJK_LARGE[ch])
                section, buf = Decimal(0), ""
            else:
                return None
        return total + section + (Decimal(buf) if buf else Decimal(0))
    except InvalidOperation:
        return None


def normalize(value: Decimal) -> Decimal:
    """Plain positional notation (2.7E+9 → 2700000000), keeping the digits as written.

    "7.60%" stays 7.60: the reported precision tells how close a check must be.
    """
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        return value.quantize(_ONE, context=_UNROUNDED)
    return value


def plausible(value: Decimal | None) -> bool:
    """An amount a fact can hold: under 10^24 and no finer than 10^-12 (what exports store)."""
    if value is None:
        return True
    exponent = value.as_tuple().exponent
    return value.adjusted() < 24 and (not isinstance(exponent, int) or exponent >= -12)


def is_dash(ch: str) -> bool:
    """True for ASCII hyphen, Unicode minus and the dashes news uses in ranges and negatives."""
    return ch in _DASHES
