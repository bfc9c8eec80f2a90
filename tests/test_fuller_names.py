"""A short mention takes the fuller name written earlier, unless no fuller name could matter.

The move resolver reads the words after each earlier occurrence of a mention ("Mitsui" in
"Mitsui Fudosan Co.") for a longer name of one company. It skips that reading when
``entities.longer_names_repeat`` says every longer name can only name what the mention
names alone; these tests pin that rule: the cases it must refuse, and that skipping gives
the hits of reading every occurrence, on the bundled table and on small tables of our own.
"""

from __future__ import annotations

import random

import pytest

import finfacts
from finfacts import entities, moves
from finfacts.entities import longer_names_repeat, register_companies, reset_companies
from finfacts.records import ShareMove

HEADER = "name,aliases,symbol,exchange,currency,country\n"
# Names chosen so that each condition of the rule is needed by at least one mention below.
OWN_ROWS = (
    "Acme,,AC1,XTKS,JPY,JP",
    "The Acme Company,,AC2,XTKS,JPY,JP",  # "Acme Corp." is this one, "Acme" the other
    "Kroger,,KR,XNYS,USD,US",
    "Foo Co,Foo,FOO1,XTKS,JPY,JP",
    "Foo Bar,,FOO2,XTKS,JPY,JP",
    "Bar,,BA2,XTKS,JPY,JP",  # "Ba" + "r"
    "Zed,,Z1,XTKS,JPY,JP",  # "Zed C" + "orp." strips back to "Zed"
    "O'Reilly Automotive,O'Reilly,ORLY,XNAS,USD,US",
)


@pytest.fixture(autouse=True)
def _bundled_table():
    reset_companies()
    yield
    reset_companies()


def use_table(rows: tuple[str, ...], tmp_path, monkeypatch) -> None:
    """Resolve against a company table of ``rows`` alone, with no bundled names around them."""
    path = tmp_path / "own.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    table = entities._Table([entities._load_companies(path)])
    monkeypatch.setattr(entities, "_table_cache", table)


@pytest.fixture
def own_table(tmp_path, monkeypatch):
    use_table(OWN_ROWS, tmp_path, monkeypatch)


def moves_of(text: str) -> list[tuple[str, str | None]]:
    return [(r.entity, r.ticker) for r in finfacts.extract(text) if isinstance(r, ShareMove)]


def test_a_fuller_name_written_earlier_still_decides():
    assert moves_of("Mitsui rose 2% on Tuesday.") == [("Mitsui", "8031.T")]
    text = "Mitsui Fudosan Co. said it would buy back shares. Mitsui rose 2% on Tuesday."
    assert moves_of(text) == [("Mitsui", "8801.T")]
    text = "SoftBank Corp. said it would raise prices. SoftBank fell 1.5%."
    assert moves_of(text) == [("SoftBank", "9434.T")]
    assert not longer_names_repeat("Mitsui")
    assert not longer_names_repeat("SoftBank")


def test_a_name_only_legal_forms_extend_resolves_as_before():
    assert longer_names_repeat("NEC")
    assert longer_names_repeat("Sakura Internet")
    assert longer_names_repeat("Rapidus")  # unknown, and nothing starts with it
    text = "NEC Corp. said it would buy back shares. NEC rose 2% on Tuesday."
    assert moves_of(text) == [("NEC", "6701.T")]
    assert moves_of("Sakura Internet Inc. jumped. Sakura Internet rose 3%.") == [
        ("Sakura Internet", "3778.T")
    ]


def test_a_registered_name_that_extends_a_mention_is_honoured(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "NEC Networks,,NECN.T,XTKS,JPY,JP\n")
    register_companies(path)
    assert not longer_names_repeat("NEC")
    text = "NEC Networks Ltd. said it would buy back shares. NEC rose 2% on Tuesday."
    assert moves_of(text) == [("NEC", "NECN.T")]
    assert moves_of("NEC rose 2% on Tuesday.") == [("NEC", "6701.T")]
    reset_companies()
    assert longer_names_repeat("NEC")


