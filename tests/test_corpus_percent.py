"""Percent corpus: the written forms of percentages, and text that only looks like one.

Each line of tests/corpus/percent/<file>.jsonl is one test (id ``file:line``), read and
compared exactly as the move corpus is (tests/test_corpus_moves.py): the Percent records of
``extract`` must match ``percents`` one for one, and the ShareMove records ``moves``.
Conventions: docs/moves-corpus.md.
"""

from __future__ import annotations

import pytest
from test_corpus_moves import MAX_LINES, MIN_LINES, Line, check_line, corpus_problems
from test_corpus_moves import file_counts as _file_counts
from test_corpus_moves import read_corpus as _read_corpus

FILES = ("forms", "negative")
LINES = _read_corpus("percent")
IDS = [line.id for line in LINES]


def test_each_percent_file_has_15_to_30_lines():
    counts = _file_counts(LINES)
    assert set(counts) == set(FILES)
    off = {name: n for name, n in counts.items() if not MIN_LINES <= n <= MAX_LINES}
    assert not off, f"files outside {MIN_LINES}-{MAX_LINES} lines: {off}"


def test_negative_lines_expect_nothing_and_forms_lines_expect_a_percent():
    for line in LINES:
        if line.id.startswith("negative.jsonl:"):
            assert line.percents == [] and line.moves == [], line.id
        else:
            assert line.percents, f"{line.id}: a forms line expects at least one percent"


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_percent_corpus_line_is_well_formed(line: Line):
    problems = corpus_problems(line)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("line", LINES, ids=IDS)
def test_percent_extraction(line: Line):
    check_line(line)
