"""The ``finfacts`` command line: ``finfacts extract PATH... -o facts.parquet -o facts.csv``.

Each subcommand has an ``add_<name>_parser`` function that declares its options and a
``run_<name>`` function that does the work and returns the exit code.
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from finfacts import __version__
from finfacts.entities import register_companies
from finfacts.errors import InputError
from finfacts.io import expand_paths, parse_date, read_documents
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

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2
PROGRESS_MIN_FILES = 20
"""A progress bar appears (on a terminal) when at least this many files are read."""

OUTPUT_FORMATS = (".parquet", ".csv", ".jsonl")
TABLE_ROWS = 100
"""Facts the table shows by default; a large run prints these and a count of the rest."""


class UsageError(Exception):
    """A bad command line; main() prints it on one line and exits with status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        one_line = " ".join(message.split())
        raise UsageError(f"{self.prog}: error: {one_line} (see '{self.prog} --help')")


# -- argument types (argparse turns their ArgumentTypeError into a usage error) ---------------


def _iso_date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _currency(text: str) -> str:
    from finfacts.errors import UnknownCurrencyError
    from finfacts.fx import validate_currency

    try:
        return validate_currency(text.upper())
    except UnknownCurrencyError:
        raise argparse.ArgumentTypeError(f"not an ISO 4217 currency code: {text!r}") from None


