"""The amount fast path is only a shortcut: with it switched off, the general grammar finds
exactly the same amounts in every sentence of the corpora, the peer suites and the seeds."""

import json
from pathlib import Path

import pytest

from finfacts import amounts

TESTS = Path(__file__).resolve().parent


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((TESTS.parent / "seeds").glob("*.txt"))]
    for path in sorted(TESTS.glob("corpus/**/*.jsonl")) + sorted(
        (TESTS / "data" / "peer-suites").glob("*.jsonl")
    ):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    # the shapes the fast path must hand over: signs, ranges, qualifiers, sub-units
    texts += [
        "It lost -$5 million, or minus ¥3 billion, after about US$2.7 billion in sales.",
        "The IPO could raise $1-2 billion or between ¥1,000 and ¥2,000 a share.",
        "Costs rose 5%-7% and 25 percent-owned units paid 50p, C $ 16.4 and HK$10.",
        "ALL 5 solutions cost USD50 and Rs 10,372 crore; the stake is 7.6 percentage points.",
    ]
    return texts


def test_fast_path_agrees_with_the_general_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    assert len(texts) > 1000
    fast = [repr(amounts.all_amounts(t)) for t in texts]
    monkeypatch.setattr(amounts, "_common_amount", lambda *args: None)
    general = [repr(amounts.all_amounts(t)) for t in texts]
    differing = [t for t, f, g in zip(texts, fast, general, strict=True) if f != g]
    assert differing == []


def test_move_cue_scan_agrees_with_reading_word_by_word() -> None:
    """The share and flat-move words found in the amount cue pass are exactly the whole
    words a plain reading finds (any case; "shareholders" and "flatten" are not cues)."""
    texts = [
        *_texts(),
        "Shareholders saw SHARES of Sony flatten, then STOCK held steady; ADRs were unchanged.",
        "Toyota's share price was little changed; the stocks ended flat.",
    ]
    differing = [t for t in texts if amounts.scan(t).move_cues != amounts.move_cue_spans(t)]
    assert differing == []
    mixed = texts[-2]
    cues = amounts.scan(mixed).move_cues
    assert [mixed[a:b] for a, b in cues] == ["SHARES", "STOCK", "steady", "ADRs", "unchanged"]


@pytest.mark.parametrize("odd", ["\u0130", "\u212a"])
def test_moves_found_when_the_cue_scan_reads_word_by_word(odd: str) -> None:
    """Texts with a character whose lower case changes length or reads as ASCII take the
    word-by-word reading; their share words still open a move."""
    from finfacts import extract

    text = f"{odd}zmir traders watched. Toyota Motor shares jumped after the report."
    moves = [r for r in extract(text) if r.kind == "move"]
    assert [(m.entity, m.direction) for m in moves] == [("Toyota Motor", "up")]
