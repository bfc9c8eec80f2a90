"""Read news documents from .txt, .jsonl, .csv, .parquet and .html files and folders, with dates.

Reading never stops at a bad file or line: each problem becomes an ``InputError`` (path, line,
reason) handed to ``on_error`` and the next file or line is read. Large JSONL, CSV and Parquet
files are read as they are consumed, so memory does not grow with the size of a file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from finfacts.errors import InputError

SIDECAR_NAME = "index.csv"
"""A folder's optional ``file,published`` table giving each file's publication date."""

SUFFIXES = (".txt", ".jsonl", ".csv", ".parquet", ".html", ".htm")
"""File types read as documents (case-insensitive)."""

STREAM_BYTES = 16 * 2**20
"""JSONL/CSV files larger than this are decoded line by line as they are read, in an encoding
chosen from their first ``STREAM_BYTES`` bytes; smaller files are decoded whole."""

PARQUET_BATCH_ROWS = 1024
"""Rows read from a Parquet file at a time."""

HTML_EXTRA = "pip install 'finfacts[html]'"

ErrorHandler = Callable[[InputError], object]
PathArg = str | os.PathLike[str]

_WESTERN = "cp1252"
_TIE = 0.01  # charset-normalizer "chaos" scores this close count as a tie
_OLD_CODE_PAGE = re.compile(r"mac_|cp\d{3}$")  # Mac and DOS code pages: rare in news

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Document:
    """One text to extract facts from, with its id, publication date and where it was read."""

    id: str
    text: str
    published: date | None = None
    source: str | None = None
    line: int | None = None


class InputWarning(UserWarning):
    """Category of the warnings the default ``on_error`` issues for unreadable input."""


def warn_input_error(err: InputError) -> None:
    """Default ``on_error``: report the problem as an ``InputWarning`` and go on reading."""
    warnings.warn(str(err), InputWarning, stacklevel=3)


def parse_date(value: str) -> date:
    """An ISO date ("2023-12-05"), or the date part of an ISO timestamp as written (no tz shift)."""
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode a file's bytes: the given encoding, else its BOM, else UTF-8, else a detected one.

    Raises ``InputError`` for binary data (NUL bytes) and for bytes no encoding fits.
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(source, f"cannot decode as {encoding}: {_byte_problem(exc)}") from None
        text = text.removeprefix("\ufeff")
    else:
        text = _decode_guessing(data, source)
    if "\x00" in text:
        raise InputError(source, "binary file (contains NUL bytes)")
    return text


def _byte_problem(exc: UnicodeDecodeError) -> str:
    bad = exc.object[exc.start : exc.start + 1]
    return f"invalid byte 0x{bad.hex()} at offset {exc.start}"


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _decode_guessing(data: bytes, source: str) -> str:
    bom = _bom_encoding(data)
    if bom:
        try:
            return data.decode(bom).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"{bom} byte-order mark but {_byte_problem(exc)}") from None
    if b"\x00" not in data:  # NULs: binary, or UTF-16/32 without a byte-order mark
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    import charset_normalizer  # only needed for the rare non-UTF-8 file

    best = _pick_legacy(charset_normalizer.from_bytes(data))
    if best is None:
        if b"\x00" in data:
            raise InputError(source, "binary file (contains NUL bytes)")
        raise InputError(
            source, "cannot decode: not UTF-8 and no known encoding fits; name one with --encoding"
        )
    try:
        return data.decode(best).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(source, f"cannot decode as detected {best}: {exc}") from None


def _pick_legacy(matches: Any) -> str | None:
    """The encoding to use among charset-normalizer's matches, with news-friendly tie-breaks.

    Short texts often fit several single-byte code pages about equally well. Among the
    near-best matches, Mac and DOS code pages give way to others, the most coherent wins,
    and on a tie (or when it decodes identically) Windows Western (cp1252) is chosen.
    """
    best = matches.best()
    if best is None:
        return None
    pool = [m for m in matches if m.chaos <= best.chaos + _TIE]
    modern = [m for m in pool if not _OLD_CODE_PAGE.match(m.encoding)]
    pool = modern or pool
    top = max(m.coherence for m in pool)
    leaders = [m for m in pool if m.coherence >= top - 1e-9]
    for match in leaders:
        if _WESTERN in match.could_be_from_charset:
            return _WESTERN
    return leaders[0].encoding


def expand_paths(paths: PathArg | Iterable[PathArg], on_error: ErrorHandler) -> Iterator[Path]:
    """The files to read, in order: each path as given, folders walked recursively and sorted.

    In folders only files with a ``SUFFIXES`` extension are taken; hidden entries and the
    ``index.csv`` sidecar are skipped. A file named twice is read once.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path, on_error)
        elif path.exists():
            candidates = [path]
        else:
            on_error(InputError(str(path), "no such file or folder"))
            continue
        for file in candidates:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file


