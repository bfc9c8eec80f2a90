"""The currency lexicon: CLDR tables merged with the news supplement, loaded once, lazily.

Nothing here runs at import time; the first extraction builds the tables (a few ms),
later ones reuse them. Currency forms are looked up in dictionaries from the one to
three tokens beside a number, so no pattern ever alternates over hundreds of names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from finfacts.lexicon import cldr_currencies as cldr

DOLLAR = "$"  # marker: the document's dollar
YEN_SIGN = "¥"  # marker: yen or yuan by context


@cache
def supplement() -> dict:
    """The parsed supplement.toml."""
    text = resources.files("finfacts.lexicon").joinpath("supplement.toml").read_text("utf-8")
    return tomllib.loads(text)


class Form(NamedTuple):
    """A currency form found beside a number (a tuple: one or two are built per number)."""

    currency: str  # ISO code, or the DOLLAR / YEN_SIGN marker
    start: int
    end: int
    kind: str  # "symbol" | "code" | "word" | "subunit"
    power: int = 0  # "MUSD" carries millions
    divisor: int = 1  # sub-units: cents -> 100


@dataclass(frozen=True)
class CurrencyLexicon:
    """All currency forms finfacts recognises, with the few patterns built from them."""

    symbols: dict[str, str]  # symbol as written -> ISO code or marker
    codes: frozenset[str]  # ISO codes accepted in upper case
    lower_codes: frozenset[str]  # ISO codes also accepted in lower case
    million_codes: frozenset[str]
    dollar_prefixes: dict[str, str]  # "HK" in "HK$" -> HKD
    words: dict[str, str]  # lower-cased names -> ISO code or marker
    guarded_words: frozenset[str]
    guarded_codes: frozenset[str]
    subunits: dict[str, tuple[str, int]]
    scales: dict[str, int]
    qualifiers: tuple[str, ...]
    qualifier_set: frozenset[str]
    qualifier_tails: frozenset[str]  # last words of qualifiers: a cheap "no qualifier here"
    name_heads: frozenset[str]  # first words of several-word currency names ("us", "new")
    vague_plurals: tuple[str, ...]
    digits: dict[str, int]
    cash_digits: dict[str, int]
    scale_re: re.Pattern[str]
    word_tokens: frozenset[str]  # last tokens of currency names and sub-units
    lower_code_tokens: frozenset[str]  # "usd", "eur": codes that may be written in lower case
    beside_tokens: frozenset[str]  # lower-cased tokens that may make a number an amount
    prefix_tokens: frozenset[str]  # lower-cased tokens that may stand before an amount
    symbol_chars: frozenset[str]  # characters that end a currency symbol ("$", "€", "円")

    def minor_digits(self, code: str | None) -> int:
        """Digits a price in this currency shows (cash digits; 2 when unknown): IDR 0, JPY 0."""
        code = code or ""
        return self.cash_digits.get(code, self.digits.get(code, 2))

    def code(self, token: str) -> str | None:
        """ISO code for a token written as a code ("USD", "usd"; "ALL" only in capitals)."""
        up = token.upper()
        if up not in self.codes:
            return None
        return up if token == up or up in self.lower_codes else None

    def symbol(self, token: str) -> Form | None:
        """A symbol, dollar-prefixed symbol or million-code written as one token."""
        named = self.symbol_named(token)
        if named is None:
            return None
        return Form(named[0], 0, len(token), named[1], power=named[2])

    def symbol_named(self, token: str) -> tuple[str, str, int] | None:
        """``symbol`` as (currency, kind, power), building no Form: it runs once per number."""
        code = self.symbols.get(token)
        if code is not None:
            return code, "symbol", 0
        if token.endswith("$") and len(token) > 1:
            letters = token[:-1].strip(" \u00a0").upper()
            code = self.dollar_prefixes.get(letters) or (
                letters if len(letters) == 3 and letters in self.codes else None
            )
            if code:
                return code, "symbol", 0
        if len(token) == 4 and token[0] == "M" and token[1:] in self.million_codes:
            return token[1:], "code", 6
        return None


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=lambda f: (-len(f), f)))


@cache
def lexicon() -> CurrencyLexicon:
    """Build (once) the merged currency lexicon."""
    sup = supplement()
    ignored = set(sup["symbols_ignored"]["list"])
    symbols: dict[str, str] = {}
    for sym, codes in cldr.SYMBOLS.items():
        if sym not in ignored and codes:
            symbols[sym] = codes[0]
    symbols.update(sup["symbols"])
    for sym in ("$", "＄"):
        symbols[sym] = DOLLAR
    for sym in ("¥", "￥"):
        symbols[sym] = YEN_SIGN
    codes = frozenset(cldr.DIGITS) | frozenset(sup["extra_codes"]["list"])
    guarded_codes = frozenset(sup["guarded_codes"]["list"])
    # English names of currencies in use today; historic ones only where the supplement
    # names them (FIM, ESP): "gold", "unit", "rights" must never read as money.
    words = {name: code for name, code in cldr.NAMES.items() if code in cldr.CURRENT}
    words.update(sup["words"])
    subunits = {k: (v[0], int(v[1])) for k, v in sup["subunits"].items()}
    scales = dict(sup["scales"])
    qualifiers = tuple(sup["qualifiers"]["list"])
    one_letter = [s for s in scales if len(s) == 1]
    long_scales = [s for s in scales if len(s) > 1]
    scale = (
        rf"(?:[ \u00a0]?-?(?:(?i:{_alternation(long_scales)})(?![A-Za-z])"
        rf"|(?<=\d)(?:{_alternation(one_letter)})(?![A-Za-z])))+"
    )
    tokens = {w.split()[-1] for w in words} | set(subunits)
    return CurrencyLexicon(
        symbols=symbols,
        codes=codes,
        lower_codes=frozenset(c for c in codes if c not in guarded_codes),
        million_codes=frozenset(sup["million_codes"]["list"]),
        dollar_prefixes={k.upper(): v for k, v in sup["dollar_prefixes"].items()},
        words=words,
        guarded_words=frozenset(sup["guarded_words"]["list"]),
        guarded_codes=guarded_codes,
        subunits=subunits,
        scales=scales,
        qualifiers=qualifiers,
        qualifier_set=frozenset(q.lower() for q in qualifiers),
        qualifier_tails=frozenset(q.lower().split(" ")[-1] for q in qualifiers),
        name_heads=frozenset(w.split()[0] for w in words if " " in w),
        vague_plurals=tuple(sup["vague"]["plurals"]),
        digits={**dict(cldr.DIGITS), "BTC": 8},
        cash_digits=dict(cldr.CASH_DIGITS),
        scale_re=re.compile(scale),
        word_tokens=frozenset(t for t in tokens if t.isalpha()),
        lower_code_tokens=frozenset(c.lower() for c in codes if c not in guarded_codes),
        prefix_tokens=frozenset(
            {w.split()[-1] for w in words}
            | {c.lower() for c in codes}
            | {s.lower() for s in symbols}
            | {f"m{c.lower()}" for c in sup["million_codes"]["list"]}
            | set(sup["signs"]["list"])
        ),
        symbol_chars=frozenset(s[-1] for s in symbols if not s[-1].isalnum()) | {"$"},
        beside_tokens=frozenset(
            {w.split()[0] for w in words}
            | {w.split()[-1] for w in words}
            | {c.lower() for c in codes}
            | {s.lower() for s in symbols}
            | {s.lower() for s in scales}
            | {f"m{c.lower()}" for c in sup["million_codes"]["list"]}
            | set(subunits)
            | set(sup["signs"]["list"])
            | {
                "to",
                "and",
                "percent",
                "percents",
                "per",
                "pct",
                "pc",
                "percentage",
                "basis",
                "bps",
                "bp",
                "pp",
                "ppt",
                "ppts",
            }
        ),
    )
