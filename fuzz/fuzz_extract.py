"""Coverage-guided fuzz target for ``finfacts.extract`` (atheris / libFuzzer).

Each input is checked for what ``extract`` promises on any ``str``: no exception and no
internal fault reported by ``extract_with_errors``, every record's offsets slicing the text
to its surface, and the same records on a second call. A broken promise raises, and
libFuzzer saves the input as a ``crash-*`` file.

Input bytes are read two ways, chosen by the first byte:

- ``\\x00`` then bytes: each byte picks a token (numbers, currency forms, scale words,
  percent units, move verbs, company names, separators) so mutations explore the grammar;
- anything else: the bytes as UTF-8, undecodable bytes becoming lone surrogates, so the
  extractor also sees every odd code point a ``str`` can hold.

Run it with ``fuzz/run.sh SECONDS`` (see fuzz/README.md); ``python fuzz/fuzz_extract.py
crash-file`` replays one input. atheris is imported only when fuzzing starts, so this
module can be imported (and its helpers tested) without it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# fmt: off
TOKENS: tuple[str, ...] = (
    # numbers in the notations news uses
    "0", "1", "2.7", "21.05", "1,927", "10,372", "1,03,000", "1.234.567,89", "1 029,00",
    "350.000", ".75", "３５０", "１，０００", "2兆", "1兆2000億", "103億", "5万", "二千", "十五",
    "one", "two", "twenty", "hundred", "a half", "dozen",
    # currency forms
    "$", "US$", "S$", "NT$", "HK$", "A$", "C$", "R$", "¥", "￥", "£", "€", "₹", "₩", "Rs",
    "Rs.", "RMB", "USD", "JPY", "EUR", "INR", "KRW", "yen", "yuan", "dollars", "euros",
    "pounds", "won", "real", "rupees", "dlrs", "cents", "pence", "sen", "円", "元", "ドル",
    # scales, percent units, qualifiers and range words
    "million", "billion", "trillion", "bn", "mln", "m", "crore", "lakh", "%", "％", "percent",
    "per cent", "percentage points", "bps", "basis points", "about", "more than", "up to",
    "nearly", "between", "from", "to", "and", "or", "minus", "billions of", "of",
    # moves, companies, dates
    "Shares of", "shares", "stock", "rose", "fell", "jumped", "little changed", "to close at",
    "SoftBank", "SoftBank Corp", "Sony", "NEC", "Toyota Motor", "Nikkei", "(6701.T)",
    "Tuesday", "yesterday", "2023-12-05", "Dec. 5", "Reporting by", "http://x.co/",
    # separators
    " ", " ", " ", "\u00a0", "\u202f", "\n", "\n\n", "\t", ".", ",", ";", "(", ")", "-",
    "–", "—", "~", "/", "'", "’", '"',
)
# fmt: on

KNOWN_FAULTS: dict[str, str] = {}
"""Faults already pinned by an xfail regression test, as {message fragment: test}: inputs that
raise them are let through unless FINFACTS_FUZZ_STRICT=1. Empty: every fault stops the run."""


def text_of(data: bytes) -> str:
    """The document an input stands for (token mode after a NUL byte, else UTF-8)."""
    if data[:1] == b"\x00":
        return "".join(TOKENS[b % len(TOKENS)] for b in data[1:])
    return data.decode("utf-8", errors="surrogateescape")


def check(text: str) -> None:
    """Raise AssertionError when ``extract`` breaks one of its promises on ``text``."""
    from finfacts.extract import extract_with_errors

    records, errors = extract_with_errors(text, doc_id="fuzz")
    strict = os.environ.get("FINFACTS_FUZZ_STRICT") == "1"
    unknown = [e for e in errors if strict or not any(k in e for k in KNOWN_FAULTS)]
    if unknown:
        raise AssertionError(f"internal fault on {text!r}: {unknown}")
    for r in records:
        if not (0 <= r.start <= r.end <= len(text)) or text[r.start : r.end] != r.surface:
            raise AssertionError(f"offsets {r.start}:{r.end} do not slice to {r.surface!r}")
    again, _ = extract_with_errors(text, doc_id="fuzz")
    if again != records:
        raise AssertionError(f"second call differs on {text!r}")


def test_one_input(data: bytes) -> None:
    """libFuzzer entry point."""
    check(text_of(data))


def write_seeds(folder: Path) -> int:
    """Write the seed articles and the money corpus texts as starting inputs; return count."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []
    for article in sorted((ROOT / "seeds").glob("*.txt")):
        texts.extend(p for p in article.read_text(encoding="utf-8").split("\n\n") if p.strip())
    for corpus in sorted((ROOT / "tests" / "corpus" / "money").glob("*.jsonl")):
        for line in corpus.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    for number, text in enumerate(texts):
        (folder / f"seed-{number:04d}").write_bytes(text.encode("utf-8")[:8192])
    return len(texts)


def write_dict(path: Path) -> None:
    """A libFuzzer dictionary of the tokens, so raw-mode mutations insert them too."""
    lines = []
    for token in TOKENS:
        escaped = "".join(
            f"\\x{b:02x}" if b < 0x20 or b >= 0x7F or b in (0x22, 0x5C) else chr(b)
            for b in token.encode("utf-8")
        )
        lines.append(f'"{escaped}"')
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def main(argv: list[str]) -> None:
    """Fuzz (libFuzzer flags and corpus folders in ``argv``), or write seeds / a dictionary."""
    if len(argv) == 3 and argv[1] == "--write-seeds":
        print(f"{write_seeds(Path(argv[2]))} seeds written to {argv[2]}")
        return
    if len(argv) == 3 and argv[1] == "--write-dict":
        write_dict(Path(argv[2]))
        return
    import atheris  # only needed to fuzz: installed by fuzz/run.sh

    sys.path.insert(0, str(ROOT))
    # atheris' "RegEx" hook is left off: its pattern proxy lacks match(text, pos), which
    # the grammar uses throughout.
    atheris.enabled_hooks.add("str")
    import pandas  # noqa: F401  (heavy dependencies load first, uninstrumented)

    with atheris.instrument_imports(include=["finfacts"]):
        import finfacts.dates
        import finfacts.entities
        import finfacts.extract
        import finfacts.moves
    finfacts.extract("warm up: $1 billion, Shares of Sony rose 3%.")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