def _walk(folder: Path, on_error: ErrorHandler) -> list[Path]:
    def unreadable(exc: OSError) -> None:
        on_error(InputError(str(exc.filename or folder), exc.strerror or str(exc)))

    found: list[tuple[tuple[str, ...], Path]] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(root)
        rel = base.relative_to(folder).parts
        for name in files:
            if name.startswith(".") or name == SIDECAR_NAME:
                continue
            if Path(name).suffix.lower() in SUFFIXES:
                found.append(((*rel, name), base / name))
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


class _Sidecars:
    """Publication dates from each folder's ``index.csv``, loaded once per folder."""

    def __init__(self, encoding: str | None):
        self._encoding = encoding
        self._tables: dict[Path, dict[str, date | None]] = {}

    def lookup(self, file: Path) -> tuple[date | None, list[InputError]]:
        folder = file.parent
        problems: list[InputError] = []
        if folder not in self._tables:
            self._tables[folder] = self._load(folder / SIDECAR_NAME, problems)
        return self._tables[folder].get(file.name), problems

    def _load(self, path: Path, problems: list[InputError]) -> dict[str, date | None]:
        if not path.is_file():
            return {}
        table: dict[str, date | None] = {}
        try:
            text = decode_bytes(path.read_bytes(), str(path), self._encoding)
        except OSError as exc:
            problems.append(InputError(str(path), exc.strerror or str(exc)))
            return table
        except InputError as err:
            problems.append(err)
            return table
        try:
            self._parse(path, _csv_rows(text), table, problems)
        except csv.Error as exc:
            problems.append(InputError(str(path), f"malformed CSV: {exc}"))
        return table

    @staticmethod
    def _parse(
        path: Path,
        rows: Iterator[tuple[int, list[str]]],
        table: dict[str, date | None],
        problems: list[InputError],
    ) -> None:
        header = next(rows, None)
        if header is None:
            return
        names = [h.strip() for h in header[1]]
        if "file" not in names or "published" not in names:
            problems.append(InputError(str(path), "needs the columns 'file' and 'published'", 1))
            return
        i_file, i_pub = names.index("file"), names.index("published")
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            name = row[i_file].strip() if i_file < len(row) else ""
            value = row[i_pub].strip() if i_pub < len(row) else ""
            if not name:
                problems.append(InputError(str(path), "empty 'file' cell", line))
                continue
            try:
                table[name] = parse_date(value) if value else None
            except ValueError as exc:
                problems.append(InputError(str(path), f"published: {exc}", line))


@dataclass(frozen=True, slots=True)
class _Options:
    text_column: str
    id_column: str
    published_column: str
    published: date | None
    encoding: str | None


