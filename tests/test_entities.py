"""Company and index resolution: seed articles, ambiguity, normalisation, user files, data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from finfacts import entities
from finfacts.entities import (
    DocumentEntities,
    core_name,
    lookup,
    normalize,
    register_companies,
    reset_companies,
    resolve_index,
    resolve_name,
)
from finfacts.errors import InputError
from finfacts.markets import exchange_for_symbol, is_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = {d["id"]: d for d in map(json.loads, (ROOT / "tests/data/seeds.jsonl").open())}


def seed_text(doc_id: str) -> str:
    return SEEDS.joinpath(GOLD[doc_id]["file"]).read_text("utf-8")


@pytest.fixture(autouse=True)
def _bundled_table():
    reset_companies()
    yield
    reset_companies()


def symbol(company):
    return company.symbol if company else None


# --------------------------------------------------------------------------- seed articles


def test_bloomberg_short_mentions_resolve_to_the_full_names_used_earlier():
    text = seed_text("003")
    doc = DocumentEntities.scan(text)
    sentence_at = text.index("Shares of Sakura Internet")
    # The move sentence names the companies briefly, in the order of the gold moves.
    short_names = ["Sakura Internet", "SoftBank", "NTT", "NEC", "Mitsui"]
    expected = [m["ticker"] for m in GOLD["003"]["moves"]]
    got = []
    for name in short_names:
        offset = text.index(name, sentence_at)
        got.append(symbol(doc.resolve(name, offset)))
    assert got == expected


def test_short_mention_reports_the_earlier_full_name_it_came_from():
    text = seed_text("003")
    doc = DocumentEntities.scan(text)
    offset = text.index("SoftBank and NTT")
    antecedent = doc.antecedent("SoftBank", offset)
    assert antecedent is not None
    assert antecedent.surface == "SoftBank Corp."
    assert text[antecedent.start : antecedent.end] == antecedent.surface
    assert antecedent.end <= offset
    mitsui = doc.antecedent("Mitsui", text.index("Mitsui shed"))
    assert mitsui is not None and mitsui.surface == "Mitsui & Co."


def test_nissan_in_the_appended_story_of_seed_001():
    text = seed_text("001")
    move = GOLD["001"]["moves"][0]
    doc = DocumentEntities.scan(text)
    offset = text.index(move["entity"] + " shares")
    assert symbol(doc.resolve(move["entity"], offset)) == move["ticker"]


def test_full_names_in_seed_000_and_001():
    for doc_id, expected in {
        "000": {
            "SoftBank Group": "9984.T",
            "NEC Corporation": "6701.T",
            "Nippon Telegraph and Telephone Corporation": "9432.T",
            "TSMC": "2330.TW",
        },
        "001": {
            "Softbank Corp": "9434.T",
            "Nippon Telegraph & Telephone Corp": "9432.T",
            "Sakura Internet Inc": "3778.T",
            "Mitsui & Co": "8031.T",
            "Taiwan Semiconductor Manufacturing Co": "2330.TW",
            "Hon Hai Precision Industry Co": "2317.TW",
            "Tesla Inc": "TSLA",
            "Alphabet Inc": "GOOGL",
            "Microsoft Corp": "MSFT",
        },
    }.items():
        found = {
            m.surface: symbol(m.company) for m in DocumentEntities.scan(seed_text(doc_id)).mentions
        }
        for surface, ticker in expected.items():
            assert found.get(surface) == ticker, (doc_id, surface)


def test_scan_spans_are_exact_and_in_order():
    text = seed_text("001")
    mentions = DocumentEntities.scan(text).mentions
    assert mentions
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    # A possessive is not part of the name; a CJK name in parentheses is found too.
    nttt = next(m for m in mentions if m.surface.startswith("Nippon Telegraph"))
    assert text[nttt.end : nttt.end + 2] == "’s"
    assert any(m.surface == "台積電" and symbol(m.company) == "2330.TW" for m in mentions)


# --------------------------------------------------------------------------- ambiguity


def test_softbank_alone_is_ambiguous():
    doc = DocumentEntities.scan("SoftBank shares fell 2% in Tokyo.")
    assert doc.resolve("SoftBank", 0) is None
    assert {c.symbol for c in lookup("SoftBank")} == {"9434.T", "9984.T"}
    assert resolve_name("SoftBank") is None


def test_softbank_after_softbank_group_is_the_group():
    text = "SoftBank Group Corp. said it would sell shares. SoftBank fell 2%."
    doc = DocumentEntities.scan(text)
    assert symbol(doc.resolve("SoftBank", text.index("SoftBank fell"))) == "9984.T"


def test_softbank_after_both_full_names_stays_ambiguous():
    text = "SoftBank Group Corp. owns a stake in SoftBank Corp. SoftBank fell 2%."
    doc = DocumentEntities.scan(text)
    assert doc.resolve("SoftBank", text.index("SoftBank fell")) is None
    assert symbol(doc.resolve("SoftBank Group", text.index("SoftBank fell"))) == "9984.T"


def test_only_earlier_names_count():
    text = "SoftBank rose 1%. Later, SoftBank Corp. said it would raise prices."
    doc = DocumentEntities.scan(text)
    assert doc.resolve("SoftBank", 0) is None
    assert symbol(doc.resolve("SoftBank", len(text))) == "9434.T"


def test_unambiguous_short_names_resolve_without_context():
    doc = DocumentEntities.scan("NEC fell 3.6% while Mitsui shed 1.4%.")
    assert symbol(doc.resolve("NEC", 0)) == "6701.T"
    assert symbol(doc.resolve("NTT", 0)) == "9432.T"
    assert symbol(doc.resolve("Nissan Motor Co", 0)) == "7201.T"


def test_short_form_of_an_earlier_unlisted_alias():
    text = "Sakura Internet Inc. jumped. Sakura has rallied all year."
    doc = DocumentEntities.scan(text)
    assert symbol(doc.resolve("Sakura", text.index("Sakura has"))) == "3778.T"
    assert resolve_name("Sakura") is None


def test_unknown_companies_are_never_guessed():
    text = "Rapidus, a chip foundry, and ByteDance Ltd were not listed."
    doc = DocumentEntities.scan(text)
    assert doc.mentions == ()
    assert doc.resolve("Rapidus", 0) is None
    assert doc.resolve("ByteDance Ltd", text.index("ByteDance")) is None
    assert lookup("Rapidus") == ()


# --------------------------------------------------------------------------- normalisation


def test_normalisation_of_ampersand_apostrophes_and_possessives():
    assert normalize("Nippon Telegraph & Telephone Corp’s") == normalize(
        "Nippon Telegraph and Telephone Corp"
    )
    assert normalize("NVIDIA’s") == normalize("Nvidia's") == "nvidia"
    assert symbol(resolve_name("McDonald’s")) == "MCD"
    assert symbol(resolve_name("Mitsui and Co.")) == "8031.T"
    assert symbol(resolve_name("Nestlé India")) == "NESTLEIND.NS"


def test_legal_suffixes_are_ignored_but_group_is_not():
    assert core_name("Nissan Motor Co., Ltd.") == "nissan motor"
    assert core_name("SoftBank Group Corp") == "softbank group"
    assert symbol(resolve_name("SoftBank Corporation")) == "9434.T"
    assert symbol(resolve_name("SoftBank Group Corp.")) == "9984.T"
    assert symbol(resolve_name("Sakura Internet Inc.")) == "3778.T"
    assert symbol(resolve_name("NVIDIA Corporation")) == "NVDA"


@pytest.mark.parametrize(
    "text",
    [
        "Analysts expect a sharp drop in visa applications.",
        "The target price was cut; necessary steps were taken.",
        "Nec and ntt are not how those companies are written.",
    ],
)
def test_scan_ignores_ordinary_words(text):
    assert DocumentEntities.scan(text).mentions == ()


def test_scan_does_not_join_names_across_a_sentence_end():
    text = "The camera maker was Sony. Group sales rose."
    (mention,) = DocumentEntities.scan(text).mentions
    assert mention.surface == "Sony"
    assert symbol(mention.company) == "6758.T"


def test_scan_extends_over_legal_suffixes():
    text = "Shares of Nvidia Corp., Mitsui & Co. Ltd and Toyota Motor Corp rose."
    surfaces = [m.surface for m in DocumentEntities.scan(text).mentions]
    assert surfaces == ["Nvidia Corp.", "Mitsui & Co. Ltd", "Toyota Motor Corp"]


# --------------------------------------------------------------------------- user files

HEADER = "name,aliases,symbol,exchange,currency,country\n"


def test_registered_file_adds_companies_and_later_files_win(tmp_path):
    first = tmp_path / "mine.csv"
    first.write_text(
        HEADER
        + "# my additions\n"
        + "Rapidus Holdings,Rapidus,RPD.T,XTKS,JPY,JP\n"
        + "SoftBank Group Corp,SoftBank,9984.T,XTKS,JPY,JP\n"
    )
    assert register_companies(first) == 2
    assert symbol(resolve_name("Rapidus")) == "RPD.T"
    # This file claims "SoftBank" for the group alone, so it is no longer ambiguous.
    assert symbol(resolve_name("SoftBank")) == "9984.T"
    assert resolve_name("SoftBank Group").name == "SoftBank Group Corp"

    second = tmp_path / "later.csv"
    second.write_text(HEADER + "Rapidus,Rapidus,RPD2.T,XTKS,JPY,JP\n")
    register_companies(second)
    assert symbol(resolve_name("Rapidus")) == "RPD2.T"

    reset_companies()
    assert resolve_name("Rapidus") is None
    assert resolve_name("SoftBank") is None


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("Acme,,ACME,Tokyo,JPY,JP\n", 2, ["exchange", "'Tokyo'", "ACME"]),
        ("Acme,,ACME,XTKS,yen,JP\n", 2, ["currency", "'yen'"]),
        ("Acme,,,XTKS,JPY,JP\n", 2, ["symbol", "empty"]),
        ("Acme,,ACME,XTKS,JPY,JP\n# note\nAcme 2,,ACME,XTKS,JPY,JP\n", 4, ["ACME", "line 2"]),
    ],
)
def test_bad_user_rows_name_file_line_and_field(tmp_path, body, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + body)
    with pytest.raises(InputError) as err:
        register_companies(path)
    assert err.value.path == str(path)
    assert err.value.line == line
    for word in words:
        assert word in str(err.value)
    assert resolve_name("Acme") is None  # nothing half-registered


def test_missing_columns_and_missing_file(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("name,symbol\nAcme,ACME\n")
    with pytest.raises(InputError, match="missing column"):
        register_companies(path)
    with pytest.raises(InputError, match="cannot read"):
        register_companies(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- indices


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nikkei 225", "^N225"),
        ("the Nikkei", "^N225"),
        ("Nikkei Stock Average", "^N225"),
        ("Topix", "TOPIX"),
        ("TOPIX index", "TOPIX"),
        ("S&P 500", "^GSPC"),
        ("Standard & Poor’s 500", "^GSPC"),
        ("Nasdaq Composite", "^IXIC"),
        ("the Dow", "^DJI"),
        ("Dow Jones Industrial Average", "^DJI"),
        ("Taiex", "^TWII"),
        ("Sensex", "^BSESN"),
        ("Nifty 50", "^NSEI"),
        ("Hang Seng Index", "^HSI"),
        ("Straits Times Index", "^STI"),
        ("STI", "^STI"),
        ("Kospi", "^KS11"),
        ("FTSE 100", None),
    ],
)
def test_resolve_index(name, expected):
    assert resolve_index(name) == expected


# --------------------------------------------------------------------------- bundled data


def test_every_index_symbol_is_known_to_markets():
    symbols = {resolve_index(n) for n in ("Nikkei", "Topix", "S&P 500", "Nasdaq", "Dow")}
    rows = (ROOT / "data/indices.csv").read_text("utf-8").splitlines()[1:]
    symbols |= {row.rsplit(",", 1)[1] for row in rows}
    assert all(is_index(s) for s in symbols), symbols


def test_bundled_companies_cover_the_seed_companies_and_their_markets():
    table = {c.symbol: c for c in entities.companies()}
    for ticker in [
        "NVDA",
        "AMD",
        "9434.T",
        "9984.T",
        "6701.T",
        "9432.T",
        "3778.T",
        "8031.T",
        "7201.T",
        "2330.TW",
        "2317.TW",
        "TSLA",
        "GOOGL",
        "MSFT",
        "AAPL",
    ]:
        assert ticker in table
    assert len(table) > 450
    per_country = {}
    for company in table.values():
        per_country[company.country] = per_country.get(company.country, 0) + 1
        exchange = exchange_for_symbol(company.symbol)  # every row has a trading calendar
        assert company.currency in (exchange.currency, "USD"), company
    assert per_country["JP"] >= 200 and per_country["US"] >= 100
    assert per_country["TW"] >= 50 and per_country["IN"] >= 50 and per_country["SG"] >= 30


def test_table_is_built_lazily_not_at_import():
    code = (
        "import finfacts.entities as e\n"
        "assert e._table_cache is None\n"
        "assert e._indices.cache_info().currsize == 0\n"
        "e.resolve_name('NEC')\n"
        "assert e._table_cache is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --------------------------------------------------------------------------- build script


def _build_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_companies", ROOT / "scripts/build_companies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_strip_legal_suffix_keeps_the_written_form():
    from finfacts.entities import strip_legal_suffix

    assert strip_legal_suffix("The Walt Disney Company") == "Walt Disney"
    assert strip_legal_suffix("Tesla, Inc.") == "Tesla"
    assert strip_legal_suffix("Mitsui & Co.") == "Mitsui"
    assert strip_legal_suffix("Lowe's") == "Lowe's"
    assert strip_legal_suffix("SoftBank Group") == "SoftBank Group"


def test_build_script_merges_listing_curated_rows_and_twse_codes():
    build = _build_module()
    google = [{"yahoo": "NVDA", "google": "NASDAQ:NVDA"}, {"yahoo": "NVD.F", "google": "FRA:NVD"}]
    indices = {
        "NIKKEI 225": {
            "companies": [
                {"name": "SoftBank", "symbol": "9434.T"},
                {"name": "Kao Corporation", "symbol": "4452.T"},
            ]
        },
        "S&P 100": {
            "companies": [
                {"name": "Nvidia Corp.", "symbol": "NVDA", "symbols": google},
                {"name": "Walt Disney", "symbol": "DIS", "symbols": []},
            ]
        },
        "DOW JONES": {"companies": []},
        "NASDAQ 100": {"companies": []},
    }
    skipped = []
    listed = build.listed_rows(indices, skipped)
    assert listed["NVDA"]["exchange"] == "XNAS" and listed["NVDA"]["aliases"] == "Nvidia"
    assert listed["4452.T"]["aliases"] == "Kao"
    assert skipped and "DIS" in skipped[0]
    curated = [
        {
            "name": "SoftBank Corp",
            "aliases": "SoftBank",
            "symbol": "9434.T",
            "exchange": "",
            "currency": "",
            "country": "",
        },
        {
            "name": "Taiwan Semiconductor Manufacturing",
            "aliases": "TSMC",
            "symbol": "2330.TW",
            "exchange": "XTAI",
            "currency": "TWD",
            "country": "TW",
        },
    ]
    rows = {r["symbol"]: r for r in build.merge(listed, curated, {"2330": "台積電"})}
    assert rows["9434.T"]["name"] == "SoftBank Corp" and rows["9434.T"]["exchange"] == "XTKS"
    assert rows["2330.TW"]["aliases"] == "TSMC|台積電"
    with pytest.raises(SystemExit, match=r"2330\.TW"):
        build.merge(listed, curated, {})
