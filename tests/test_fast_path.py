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
