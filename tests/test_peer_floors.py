"""Peer-suite scoring: the scorer's rules, the data copy, and finfacts' strict-F1 floors."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from finfacts.records import Money, Percent, Quantity, ShareMove

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "peer_suites.py"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("finfacts_bench_peer_suites", SCRIPT)
    assert spec and spec.loader, f"cannot load {SCRIPT}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


ps = _load_scorer()
Item, Case, Score = ps.Item, ps.Case, ps.Score


def money(value, currency=None, start=0, end=1, unit_raw=None):
    v = None if value is None else Decimal(value)
    return Item("money", v, currency, start, end, None, unit_raw)


def case(text, *expected, xfail=False, kinds=("money",)):
    return Case("t:0000", "t", text, tuple(expected), kinds, xfail)


# ------------------------------------------------------------------- data copy


def test_peer_suite_folder_is_present_and_complete():
    folder = ps.suites_dir()  # raises InputError naming the path when absent
    stats = json.loads((folder / "conversion_stats.json").read_text(encoding="utf-8"))
    for name in ps.SUITES:
        cases = ps.load_suite(name, folder)
        want = stats[f"{name}.jsonl"]
        assert len(cases) == want["kept_cases"], name
        gold = sum(len(c.expected) for c in cases)
        assert gold == sum(want["gold_items"].values()), name
    assert "Attribution" in (folder / "README.md").read_text(encoding="utf-8")


def test_missing_suite_folder_is_a_clear_error(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv(ps.ENV_DIR, str(missing))
    with pytest.raises(ps.InputError, match="peer-suite folder not found") as err:
        ps.suites_dir()
    assert str(missing) in str(err.value)


def test_malformed_suite_line_names_file_and_line(tmp_path):
    good = {"id": "x:1", "text": "$1", "expected": [], "meta": {"scored_kinds": ["money"]}}
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ps.InputError) as err:
        ps.load_suite("broken", tmp_path)
    assert err.value.line == 2 and err.value.path == str(path)


# --------------------------------------------------------------------- matching


def test_matching_is_maximum_not_greedy():
    # g0 accepts any currency, g1 only USD; a greedy pass gives p0 to g0 and strands g1.
    gold = [money("1"), money("1", "USD")]
    pred = [money("1", "USD"), money("1", "EUR")]
    pairs = ps.max_matching(gold, pred, ps.strict_match)
    assert len(pairs) == 2
    assert sorted(j for _, j in pairs) == [0, 1]


def test_matching_is_one_to_one():
    gold = [money("5", "USD")]
    pred = [money("5", "USD"), money("5", "USD")]
    assert len(ps.max_matching(gold, pred, ps.strict_match)) == 1
    assert len(ps.max_matching(pred, gold, ps.strict_match)) == 1


def test_strict_value_and_span_criteria():
    gold = money("100", "USD", 3, 8)
    assert ps.strict_match(gold, money("100.0", "USD", 50, 60))  # span is not strict's concern
    assert not ps.strict_match(gold, money("100", "EUR", 3, 8))
    assert ps.value_match(gold, money("100", "EUR", 3, 8))
    assert ps.strict_match(money("100", None), money("100", "EUR"))  # null gold currency
    assert not ps.value_match(gold, Item("percent", Decimal(100), None, 3, 8))
    assert ps.span_match(gold, money("1", "JPY", 7, 20))
    assert not ps.span_match(gold, money("100", "USD", 8, 12))  # touching is not overlapping
    no_offsets = money("100", "USD", None, None)
    assert ps.span_match(no_offsets, money("7", "USD", 0, 2))


def test_value_tolerance_is_relative():
    big = Decimal("21050000000")
    assert ps.values_equal(big, big + Decimal("1"))  # 5e-11 relative
    assert not ps.values_equal(big, big + Decimal("1000"))  # 5e-8 relative
    assert not ps.values_equal(Decimal("0.34"), Decimal("34"))
    assert ps.values_equal(None, None)
    assert not ps.values_equal(None, Decimal(0))


def test_scores_are_summed_over_cases():
    score = Score()
    score.add([money("1", "USD"), money("2", "USD")], [money("1", "USD")])
    score.add([], [money("9", "USD")])
    # two cases: 2 gold, 2 predicted, 1 matched in total -> P = R = F1 = 0.5
    p, r, f = score.prf("strict")
    assert (score.gold, score.predicted, score.tp["strict"]) == (2, 2, 1)
    assert (p, r) == (0.5, 0.5)
    assert f == pytest.approx(0.5)


# ------------------------------------------------------------------ conventions


def test_subunit_gold_is_scaled_in_view_b_only():
    c = case("onvia . com inc . , down 34 cents", money("34", None, 25, 33, "Cent"))
    (item,) = ps.gold_for_view_b(c)
    assert item.value == Decimal("0.34")
    dime = case("That one costs 3 dimes", money("3", None, 15, 22, "dime"))
    assert ps.gold_for_view_b(dime)[0].value == Decimal("0.3")
    assert c.expected[0].value == Decimal(34)  # view (a) keeps the peer's value


@pytest.mark.parametrize(
    ("text", "unit_raw", "names_currency"),
    [
        ("3.99", None, False),
        ("549.00", "$", False),  # currency came from price-parser's hint, not the text
        ("Our Price 344.99 - 444.99", None, False),
        ("34.12 (40.94 inc VAT)", None, False),
        ("3,90 €", "€", True),
        ("Pris från 172 kr", "kr", True),  # the peer's own unit as written
        ("I would like to buy this item for usd 200.", None, True),
        ("ten dollars", "$", True),
        ("42 bucks", "unknown", True),
    ],
)
def test_no_currency_rule(text, unit_raw, names_currency):
    assert ps.text_names_currency(text, unit_raw) is names_currency
    c = case(text, money("1", None, 0, 1, unit_raw))
    assert (ps.item_rule(c, c.expected[0]) == ps.RULE_NO_CURRENCY) is (not names_currency)


def test_gold_with_currency_is_never_dropped_as_no_currency():
    c = case("28.49", money("28.49", "USD"))
    assert ps.item_rule(c, c.expected[0]) is None


def test_no_value_items_are_dropped_and_xfail_cases_leave_view_b():
    text = "50 dollar rmb"
    normal = case(text, money("50", None, 0, 9, "Dollar"), money(None, "CNY", 10, 13))
    assert [i.value for i in ps.gold_for_view_b(normal)] == [Decimal(50)]
    xfail = Case("t:0001", "t", "1 ₼", (money("1", None, 0, 1, "₼"),), ("money",), True)
    result = ps.score_suite("t", [normal, xfail], ps.Predictions(items={}))
    assert (result.all.cases, result.all.gold) == (2, 3)
    assert (result.conventions.cases, result.conventions.gold) == (1, 1)
    assert (result.xfail.cases, result.xfail.gold) == (1, 1)


def test_predictions_are_never_filtered_by_conventions():
    c = case("3.99", money("3.99", None, 0, 4))
    preds = ps.Predictions(items={c.id: [money("3.99", "USD", 0, 4)]})
    result = ps.score_suite("t", [c], preds)
    assert result.conventions.gold == 0 and result.conventions.predicted == 1
    assert result.conventions.prf("strict")[0] == 0.0
    assert result.all.prf("strict") == (1.0, 1.0, 1.0)


def test_records_map_to_items_by_kind():
    records = [
        Money("d", 0, 3, "$5m", "", Decimal(5000000), "USD"),
        Percent("d", 4, 6, "5%", "", Decimal(5)),
        ShareMove("d", 7, 20, "NEC fell 3.6%", "", "NEC", Decimal("-3.6"), "down"),
        Quantity("d", 21, 30, "10,000 GPUs", "", Decimal(10000), "count"),
    ]
    items = ps.records_to_items(records, ("money", "percent"))
    assert [(i.kind, i.value, i.currency) for i in items] == [
        ("money", Decimal(5000000), "USD"),
        ("percent", Decimal(5), None),
    ]
    assert [i.kind for i in ps.records_to_items(records, ("money",))] == ["money"]


def test_conventions_doc_lists_are_current():
    current = ps.CONVENTIONS_MD.read_text(encoding="utf-8")
    for rule in ps.RULES:
        assert f"<!-- generated:{rule} -->" in current, rule
    regenerated = ps.render_conventions(current, ps.conventions_blocks())
    assert regenerated == current, "run: python benchmarks/peer_suites.py --write-conventions"


# ------------------------------------------------------------------------ floors


def _floors() -> dict[str, float]:
    raw = json.loads(ps.FLOORS_JSON.read_text(encoding="utf-8"))
    return {name: float(entry["strict_f1_b"]) for name, entry in raw.items()}


def test_floors_file_covers_every_suite():
    floors = _floors()
    assert set(floors) == set(ps.SUITES)
    assert all(0.0 <= f <= 1.0 for f in floors.values())


@functools.cache
def _result(name: str):
    return ps.evaluate((name,))[name]


@pytest.mark.parametrize("suite", ps.SUITES)
def test_extract_does_not_raise_on_peer_cases(suite):
    errors = _result(suite).errors
    assert not errors, f"extract raised on {len(errors)} case(s): {list(errors.items())[:5]}"


@pytest.mark.parametrize("suite", ps.SUITES)
def test_strict_f1_view_b_meets_floor(suite):
    result = _result(suite)
    floor = _floors()[suite]
    p, r, f = result.conventions.prf("strict")
    detail = "".join(
        f"\n  {c.id}: {c.text!r}\n    expected {[ps._fmt_item(g) for g in gold]}"
        f"\n    got      {[ps._fmt_item(x) for x in pred]}"
        for c, gold, pred in result.failures[:5]
    )
    assert f >= floor, f"{suite}: strict (b) P={p:.3f} R={r:.3f} F1={f:.3f} < {floor}{detail}"