def read_documents(
    paths: PathArg | Iterable[PathArg],
    *,
    text_column: str = "text",
    id_column: str = "id",
    published_column: str = "published",
    published: date | None = None,
    encoding: str | None = None,
    on_error: ErrorHandler | None = None,
) -> Iterator[Document]:
    """Yield the documents in files and folders; report each unreadable file or line to on_error.

    The publication date of a document is, most specific first: its own column in
    JSONL/CSV/Parquet or the date an HTML page states, then its file's row in the folder's
    ``index.csv``, then ``published``. Reading ``.html`` needs the ``finfacts[html]`` extra.
    """
    if encoding:
        codecs.lookup(encoding)  # an unknown name is the caller's mistake: fail at once
    report = on_error or warn_input_error
    sidecars = _Sidecars(encoding)
    for path in expand_paths(paths, report):
        file_date, problems = sidecars.lookup(path)
        for problem in problems:
            report(problem)
        opts = _Options(
            text_column,
            id_column,
            published_column,
            file_date or published,
            encoding,
        )
        for item in _read_file(path, opts):
            if isinstance(item, InputError):
                report(item)
            else:
                yield item


def _read_file(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        yield InputError(source, f"unsupported file type (expected {', '.join(SUFFIXES)})")
        return
    try:
        yield from reader(path, opts)
    except InputError as err:
        yield err
    except OSError as exc:
        yield InputError(source, exc.strerror or str(exc))


def _read_txt(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    data = path.read_bytes()
    if not data.strip():
        # a scraped page that came out empty is worth a word: nothing was lost silently
        yield InputError(str(path), "empty file (no text to read)")
        return
    text, damage = _decode_text(data, str(path), opts.encoding)
    yield from damage
    yield Document(id=path.stem, text=text, published=opts.published, source=str(path))


def _decode_text(data: bytes, source: str, encoding: str | None) -> tuple[str, list[InputError]]:
    """``decode_bytes``, except that UTF-8 with a few damaged bytes stays UTF-8.

    When no encoding is given and the bytes hold more valid non-ASCII UTF-8 characters than
    invalid sequences, the invalid ones are damage, not a sign of another encoding (decoding
    the whole as a legacy code page would garble every other character): they become U+FFFD
    and each line holding one is reported. Text in a legacy encoding is almost all invalid
    sequences as UTF-8, so it is still detected as before.
    """
    if encoding or _bom_encoding(data) or b"\x00" in data or _is_utf8(data):
        return decode_bytes(data, source, encoding), []
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = sum(1 for char in text if char > "\x7f") - invalid
    if valid <= invalid:
        return decode_bytes(data, source, encoding), []
    damage = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8: {_byte_problem(exc)} of the line; replaced with U+FFFD"
            damage.append(InputError(source, reason, number))
    return text, damage


# -- JSON Lines and CSV, whole or streamed -------------------------------------------------------


def _stream_encoding(
    head: bytes, source: str, encoding: str | None, *, utf8_lines: bool = False
) -> str:
    """The encoding of a file too large to decode whole, chosen from its first bytes.

    Same order as ``decode_bytes``: the given encoding, a byte-order mark, UTF-8 (the head may
    end inside a character), else the detected legacy encoding. With ``utf8_lines`` (JSON
    Lines) a head with damaged lines is still UTF-8 if some other line is non-ASCII UTF-8.
    """
    if encoding:
        return encoding
    bom = _bom_encoding(head)
    if bom:
        return bom
    if b"\x00" not in head:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            whole_lines = head.split(b"\n")[:-1]
            if utf8_lines and any(not raw.isascii() and _is_utf8(raw) for raw in whole_lines):
                return "utf-8"
        else:
            return "utf-8"
    import charset_normalizer

    best = _pick_legacy(charset_normalizer.from_bytes(head[: 2**20]))
    if best is None:
        if b"\x00" in head:
            raise InputError(source, "binary file (contains NUL bytes)")
        raise InputError(
            source, "cannot decode: not UTF-8 and no known encoding fits; name one with --encoding"
        )
    return best


def _is_wide(encoding: str) -> bool:
    """UTF-16/32: a newline byte may sit inside a character, so lines are not split as bytes."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _streamed_lines(
    fh: io.BufferedReader, head: bytes, source: str, encoding: str | None
) -> Iterator[tuple[int, str | InputError]]:
    """Number and decode the lines of a large JSON Lines file as they are read.

    Byte-oriented encodings are decoded line by line, so a damaged line is reported alone;
    UTF-16/32 files are decoded as a stream and a decoding error ends the file.
    """
    name = _stream_encoding(head, source, encoding, utf8_lines=True)
    fh.seek(0)
    if _is_wide(name):
        text = io.TextIOWrapper(fh, encoding=name, newline="\n")
        number = 0
        try:
            for number, line in enumerate(text, 1):
                yield number, line.removesuffix("\n")
        except UnicodeDecodeError as exc:
            bad = number + 1
            yield bad, InputError(source, f"cannot decode as {name}: {exc.reason}", bad)
        finally:
            text.detach()
        return
    for number, raw in enumerate(fh, 1):
        try:
            line = raw.removesuffix(b"\n").decode(name)
        except UnicodeDecodeError as exc:
            yield number, InputError(source, f"not {name}: {_byte_problem(exc)}", number)
            continue
        yield number, line.removeprefix("\ufeff") if number == 1 else line


def _read_head(fh: io.BufferedReader) -> tuple[bytes, bool]:
    """The file's first ``STREAM_BYTES`` bytes (all of it when small) and whether there is more."""
    head = fh.read(STREAM_BYTES + 1)
    return head, len(head) > STREAM_BYTES


def _jsonl_lines(
    data: bytes, source: str, encoding: str | None
) -> Iterator[tuple[int, str | InputError]]:
    """Number and decode the lines of a JSON Lines file.

    JSON Lines is UTF-8: in a file that is UTF-8 apart from a few damaged lines, only those
    lines are reported. A file with no valid UTF-8 beyond ASCII is decoded as a whole.
    """
    if not encoding and _bom_encoding(data) is None and b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raw_lines = data.split(b"\n")
            if any(not raw.isascii() and _is_utf8(raw) for raw in raw_lines):
                for number, raw in enumerate(raw_lines, 1):
                    try:
                        yield number, raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        yield number, InputError(source, f"not UTF-8: {_byte_problem(exc)}", number)
                return
        else:
            yield from enumerate(text.split("\n"), 1)
            return
    yield from enumerate(decode_bytes(data, source, encoding).split("\n"), 1)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_jsonl(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    with open(path, "rb") as fh:
        head, more = _read_head(fh)
        if more:
            lines = _streamed_lines(fh, head, source, opts.encoding)
        else:
            lines = _jsonl_lines(head, source, opts.encoding)
        for number, line in lines:
            if isinstance(line, InputError):
                yield line
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(source, f"invalid JSON: {exc.msg} (column {exc.colno})", number)
                continue
            except (RecursionError, ValueError) as exc:  # deep nesting, 4300-digit integers
                yield InputError(source, f"JSON this reader cannot hold: {exc}", number)
                continue
            if not isinstance(obj, dict):
                kind = type(obj).__name__
                yield InputError(source, f"expected a JSON object, got {kind}", number)
                continue
            item = _row_document(path, number, obj, opts)
            if isinstance(item, Document):
                for field, value in ((opts.text_column, item.text), (opts.id_column, item.id)):
                    if _has_lone_surrogate(value):
                        item = InputError(
                            source,
                            f"field {field!r} holds a lone surrogate (an invalid \\ud800 escape)",
                            number,
                        )
                        break
            yield item


def _has_lone_surrogate(text: str) -> bool:
    """True for text that cannot be written as UTF-8 (JSON escapes can spell half a pair)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _read_csv(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    with open(path, "rb") as fh:
        head, more = _read_head(fh)
        if more:
            name = _stream_encoding(head, source, opts.encoding)
            fh.seek(0)
            lines = _decoded_lines(fh, name)
        else:
            name = opts.encoding or "the detected encoding"
            text, damage = _decode_text(head, source, opts.encoding)
            yield from damage
            lines = io.StringIO(text, newline="")
        rows = _CsvRows(lines)
        try:
            yield from _csv_documents(path, rows, opts)
        except UnicodeDecodeError as exc:
            raise InputError(
                source, f"cannot decode as {name} after line {rows.line}: {exc.reason}"
            ) from None


def _csv_documents(path: Path, rows: _CsvRows, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    try:
        first = next(rows, None)
        if first is None:
            return
        header = [name.strip() for name in first[1]]
        if opts.text_column not in header:
            columns = ", ".join(repr(h) for h in header)
            raise InputError(
                source,
                f"no {opts.text_column!r} column (columns: {columns}); choose the text column "
                "with --text-column",
                first[0],
            )
        for number, row in rows:
            if not row:
                continue
            if len(row) != len(header):
                yield InputError(
                    source, f"row has {len(row)} fields but the header has {len(header)}", number
                )
                continue
            yield _row_document(path, number, dict(zip(header, row, strict=True)), opts)
    except csv.Error as exc:
        raise InputError(source, f"malformed CSV: {exc}") from None


def _decoded_lines(fh: io.BufferedReader, encoding: str) -> Iterator[str]:
    """The lines of a binary file as text, line endings kept; UnicodeDecodeError at a bad one.

    Byte-oriented encodings are decoded a line at a time, so every line before a bad one is
    used; UTF-16/32 (where a newline byte can sit inside a character) as a buffered stream.
    """
    if _is_wide(encoding):
        text = io.TextIOWrapper(fh, encoding=encoding, newline="")
        try:
            yield from text
        finally:
            text.detach()
        return
    for raw in fh:
        yield raw.decode(encoding)


class _CsvRows:
    """CSV rows with the line each starts on (quoted fields may span lines)."""

    def __init__(self, stream: Iterable[str]):
        if csv.field_size_limit() < 1 << 30:
            csv.field_size_limit(1 << 30)  # news articles can exceed the 128 KiB default
        self._reader = csv.reader(stream)
        self.line = 0  # the last line read

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        start = self.line + 1
        row = next(self._reader)
        self.line = self._reader.line_num
        return start, row


def _csv_rows(text: str) -> _CsvRows:
    """CSV rows of a text."""
    return _CsvRows(io.StringIO(text, newline=""))


# -- Parquet -------------------------------------------------------------------------------------


def _read_parquet(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    """One document per row, read ``PARQUET_BATCH_ROWS`` rows at a time (line = row number)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowException as exc:
        raise InputError(source, f"not a readable Parquet file: {exc}") from None
    with parquet:
        columns = _parquet_columns(parquet.schema_arrow, source, opts)
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
                values = [batch.column(name).to_pylist() for name in columns]
                for row in zip(*values, strict=True):
                    number += 1
                    yield _row_document(path, number, dict(zip(columns, row, strict=True)), opts)
        except pa.ArrowException as exc:
            raise InputError(source, f"cannot read Parquet: {exc}", number + 1) from None


def _parquet_columns(schema: Any, source: str, opts: _Options) -> list[str]:
    """The text, id and date columns to read, after checking that their types can serve."""
    import pyarrow as pa

    def texty(kind: Any) -> bool:
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        is_string = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        return is_string or pa.types.is_string_view(kind)

    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        opts.text_column: (texty, "text"),
        opts.id_column: (lambda t: texty(t) or pa.types.is_integer(t), "text or integers"),
        opts.published_column: (
            lambda t: texty(t) or pa.types.is_date(t) or pa.types.is_timestamp(t),
            "dates, timestamps or YYYY-MM-DD text",
        ),
    }
    names = schema.names
    if opts.text_column not in names:
        listed = ", ".join(repr(n) for n in names)
        raise InputError(
            source,
            f"no {opts.text_column!r} column (columns: {listed}); choose the text column "
            "with --text-column",
        )
    columns = []
    for name, (fits, what) in checks.items():
        if name in names and name not in columns:
            kind = schema.field(name).type
            if not fits(kind):
                raise InputError(source, f"column {name!r} holds {kind}, expected {what}")
            columns.append(name)
    return columns


# -- HTML ----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Labels browsers read as a superset (WHATWG Encoding Standard); Python's codecs are stricter.
_HTML_LABELS = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
}


def _decode_html(data: bytes, source: str, encoding: str | None) -> str:
    """The page as text: the given encoding, a byte-order mark, UTF-8, the page's declared
    charset, else detection as for any other file.

    Valid UTF-8 wins over a declaration because pages copied between templates often declare
    a charset they are not in, while legacy bytes are almost never valid UTF-8 by accident.
    """
    if encoding or _bom_encoding(data) or _is_utf8(data):
        return decode_bytes(data, source, encoding)
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        try:
            text = data.decode(_HTML_LABELS.get(label, label))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
        else:
            if "\x00" not in text:
                return text
    return decode_bytes(data, source)


_HTML_DATES = {"extensive_search": False, "original_date": True}
"""Only dates the page states in its markup (meta tags, <time>, dated elements): a date the
story merely mentions ("on 3 March 2021") must not become its publication date."""


def _read_html(path: Path, opts: _Options) -> Iterator[Document | InputError]:
    """The page's main text (no navigation, comments or following stories) and stated date."""
    source = str(path)
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(
            source, f"reading HTML needs the optional extra: {HTML_EXTRA} ({exc})"
        ) from None
    html = _decode_html(path.read_bytes(), source, opts.encoding)
    try:
        page = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,  # a page of links and furniture has no main text, not that
            date_extraction_params=_HTML_DATES,
        )
    except Exception as exc:  # a parser fault on one page must not stop the run
        raise InputError(source, f"cannot extract the main text: {exc!r}") from None
    text = _page_field(page, "text") or ""
    if not text.strip():
        raise InputError(source, "no main text found in the page")
    from finfacts.dates import main_story_end  # cut what follows the story's sign-off line

    text = text[: main_story_end(text)].rstrip()
    published = opts.published
    stated = _page_field(page, "date")
    if stated:  # an unusable page date is no date: the sidecar or --published applies
        with contextlib.suppress(ValueError):
            published = parse_date(stated)
    yield Document(id=path.stem, text=text, published=published, source=source)