def _existing_path(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {text!r}")
    return path


def _output_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in OUTPUT_FORMATS:
        formats = ", ".join(OUTPUT_FORMATS)
        raise argparse.ArgumentTypeError(
            f"unknown output format {path.suffix or '(no extension)'!r} in {text!r} (use {formats})"
        )
    return path


def _count(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number, 0 or more: {text!r}")
    return value


def _jobs(text: str) -> int:
    return _count(text, "jobs")


def _rows(text: str) -> int:
    return _count(text, "rows")


def _encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding: {text!r}") from None
    return text


# -- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``finfacts`` parser with one subparser per subcommand."""
    parser = _Parser(
        prog="finfacts",
        description="Typed, exact money, percent and share-move facts from financial news.",
    )
    parser.add_argument("--version", action="version", version=f"finfacts {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_extract_parser(commands)
    __import__("finfacts.reaction_cli", fromlist=["_"]).add_reaction_parser(commands)
    return parser


def add_input_arguments(p: argparse.ArgumentParser, *, output_help: str) -> None:
    """The arguments every reading command takes: PATH..., -o FILE..., --published."""
    p.add_argument("paths", nargs="+", type=_existing_path, metavar="PATH", help="file or folder")
    p.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        type=_output_path,
        metavar="FILE",
        help=f"{output_help}; may be repeated",
    )
    p.add_argument(
        "--published",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="publication date of documents that have none in a column or index.csv",
    )


def add_extract_parser(commands: Any) -> argparse.ArgumentParser:
    """Declare ``finfacts extract``: read documents, print a table, write exports."""
    p = commands.add_parser(
        "extract",
        help="extract facts from .txt/.jsonl/.csv/.parquet/.html files and folders",
        description=(
            "Extract money, percent, share-move and quantity facts from documents. Folders are "
            "read recursively; a folder's index.csv (file,published) gives publication dates. "
            "Facts are written to each -o file as they are found, so any corpus size fits."
        ),
    )
    add_input_arguments(p, output_help="write the facts to FILE (.parquet, .csv or .jsonl)")
    p.add_argument(
        "--text-column", default="text", help="JSONL/CSV/Parquet text field (default: text)"
    )
    p.add_argument("--id-column", default="id", help="JSONL/CSV/Parquet id field (default: id)")
    p.add_argument(
        "--published-column",
        default="published",
        help="JSONL/CSV/Parquet publication date field (default: published)",
    )
    p.add_argument("--encoding", type=_encoding, help="encoding of the inputs (default: detect)")
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="extract in N processes (0: one per CPU; default: 1); same output in the same order",
    )
    p.add_argument(
        "--rows",
        type=_rows,
        default=TABLE_ROWS,
        metavar="N",
        help=f"print at most N facts in the table, then a count (default: {TABLE_ROWS})",
    )
    p.add_argument("--no-table", action="store_true", help="do not print the table of facts")
    p.add_argument(
        "--to",
        type=_currency,
        metavar="CCY",
        help="also give each amount in this currency, at the rate of its document's date",
    )
    p.add_argument(
        "--on",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="with --to: the rate date for documents without a published date",
    )
    p.add_argument(
        "--companies",
        type=_existing_path,
        action="append",
        default=[],
        metavar="CSV",
        help="extra company aliases → tickers (columns as data/companies.csv); may be repeated",
    )
    p.set_defaults(run=run_extract)
    return p


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so temporary outputs are removed as the stack unwinds."""
    import signal
    import threading

    def terminate(signum: int, frame: Any) -> None:
        signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        raise _Terminated(signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)


class _Terminated(BaseException):
    """SIGTERM, raised where the program was so that ``finally`` blocks run."""


def _die_of(exc: _Terminated) -> NoReturn:
    """After the clean-up, end as the signal would have (exit status -15 to the parent)."""
    import signal

    signal.signal(exc.args[0], signal.SIG_DFL)
    os.kill(os.getpid(), exc.args[0])
    raise SystemExit(128 + exc.args[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status (0 ok, 1 some input failed, 2 usage)."""
    parser = build_parser()
    _exit_cleanly_on_sigterm()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return args.run(args)
    except _Terminated as exc:
        _die_of(exc)


# -- extract ------------------------------------------------------------------------------------


def run_extract(args: argparse.Namespace) -> int:
    """``finfacts extract``: read, extract and write each -o file batch by batch; print a
    table of the first facts and a summary."""
    from tqdm import tqdm

    from finfacts.parallel import extract_tables

    report = Reporter()
    for path in getattr(args, "companies", []):
        try:
            register_companies(path)
        except (InputError, OSError) as exc:
            raise UsageError(f"finfacts extract: error: --companies {path}: {exc}") from None
    convert = _Converter(args.to, args.on) if getattr(args, "to", None) else None
    outputs = {path.resolve() for path in args.output}  # never read back this run's exports
    files = [f for f in expand_paths(args.paths, report.input_error) if f.resolve() not in outputs]
    show_bar = len(files) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    progress = tqdm(files, unit="file", file=sys.stderr, disable=not show_bar, leave=False)
    docs = read_documents(
        progress,
        text_column=args.text_column,
        id_column=args.id_column,
        published_column=args.published_column,
        published=args.published,
        encoding=args.encoding,
        on_error=report.input_error,
    )
    counter = DocumentCounter(docs)
    writers = _Writers(args.output, report, convert.schema() if convert else None)
    head = _Head(0 if args.no_table else args.rows)
    facts = 0
    try:
        for table in extract_tables(counter, on_error=report.extraction_error, jobs=args.jobs):
            if convert is not None:
                table = convert(table)
            facts += table.num_rows
            head.add(table)
            writers.write(table)
    except BaseException:
        writers.abort()
        raise
    finally:
        progress.close()
    written = writers.close()

    lines = []
    if head.rows:
        lines.append(render_table(head.frame(), width=terminal_width()))
        if facts > head.rows:
            rest = facts - head.rows
            lines.append(
                f"... {rest:,} more fact{'s' if rest != 1 else ''} not shown "
                f"(--rows N shows more; -o FILE writes them all)"
            )
    lines.append(_summary(counter.count, report.failed, facts, written, len(files)))
    if convert is not None and convert.undated:
        lines.append(
            f"{convert.undated:,} amount(s) not converted to {args.to}: their document has no "
            "published date; pass --on YYYY-MM-DD or give the documents dates"
        )
    print_lines(lines)
    failed = report.failed or (convert is not None and convert.undated)
    return EXIT_INPUT_FAILED if failed else EXIT_OK


class _Converter:
    """--to: each batch of facts gains its amounts in one currency (see convert_facts)."""

    def __init__(self, to: str, on: date | None):
        self.to, self.on, self.undated = to, on, 0

    def schema(self) -> Any:
        from finfacts.frame import FRAME_SCHEMA, from_arrow, to_arrow

        return to_arrow(self._convert(from_arrow(FRAME_SCHEMA.empty_table()))).schema

    def _convert(self, frame: Any) -> Any:
        from finfacts.frame import convert_facts

        return convert_facts(frame, self.to, on=self.on, require_dates=False)

    def __call__(self, table: Any) -> Any:
        from finfacts.frame import from_arrow, to_arrow

        frame = from_arrow(table)
        if self.on is None:
            money = (frame["kind"] == "money") & frame["value"].notna()
            self.undated += int((money & frame["published"].isna()).sum())
        return to_arrow(self._convert(frame))


class _Head:
    """The first ``limit`` facts of a run, for the table; the rest are only counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.rows = 0
        self._tables: list[Any] = []

    def add(self, table: Any) -> None:
        if self.rows < self.limit and table.num_rows:
            part = table.slice(0, self.limit - self.rows)
            self._tables.append(part)
            self.rows += part.num_rows

    def frame(self) -> pd.DataFrame:
        import pyarrow as pa

        from finfacts.frame import from_arrow

        return from_arrow(pa.concat_tables(self._tables))


class _Writers:
    """The -o files, each written batch by batch; one that fails is reported and dropped."""

    def __init__(self, paths: list[Path], report: Reporter, schema: Any = None):
        from finfacts.frame import FactsWriter

        self._report = report
        self._open: list[FactsWriter] = []
        for path in dict.fromkeys(paths):  # a file named twice is written once
            try:
                self._open.append(FactsWriter(path, schema))
            except OSError as exc:
                self._failed(path, exc)

    def _failed(self, path: Path, exc: OSError) -> None:
        self._report(f"{path}: cannot write: {exc.strerror or exc}")

    def write(self, table: Any) -> None:
        for writer in list(self._open):
            try:
                writer.write(table)
            except OSError as exc:
                writer.abort()
                self._open.remove(writer)
                self._failed(writer.path, exc)

    def close(self) -> list[str]:
        written = []
        for writer in self._open:
            try:
                written.append(str(writer.close()))
            except OSError as exc:
                self._failed(writer.path, exc)
        self._open = []
        return written

    def abort(self) -> None:
        for writer in self._open:
            writer.abort()
        self._open = []


def _summary(documents: int, failed: int, facts: int, written: list[str], files: int) -> str:
    docs = f"{documents} document{'s' if documents != 1 else ''} read"
    facts_text = f"{facts} fact{'s' if facts != 1 else ''}"
    where = f"written to {', '.join(written)}" if written else "found (no -o: nothing written)"
    return f"{docs}, {failed} failed, {facts_text} {where}; {files} file{'s' if files != 1 else ''}"


# -- the table ----------------------------------------------------------------------------------

_PERCENT_UNITS = {"percent": "%", "percentage_point": "pp", "basis_point": "bp"}


def _value_cell(row: dict[str, Any]) -> str:
    if row["kind"] == "move":
        return format_number(row["price"])
    low = format_number(row["value"])
    if not low:
        return "vague" if row.get("vague") else ""
    high = format_number(row["value_high"])
    text = f"{low}–{high}" if high else low
    return f"~{text}" if row.get("approx") else text


def _unit_cell(row: dict[str, Any]) -> str:
    kind = row["kind"]
    if kind == "money":
        return row["currency"] or ""
    if kind == "move":
        return row["price_currency"] or ""
    if kind == "percent":
        return _PERCENT_UNITS.get(row["unit"], row["unit"] or "")
    return row["unit"] or ""


def _detail_cell(row: dict[str, Any]) -> str:
    kind = row["kind"]
    if kind == "move":  # the change first: trimming a long name must not hide it
        change = row["change_pct"]
        move = (
            (row["direction"] or "") if change is None else format_number(change, signed=True) + "%"
        )
        parts = [("~" if row["approx"] else "") + move, row["ticker"], row["entity"]]
        return " ".join(p for p in parts if p)
    if kind == "money" and row["equivalent_of"] is not None:
        return f"= money #{row['equivalent_of']}"
    if kind == "percent":
        return row["about"] or ""
    if kind == "quantity":
        return row["what"] or ""
    qualifier = row.get("qualifier") or ""
    return "" if qualifier == "vague" else qualifier  # the value column already says "vague"


_TABLE_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str], str, int | None], ...] = (
    # header, cell, alignment, narrowest width when trimming (None: never trimmed)
    ("doc", lambda r: r["doc_id"] or "", "<", 6),
    ("kind", lambda r: r["kind"], "<", None),
    ("surface", lambda r: r["surface"] or "", "<", 10),
    ("value", _value_cell, ">", None),
    ("unit", _unit_cell, "<", None),
    ("detail", _detail_cell, "<", 8),
    ("date", lambda r: r["event_date"].isoformat() if r["event_date"] else "", "<", None),
)


def render_table(frame: pd.DataFrame, *, width: int = DEFAULT_WIDTH) -> str:
    """An aligned text table of the facts (doc, kind, surface, value, unit, detail, date).

    Long cells are cut with "…" so each line fits ``width`` columns; numbers are never cut.
    """
    from finfacts.frame import to_arrow

    rows = to_arrow(frame).to_pylist()
    cells = [[" ".join(cell(row).split()) for _, cell, _, _ in _TABLE_COLUMNS] for row in rows]
    headers = [name for name, _, _, _ in _TABLE_COLUMNS]
    widths = [
        max([text_width(h)] + [text_width(r[i]) for r in cells]) for i, h in enumerate(headers)
    ]
    gap = 2
    while sum(widths) + gap * (len(widths) - 1) > width:
        shrinkable = [
            i
            for i, (_, _, _, least) in enumerate(_TABLE_COLUMNS)
            if least is not None and widths[i] > max(least, text_width(headers[i]))
        ]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    lines = []
    for line in [headers, ["-" * w for w in widths], *cells]:
        parts = [
            pad(trim(text, widths[i]), widths[i], _TABLE_COLUMNS[i][2])
            for i, text in enumerate(line)
        ]
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)
