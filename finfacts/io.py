"""Read news documents from .txt, .jsonl and .csv files and folders, with their publication dates.

Reading never stops at a bad file or line: each problem becomes an ``InputError`` (path, line,
reason) handed to ``on_error`` and the next file or line is read.
"""

from __future__ import annotations

import codecs
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

SUFFIXES = (".txt", ".jsonl", ".csv")
"""File types read as documents (case-insensitive)."""

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

    In folders only ``.txt``/``.jsonl``/``.csv`` files are taken; hidden entries and the
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

    The publication date of a document is, most specific first: its own column in JSONL/CSV,
    then its file's row in the folder's ``index.csv``, then ``published``.
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
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(source, exc.strerror or str(exc))
        return
    try:
        yield from reader(path, data, opts)
    except InputError as err:
        yield err


def _read_txt(path: Path, data: bytes, opts: _Options) -> Iterator[Document | InputError]:
    text = decode_bytes(data, str(path), opts.encoding)
    yield Document(id=path.stem, text=text, published=opts.published, source=str(path))


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


def _read_jsonl(path: Path, data: bytes, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    for number, line in _jsonl_lines(data, source, opts.encoding):
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
        if not isinstance(obj, dict):
            yield InputError(source, f"expected a JSON object, got {type(obj).__name__}", number)
            continue
        yield _row_document(path, number, obj, opts)


def _read_csv(path: Path, data: bytes, opts: _Options) -> Iterator[Document | InputError]:
    source = str(path)
    rows = _csv_rows(decode_bytes(data, source, opts.encoding))
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


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line each starts on (quoted fields may span lines)."""
    if csv.field_size_limit() < 1 << 30:
        csv.field_size_limit(1 << 30)  # news articles can exceed the 128 KiB default
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _row_document(
    path: Path, number: int, row: dict[str, object], opts: _Options
) -> Document | InputError:
    """A Document from one JSONL object or CSV row, or the reason it is not one."""
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
    if isinstance(value, str) and value.strip():
        try:
            published = parse_date(value)
        except ValueError as exc:
            return InputError(source, f"field {opts.published_column!r}: {exc}", number)
    elif value is not None and not isinstance(value, str):
        return InputError(
            source, f"field {opts.published_column!r} must be a YYYY-MM-DD string", number
        )
    return Document(id=str(doc_id), text=text, published=published, source=source, line=number)


_READERS: dict[str, Callable[[Path, bytes, _Options], Iterator[Document | InputError]]] = {
    ".txt": _read_txt,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}
