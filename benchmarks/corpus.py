"""A reproducible news corpus for benchmarks: the seed articles, repeated with varied digits.

Copy 0 is the seed articles as they are; every later copy replaces each run of ASCII
digits with random digits of the same length (a seeded RNG, so the corpus is the same on
every run) and starts with a "(copy N)" line, so that no two documents are the same text
(a seed without digits would otherwise repeat) and no cache keyed on the text can help.
Each document keeps its seed's published date from seeds/index.csv (None where the
sidecar has none), so share moves get their trading sessions as in real use.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from finfacts.errors import InputError  # noqa: E402
from finfacts.io import read_documents  # noqa: E402

SEEDS_DIR = REPO / "seeds"
DEFAULT_MIN_BYTES = 2_000_000
DEFAULT_SEED = 20231205

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Doc:
    """One benchmark document: an id (``<seed stem>#<copy>``) and its text."""

    doc_id: str
    text: str
    published: date | None = None


def load_seeds(folder: Path = SEEDS_DIR) -> list[Doc]:
    """The seed articles (``*.txt``, sorted by name) as documents of copy 0, with the
    published dates of the folder's index.csv sidecar (read as finfacts reads it)."""
    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not paths:
        raise InputError(str(folder), "no seed articles (*.txt) found")
    return [Doc(f"{d.id}#0", d.text, d.published) for d in read_documents(paths)]


def vary_digits(text: str, rng: random.Random) -> str:
    """Replace every run of ASCII digits by random digits of the same length.

    A run that starts with a non-zero digit keeps a non-zero first digit, so "1,927"
    becomes e.g. "8,402", never "0,402".
    """

    def new(m: re.Match[str]) -> str:
        run = m.group()
        first = rng.choice("123456789") if run[0] != "0" else "0"
        return first + "".join(rng.choice("0123456789") for _ in run[1:])

    return _DIGITS.sub(new, text)


def corpus_bytes(docs: list[Doc]) -> int:
    """Size of the corpus in UTF-8 bytes."""
    return sum(len(d.text.encode("utf-8")) for d in docs)


def build_corpus(
    min_bytes: int = DEFAULT_MIN_BYTES, seed: int = DEFAULT_SEED, folder: Path = SEEDS_DIR
) -> list[Doc]:
    """At least ``min_bytes`` of news: whole copies of the seeds, digits varied per copy."""
    seeds = load_seeds(folder)
    rng = random.Random(seed)
    docs = list(seeds)
    size = corpus_bytes(docs)
    copy = 0
    while size < min_bytes:
        copy += 1
        for s in seeds:
            text = f"(copy {copy})\n" + vary_digits(s.text, rng)
            docs.append(Doc(f"{s.doc_id.split('#')[0]}#{copy}", text, s.published))
            size += len(text.encode("utf-8"))
    return docs


if __name__ == "__main__":
    built = build_corpus()
    print(f"{len(built)} docs, {corpus_bytes(built):,} bytes from {SEEDS_DIR}")