def _page_field(page: Any, name: str) -> str | None:
    """A field of trafilatura's result: an object in trafilatura 2, a dict in 1.x."""
    value = page.get(name) if isinstance(page, dict) else getattr(page, name, None)
    return value if isinstance(value, str) else None


# -- rows -> documents ---------------------------------------------------------------------------


def _row_document(
    path: Path, number: int, row: dict[str, object], opts: _Options
) -> Document | InputError:
    """A Document from one JSONL object, CSV row or Parquet row, or the reason it is not one."""
    source = str(path)
    text = row.get(opts.text_column)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not text"
        return InputError(source, f"field {opts.text_column!r} is {what}", number)
    doc_id = row.get(opts.id_column)
    if doc_id is None or doc_id == "":
        doc_id = f"{path.stem}:{number}"
    elif isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        return InputError(
            source, f"field {opts.id_column!r} must be text or a whole number", number
        )
    published = opts.published
    value = row.get(opts.published_column)
    if isinstance(value, datetime):  # Parquet timestamps: the date as stamped, no tz shift
        published = value.date()
    elif isinstance(value, date):
        published = value
    elif isinstance(value, str) and value.strip():
        try:
            published = parse_date(value)
        except ValueError as exc:
            return InputError(source, f"field {opts.published_column!r}: {exc}", number)
    elif value is not None and not isinstance(value, str):
        return InputError(
            source, f"field {opts.published_column!r} must be a YYYY-MM-DD string", number
        )
    return Document(id=str(doc_id), text=text, published=published, source=source, line=number)


_READERS: dict[str, Callable[[Path, _Options], Iterator[Document | InputError]]] = {
    ".txt": _read_txt,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
    ".parquet": _read_parquet,
    ".html": _read_html,
    ".htm": _read_html,
}
