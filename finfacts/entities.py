"""Company and index names → Yahoo symbols, with document-level resolution of short names.

The alias table is ``data/companies.csv`` plus any files a user registers. A document is
scanned once for the company names it spells out ("SoftBank Corp.", "Mitsui & Co."); a short
mention later in it ("SoftBank", "Mitsui") resolves to the company the document named
earlier. A short name several companies share, with no earlier full name, resolves to None:
finfacts never guesses a ticker.
"""

from __future__ import annotations

import bisect
import csv
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from finfacts.errors import InputError
from finfacts.paths import bundled_path

COLUMNS = ("name", "aliases", "symbol", "exchange", "currency", "country")
INDEX_COLUMNS = ("name", "aliases", "symbol")

# Legal-form words that do not change which company a name denotes: "Nissan Motor Co" is
# "Nissan Motor". "Group" is deliberately absent: "SoftBank Group" is not "SoftBank".
_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("and", "company"),
    ("and", "co"),
    ("corporation",),
    ("corp",),
    ("company",),
    ("co",),
    ("incorporated",),
    ("inc",),
    ("limited",),
    ("ltd",),
    ("plc",),
    ("holdings",),
    ("hldgs",),
    ("kk",),
    ("nv",),
    ("ag",),
    ("sa",),
    ("llc",),
)
_SUFFIX_TOKENS = frozenset(token for suffix in _SUFFIXES for token in suffix)
# The starts of those: a word a text continues into a legal form ("C" of "Corp").
_SUFFIX_STARTS = frozenset(t[:n] for t in _SUFFIX_TOKENS for n in range(1, len(t) + 1))
# Tokens after which "<dot><space>" may continue a name ("Co. Ltd", "Dr. Reddy's", "U.S. Bancorp").
_ABBREVIATIONS = frozenset({"co", "corp", "inc", "ltd", "dr", "st", "jr", "bros", "mt", "ft"})
# Suffix tokens that are written with a trailing dot ("Corp."); the dot joins the surface.
_DOTTED_SUFFIXES = frozenset({"co", "corp", "inc", "ltd", "hldgs"})

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?|&")
_POSSESSIVE = re.compile(r"['’]s?$", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['’]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_GAP_SPACE = re.compile(r"[ \t\u00a0]*(?:\r?\n)?[ \t\u00a0]*")
_GAP_HYPHEN = re.compile(r"[ \t\u00a0]*[-‐‑–][ \t\u00a0]*")
_GAP_DOT_SPACE = re.compile(r"\.[ \t\u00a0]+")
_GAP_COMMA = re.compile(r",[ \t\u00a0]*")
_MIC = re.compile(r"^[A-Z0-9]{4}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class Company:
    """A listed company: display name, Yahoo symbol, listing MIC, trading currency, ISO country."""

    name: str
    symbol: str
    exchange: str
    currency: str
    country: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A company name found in a document: half-open span, exact surface, companies it can denote.

    ``company`` is set when the name alone denotes exactly one company ("SoftBank Corp."); a
    shared short name ("SoftBank") has several ``candidates`` and no ``company``.
    """

    start: int
    end: int
    surface: str
    candidates: tuple[Company, ...]

    @property
    def company(self) -> Company | None:
        """The one company this name denotes by itself, or None when ambiguous."""
        return self.candidates[0] if len(self.candidates) == 1 else None


# --------------------------------------------------------------------------- normalisation


def _norm_token(token: str) -> str:
    if token == "&":
        return "and"
    if not token.isascii():
        token = "".join(
            ch for ch in unicodedata.normalize("NFKD", token) if not unicodedata.combining(ch)
        )
    token = token.casefold()
    if "'" in token or "’" in token:
        token = _APOSTROPHES.sub("", _POSSESSIVE.sub("", token))
    return token


def _tokens(text: str) -> list[str]:
    return [t for t in (_norm_token(m.group()) for m in _TOKEN.finditer(text)) if t]


def _word_tokens(word: str) -> list[str]:
    """``_tokens`` of one word; quick for a plain ASCII word, with or without final dots."""
    plain = word.rstrip(".")
    if plain.isascii() and plain.isalnum():
        return [plain.lower()]
    return ["and"] if word == "&" else _tokens(word)


def _strip_suffixes(tokens: list[str]) -> list[str]:
    tokens = list(tokens)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    stripped = True
    while stripped and len(tokens) > 1:
        stripped = False
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(tokens) > n and tuple(tokens[-n:]) == suffix:
                tokens = tokens[:-n]
                stripped = True
                break
    return tokens


def normalize(name: str) -> str:
    """The comparison key of a name: case-folded, accents and apostrophes dropped, & → and.

    Corporate suffixes stay ("SoftBank Corp" ≠ "SoftBank"); see :func:`core_name`.
    """
    return " ".join(_tokens(name))


def core_name(name: str) -> str:
    """The key of a name without its legal form: "Nissan Motor Co., Ltd." → "nissan motor"."""
    return " ".join(_strip_suffixes(_tokens(name)))


def strip_legal_suffix(name: str) -> str:
    """The written name without a leading "The" or a trailing legal form: "Apple Inc." → "Apple"."""
    matches = [m for m in _TOKEN.finditer(name) if _norm_token(m.group())]
    norms = [_norm_token(m.group()) for m in matches]
    kept = _strip_suffixes(norms)
    if not matches or len(kept) == len(norms):
        return name.strip()
    lead = 1 if len(norms) > 1 and norms[0] == "the" else 0
    return name[matches[lead].start() : matches[lead + len(kept) - 1].end()]


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Row:
    company: Company
    aliases: tuple[str, ...]


def read_csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with ``#`` comment lines, each with its 1-based line number."""
    try:
        fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    with fh:
        line_no = 0

        def numbered() -> Iterator[str]:
            nonlocal line_no
            for line_no, line in enumerate(fh, 1):  # noqa: B007 - read by the caller
                if line.strip() and not line.lstrip().startswith("#"):
                    yield line

        reader = csv.reader(numbered())
        header = next(reader, None)
        if header is None:
            raise InputError(str(path), "empty file: expected a header " + ",".join(columns))
        header = [h.strip().lower() for h in header]
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(
                str(path), f"missing column(s) {', '.join(missing)}; header is {header}", line_no
            )
        for cells in reader:
            if len(cells) > len(header):
                raise InputError(
                    str(path), f"{len(cells)} fields, header has {len(header)}", line_no
                )
            row = dict(zip(header, (c.strip() for c in cells), strict=False))
            yield line_no, {c: row.get(c, "") for c in columns}


def _split_aliases(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split("|") if a.strip() and a.strip() != "-")


def _load_companies(path: Path) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for line, cells in read_csv_rows(path, COLUMNS):
        symbol = cells["symbol"]
        for field in ("name", "symbol", "exchange", "currency", "country"):
            if not cells[field]:
                raise InputError(str(path), f"field '{field}' is empty (symbol {symbol!r})", line)
        checks = (
            ("exchange", _MIC, "a 4-character MIC such as XTKS"),
            ("currency", _CURRENCY, "an ISO 4217 code such as JPY"),
            ("country", _COUNTRY, "an ISO 3166 alpha-2 code such as JP"),
        )
        for field, pattern, expected in checks:
            if not pattern.match(cells[field]):
                raise InputError(
                    str(path),
                    f"field '{field}' is {cells[field]!r}: expected {expected} (symbol {symbol})",
                    line,
                )
        if any(ch.isspace() for ch in symbol):
            raise InputError(str(path), f"field 'symbol' {symbol!r} contains a space", line)
        if symbol in seen:
            raise InputError(
                str(path), f"symbol {symbol} already defined on line {seen[symbol]}", line
            )
        seen[symbol] = line
        names = (cells["name"], *_split_aliases(cells["aliases"]))
        for alias in names:
            if not _tokens(alias):
                raise InputError(str(path), f"name or alias {alias!r} has no letters", line)
        company = Company(
            cells["name"], symbol, cells["exchange"], cells["currency"], cells["country"]
        )
        rows.append(_Row(company, names[1:]))
    return rows


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class _Alias:
    norm: tuple[str, ...]  # normalised tokens
    first_upper: bool  # written with a capital: the text must be too
    acronyms: tuple[bool, ...]  # per token: a short all-caps acronym ("NEC") stays all caps
    possessive: bool  # the written alias ends in 's ("McDonald's")


class _Table:
    """Everything a lookup or a scan needs, built once per process from the layers."""

    def __init__(self, layers: list[list[_Row]]):
        self.companies: dict[str, Company] = {}
        exact: dict[str, set[str]] = {}
        core: dict[str, set[tuple[str, bool]]] = {}
        by_first: dict[str, dict[tuple[str, ...], _Alias]] = {}
        cjk: dict[str, set[str]] = {}
        for layer in layers:
            layer_exact: dict[str, set[str]] = {}
            layer_core: dict[str, set[tuple[str, bool]]] = {}
            layer_cjk: dict[str, set[str]] = {}
            for row in layer:
                symbol = row.company.symbol
                self.companies[symbol] = row.company
                for written in (row.company.name, *row.aliases):
                    tokens = _tokens(written)
                    key = " ".join(tokens)
                    layer_exact.setdefault(key, set()).add(symbol)
                    stripped = _strip_suffixes(tokens)
                    layer_core.setdefault(" ".join(stripped), set()).add(
                        (symbol, len(stripped) < len(tokens))
                    )
                    if _CJK.search(written):
                        layer_cjk.setdefault(written, set()).add(symbol)
                    else:
                        alias = _alias(written, tuple(tokens))
                        by_first.setdefault(tokens[0], {})[alias.norm] = alias
            # A later layer that uses a name takes it over entirely ("later registrations win").
            exact.update(layer_exact)
            core.update(layer_core)
            cjk.update(layer_cjk)
        self.exact = {k: tuple(sorted(v)) for k, v in exact.items()}
        self.core = {k: tuple(sorted(v)) for k, v in core.items()}
        self.by_first = {
            k: sorted(v.values(), key=lambda a: -len(a.norm)) for k, v in by_first.items()
        }
        self.cjk = {k: tuple(sorted(v)) for k, v in cjk.items()}
        self.cjk_pattern = (
            re.compile("|".join(re.escape(k) for k in sorted(cjk, key=len, reverse=True)))
            if cjk
            else None
        )
        # Every leading run of tokens of a name key: what a look-up can match at all.
        self.prefixes = frozenset(
            " ".join(tokens[:n])
            for key in (*self.exact, *self.core)
            for tokens in (key.split(" "),)
            for n in range(1, len(tokens) + 1)
        )
        # Every key, sorted: those that start with a given text directly follow it.
        self.keys = tuple(sorted({*self.exact, *self.core}))

    def symbols(self, name: str) -> tuple[str, ...]:
        """Symbols a name can denote on its own: exact written form first, then without suffix."""
        tokens = _tokens(name)
        if not tokens:
            return ()
        hit = self.exact.get(" ".join(tokens))
        if hit:
            return hit
        stripped = _strip_suffixes(tokens)
        return self._core_symbols(" ".join(stripped), len(stripped) < len(tokens))

    def _core_symbols(self, key: str, stripped: bool) -> tuple[str, ...]:
        """Symbols of a key without legal form; when the name had one (or a leading "the"),
        those whose own name carries one win: "SoftBank Corporation" is SoftBank Corp."""
        entries = self.core.get(key, ())
        if stripped:
            suffixed = tuple(s for s, had_suffix in entries if had_suffix)
            if suffixed:
                return tuple(dict.fromkeys(suffixed))
        return tuple(dict.fromkeys(s for s, _ in entries))

    def lookup(self, name: str) -> tuple[Company, ...]:
        return tuple(self.companies[s] for s in self.symbols(name))

    def longer_names_repeat(self, name: str) -> bool:
        """:func:`longer_names_repeat` against this table."""
        # A longer name has the tokens of ``name``, the last perhaps continued ("Mitsu" →
        # "mitsubishi"), then more, so its key continues that of ``name``. When no name key
        # does, its look-up misses every exact key and every core key but that of ``name``
        # or of a run of it followed by legal forms alone, read as after a stripped legal
        # form; unless its first token reads "the", which is stripped.
        tokens = _tokens(name)
        if not tokens or "the".startswith(tokens[0]) or self._continued(" ".join(tokens)):
            return False  # "Th" + "e Kroger Co" is Kroger
        own = self.symbols(name)
        runs = [len(tokens)]  # the runs of tokens a longer name can strip back to
        if len(tokens) > 1 and tokens[-1] in _SUFFIX_STARTS:
            runs.append(len(tokens) - 1)  # "Zed C" + "orp."
            while runs[-1] > 1 and tokens[runs[-1] - 1] in _SUFFIX_TOKENS:
                runs.append(runs[-1] - 1)
        for j in runs:
            named = self._core_symbols(" ".join(tokens[:j]), True)
            if len(named) == 1 and named != own:
                return False  # "Acme Corp." is The Acme Company, "Acme" another
        return True

    def _continued(self, key: str) -> bool:
        """Whether a name key starts with ``key`` and is longer: the next key in order does."""
        i = bisect.bisect_right(self.keys, key)
        return i < len(self.keys) and self.keys[i].startswith(key)


def _alias(written: str, norm: tuple[str, ...]) -> _Alias:
    raw = [m.group() for m in _TOKEN.finditer(written)]
    raw = [r for r in raw if _norm_token(r)]
    acronyms = tuple(r.isupper() and r.isalpha() and len(r) <= 4 for r in raw)
    return _Alias(
        norm=norm,
        first_upper=raw[0][:1].isupper(),
        acronyms=acronyms,
        possessive=bool(_POSSESSIVE.search(raw[-1])) and raw[-1][-1] in "sS",
    )


_lock = threading.Lock()
_user_layers: list[list[_Row]] = []
_table_cache: _Table | None = None


def _table() -> _Table:
    global _table_cache
    table = _table_cache
    if table is None:
        with _lock:
            if _table_cache is None:
                bundled = _load_companies(bundled_path("companies.csv"))
                _table_cache = _Table([bundled, *_user_layers])
            table = _table_cache
    return table


def register_companies(path: str | Path) -> int:
    """Add a user's companies file (same columns as data/companies.csv); later files win.

    A symbol defined again takes the later row's name, exchange, currency and country; a name
    or alias used again denotes only the companies of the latest file that uses it. Returns the
    number of companies read. Raises :class:`~finfacts.errors.InputError` naming the line.
    """
    global _table_cache
    rows = _load_companies(Path(path))
    with _lock:
        _user_layers.append(rows)
        _table_cache = None
    return len(rows)


def reset_companies() -> None:
    """Forget registered files: back to the bundled table (for tests and notebooks)."""
    global _table_cache
    with _lock:
        if _user_layers:
            _user_layers.clear()
            _table_cache = None


def companies() -> tuple[Company, ...]:
    """Every company the table knows, bundled and registered."""
    return tuple(_table().companies.values())


def lookup(name: str) -> tuple[Company, ...]:
    """All companies a name can denote without document context ("SoftBank" → two)."""
    return _table().lookup(name)


def name_lengths(words: Sequence[str]) -> list[int]:
    """Every k, longest first, for which ``lookup(" ".join(words[:k]))`` may find a company.

    A superset read from the table's name prefixes without a look-up, so that a caller
    trying ever shorter runs of words skips the runs that cannot name a company; words
    are read only while a run can still fit.
    """
    prefixes = _table().prefixes
    # The tokens as read: joined while they begin a name key (None after), and whether
    # legal-form words alone have followed; the same after a leading "the" ("The Kroger").
    reading: tuple[str | None, bool] = ("", True)
    lead: tuple[str | None, bool] | None = None
    first = last = 0  # the first word with a token; the last word a run may end at
    for k, word in enumerate(words, 1):
        for token in _word_tokens(word):
            reading = _read_on(prefixes, reading, token)
            if lead is not None:
                lead = _read_on(prefixes, lead, token)
            elif not first:
                first = k
                if token == "the":
                    lead = ("", True)
        if not reading[1] and (lead is None or not lead[1]):
            break  # no longer run fits either
        last = k
    return list(range(last, first - 1, -1)) if first else []


def _read_on(
    prefixes: frozenset[str], reading: tuple[str | None, bool], token: str
) -> tuple[str | None, bool]:
    """A reading of :func:`name_lengths` after one more token."""
    key, fits = reading
    if key is not None:
        key = f"{key} {token}" if key else token
        if key not in prefixes:
            key = None
    return key, fits and (key is not None or token in _SUFFIX_TOKENS)


def longer_names_repeat(name: str) -> bool:
    """True when a longer name written from ``name`` on (more words, or its last word
    continued) names one company only if ``name`` alone names that same one.

    So it is when no name key continues the key of ``name`` and legal forms after it
    ("Corp.", "& Co.") read no other company; a reader looking for the fuller name of a
    short mention ("Mitsui Fudosan Co." for "Mitsui") then has nothing to read.
    """
    return _table().longer_names_repeat(name)


def resolve_name(name: str) -> Company | None:
    """The company a name denotes on its own, or None when unknown or ambiguous."""
    found = lookup(name)
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------- document scan


def _gap_ok(text: str, prev_end: int, start: int, prev_norm: str) -> bool:
    if prev_end == start:
        return True
    gap = text[prev_end:start]
    if _GAP_SPACE.fullmatch(gap) or _GAP_HYPHEN.fullmatch(gap) or gap == ".":
        return True
    return bool(
        _GAP_DOT_SPACE.fullmatch(gap) and (len(prev_norm) == 1 or prev_norm in _ABBREVIATIONS)
    )


def _case_ok(alias: _Alias, raw: list[str]) -> bool:
    if alias.first_upper and not (raw[0][:1].isupper() or raw[0][:1].isdigit()):
        return False
    return all(not acr or tok.isupper() for acr, tok in zip(alias.acronyms, raw, strict=False))


class _Tokens:
    """The document's word tokens with offsets, normalised once."""

    __slots__ = ("ends", "norm", "raw", "starts", "text")

    def __init__(self, text: str):
        self.text = text
        self.raw: list[str] = []
        self.norm: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _TOKEN.finditer(text):
            norm = _norm_token(m.group())
            if norm:
                self.raw.append(m.group())
                self.norm.append(norm)
                self.starts.append(m.start())
                self.ends.append(m.end())

    def matches(self, i: int, norm: tuple[str, ...]) -> bool:
        n = len(norm)
        if i + n > len(self.norm) or tuple(self.norm[i : i + n]) != norm:
            return False
        return all(
            _gap_ok(self.text, self.ends[j - 1], self.starts[j], self.norm[j - 1])
            for j in range(i + 1, i + n)
        )

    def suffix_end(self, j: int) -> int:
        """Index after any legal-form tokens that follow token ``j - 1`` ("Corp", "& Co.")."""
        while j < len(self.norm):
            for suffix in _SUFFIXES:
                n = len(suffix)
                if tuple(self.norm[j : j + n]) != suffix:
                    continue
                gap = self.text[self.ends[j - 1] : self.starts[j]]
                prev = self.norm[j - 1]
                if not (
                    _GAP_COMMA.fullmatch(gap)
                    or _gap_ok(self.text, self.ends[j - 1], self.starts[j], prev)
                ):
                    continue
                if not all(
                    _gap_ok(self.text, self.ends[k - 1], self.starts[k], self.norm[k - 1])
                    for k in range(j + 1, j + n)
                ):
                    continue
                j += n
                break
            else:
                return j
        return j


def _scan(text: str, table: _Table) -> list[Mention]:
    toks = _Tokens(text)
    found: list[Mention] = []
    i = 0
    count = len(toks.norm)
    while i < count:
        candidates = table.by_first.get(toks.norm[i])
        if candidates:
            for alias in candidates:
                n = len(alias.norm)
                if toks.matches(i, alias.norm) and _case_ok(alias, toks.raw[i : i + n]):
                    mention, i = _mention(toks, table, alias, i, i + n)
                    found.append(mention)
                    break
            else:
                i += 1
        else:
            i += 1
    if table.cjk_pattern is not None and _CJK.search(text):
        spans = [(m.start, m.end) for m in found]
        for m in table.cjk_pattern.finditer(text):
            pos = bisect.bisect_right(spans, (m.start(), m.end()))
            inside = pos > 0 and spans[pos - 1][1] > m.start()
            if not inside:
                cands = tuple(table.companies[s] for s in table.cjk[m.group()])
                found.append(Mention(m.start(), m.end(), m.group(), cands))
        found.sort(key=lambda m: m.start)
    return found


def _mention(toks: _Tokens, table: _Table, alias: _Alias, i: int, j: int) -> tuple[Mention, int]:
    """The mention of tokens ``i..j`` plus any legal form after them, and the next token index."""
    k = toks.suffix_end(j)
    start, end = toks.starts[i], toks.ends[k - 1]
    text = toks.text
    last = toks.raw[k - 1]
    if toks.norm[k - 1] in _DOTTED_SUFFIXES and text[end : end + 1] == ".":
        end += 1
    elif not (alias.possessive and k == j) and (possessive := _POSSESSIVE.search(last)):
        end -= len(possessive.group())
    surface = text[start:end]
    symbols = table.symbols(surface) if k > j else table.exact[" ".join(alias.norm)]
    return Mention(start, end, surface, tuple(table.companies[s] for s in symbols)), k


class DocumentEntities:
    """The company names one document spells out, for resolving its short mentions.

    Build it once per document with :meth:`scan`; then :meth:`resolve` each mention the
    extractor finds, with the mention's character offset in the same text.
    """

    __slots__ = ("mentions", "text")

    def __init__(self, text: str, mentions: Iterable[Mention]):
        self.text = text
        self.mentions: tuple[Mention, ...] = tuple(mentions)

    @classmethod
    def scan(cls, text: str) -> DocumentEntities:
        """Find every known company name in ``text`` (longest alias match, word boundaries)."""
        return cls(text, _scan(text, _table()))

    def resolve(self, mention: str, offset: int) -> Company | None:
        """The company ``mention`` (at character ``offset``) denotes in this document, or None."""
        return self.resolve_with_antecedent(mention, offset)[0]

    def antecedent(self, mention: str, offset: int) -> Mention | None:
        """The earlier, fuller name that decided a short mention ("SoftBank Corp.")."""
        return self.resolve_with_antecedent(mention, offset)[1]

    def resolve_with_antecedent(
        self, mention: str, offset: int
    ) -> tuple[Company | None, Mention | None]:
        """:meth:`resolve` and :meth:`antecedent` in one call."""
        table = _table()
        symbols = table.symbols(mention)
        earlier = [(m.company, m) for m in reversed(self.mentions) if m.end <= offset and m.company]
        # 1. a company this name can denote, named earlier in the document
        named = _distinct((c, m) for c, m in earlier if c.symbol in symbols)
        if len(named) == 1:
            return named[0][0], named[0][1]
        if len(named) > 1:
            return None, None
        # 2. a name that on its own denotes one company
        if len(symbols) == 1:
            return table.companies[symbols[0]], None
        # 3. the short form of a fuller name used earlier ("Sakura" after "Sakura Internet Inc.")
        short = tuple(_strip_suffixes(_tokens(mention)))
        if short:
            n = len(short)
            prefixed = _distinct(
                (c, m)
                for c, m in earlier
                if len(toks := _tokens(m.surface)) > n and tuple(toks[:n]) == short
            )
            if len(prefixed) == 1:
                return prefixed[0][0], prefixed[0][1]
        return None, None


def _distinct(pairs: Iterable[tuple[Company, Mention]]) -> list[tuple[Company, Mention]]:
    """The first (company, mention) pair of each distinct company, in the order given."""
    out: dict[str, tuple[Company, Mention]] = {}
    for company, mention in pairs:
        out.setdefault(company.symbol, (company, mention))
    return list(out.values())


# --------------------------------------------------------------------------- indices

_INDEX_LEAD = frozenset({"the", "benchmark", "broader", "main"})


def _index_key(name: str) -> str:
    tokens = _tokens(name)
    while len(tokens) > 1 and tokens[0] in _INDEX_LEAD:
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[-1] in ("index", "indices"):
        tokens = tokens[:-1]
    return " ".join(tokens)


@cache
def _indices() -> dict[str, str]:
    path = bundled_path("indices.csv")
    table: dict[str, str] = {}
    for line, cells in read_csv_rows(path, INDEX_COLUMNS):
        if not cells["name"] or not cells["symbol"]:
            raise InputError(str(path), "fields 'name' and 'symbol' are required", line)
        for written in (cells["name"], *_split_aliases(cells["aliases"])):
            key = _index_key(written)
            if table.get(key, cells["symbol"]) != cells["symbol"]:
                raise InputError(str(path), f"{written!r} already names index {table[key]}", line)
            table[key] = cells["symbol"]
    return table


@cache
def _index_ends() -> frozenset[str]:
    """The last token of every index key, and the "index" a name may end with."""
    return frozenset({key.rsplit(" ", 1)[-1] for key in _indices()} | {"index", "indices"})


def may_end_index_name(word: str) -> bool:
    """False when no index name can end with ``word``: a cheap test before look-ups."""
    tokens = _word_tokens(word)
    return not tokens or tokens[-1] in _index_ends()


def resolve_index(mention: str) -> str | None:
    """The Yahoo symbol of a market index named in news ("Nikkei 225" → "^N225"), or None."""
    return _indices().get(_index_key(mention))
