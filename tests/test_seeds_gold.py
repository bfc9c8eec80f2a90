"""The five seed articles against their gold facts (tests/data/seeds.jsonl).

Every gold money, percent and move fact must be found exactly, and nothing else.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from finfacts.extract import extract_with_errors
from finfacts.records import Money, Percent, ShareMove

ROOT = Path(__file__).resolve().parent.parent
GOLD = [json.loads(line) for line in (ROOT / "tests/data/seeds.jsonl").read_text().splitlines()]


def _dec(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


def _facts(gold: dict):
    text = (ROOT / "seeds" / gold["file"]).read_text(encoding="utf-8")
    published = date.fromisoformat(gold["published"]) if gold["published"] else None
    records, errors = extract_with_errors(text, published=published, doc_id=gold["id"])
    assert errors == []
    for r in records:
        assert text[r.start : r.end] == r.surface
    return text, records


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_money_facts_match_gold(gold: dict) -> None:
    _text, records = _facts(gold)
    money = [r for r in records if isinstance(r, Money)]
    # the gold lists facts in its own order; records come in text order
    assert sorted(m.surface for m in money) == sorted(g["surface"] for g in gold["money"])
    by_surface = {m.surface: m for m in money}
    for want in gold["money"]:
        got = by_surface[want["surface"]]
        assert got.value == _dec(want["value"]), want["surface"]
        assert got.currency == want["currency"], want["surface"]
        assert got.approx is want["approx"], want["surface"]
        assert got.vague is (want["value"] is None), want["surface"]
        assert got.value_high == _dec(want["range_high"]), want["surface"]
        if want["equivalent_of"] is None:
            assert got.equivalent_of is None, want["surface"]
        else:
            restated = gold["money"][want["equivalent_of"]]["surface"]
            assert money[got.equivalent_of].surface == restated, want["surface"]
        assert got.qualifier == want["qualifier"], want["surface"]


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_percent_facts_match_gold(gold: dict) -> None:
    _text, records = _facts(gold)
    percents = [r for r in records if isinstance(r, Percent)]
    assert [p.surface for p in percents] == [g["surface"] for g in gold["percents"]]
    for got, want in zip(percents, gold["percents"], strict=True):
        assert got.value == Decimal(want["value"])
        # what the percent is about: the gold's head noun must be in the description
        assert got.about is not None and want["about"].split()[0] in got.about


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_share_moves_match_gold(gold: dict) -> None:
    _text, records = _facts(gold)
    moves = [r for r in records if isinstance(r, ShareMove)]
    assert [m.ticker for m in moves] == [g["ticker"] for g in gold["moves"]]
    for got, want in zip(moves, gold["moves"], strict=True):
        # gold names the company; the record keeps the name as written and the resolved one
        first_word = want["entity"].split()[0].lower()
        assert first_word in got.entity.lower() or first_word in (got.company or "").lower()
        assert got.change_pct == _dec(want["change_pct"]), want["entity"]
        assert got.direction == want["direction"], want["entity"]
        assert got.price == _dec(want["price"]), want["entity"]
        assert got.price_currency == want["price_currency"], want["entity"]
        assert got.instrument == want["kind"], want["entity"]
        assert got.approx is bool(want.get("approx", False)), want["entity"]
        expected_day = date.fromisoformat(want["event_date"]) if want["event_date"] else None
        assert got.event_date == expected_day, want["entity"]


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_distractors_are_never_money(gold: dict) -> None:
    text, records = _facts(gold)
    money_spans = [(r.start, r.end) for r in records if isinstance(r, Money)]
    for distractor in gold["distractors"]:
        at = text.index(distractor)
        assert not any(s < at + len(distractor) and at < e for s, e in money_spans), distractor


def test_move_percents_are_not_counted_twice() -> None:
    bloomberg = next(g for g in GOLD if g["id"] == "003")
    _text, records = _facts(bloomberg)
    assert not [r for r in records if isinstance(r, Percent)]
    assert sum(isinstance(r, ShareMove) for r in records) == 5
