"""The ``finfacts reaction`` command: each reported share move beside the market's actual move.

``finfacts reaction seeds/ --offline -o reaction.csv`` reads documents, extracts their share
moves, checks each against the price history (``finfacts.reaction.reported_vs_actual``),
prints one line per move and writes the whole comparison table with ``-o``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import textwrap
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd

from finfacts.cli import EXIT_INPUT_FAILED, EXIT_OK, PROGRESS_MIN_FILES, add_input_arguments
from finfacts.io import expand_paths, read_documents
from finfacts.reaction import DEFAULT_TOLERANCE_PP, reported_vs_actual
from finfacts.terminal import (
    DEFAULT_WIDTH,
    DocumentCounter,
    Reporter,
    format_number,
    pad,
    print_lines,
    terminal_width,
    text_width,
    trim,
)


def _tolerance(text: str) -> float:
    """A tolerance in percentage points: a finite number, zero or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of percentage points: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"tolerance must be 0 or more percentage points: {text!r}")
    return value


def add_reaction_parser(commands: Any) -> argparse.ArgumentParser:
    """Declare ``finfacts reaction``: reported share moves vs the actual close-to-close move."""
    p = commands.add_parser(
        "reaction",
        help="compare reported share moves with the actual market move",
        description=(
            "Extract share moves from documents and set each beside the actual close-to-close "
            "move on its session, with the market-model abnormal return (AR) and cumulative "
            "abnormal return (CAR, days -1..+1). Folders are read recursively; a folder's "
            "index.csv (file,published) gives publication dates."
        ),
    )
    add_input_arguments(
        p, output_help="write the comparison table to FILE (.csv, .parquet or .jsonl)"
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="use cached prices only, never the network (as FINFACTS_OFFLINE=1)",
    )
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        default=DEFAULT_TOLERANCE_PP,
        metavar="PP",
        help=(
            "allowed gap in percentage points on top of the reported figure's rounding "
            f"(default: {DEFAULT_TOLERANCE_PP})"
        ),
    )
    p.add_argument("--no-table", action="store_true", help="do not print the table of moves")
    p.set_defaults(run=run_reaction)
    return p


def run_reaction(args: argparse.Namespace) -> int:
    """``finfacts reaction``: read, extract moves, compare with prices, print and write."""
    from tqdm import tqdm

    from finfacts.frame import extract_frame, to_records, write_frame

    report = Reporter()
    outputs = {path.resolve() for path in args.output}  # never read back this run's exports
    files = [f for f in expand_paths(args.paths, report.input_error) if f.resolve() not in outputs]
    show_bar = len(files) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    progress = tqdm(files, unit="file", file=sys.stderr, disable=not show_bar, leave=False)
    docs = DocumentCounter(
        read_documents(progress, published=args.published, on_error=report.input_error)
    )
    facts = extract_frame(docs, on_error=report.extraction_error)
    progress.close()
    moves = to_records(facts[facts["kind"] == "move"])
    # --offline forces the cache; without it FINFACTS_OFFLINE decides (offline=None).
    table = reported_vs_actual(
        moves, tolerance_pp=args.tolerance, offline=True if args.offline else None
    )

    written = []
    for output in args.output:
        try:
            written.append(str(write_frame(table, output)))
        except OSError as exc:
            report(f"{output}: cannot write: {exc.strerror or exc}")
    lines = []
    if not args.no_table and len(table):
        lines.append(render_reaction_table(table, width=terminal_width()))
    lines.append(_summary(docs.count, report.failed, table, written))
    print_lines(lines)
    return EXIT_INPUT_FAILED if report.failed else EXIT_OK


def _summary(documents: int, failed: int, table: pd.DataFrame, written: list[str]) -> str:
    checked = table["match"].notna()
    matched = int(table["match"].fillna(False).sum())
    moves = len(table)
    parts = [
        f"{documents} document{'s' if documents != 1 else ''} read, {failed} failed",
        f"{moves} move{'s' if moves != 1 else ''}: {matched} match, "
        f"{int(checked.sum()) - matched} differ, {moves - int(checked.sum())} not checked",
    ]
    where = f"written to {', '.join(written)}" if written else "no -o: nothing written"
    return ", ".join(parts) + f" ({where})"


# -- the table ----------------------------------------------------------------------------------

