"""Money corpus: real-style news sentences per phenomenon, checked against ``extract``.

Each line of tests/corpus/money/<phenomenon>.jsonl is one test (id ``file:line``): the
Money records ``finfacts.extract.extract`` returns, in text order, must match ``expect``
one for one (surface, exact Decimal value, currency, and every optional key present).
The corpus itself is checked too, so a typo in an expectation fails loudly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import list_currencies

from finfacts.errors import InputError
from finfacts.records import Money

CORPUS = Path(__file__).resolve().parent / "corpus" / "money"
PHENOMENA = (
    "digits",
    "scale_words",
    "indian",
    "written",
    "cjk",
    "codes_symbols",
    "ambiguity",
    "subunits",
    "qualifiers",
    "ranges",
    "vague",
    "equivalents",
    "negatives_sign",
    "negative",
)
REQUIRED = ("surface", "value", "currency")
OPTIONAL = ("value_high", "approx", "qualifier", "vague", "equivalent_of")
APPROX_QUALIFIERS = frozenset(
    {
        *("about", "around", "roughly", "nearly", "almost", "some", "approximately"),
        *("more than", "over", "at least", "up to", "less than", "under", "vague"),
    }
)
OTHER_QUALIFIERS = frozenset({"share price"})


@dataclass(frozen=True)
class Line:
    """One corpus line: where it is, its text and its expected Money items."""

    id: str
    text: str
    expect: list[dict[str, Any]]


def _read_corpus() -> list[Line]:
    lines: list[Line] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise InputError(str(path), f"invalid JSON: {exc.msg}", n) from None
                if not isinstance(obj.get("text"), str) or not isinstance(obj.get("expect"), list):
                    raise InputError(str(path), "needs a string 'text' and a list 'expect'", n)
                lines.append(Line(f"{path.name}:{n}", obj["text"], obj["expect"]))
    return lines


LINES = _read_corpus()
IDS = [line.id for line in LINES]


def _dec(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


# ----------------------------------------------------------------- corpus checks


def test_every_phenomenon_has_a_corpus_file_of_12_to_30_lines():
    counts: dict[str, int] = {}
    for line in LINES:
        name = line.id.split(".jsonl:")[0]
        counts[name] = counts.get(name, 0) + 1
    assert set(counts) == set(PHENOMENA)
    small_or_big = {name: n for name, n in counts.items() if not 12 <= n <= 30}
    assert not small_or_big, f"files outside 12-30 lines: {small_or_big}"


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_corpus_line_is_well_formed(line: Line):
    currencies = set(list_currencies())
    if line.id.startswith("negative.jsonl:"):
        assert line.expect == [], f"{line.id}: negative corpus must expect nothing"
    pos = 0
    for i, item in enumerate(line.expect):
        where = f"{line.id} item {i}"
        missing = [k for k in REQUIRED if k not in item]
        assert not missing, f"{where}: missing {missing}"
        unknown = set(item) - set(REQUIRED) - set(OPTIONAL)
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        found = line.text.find(item["surface"], pos)
        assert found >= 0, f"{where}: surface {item['surface']!r} not in text after offset {pos}"
        pos = found + len(item["surface"])
        for key in ("value", "value_high"):
            try:
                _dec(item.get(key))
            except InvalidOperation:
                pytest.fail(f"{where}: {key} {item[key]!r} is not a decimal string")
        assert item["currency"] in currencies, f"{where}: {item['currency']!r} is not ISO 4217"
        qualifier = item.get("qualifier")
        if qualifier is not None:
            assert qualifier in APPROX_QUALIFIERS | OTHER_QUALIFIERS, f"{where}: {qualifier!r}"
            assert item.get("approx") is (qualifier in APPROX_QUALIFIERS), f"{where}: approx"
        if item.get("vague"):
            assert item["value"] is None, f"{where}: a vague amount has no value"
        eq = item.get("equivalent_of")
        if eq is not None:
            assert 0 <= eq < i, f"{where}: equivalent_of must point to an earlier amount"


# ------------------------------------------------------------------- extraction


def _as_dict(r: Money) -> dict[str, Any]:
    def s(v: Decimal | None) -> str | None:
        return None if v is None else format(v, "f")

    return {
        "surface": r.surface,
        "value": s(r.value),
        "currency": r.currency,
        "value_high": s(r.value_high),
        "approx": r.approx,
        "qualifier": r.qualifier,
        "vague": r.vague,
        "equivalent_of": r.equivalent_of,
        "start": r.start,
        "end": r.end,
    }


def _mismatches(expected: dict[str, Any], got: Money) -> list[str]:
    out = []
    if got.surface != expected["surface"]:
        out.append(f"surface {got.surface!r} != {expected['surface']!r}")
    if got.value != _dec(expected["value"]) or (got.value is None) != (expected["value"] is None):
        out.append(f"value {got.value} != {expected['value']}")
    if got.currency != expected["currency"]:
        out.append(f"currency {got.currency} != {expected['currency']}")
    for key in OPTIONAL:
        if key not in expected:
            continue
        want = expected[key]
        have = getattr(got, key)
        if key == "value_high":
            ok = (have is None and want is None) or (
                have is not None and want is not None and have == Decimal(want)
            )
        else:
            ok = have == want and type(have) is type(want)
        if not ok:
            out.append(f"{key} {have!r} != {want!r}")
    return out


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_money_extraction(line: Line):
    from finfacts.extract import extract

    records = extract(line.text, doc_id=line.id)
    bad_spans = [
        (r.start, r.end, r.surface) for r in records if line.text[r.start : r.end] != r.surface
    ]
    money = sorted((r for r in records if isinstance(r, Money)), key=lambda r: (r.start, r.end))
    problems: list[str] = []
    if bad_spans:
        problems.append(f"text[start:end] != surface for {bad_spans}")
    if len(money) != len(line.expect):
        problems.append(f"expected {len(line.expect)} Money record(s), got {len(money)}")
    else:
        for i, (want, got) in enumerate(zip(line.expect, money, strict=True)):
            problems.extend(f"item {i}: {m}" for m in _mismatches(want, got))
    if problems:
        problems.extend(_contained_faults(line))
        got_json = json.dumps([_as_dict(r) for r in money], ensure_ascii=False, indent=1)
        pytest.fail(
            f"{line.id}\ntext:     {line.text}\n"
            f"expected: {json.dumps(line.expect, ensure_ascii=False, indent=1)}\n"
            f"got:      {got_json}\n" + "\n".join(problems),
            pytrace=False,
        )


def _contained_faults(line: Line) -> list[str]:
    """Internal faults the extractor contained for this text, if it reports them."""
    from finfacts.extract import extract_with_errors

    _records, faults = extract_with_errors(line.text, doc_id=line.id)
    return [f"extractor fault: {f}" for f in faults]


def test_a_number_word_counts_only_as_a_whole_word():
    """The tail of "often" is not "ten", however much space follows it."""
    from finfacts import extract

    for gap in range(1, 40):  # every place a look-back window could cut "often"
        assert extract("Demand was often" + " " * gap + "dollars short.") == []
    assert [(r.surface, r.value) for r in extract("Demand fell ten dollars short.")] == [
        ("ten dollars", Decimal(10))
    ]
