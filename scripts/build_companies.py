"""Build data/companies.csv from published index listings plus data/companies_curated.csv.

Sources (downloaded once with ``pip download --no-deps``; nothing is installed or fetched here):

- pytickersymbols 1.17.10 (MIT) ships ``pytickersymbols/indices_data.py``, index members with
  Yahoo and Google symbols: the Nikkei 225, S&P 100, Dow Jones and Nasdaq-100 rows come from it;
  the Google prefix (NASDAQ:/NYSE:) gives a US listing's MIC.
- twstock 1.5.1 (MIT) ships ``twstock/codes/twse_equities.csv``, the TWSE code list: every
  ``.TW`` symbol must be a listed (上市) share there, and its Chinese short name becomes an alias.
- data/companies_curated.csv: names and aliases for listed rows, and complete rows for
  Taiwan, India, Singapore and other companies (provenance in its header).

Usage::

    pip download --no-deps -d /tmp/lists pytickersymbols==1.17.10 twstock==1.5.1
    python scripts/build_companies.py \\
        --pytickersymbols /tmp/lists/pytickersymbols-1.17.10-py3-none-any.whl \\
        --twstock /tmp/lists/twstock-1.5.1-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finfacts.atomic import atomic_write  # noqa: E402
from finfacts.entities import COLUMNS, strip_legal_suffix  # noqa: E402

LISTED_INDICES = ("NIKKEI 225", "S&P 100", "DOW JONES", "NASDAQ 100")
# Rows of the listing that are not kept, with the reason.
EXCLUDE = {
    "GOOG": "Alphabet class C; the class A share GOOGL is the company's row",
    "ASML": "US line of a company whose home listing is Euronext Amsterdam",
    "FER": "US line of a company whose home listing is Madrid",
    "CCEP": "US line of a company whose home listing is Amsterdam/London",
    "SHOP": "US line of a company whose home listing is Toronto",
    "TRI": "US line of a company whose home listing is Toronto",
}
US_MIC = {"NASDAQ": "XNAS", "NYSE": "XNYS"}
MIN_CJK_ALIAS = 3
# TWSE short names that are also the start of a common longer word.
EXCLUDE_CJK = {"台灣大": "begins 台灣大學 (National Taiwan University)"}
MARKET_ORDER = {"JP": 0, "US": 1, "TW": 2, "IN": 3, "SG": 4, "KR": 5, "HK": 6}


def read_member(source: Path, suffix: str) -> str:
    """The text of the file whose path ends with ``suffix`` in a wheel or an unpacked folder."""
    if source.is_dir():
        hits = [p for p in source.rglob("*") if p.as_posix().endswith(suffix)]
        if not hits:
            raise SystemExit(f"{source}: no file ending in {suffix}")
        return hits[0].read_text("utf-8")
    with zipfile.ZipFile(source) as wheel:
        names = [n for n in wheel.namelist() if n.endswith(suffix)]
        if not names:
            raise SystemExit(f"{source}: no member ending in {suffix}")
        return wheel.read(names[0]).decode("utf-8")


def load_indices(source: Path) -> dict:
    """The INDICES literal of pytickersymbols' generated module, read without importing it."""
    tree = ast.parse(read_member(source, "pytickersymbols/indices_data.py"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "INDICES" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{source}: no INDICES assignment in indices_data.py")


def listed_rows(indices: dict, skipped: list[str]) -> dict[str, dict[str, str]]:
    """symbol → row for the index members, in listing order, first occurrence kept.

    Members without a usable listing line are reported in ``skipped``.
    """
    rows: dict[str, dict[str, str]] = {}
    for index in LISTED_INDICES:
        for member in indices[index]["companies"]:
            symbol = member.get("symbol") or ""
            if index == "NIKKEI 225":
                if not symbol.endswith(".T"):
                    continue
                row = {"exchange": "XTKS", "currency": "JPY", "country": "JP"}
            else:
                google = {s.get("google", "") for s in member.get("symbols", [])}
                mic = next(
                    (US_MIC[p] for p in US_MIC if f"{p}:{symbol}" in google),
                    None,
                )
                if mic is None:
                    skipped.append(f"{index}: {member['name']} ({symbol}): no NASDAQ/NYSE line")
                    continue
                symbol = symbol.replace(".", "-")
                row = {"exchange": mic, "currency": "USD", "country": "US"}
            if symbol in EXCLUDE or symbol in rows:
                continue
            name = member["name"].strip()
            short = strip_legal_suffix(name)
            row.update(name=name, symbol=symbol, aliases=short if short != name else "")
            rows[symbol] = row
    return rows


def read_curated(path: Path) -> list[dict[str, str]]:
    """Rows of the curated file (``#`` lines are comments)."""
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(lines)]


def twse_names(source: Path) -> dict[str, str]:
    """Code → Chinese short name for shares listed on the TWSE main board.

    Markers TWSE appends ("-KY" for foreign-registered, "*") are dropped. Names of fewer than
    three characters are ordinary words too often (統一 "unify", 南亞 "South Asia") and are
    replaced by "" (the curated file may still give one, e.g. 鴻海).
    """
    text = read_member(source, "twstock/codes/twse_equities.csv")
    names = {}
    for r in csv.DictReader(io.StringIO(text)):
        if r["type"] == "股票" and r["market"] == "上市":
            name = r["name"].removesuffix("*").removesuffix("-KY").strip()
            usable = len(name) >= MIN_CJK_ALIAS and name not in EXCLUDE_CJK
            names[r["code"]] = name if usable else ""
    return names


def merge(
    listed: dict[str, dict[str, str]], curated: list[dict[str, str]], twse: dict[str, str]
) -> list[dict[str, str]]:
    """Curated rows rename/complete listed ones; .TW rows are checked against the TWSE list."""
    rows = dict(listed)
    problems: list[str] = []
    for cur in curated:
        symbol = cur["symbol"]
        base = rows.get(symbol, {})
        row = {c: cur.get(c) or base.get(c, "") for c in COLUMNS}
        if not cur.get("aliases"):
            short = strip_legal_suffix(row["name"])
            row["aliases"] = base.get("aliases", "") if not short or short == row["name"] else short
        elif cur["aliases"] == "-":
            row["aliases"] = ""
        rows[symbol] = row
    for symbol, row in rows.items():
        if symbol.endswith(".TW"):
            code = symbol[:-3]
            if code not in twse:
                problems.append(f"{symbol}: not a listed share in twstock's TWSE code list")
            else:
                known = row["aliases"].split("|")
                extra = twse[code] if twse[code] not in known else ""
                row["aliases"] = "|".join(a for a in (row["aliases"], extra) if a)
        missing = [c for c in COLUMNS if c != "aliases" and not row[c]]
        if missing:
            problems.append(f"{symbol}: no {', '.join(missing)}")
    if problems:
        raise SystemExit("companies table has problems:\n  " + "\n  ".join(problems))
    return sorted(rows.values(), key=lambda r: (MARKET_ORDER.get(r["country"], 9), r["symbol"]))


def write(rows: list[dict[str, str]], out: Path) -> None:
    """Write the table atomically, header first."""

    def _write(tmp: Path) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    atomic_write(out, _write)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pytickersymbols", type=Path, required=True, help="wheel or folder")
    parser.add_argument("--twstock", type=Path, required=True, help="wheel or folder")
    parser.add_argument("--curated", type=Path, default=ROOT / "data" / "companies_curated.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "companies.csv")
    args = parser.parse_args(argv)
    skipped: list[str] = []
    listed = listed_rows(load_indices(args.pytickersymbols), skipped)
    rows = merge(listed, read_curated(args.curated), twse_names(args.twstock))
    write(rows, args.out)
    by_country: dict[str, int] = {}
    for row in rows:
        by_country[row["country"]] = by_country.get(row["country"], 0) + 1
    print(f"{len(rows)} companies → {args.out} ({len(listed)} from the index listing)")
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(by_country.items())))
    for line in skipped:
        print(f"  skipped {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