_EXCEPTION_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:Error|Exception): ")


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _signed(value: Any, places: int, *, scale: float = 1.0) -> str:
    """A float figure with its sign and ``places`` decimals; empty when not computed."""
    return "" if _missing(value) else f"{float(value) * scale:+.{places}f}"


def _reported_cell(row: dict[str, Any]) -> str:
    change = row["reported_pct"]
    if _missing(change):
        return row["direction"] or ""
    return ("~" if row["approx"] else "") + format_number(Decimal(change), signed=True)


def _match_cell(row: dict[str, Any]) -> str:
    if _missing(row["match"]):
        return ""
    return "yes" if row["match"] else "NO"


def _price_cell(row: dict[str, Any]) -> str:
    """Reported price beside the close, at the reported precision: "1,927 = 1,927"."""
    price = row["reported_price"]
    if _missing(price):
        return ""
    reported = format_number(Decimal(price))
    close = row["actual_close"]
    if _missing(close):
        return reported
    exponent = Decimal(price).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    agree = row["price_match"]
    sign = "vs" if _missing(agree) else "=" if agree else "≠"
    return f"{reported} {sign} {float(close):,.{places}f}"


def _reason(text: Any) -> str:
    return "" if _missing(text) else _EXCEPTION_PREFIX.sub("", str(text))


def _note(row: dict[str, Any]) -> str:
    """Why a row could not be computed, else the flags (limit days, shifted dates...)."""
    if _reason(row["error"]):
        return "not checked: " + _reason(row["error"])
    parts = []
    if _reason(row["study_error"]):
        parts.append("no study: " + _reason(row["study_error"]))
    if not _missing(row["flags"]) and row["flags"]:
        parts.append(row["flags"])
    return "; ".join(parts)


_TABLE_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str], str], ...] = (
    # header, cell, alignment
    ("entity", lambda r: r["entity"] or "", "<"),
    ("ticker", lambda r: "" if _missing(r["ticker"]) else r["ticker"], "<"),
    ("date", lambda r: "" if _missing(r["event_date"]) else str(r["event_date"]), "<"),
    ("reported", _reported_cell, ">"),
    ("actual", lambda r: _signed(r["actual_pct"], 2), ">"),
    ("diff", lambda r: _signed(r["diff_pp"], 2), ">"),
    ("match", _match_cell, "<"),
    ("price/close", _price_cell, ">"),
    ("AR", lambda r: _signed(r["ar"], 2, scale=100.0), ">"),
    ("CAR", lambda r: _signed(r["car_m1_p1"], 2, scale=100.0), ">"),
)
ENTITY_MIN_WIDTH = 8
"""The entity column is cut to fit the line, but never narrower than this."""
LEGEND = (
    "reported, actual, AR and CAR (sessions -1..+1) in %; diff in percentage points; "
    "price/close: the reported price beside the session's close"
)
"""The line under the table that says what its figures are."""


def render_reaction_table(table: pd.DataFrame, *, width: int = DEFAULT_WIDTH) -> str:
    """An aligned text table of ``reported_vs_actual`` rows, one line per move, then notes.

    Lines fit ``width`` columns by cutting the entity with "…" (figures are never cut). Each
    move that could not be checked, or carries flags (limit days, shifted dates...), gets a
    note under the table with the full reason.
    """
    rows = table.to_dict("records")
    cells = [[" ".join(cell(row).split()) for _, cell, _ in _TABLE_COLUMNS] for row in rows]
    headers = [name for name, _, _ in _TABLE_COLUMNS]
    widths = [
        max([text_width(h)] + [text_width(r[i]) for r in cells]) for i, h in enumerate(headers)
    ]
    gap = 2
    overflow = sum(widths) + gap * (len(widths) - 1) - width
    if overflow > 0:  # only the entity gives way: a cut figure would be a wrong figure
        widths[0] = max(ENTITY_MIN_WIDTH, widths[0] - overflow)
    lines = []
    for line in [headers, ["-" * w for w in widths], *cells]:
        parts = [
            pad(trim(text, widths[i]), widths[i], _TABLE_COLUMNS[i][2])
            for i, text in enumerate(line)
        ]
        lines.append((" " * gap).join(parts).rstrip())
    lines += textwrap.wrap(LEGEND, width=max(width, 40))
    notes = [(row, _note(row)) for row in rows]
    notes = [f"  {row['entity']} ({row['doc_id']}): {text}" for row, text in notes if text]
    if notes:
        lines += ["notes:", *notes]
    return "\n".join(lines)
