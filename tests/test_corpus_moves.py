"""Share-move corpus: wire-style sentences per phenomenon, checked against ``extract``.

Each line of tests/corpus/moves/<phenomenon>.jsonl is one test (id ``file:line``). The
ShareMove records ``finfacts.extract.extract`` returns, in text order, must match ``moves``
one for one, and the Percent records must match ``percents`` (a move's change lives only in
the move, never as a Percent). Conventions: docs/moves-corpus.md. The corpus is checked
too, so a typo in an expectation fails loudly instead of testing nothing.

The reading and comparing helpers here are shared with tests/test_corpus_percent.py.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import list_currencies

from finfacts.errors import InputError
from finfacts.paths import bundled_path
from finfacts.records import Money, Percent, Record, ShareMove

CORPUS_ROOT = Path(__file__).resolve().parent / "corpus"
LINE_KEYS = frozenset({"text", "published", "moves", "percents", "note"})
MOVE_REQUIRED = ("entity", "ticker", "change_pct", "direction")
MOVE_OPTIONAL = (
    "approx",
    "price",
    "price_currency",
    "instrument",
    "event_date",
    "exchange",
    "company",
)
PERCENT_REQUIRED = ("surface", "value")
PERCENT_OPTIONAL = ("unit", "value_high", "about", "approx", "qualifier")
DIRECTIONS = frozenset({"up", "down", "flat"})
UNITS = frozenset({"percent", "percentage_point", "basis_point"})
INSTRUMENTS = frozenset({"stock", "index"})
MIN_LINES, MAX_LINES = 15, 30


@dataclass(frozen=True)
class Line:
    """One corpus line: where it is, its text and publication date, and what it must yield."""

    id: str
    text: str
    published: date | None
    moves: list[dict[str, Any]]
    percents: list[dict[str, Any]]
    note: str


def read_corpus(folder: str) -> list[Line]:
    """Every line of tests/corpus/<folder>/*.jsonl; a malformed line raises InputError."""
    lines: list[Line] = []
    for path in sorted((CORPUS_ROOT / folder).glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, start=1):
                if raw.strip():
                    lines.append(_parse_line(path, n, raw))
    return lines


def _parse_line(path: Path, n: int, raw: str) -> Line:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON: {exc.msg}", n) from None
    if not isinstance(obj, dict):
        raise InputError(str(path), "a line must be one JSON object", n)
    unknown = set(obj) - LINE_KEYS
    if unknown:
        raise InputError(str(path), f"unknown key(s) {sorted(unknown)}", n)
    if not isinstance(obj.get("text"), str):
        raise InputError(str(path), "field 'text' must be a string", n)
    for key in ("moves", "percents"):
        if not isinstance(obj.get(key), list):
            raise InputError(str(path), f"field '{key}' must be a list", n)
    published = obj.get("published")
    try:
        day = date.fromisoformat(published) if published is not None else None
    except (TypeError, ValueError):
        raise InputError(
            str(path), f"field 'published' {published!r} is not YYYY-MM-DD", n
        ) from None
    return Line(
        id=f"{path.name}:{n}",
        text=obj["text"],
        published=day,
        moves=obj["moves"],
        percents=obj["percents"],
        note=str(obj.get("note", "")),
    )


def file_counts(lines: list[Line]) -> dict[str, int]:
    """Lines per corpus file name (without .jsonl)."""
    counts: dict[str, int] = {}
    for line in lines:
        name = line.id.split(".jsonl:")[0]
        counts[name] = counts.get(name, 0) + 1
    return counts


# ------------------------------------------------------------------ corpus checks


def _dec(raw: Any, where: str, key: str) -> Decimal | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise AssertionError(f"{where}: {key} {raw!r} must be a decimal string or null")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise AssertionError(f"{where}: {key} {raw!r} is not a decimal string") from None


@cache
def _known_symbols() -> tuple[frozenset[str], frozenset[str]]:
    """Stock symbols (companies and their US lines) and index symbols finfacts ships."""
    from finfacts.depositary import us_lines
    from finfacts.entities import companies

    with open(bundled_path("indices.csv"), encoding="utf-8") as fh:
        indices = frozenset(row["symbol"] for row in csv.DictReader(fh))
    us = {line.symbol for line in us_lines().values()}
    return frozenset(c.symbol for c in companies()) | us, indices


def corpus_problems(line: Line) -> list[str]:
    """What is wrong with a corpus line's expectations (empty when it is well formed)."""
    stocks, indices = _known_symbols()
    currencies = set(list_currencies())
    out: list[str] = []

    def check(ok: bool, message: str) -> None:
        if not ok:
            out.append(message)

    for i, item in enumerate(line.moves):
        where = f"{line.id} move {i}"
        missing = [k for k in MOVE_REQUIRED if k not in item]
        unknown = set(item) - set(MOVE_REQUIRED) - set(MOVE_OPTIONAL)
        check(not missing, f"{where}: missing {missing}")
        check(not unknown, f"{where}: unknown keys {sorted(unknown)}")
        if missing:
            continue
        check(item["entity"] in line.text, f"{where}: entity {item['entity']!r} not in text")
        ticker = item["ticker"]
        check(
            ticker is None or ticker in stocks | indices,
            f"{where}: ticker {ticker!r} is in none of data/companies.csv, "
            "data/depositary_receipts.csv and data/indices.csv",
        )
        direction = item["direction"]
        check(direction in DIRECTIONS, f"{where}: direction {direction!r}")
        try:
            change = _dec(item["change_pct"], where, "change_pct")
            _dec(item.get("price"), where, "price")
        except AssertionError as exc:
            out.append(str(exc))
            continue
        if change is not None:
            sign = {"up": 1, "down": -1, "flat": 0}.get(direction)
            check(
                (change > 0) - (change < 0) == sign,
                f"{where}: change_pct {change} disagrees with direction {direction}",
            )
        if "approx" in item:
            check(isinstance(item["approx"], bool), f"{where}: approx must be true/false")
        if item.get("price") is not None:
            check(
                item.get("price_currency") in currencies,
                f"{where}: a price needs an ISO 4217 price_currency",
            )
        instrument = item.get("instrument")
        if instrument is not None:
            check(instrument in INSTRUMENTS, f"{where}: instrument {instrument!r}")
            check(
                (instrument == "index") == (ticker in indices),
                f"{where}: instrument {instrument!r} does not fit ticker {ticker!r}",
            )
        if item.get("event_date") is not None:
            try:
                date.fromisoformat(item["event_date"])
            except (TypeError, ValueError):
                out.append(f"{where}: event_date {item['event_date']!r} is not YYYY-MM-DD")
    pos = 0
    for i, item in enumerate(line.percents):
        where = f"{line.id} percent {i}"
        missing = [k for k in PERCENT_REQUIRED if k not in item]
        unknown = set(item) - set(PERCENT_REQUIRED) - set(PERCENT_OPTIONAL)
        check(not missing, f"{where}: missing {missing}")
        check(not unknown, f"{where}: unknown keys {sorted(unknown)}")
        if missing:
            continue
        found = line.text.find(item["surface"], pos)
        check(found >= 0, f"{where}: surface {item['surface']!r} not in text after offset {pos}")
        pos = max(pos, found + len(item["surface"]))
        try:
            _dec(item["value"], where, "value")
            _dec(item.get("value_high"), where, "value_high")
        except AssertionError as exc:
            out.append(str(exc))
        check(item.get("unit", "percent") in UNITS, f"{where}: unit {item.get('unit')!r}")
        about = item.get("about")
        if about is not None:
            check(
                re.search(rf"(?i)\b{re.escape(about)}", line.text) is not None,
                f"{where}: about word {about!r} is not in the text",
            )
        if "qualifier" in item:
            check(item.get("approx") is True, f"{where}: a qualifier implies approx true")
    return out


# ------------------------------------------------------------------ comparison


def _same_decimal(have: Decimal | None, want: str | None) -> bool:
    if have is None or want is None:
        return have is None and want is None
    return have == Decimal(want)


def _entity_key(name: str) -> str:
    """An entity as compared: spacing collapsed, a trailing abbreviation dot ignored."""
    return " ".join(name.split()).rstrip(".").replace("’", "'")


def _move_mismatches(want: dict[str, Any], got: ShareMove, records: list[Record]) -> list[str]:
    out = []
    if _entity_key(got.entity) != _entity_key(want["entity"]):
        out.append(f"entity {got.entity!r} != {want['entity']!r}")
    if got.ticker != want["ticker"]:
        out.append(f"ticker {got.ticker!r} != {want['ticker']!r}")
    if not _same_decimal(got.change_pct, want["change_pct"]):
        out.append(f"change_pct {got.change_pct} != {want['change_pct']}")
    if got.direction != want["direction"]:
        out.append(f"direction {got.direction!r} != {want['direction']!r}")
    if "approx" in want and got.approx is not want["approx"]:
        out.append(f"approx {got.approx!r} != {want['approx']!r}")
    if "price" in want and not _same_decimal(got.price, want["price"]):
        out.append(f"price {got.price} != {want['price']}")
    if "price_currency" in want and got.price_currency != want["price_currency"]:
        out.append(f"price_currency {got.price_currency!r} != {want['price_currency']!r}")
    for key in ("exchange", "company"):
        if key in want and getattr(got, key) != want[key]:
            out.append(f"{key} {getattr(got, key)!r} != {want[key]!r}")
    if "instrument" in want and got.instrument != want["instrument"]:
        out.append(f"instrument {got.instrument!r} != {want['instrument']!r}")
    if "event_date" in want:
        day = None if want["event_date"] is None else date.fromisoformat(want["event_date"])
        if got.event_date != day:
            out.append(f"event_date {got.event_date} != {want['event_date']}")
    if want.get("price") is not None:
        # the level is also a Money fact, marked as a share price (DESIGN.md)
        price = Decimal(want["price"])
        if not any(
            isinstance(r, Money)
            and r.value == price
            and r.currency == want.get("price_currency")
            and r.qualifier == "share price"
            for r in records
        ):
            out.append(f"no Money {price} {want.get('price_currency')} marked 'share price'")
    return out


def _percent_mismatches(want: dict[str, Any], got: Percent) -> list[str]:
    out = []
    if got.surface != want["surface"]:
        out.append(f"surface {got.surface!r} != {want['surface']!r}")
    if not _same_decimal(got.value, want["value"]):
        out.append(f"value {got.value} != {want['value']}")
    if "unit" in want and got.unit != want["unit"]:
        out.append(f"unit {got.unit!r} != {want['unit']!r}")
    if "value_high" in want and not _same_decimal(got.value_high, want["value_high"]):
        out.append(f"value_high {got.value_high} != {want['value_high']}")
    if "approx" in want and got.approx is not want["approx"]:
        out.append(f"approx {got.approx!r} != {want['approx']!r}")
    if "qualifier" in want and got.qualifier != want["qualifier"]:
        out.append(f"qualifier {got.qualifier!r} != {want['qualifier']!r}")
    if "about" in want:
        word = want["about"]
        if got.about is None or not re.search(rf"(?i)\b{re.escape(word)}", got.about):
            out.append(f"about {got.about!r} does not mention {word!r}")
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _show(records: list[Record]) -> str:
    rows = [{k: _jsonable(v) for k, v in r.to_dict().items()} for r in records]
    return json.dumps(rows, ensure_ascii=False, indent=1)


def check_line(line: Line) -> None:
    """Extract ``line.text`` and fail with text, expected and got when anything differs."""
    from finfacts.extract import extract_with_errors

    records, faults = extract_with_errors(line.text, published=line.published, doc_id=line.id)
    problems = [f"extractor fault: {f}" for f in faults]
    bad_spans = [
        (r.kind, r.start, r.end, r.surface)
        for r in records
        if line.text[r.start : r.end] != r.surface
    ]
    if bad_spans:
        problems.append(f"text[start:end] != surface for {bad_spans}")
    moves = sorted((r for r in records if isinstance(r, ShareMove)), key=lambda r: r.start)
    percents = sorted((r for r in records if isinstance(r, Percent)), key=lambda r: r.start)
    if len(moves) != len(line.moves):
        problems.append(f"expected {len(line.moves)} move(s), got {len(moves)}")
    else:
        for i, (want, got) in enumerate(zip(line.moves, moves, strict=True)):
            problems.extend(f"move {i}: {m}" for m in _move_mismatches(want, got, records))
    priced = {
        (r.value, r.currency)
        for r in records
        if isinstance(r, Money) and r.qualifier == "share price"
    }
    want_priced = {
        (Decimal(m["price"]), m.get("price_currency"))
        for m in line.moves
        if m.get("price") is not None
    }
    if priced - want_priced:
        problems.append(f"Money marked 'share price' that no move expects: {priced - want_priced}")
    if len(percents) != len(line.percents):
        problems.append(f"expected {len(line.percents)} percent(s), got {len(percents)}")
    else:
        for i, (want, got) in enumerate(zip(line.percents, percents, strict=True)):
            problems.extend(f"percent {i}: {m}" for m in _percent_mismatches(want, got))
    if problems:
        expected = {"moves": line.moves, "percents": line.percents}
        pytest.fail(
            f"{line.id}\ntext:      {line.text}\npublished: {line.published}\n"
            + (f"note:      {line.note}\n" if line.note else "")
            + f"expected:  {json.dumps(expected, ensure_ascii=False, indent=1)}\n"
            f"got moves: {_show(moves)}\ngot percents: {_show(percents)}\n"
            f"other records: {_show([r for r in records if r not in moves + percents])}\n"
            + "\n".join(problems),
            pytrace=False,
        )


# ------------------------------------------------------------------ the move corpus

PHENOMENA = (
    "shares_of",
    "possessive",
    "ticker",
    "lists",
    "direction_only",
    "prices",
    "indices",
    "resolution",
    "dates",
    "us_lines",
    "intraday",
    "negative",
)
LINES = read_corpus("moves")
IDS = [line.id for line in LINES]


def test_every_phenomenon_has_a_file_of_15_to_30_lines():
    counts = file_counts(LINES)
    assert set(counts) == set(PHENOMENA)
    off = {name: n for name, n in counts.items() if not MIN_LINES <= n <= MAX_LINES}
    assert not off, f"files outside {MIN_LINES}-{MAX_LINES} lines: {off}"


def test_every_phenomenon_file_but_negative_expects_moves():
    for line in LINES:
        if line.id.startswith("negative.jsonl:"):
            assert line.moves == [], f"{line.id}: the negative corpus expects no move"
        else:
            assert line.moves, f"{line.id}: a positive corpus line expects a move"


def test_dates_corpus_states_publication_and_event_dates():
    for line in LINES:
        if line.id.startswith("dates.jsonl:"):
            assert all("event_date" in m for m in line.moves), line.id


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_corpus_line_is_well_formed(line: Line):
    problems = corpus_problems(line)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_move_extraction(line: Line):
    check_line(line)


def test_amount_only_extraction_skips_moves_and_keeps_every_amount():
    """``moves=False``: the same money and percent facts, as plain figures; no move, no
    share-price qualifier, no ``about``; and the rest of the document is untouched."""
    from decimal import Decimal

    from finfacts import extract
    from finfacts.records import Money, Percent, ShareMove

    text = (
        "Shares of Sakura Internet jumped 7.6% to close at ¥1,927, and NEC fell 3.6%. "
        "Revenue rose 12% to ¥2 trillion."
    )
    full = extract(text, published=date(2023, 12, 5))
    lean = extract(text, published=date(2023, 12, 5), moves=False)
    assert [r.kind for r in full] == ["move", "money", "move", "percent", "money"]
    assert [(type(r), r.surface) for r in lean] == [
        (Percent, "7.6%"),
        (Money, "¥1,927"),
        (Percent, "3.6%"),
        (Percent, "12%"),
        (Money, "¥2 trillion"),
    ]
    assert not any(isinstance(r, ShareMove) for r in lean)
    assert lean[1].value == Decimal(1927) and lean[1].qualifier is None
    assert full[1].qualifier == "share price"
    assert full[3].about == "revenue" and lean[3].about is None
    assert full[4] == lean[4]


@pytest.mark.parametrize(
    ("text", "abouts"),
    [
        ("The central bank raised its key rate by 25 basis points to 5.5%.", ["key rate"] * 2),
        ("The Fed lifted its target range by a quarter point to 5.25%.", ["target range"]),
        ("Revenue has risen 12% from a year earlier.", ["revenue"]),
        ("The stock fell 30% in March.", ["stock"]),
        ("Sales of the iPhone fell 10%.", ["sales of the iphone"]),  # no name "Phone"
        ("The yen weakened 0.5% against the dollar.", ["yen"]),
    ],
)
def test_what_a_percent_is_about_is_the_metric_alone(text: str, abouts: list[str]) -> None:
    """Exactly the metric: not "key rate by 25 basis points", not "revenue has" (the corpus
    checks only that the word is mentioned)."""
    from finfacts.extract import extract

    assert [r.about for r in extract(text) if isinstance(r, Percent)] == abouts


@pytest.mark.parametrize(
    "text",
    [
        "Toyota said Suzuki's profit rose, and its shares fell 3%.",
        "Honda Z's unit cut its forecast, and its shares fell 3%.",  # an owner right after
    ],
)
def test_its_shares_with_a_second_owner_is_no_move(text: str) -> None:
    from finfacts.extract import extract

    assert not [r for r in extract(text) if isinstance(r, ShareMove)]


@pytest.mark.parametrize(
    ("text", "moves"),
    [
        # the close after "Toyota slipped" is Toyota's, whose subject has no share word:
        # never Sony's, whose move came before another name
        ("Sony rose 2% while Toyota slipped to close 1% lower.", [("Sony", Decimal("2"))]),
        ("Toyota plans to trade 5% of its shares in the tender.", []),
        ("Earnings hit the lower end of guidance, down 2% from a year earlier.", []),
        (
            "Honda shares fell 2% after the company cut its forecast, ending a rally.",
            [("Honda", Decimal("-2"))],
        ),
        (  # a weekday between is no other name
            "Mizuho shares rose as much as 3% on Tuesday before closing 1% higher.",
            [("Mizuho", Decimal("3")), ("Mizuho", Decimal("1"))],
        ),
        (
            "Sony shares fell, while Mazda was down 4.5%.",
            [("Sony", None), ("Mazda", Decimal("-4.5"))],
        ),
    ],
)
def test_a_sequel_verb_goes_on_only_from_its_own_subject(text: str, moves: list) -> None:
    """ "to close", "closing" and a bare "down 4.5%" reuse the subject of the move just
    before them only in the same clause run, with no other name between."""
    from finfacts.extract import extract

    found = [(r.entity, r.change_pct) for r in extract(text) if isinstance(r, ShareMove)]
    assert found == moves


def test_a_close_after_both_is_never_one_company_s() -> None:
    """ "before both pared gains to end up 2.1% and 3%": the two figures are the two
    companies' closes; reading them as one company's (the latest) would be a wrong fact."""
    from finfacts.extract import extract

    text = (
        "Tokyo Electron gained 4.6% and Advantest climbed 5.2%, lifting the chip sector, "
        "before both pared gains to end up 2.1% and 3%, respectively."
    )
    true_moves = {
        ("Tokyo Electron", Decimal("4.6")),
        ("Advantest", Decimal("5.2")),
        ("Tokyo Electron", Decimal("2.1")),
        ("Advantest", Decimal("3")),
    }
    found = [(r.entity, r.change_pct) for r in extract(text) if isinstance(r, ShareMove)]
    assert found and set(found) <= true_moves
