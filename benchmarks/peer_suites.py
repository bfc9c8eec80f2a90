"""Score ``finfacts.extract.extract`` on the peer test suites (money and percent).

The suites (tests/data/peer-suites/, format and scoring rules in its README) come from
four other extraction projects. Each case is scored by a one-to-one maximum matching of
predicted and gold items under three criteria (strict, value, span), and precision,
recall and F1 are summed over the cases of a suite.

Two views are printed per suite: (a) every case as the peer annotated it, and (b) the
cases and items left after the documented convention differences (benchmarks/
CONVENTIONS.md), which are rules applied to the gold data, never hand-picked case lists.

    python benchmarks/peer_suites.py                     # all suites
    python benchmarks/peer_suites.py --suite price_parser --show-failures 20
    python benchmarks/peer_suites.py --write-conventions  # refresh CONVENTIONS.md lists
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from finfacts.errors import InputError  # noqa: E402

DEFAULT_DIR = REPO / "tests" / "data" / "peer-suites"
CONVENTIONS_MD = Path(__file__).resolve().parent / "CONVENTIONS.md"
FLOORS_JSON = Path(__file__).resolve().parent / "peer_floors.json"
ENV_DIR = "FINFACTS_PEER_SUITES"

SUITES: tuple[str, ...] = (
    "recognizers_currency",
    "recognizers_percent",
    "price_parser",
    "duckling_money_en",
    "quantulum3_money_percent",
)
# Strict F1 on view (b) that the extractor is meant to reach (the targets).
TARGETS: dict[str, float] = {name: 0.90 for name in SUITES} | {"recognizers_currency": 0.95}

REL_TOL = Decimal("1e-9")

# Convention (2): sub-units, keyed by the peer's unit_raw (lower-cased, except the
# case-sensitive "GBp" = pence), with the factor that converts them to the main unit.
SUBUNIT_FACTORS: dict[str, Decimal] = {
    "cent": Decimal("0.01"),
    "pence": Decimal("0.01"),
    "penny": Decimal("0.01"),
    "sen": Decimal("0.01"),
    "¢": Decimal("0.01"),
    "GBp": Decimal("0.01"),
    "dime": Decimal("0.1"),
    "satoshi": Decimal("0.00000001"),
}

# Convention (1): words that name money without being a CLDR currency name or ISO code.
# Listed so that texts using them are NOT treated as currency-free (the rule stays strict).
COLLOQUIAL_MONEY_WORDS = frozenset(
    {
        *("buck", "bucks", "cent", "cents", "pence", "penny", "pennies", "sen", "paise"),
        *("dime", "dimes", "kuai", "mao", "dlrs", "rmb"),
        *("btc", "bitcoin", "bitcoins", "satoshi", "satoshis"),
    }
)

RULE_NO_CURRENCY = "no-currency"
RULE_SUBUNIT = "sub-unit"
RULE_NO_VALUE = "no-value"
RULE_XFAIL = "xfail"
RULE_REVERSED_PERCENT = "reversed-percent"
RULES: tuple[str, ...] = (
    RULE_NO_CURRENCY,
    RULE_SUBUNIT,
    RULE_NO_VALUE,
    RULE_XFAIL,
    RULE_REVERSED_PERCENT,
)
_REVERSED_PERCENT = re.compile(r"(?i)^\s*(?:per\s*cents?|percents?|percentage)\s+of\b")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Item:
    """One money or percent item, gold or predicted, in the suites' common shape."""

    kind: str
    value: Decimal | None
    currency: str | None
    start: int | None
    end: int | None
    surface: str | None = None
    unit_raw: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One peer test case: a text, its gold items and the kinds the suite annotates."""

    id: str
    suite: str
    text: str
    expected: tuple[Item, ...]
    scored_kinds: tuple[str, ...]
    xfail: bool = False


def suites_dir() -> Path:
    """The peer-suite folder: $FINFACTS_PEER_SUITES, else the copy under tests/data/."""
    path = Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)
    if not path.is_dir():
        raise InputError(
            str(path),
            f"peer-suite folder not found (set {ENV_DIR} or restore tests/data/peer-suites/)",
        )
    return path


def _decimal(raw: Any, path: Path, line: int, what: str) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise InputError(str(path), f"{what} {raw!r} is not a decimal", line) from None


def _item(raw: dict[str, Any], path: Path, line: int) -> Item:
    try:
        return Item(
            kind=raw["kind"],
            value=_decimal(raw.get("value"), path, line, "value"),
            currency=raw.get("currency"),
            start=raw.get("start"),
            end=raw.get("end"),
            surface=raw.get("surface"),
            unit_raw=raw.get("unit_raw"),
        )
    except KeyError as exc:
        raise InputError(str(path), f"expected item lacks field {exc}", line) from None


def load_suite(name: str, folder: Path | None = None) -> list[Case]:
    """Read one suite's JSONL file into cases; a malformed line is an InputError."""
    path = (folder or suites_dir()) / f"{name}.jsonl"
    if not path.is_file():
        raise InputError(str(path), f"suite file for {name!r} not found")
    cases: list[Case] = []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                meta = raw.get("meta") or {}
                cases.append(
                    Case(
                        id=raw["id"],
                        suite=raw.get("suite", name),
                        text=raw["text"],
                        expected=tuple(_item(e, path, line_no) for e in raw["expected"]),
                        scored_kinds=tuple(meta.get("scored_kinds") or ("money", "percent")),
                        xfail=bool(meta.get("xfail", False)),
                    )
                )
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"invalid JSON: {exc.msg}", line_no) from None
            except KeyError as exc:
                raise InputError(str(path), f"case lacks field {exc}", line_no) from None
    return cases


