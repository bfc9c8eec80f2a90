"""Regular-expression building blocks the grammars share."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str], *, flexible_spaces: bool = False) -> str:
    """``words`` as one alternation factored into a trie ("rose|rise|rises" → "r(?:ise(?:s)?|
    ose)"), which `re` tries far faster than a flat list; a longer word is still preferred
    to its prefix. ``flexible_spaces``: a space in a phrase matches any run of spaces."""
    pattern = _trie(sorted(set(words)))
    return pattern.replace(r"\ ", r"\s+") if flexible_spaces else pattern


def _trie(words: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w)
    out = []
    for group in groups.values():
        lo, hi = min(group), max(group)  # their common prefix is everyone's
        n = 0
        while n < len(lo) and lo[n] == hi[n]:
            n += 1
        stem = lo[:n]
        rest = [w[n:] for w in group]
        if rest == [""]:
            out.append(re.escape(stem))
        else:
            optional = "?" if "" in rest else ""
            out.append(f"{re.escape(stem)}(?:{_trie([r for r in rest if r])}){optional}")
    return "|".join(out)
