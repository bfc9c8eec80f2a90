"""The move layer's shortcuts are only shortcuts: each gives what the plain reading gives,
over every sentence of the corpora, the peer suites and the seeds, and over odd shapes
built to break them (long sentences, runs of space, verbs after share words)."""

from test_fast_path import _texts

from finfacts import moves
from finfacts.amounts import scan
from finfacts.extract import extract
from finfacts.records import Percent
from finfacts.sentences import Sentences

ODD = [
    # a sentence longer than a span is cut at, figures at both ends
    "Toyota Motor shares rose 2% " + "and then, as traders said, " * 40 + "Sony fell 3.1%.",
    # long runs of space before and after short sentences
    " " * 400 + "Sony shares fell 1.2%." + " " * 400 + "NEC rose 2%.",
    "Shares of Sakura Internet jumped 7.6%. Shares   \u00a0 of NEC slid 2% to ¥3,000!",
    "NEC shares were unchanged. U.S. shares of Sony fell; 7.5 percent. Mitsui shed 1.4%.",
]


def _texts_and_odd() -> list[str]:
    return [*_texts(), *ODD]


def test_window_sentence_is_the_verbs_own_sentence() -> None:
    """A verb found in a move window takes the window's sentence span only when that is
    exactly the span ``Sentences.span`` gives the verb itself."""
    verb_re = moves._verbs()[0]
    checked = 0
    for text in _texts_and_odd():
        found = scan(text)
        sentences = Sentences(text)
        records = sorted(extract(text, moves=False), key=moves._order)
        windows = moves._move_windows(text, records, found.move_cues, sentences)
        for m, sentence in moves._verbs_in(verb_re, text, windows):
            if sentence is not None:
                assert sentence == Sentences(text).span(m.start(), m.end()), (text, m.group())
                checked += 1
    assert checked > 300


def test_long_and_spaced_sentences_keep_their_moves() -> None:
    """The shapes where a window's span is not the verb's own still give their moves."""
    got = [(r.entity, r.change_pct) for r in extract(ODD[0]) if r.kind == "move"]
    assert [(e, str(c)) for e, c in got] == [("Toyota Motor", "2"), ("Sony", "-3.1")]
    got = [(r.entity, str(r.change_pct), r.sentence) for r in extract(ODD[1]) if r.kind == "move"]
    assert got == [("Sony", "-1.2", "Sony shares fell 1.2%."), ("NEC", "2", "NEC rose 2%.")]
    assert not any(isinstance(r, Percent) for r in extract(ODD[1]))


def _subject_read_whole(pre: str, participle: bool):
    """The subject with every clause break of ``pre`` read (appositives cut first)."""
    return moves._subject_in(moves._APPOSITIVE.sub(",", pre), 0, participle)


def test_subject_from_part_of_the_sentence_is_the_whole_reading() -> None:
    """Reading the clause breaks only near the verb gives the subject reading all of them
    gives, for every verb of every text, as a participle too; and long clauses are read."""
    verb_re = moves._verbs()[0]
    partial = 0
    clauses = [
        "Traders said, while the yen weakened",
        "as well as  Nomura — and Daiwa",
        "with SoftBank (9434.T), NTT; and",
        "Shares of Toyota, Honda and Nissan",
        "whose profit rose 5% and",
        "led by Sony: the  stock",
    ]
    built = [
        " ".join(clauses[(i + k) % len(clauses)] for k in range(n)) + " "
        for i in range(len(clauses))
        for n in range(1, 8)
    ]
    pres = [
        *(
            text[max(0, m.start() - 400) : m.start()]
            for text in _texts_and_odd()
            for m in verb_re.finditer(text)
        ),
        *built,
    ]
    for pre in pres:
        for participle in (False, True):
            text = pre + "rising"
            got = moves._subject(text, 0, len(pre), participle)
            assert got == _subject_read_whole(pre, participle), pre
        partial += moves._clause_scan_start(pre) > 0
    assert partial > 80


def test_share_as_a_portion_opens_no_move_window() -> None:
    """ "market share", "the lion's share": no window is read around such a "share" (the
    rest of the sentence still is, from its other share words and figures)."""
    for text in (
        "Sony lost market share in China as rivals rose on cheaper handsets.",
        "Nvidia took the lion’s share of the profits while rivals struggled and slipped.",
        "Toyota kept its fair share of the market, while others declined.",
    ):
        found = scan(text)
        assert found.move_cues, text
        windows = moves._move_windows(text, [], found.move_cues, Sentences(text))
        assert windows == [], text
    text = "Sony lost market share, but Sony shares rose after the report."
    found = scan(text)
    windows = moves._move_windows(text, [], found.move_cues, Sentences(text))
    assert len(windows) == 1 and "rose" in text[windows[0][0] : windows[0][1]]
    assert [(r.entity, r.direction) for r in extract(text) if r.kind == "move"] == [("Sony", "up")]