# ----------------------------------------------------------------------- matching


def values_equal(gold: Decimal | None, pred: Decimal | None) -> bool:
    """Decimal equality with a relative tolerance of 1e-9; None equals only None."""
    if gold is None or pred is None:
        return gold is None and pred is None
    if gold == pred:
        return True
    return abs(gold - pred) <= REL_TOL * max(abs(gold), abs(pred))


def strict_match(gold: Item, pred: Item) -> bool:
    """Same kind, value and currency; a null gold currency accepts any currency."""
    return (
        gold.kind == pred.kind
        and values_equal(gold.value, pred.value)
        and (gold.currency is None or gold.currency == pred.currency)
    )


def value_match(gold: Item, pred: Item) -> bool:
    """Same kind and value, currency ignored."""
    return gold.kind == pred.kind and values_equal(gold.value, pred.value)


def span_match(gold: Item, pred: Item) -> bool:
    """Same kind and overlapping characters (gold without offsets covers the whole text)."""
    if gold.kind != pred.kind or pred.start is None or pred.end is None:
        return False
    if gold.start is None or gold.end is None:
        return True
    return pred.start < gold.end and gold.start < pred.end


def max_matching(
    gold: Sequence[Item], pred: Sequence[Item], compatible: Callable[[Item, Item], bool]
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching (augmenting paths) as (gold index, pred index) pairs."""
    edges = [[j for j, p in enumerate(pred) if compatible(g, p)] for g in gold]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


CRITERIA: dict[str, Callable[[Item, Item], bool]] = {
    "strict": strict_match,
    "value": value_match,
    "span": span_match,
}


@dataclass(slots=True)
class Score:
    """Summed counts for one suite and view; P/R/F1 derive from them."""

    cases: int = 0
    gold: int = 0
    predicted: int = 0
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERIA, 0))

    def add(self, gold: Sequence[Item], pred: Sequence[Item]) -> dict[str, int]:
        """Score one case into the totals and return its per-criterion matches."""
        self.cases += 1
        self.gold += len(gold)
        self.predicted += len(pred)
        got = {name: len(max_matching(gold, pred, ok)) for name, ok in CRITERIA.items()}
        for name, n in got.items():
            self.tp[name] += n
        return got

    def prf(self, criterion: str) -> tuple[float, float, float]:
        """Precision, recall and F1 for one criterion (0.0 where undefined)."""
        tp = self.tp[criterion]
        p = tp / self.predicted if self.predicted else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if not self.gold and not self.predicted:
            p = r = f = 1.0  # nothing expected, nothing claimed
        return p, r, f


# -------------------------------------------------------------------- conventions


@functools.cache
def _currency_lexicon() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words (ISO codes, English CLDR currency names) and symbols that name a currency."""
    from babel import Locale
    from babel.numbers import list_currencies

    english = Locale("en")
    words = {code.lower() for code in list_currencies()}
    words.update(name.split()[-1].lower() for name in english.currencies.values())
    plural = english._data["currency_names_plural"]
    for code in plural:
        words.update(form.split()[-1].lower() for form in plural[code].values())
    words.update(COLLOQUIAL_MONEY_WORDS)
    symbols = tuple(sorted({s for s in english.currency_symbols.values() if not s.isalpha()}))
    return frozenset(words), symbols


_WORD = re.compile(r"[^\W\d_]+")


def text_names_currency(text: str, unit_raw: str | None = None) -> bool:
    """Whether the text holds any currency sign, ISO code, currency word, or the peer's unit."""
    if any(unicodedata.category(ch) == "Sc" for ch in text):
        return True
    words, symbols = _currency_lexicon()
    lowered = text.lower()
    if any(w in words for w in _WORD.findall(lowered)):
        return True
    if any(s in text for s in symbols):
        return True
    return bool(unit_raw) and unit_raw.lower() in lowered


def subunit_factor(item: Item) -> Decimal | None:
    """The factor to the main unit when the gold item is counted in a sub-unit, else None."""
    if item.unit_raw is None or item.kind != "money":
        return None
    return SUBUNIT_FACTORS.get(item.unit_raw) or SUBUNIT_FACTORS.get(item.unit_raw.lower())


def item_rule(case: Case, item: Item) -> str | None:
    """The convention rule that applies to one gold item in view (b), if any."""
    if item.value is None:
        return RULE_NO_VALUE
    if item.kind == "percent" and _REVERSED_PERCENT.match(item.surface or ""):
        return RULE_REVERSED_PERCENT
    if subunit_factor(item) is not None:
        return RULE_SUBUNIT
    if (
        item.kind == "money"
        and item.currency is None
        and not text_names_currency(case.text, item.unit_raw)
    ):
        return RULE_NO_CURRENCY
    return None


def gold_for_view_b(case: Case) -> tuple[Item, ...]:
    """Gold items under finfacts' conventions: drop no-currency/no-value, scale sub-units."""
    kept: list[Item] = []
    for item in case.expected:
        rule = item_rule(case, item)
        if rule in (RULE_NO_VALUE, RULE_NO_CURRENCY, RULE_REVERSED_PERCENT):
            continue
        if rule == RULE_SUBUNIT and item.value is not None:
            factor = subunit_factor(item)
            assert factor is not None
            item = Item(
                item.kind,
                item.value * factor,
                item.currency,
                item.start,
                item.end,
                item.surface,
                item.unit_raw,
            )
        kept.append(item)
    return tuple(kept)


def affected_cases(cases: Iterable[Case]) -> dict[str, list[str]]:
    """Case ids each convention rule touches (xfail: whole cases), for CONVENTIONS.md."""
    out: dict[str, list[str]] = {rule: [] for rule in RULES}
    for case in cases:
        if case.xfail:
            out[RULE_XFAIL].append(case.id)
            continue  # an xfail case is out of (b) as a whole
        rules = {item_rule(case, item) for item in case.expected}
        for rule in RULES:
            if rule in rules:
                out[rule].append(case.id)
    return out


# ---------------------------------------------------------------------- prediction


def records_to_items(records: Iterable[Any], kinds: Sequence[str]) -> list[Item]:
    """finfacts records as suite items: Money -> money, Percent -> percent (others ignored)."""
    from finfacts.records import Money, Percent

    items: list[Item] = []
    for r in records:
        if isinstance(r, Money) and "money" in kinds:
            items.append(Item("money", r.value, r.currency, r.start, r.end, r.surface))
        elif isinstance(r, Percent) and "percent" in kinds:
            items.append(Item("percent", r.value, None, r.start, r.end, r.surface))
    return items


def default_extract() -> Callable[..., list[Any]]:
    """The extractor under test, imported when first needed."""
    from finfacts.extract import extract

    return extract


@dataclass(slots=True)
class Predictions:
    """Predicted items per case id, and the error text of cases where extract raised."""

    items: dict[str, list[Item]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def predict(cases: Iterable[Case], extract: Callable[..., list[Any]] | None = None) -> Predictions:
    """Run the extractor on every case; a raising case gets no items and an error entry."""
    extract = extract or default_extract()
    out = Predictions()
    for case in cases:
        try:
            records = extract(case.text, doc_id=case.id)
        except Exception as exc:  # a crash on one case must not hide the others' scores
            out.errors[case.id] = f"{type(exc).__name__}: {exc}"
            records = []
        out.items[case.id] = records_to_items(records, case.scored_kinds)
    return out


@dataclass(slots=True)
class SuiteResult:
    """Scores of one suite in the three views, plus the cases that failed in (b)."""

    suite: str
    all: Score
    conventions: Score
    xfail: Score
    failures: list[tuple[Case, tuple[Item, ...], list[Item]]]
    errors: dict[str, str]


def score_suite(suite: str, cases: Sequence[Case], preds: Predictions) -> SuiteResult:
    """Score one suite in view (a) all cases, (b) after conventions, and its xfail cases."""
    all_, conv, xfail = Score(), Score(), Score()
    failures: list[tuple[Case, tuple[Item, ...], list[Item]]] = []
    for case in cases:
        pred = preds.items.get(case.id, [])
        gold = tuple(g for g in case.expected if g.kind in case.scored_kinds)
        all_.add(gold, pred)
        if case.xfail:
            xfail.add(gold, pred)
            continue
        gold_b = tuple(g for g in gold_for_view_b(case) if g.kind in case.scored_kinds)
        got = conv.add(gold_b, pred)
        if got["strict"] != len(gold_b) or got["strict"] != len(pred):
            failures.append((case, gold_b, pred))
    errors = {cid: err for cid, err in preds.errors.items() if cid.startswith(f"{suite}:")}
    return SuiteResult(suite, all_, conv, xfail, failures, errors)


def evaluate(
    names: Sequence[str] = SUITES,
    extract: Callable[..., list[Any]] | None = None,
    folder: Path | None = None,
) -> dict[str, SuiteResult]:
    """Load, predict and score the named suites (in-process; used by the floors test)."""
    extract = extract or default_extract()
    results: dict[str, SuiteResult] = {}
    for name in names:
        cases = load_suite(name, folder)
        results[name] = score_suite(name, cases, predict(cases, extract))
    return results


# -------------------------------------------------------------------------- output


def _fmt_item(item: Item) -> str:
    value = "null" if item.value is None else format(item.value.normalize(), "f")
    span = "" if item.start is None else f" @{item.start}:{item.end}"
    surface = f" {item.surface!r}" if item.surface is not None else ""
    currency = f" {item.currency}" if item.kind == "money" else "%"
    return f"{item.kind} {value}{currency}{surface}{span}"


def _row(label: str, score: Score) -> str:
    parts = [f"{label:<14} {score.cases:>5} {score.gold:>5} {score.predicted:>5}"]
    for name in CRITERIA:
        p, r, f = score.prf(name)
        parts.append(f"{p:5.3f} {r:5.3f} {f:5.3f}")
    return "  ".join(parts)


def report(result: SuiteResult, show_failures: int = 0, out: Any = None) -> None:
    """Print one suite's table, its target check, errors and (optionally) failures."""
    out = out or sys.stdout
    print(f"\n== {result.suite}", file=out)
    head = f"{'view':<14} {'cases':>5} {'gold':>5} {'pred':>5}"
    print(head + "  " + "  ".join(f"{n + ' P/R/F1':<17}" for n in CRITERIA), file=out)
    print(_row("(a) all", result.all), file=out)
    print(_row("(b) conv.", result.conventions), file=out)
    if result.xfail.cases:
        print(_row("xfail only", result.xfail), file=out)
    f1 = result.conventions.prf("strict")[2]
    target = TARGETS.get(result.suite)
    if target is not None:
        verdict = "met" if f1 >= target else "NOT met"
        print(f"target strict F1 (b) >= {target:.2f}: {f1:.3f} {verdict}", file=out)
    if result.errors:
        first_id, first = next(iter(result.errors.items()))
        n = len(result.errors)
        print(f"extract raised on {n} case(s); first {first_id}: {first}", file=out)
    for case, gold, pred in result.failures[:show_failures]:
        print(f"-- {case.id}: {case.text!r}", file=out)
        print(f"   expected: {[_fmt_item(g) for g in gold]}", file=out)
        print(f"   got:      {[_fmt_item(p) for p in pred]}", file=out)
    if show_failures and len(result.failures) > show_failures:
        print(f"   ... {len(result.failures) - show_failures} more failing case(s)", file=out)


# -------------------------------------------------------------------- conventions md

_BLOCK = re.compile(r"(<!-- generated:(?P<rule>[\w-]+) -->\n)(.*?)(<!-- /generated -->)", re.S)


def conventions_blocks(folder: Path | None = None) -> dict[str, str]:
    """The generated Markdown list of affected case ids for each rule."""
    per_rule: dict[str, dict[str, list[str]]] = {rule: {} for rule in RULES}
    for name in SUITES:
        for rule, ids in affected_cases(load_suite(name, folder)).items():
            if ids:
                per_rule[rule][name] = ids
    blocks: dict[str, str] = {}
    for rule, by_suite in per_rule.items():
        lines = []
        for name, ids in by_suite.items():
            lines.append(f"- `{name}` ({len(ids)} cases): " + ", ".join(ids))
        blocks[rule] = "\n".join(lines or ["- (no case)"]) + "\n"
    return blocks


def render_conventions(markdown: str, blocks: dict[str, str]) -> str:
    """Replace the generated blocks of CONVENTIONS.md, leaving the prose untouched."""

    def fill(m: re.Match[str]) -> str:
        rule = m.group("rule")
        if rule not in blocks:
            raise InputError(str(CONVENTIONS_MD), f"unknown generated block {rule!r}")
        return m.group(1) + blocks[rule] + m.group(4)

    return _BLOCK.sub(fill, markdown)


def write_conventions(path: Path = CONVENTIONS_MD) -> Path:
    """Regenerate the affected-case lists in CONVENTIONS.md (atomic write)."""
    from finfacts.atomic import atomic_write

    text = render_conventions(path.read_text(encoding="utf-8"), conventions_blocks())
    mode = path.stat().st_mode & 0o777
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    path.chmod(mode)  # the temp file is created private; keep the document's permissions
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: score the suites and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--suite", action="append", choices=SUITES, help="score only this suite")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N", help="print N failures")
    ap.add_argument("--write-conventions", action="store_true", help="refresh CONVENTIONS.md")
    args = ap.parse_args(argv)
    if args.write_conventions:
        print(f"wrote {write_conventions()}")
        return 0
    names = tuple(args.suite or SUITES)
    print(f"peer suites from {suites_dir()}")
    print("P/R/F1 summed over cases; (b) = after benchmarks/CONVENTIONS.md rules")
    for result in evaluate(names).values():
        report(result, args.show_failures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
