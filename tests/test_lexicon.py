"""The currency lexicon: generated CLDR data cannot drift, the supplement stays consistent."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import get_currency_precision

from finfacts.lexicon import generate
from finfacts.lexicon.cldr_currencies import DIGITS, NAMES, SYMBOLS
from finfacts.lexicon.currency import DOLLAR, YEN_SIGN, lexicon, supplement


def test_generated_module_matches_babel() -> None:
    committed = Path(generate.__file__).with_name("cldr_currencies.py").read_text("utf-8")
    assert generate.build() == committed, "run: python -m finfacts.lexicon.generate"


def test_cldr_tables_hold_what_news_needs() -> None:
    assert SYMBOLS["€"] == ("EUR",)
    assert SYMBOLS["¥"][0] == "JPY" and "CNY" in SYMBOLS["¥"]
    assert NAMES["indian rupees"] == "INR"
    assert DIGITS["JPY"] == get_currency_precision("JPY") == 0


def test_supplement_maps_only_to_known_codes() -> None:
    lex = lexicon()
    sup = supplement()
    markers = {DOLLAR, YEN_SIGN}
    for table in ("symbols", "words", "dollar_prefixes"):
        for form, code in sup[table].items():
            assert code in markers or code in lex.codes, f"{table}: {form} -> {code}"
    for word, (family, divisor) in lex.subunits.items():
        assert family in markers or family in lex.codes, word
        assert divisor in (10, 100, 100_000_000), word


def test_news_forms_resolve() -> None:
    lex = lexicon()
    assert lex.symbol("US$").currency == "USD"
    assert lex.symbol("NT$").currency == "TWD"
    assert lex.symbol("HK$").currency == "HKD"
    assert lex.symbol("Rs.").currency == "INR"
    assert lex.symbol("MUSD").power == 6
    assert lex.code("usd") == "USD"
    assert lex.code("all") is None and lex.code("ALL") == "ALL"  # a word in lower case


def test_english_words_that_are_codes_stay_guarded() -> None:
    lex = lexicon()
    for word in ("all", "cad", "top", "try", "mad", "pen", "cup"):
        assert word not in lex.lower_code_tokens
    # a currency name's last word alone is not a currency: "Zimbabwean gold" is, "gold" not
    assert "gold" not in lex.words and "zimbabwean gold" in lex.words


def test_last_words_of_currency_names_are_not_money_alone() -> None:
    from finfacts.extract import extract

    facts = extract("Japan won 3 gold medals and scored 2 marks.")
    assert facts and all(f.kind == "quantity" for f in facts)  # counted things, not money