@pytest.mark.parametrize(
    ("mention", "repeats"),
    [
        ("Acme", False),  # "Acme Corp." reads as The Acme Company
        ("Foo", False),  # "Foo Bar" continues it
        ("Ba", False),  # "Bar" continues its last word
        ("Zed C", False),  # "Zed Corp.": the continued word is a legal form
        ("The Kroger", False),
        ("Kroger", True),  # "Kroger Inc." is Kroger
        ("Zed", True),
        ("Qux", True),
        ("", False),
    ],
)
def test_the_rule_on_a_table_of_our_own(own_table, mention, repeats):
    assert longer_names_repeat(mention) is repeats


def test_acme_corp_is_the_company_whose_name_has_a_legal_form(own_table):
    assert moves_of("Acme rose 2%.") == [("Acme", "AC1")]
    assert moves_of("Acme Corp. said sales grew. Acme rose 2%.") == [("Acme", "AC2")]


def test_a_fuller_name_starts_with_the_mention_as_a_whole_word(tmp_path, monkeypatch):
    """ "Intel" is not read in "Intelsat SA", nor "Th" in "The Kroger Co": a fuller name
    continues the mention with more words, never with more letters of its last word."""
    use_table(
        (
            "Intel Corp,Intel,INTC,XNAS,USD,US",
            "Intelsat SA,Intelsat,ISAT,XNYS,USD,US",
            "Kroger,,KR,XNYS,USD,US",
        ),
        tmp_path,
        monkeypatch,
    )
    text = "Intelsat SA said it would buy satellites. Intel shares rose 2%."
    assert moves_of(text) == [("Intel", "INTC")]
    assert not longer_names_repeat("Th")  # the rule stays careful: "Th" + "e Kroger Co"
    text = "The Kroger Co said sales grew. Th"
    assert symbol_of(moves._Resolver(text)("Th", len(text) - 2)) is None


def test_a_mention_whose_words_the_reader_splits(own_table):
    # Read as "Foo", "Bar", "Baz": the two words after "Foo" are the mention's own.
    text = "Foo/Bar/Baz said sales grew. Foo/Bar/Baz rose 2%."
    assert symbol_of(moves._Resolver(text)("Foo/Bar/Baz", text.rindex("Foo"))) == "FOO2"
    assert entities.lookup("Foo/Bar/Baz") == ()


def symbol_of(hit) -> str | None:
    return hit.symbol if hit else None


def _hits(text: str, mentions: list[tuple[str, int]]) -> list[tuple | None]:
    moves._named.clear()
    moves._tails.clear()
    resolver = moves._Resolver(text)
    hits = [resolver(m, at) for m, at in mentions]
    return [h and (h.name, h.symbol, h.exchange, h.is_index) for h in hits]


@pytest.mark.parametrize("own", [False, True])
def test_skipping_gives_the_hits_of_reading_every_occurrence(request, monkeypatch, own):
    if own:
        request.getfixturevalue("own_table")
    rng = random.Random(7)
    table = entities._table()
    names = sorted(c.name for c in table.companies.values())
    names = [*rng.sample(names, min(40, len(names))), "Mitsui", "NEC", "SoftBank", "Acme"]
    extras = ["Corp.", "& Co.", "Inc", "Ltd.", "Group", "'s", "The", "rose", "-", "orp", "r", "e"]
    seps = [" ", " ", ", ", ". ", "-", "/", "\n", ""]
    for _ in range(30):
        pieces = [rng.choice(names if rng.random() < 0.5 else extras) for _ in range(12)]
        text = "".join(p + rng.choice(seps) for p in pieces)
        words = text.split()
        mentions = []
        for _ in range(12):
            i = rng.randrange(len(words))
            mention = " ".join(words[i : i + rng.randint(1, 3)]).strip(".,")
            if len(mention) > 2 and rng.random() < 0.3:
                mention = mention[: rng.randint(1, len(mention) - 1)]  # cut inside a word
            if mention:
                at = [k for k in range(len(text)) if text.startswith(mention, k)]
                mentions += [(mention, k) for k in (*at[:2], len(text))]
        skipped = _hits(text, mentions)
        with monkeypatch.context() as patch:
            patch.setattr(moves, "_only_repeats", lambda mention: False)
            read = _hits(text, mentions)
        assert skipped == read, text
