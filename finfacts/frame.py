"""The tidy frame of facts (one row per record) and its exact Parquet, CSV and JSONL exports.

Amounts stay ``Decimal``: in the frame they are Arrow ``decimal128(38, 12)`` columns (26 digits
before the point, 12 after), in CSV and JSONL plain decimal strings, in Parquet decimal128.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import decimal
import functools
import json
import math
import os
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finfacts.atomic import atomic_path, atomic_write
from finfacts.errors import FinfactsError, InputError
from finfacts.io import Document
from finfacts.records import RECORD_TYPES, Fact, Record

DECIMAL_TYPE = pa.decimal128(38, 12)
"""Arrow type of every amount column: exact up to 26 integer digits and 12 decimal places."""

_INT_DIGITS = DECIMAL_TYPE.precision - DECIMAL_TYPE.scale
_WIDE = decimal.Context(prec=80)  # enough for any decimal128 value: no rounding, ever
_ARROW_FOR: dict[type, pa.DataType] = {
    Decimal: DECIMAL_TYPE,
    bool: pa.bool_(),
    int: pa.int64(),
    str: pa.string(),
    date: pa.date32(),
}


def _arrow_type(hint: Any, where: str) -> pa.DataType:
    """The Arrow type for a record field's annotation (``X | None``, ``Literal[...]`` too)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return _arrow_type(args[0], where)
    if typing.get_origin(hint) is typing.Literal:
        kinds = {type(a) for a in typing.get_args(hint)}
        if len(kinds) == 1:
            return _arrow_type(kinds.pop(), where)
    if hint in _ARROW_FOR:
        return _ARROW_FOR[hint]
    raise TypeError(f"{where}: no frame column type for {hint!r}")


def _build_schema() -> pa.Schema:
    columns: dict[str, pa.DataType] = {"kind": pa.string()}
    for cls in RECORD_TYPES:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            arrow = _arrow_type(hints[field.name], f"{cls.__name__}.{field.name}")
            if columns.setdefault(field.name, arrow) != arrow:
                raise TypeError(f"{cls.__name__}.{field.name} conflicts with another record")
    sentence = columns.pop("sentence")  # long text reads best as the last column
    columns["published"] = pa.date32()
    columns["sentence"] = sentence
    return pa.schema(list(columns.items()))


FRAME_SCHEMA: pa.Schema = _build_schema()
"""Arrow schema of the tidy frame: ``kind``, the union of all record fields, ``published``."""

COLUMNS: tuple[str, ...] = tuple(FRAME_SCHEMA.names)
_TYPES: dict[str, pa.DataType] = {field.name: field.type for field in FRAME_SCHEMA}
_KIND_CLASS: dict[str, type[Fact]] = {cls.kind: cls for cls in RECORD_TYPES}
_BOOL_DEFAULTS: dict[str, bool] = {
    f.name: bool(f.default) if isinstance(f.default, bool) else False
    for cls in RECORD_TYPES
    for f in dataclasses.fields(cls)
    if FRAME_SCHEMA.field(f.name).type == pa.bool_()
}


def _pandas_dtype(arrow: pa.DataType) -> Any:
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
        return pd.StringDtype()
    if arrow == pa.int64():
        return pd.Int64Dtype()
    if arrow == pa.bool_():
        return np.dtype(bool)
    return pd.ArrowDtype(arrow)


def frame_dtypes() -> dict[str, Any]:
    """The pandas dtype of each tidy-frame column, in column order."""
    return {f.name: _pandas_dtype(f.type) for f in FRAME_SCHEMA}


# -- records -> frame ---------------------------------------------------------------------------


def _fits(number: Decimal) -> bool:
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return -exponent <= DECIMAL_TYPE.scale and len(digits) + exponent <= _INT_DIGITS


def _exact(value: object, record: Fact, field: str) -> Decimal:
    """``value`` as a Decimal that fits DECIMAL_TYPE exactly, or a ValueError naming the record."""
    where = f"record {record.doc_id}:{record.start} {record.surface!r} field {field!r}"
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{where}: {type(value).__name__} {value!r} is not an exact Decimal")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{where}: {number} is not a finite amount")
    if not _fits(number) and not _fits(_WIDE.normalize(number)):
        raise ValueError(
            f"{where}: {number} does not fit decimal128({DECIMAL_TYPE.precision}, "
            f"{DECIMAL_TYPE.scale}) (at most {_INT_DIGITS} digits before the point and "
            f"{DECIMAL_TYPE.scale} after)"
        )
    return number


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How one record type fills a frame row: a template row, then its own fields."""

    template: tuple[Any, ...]
    fields: tuple[tuple[int, str, bool], ...]  # (column index, attribute, is an amount)


def _plan_for(cls: type[Fact]) -> _Plan:
    own = set(cls.field_names())
    template = [None if name in own else _BOOL_DEFAULTS.get(name) for name in COLUMNS]
    template[COLUMNS.index("kind")] = cls.kind
    fields = tuple(
        (i, name, _TYPES[name] == DECIMAL_TYPE) for i, name in enumerate(COLUMNS) if name in own
    )
    return _Plan(tuple(template), fields)


_PLANS = {cls: _plan_for(cls) for cls in RECORD_TYPES}
_PUBLISHED = COLUMNS.index("published")


class _Columns:
    """Rows that grow one document's records at a time (all of a document or none)."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []

    def add(self, records: Sequence[Fact], published: date | None) -> None:
        self.rows.extend([self._row(record, published) for record in records])

    @staticmethod
    def _row(record: Fact, published: date | None) -> list[Any]:
        plan = _PLANS.get(type(record))
        if plan is None:
            raise TypeError(f"not a finfacts record: {type(record).__name__}")
        row = list(plan.template)
        for index, name, amount in plan.fields:
            value = getattr(record, name)
            if amount and value is not None:
                value = _exact(value, record, name)
            row[index] = value
        row[_PUBLISHED] = published
        return row

    def table(self) -> pa.Table:
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * len(COLUMNS)
        arrays = [
            pa.array(list(values), type=field.type)
            for values, field in zip(columns, FRAME_SCHEMA, strict=True)
        ]
        return pa.Table.from_arrays(arrays, schema=FRAME_SCHEMA)

    def frame(self) -> pd.DataFrame:
        return _to_pandas(self.table())


def _as_date(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def records_frame(
    records: Iterable[Record],
    *,
    published: date | Mapping[str | None, date | None] | None = None,
) -> pd.DataFrame:
    """The tidy frame of records: one row each, typed columns (see ``frame_dtypes``).

    ``published`` is one date for all rows or a mapping from doc_id to date. A Decimal that
    would not fit ``DECIMAL_TYPE`` exactly raises ValueError naming the record.
    """
    columns = _Columns()
    for record in records:
        when = published.get(record.doc_id) if isinstance(published, Mapping) else published
        columns.add([record], _as_date(when))
    return columns.frame()


DocsArg = str | Iterable[str | Document | tuple[str, str]]


def _documents(docs: DocsArg, published: date | None) -> Iterable[Document]:
    if isinstance(docs, str):
        docs = [docs]
    for number, doc in enumerate(docs):
        if isinstance(doc, Document):
            yield (
                doc
                if doc.published or not published
                else dataclasses.replace(doc, published=published)
            )
        elif isinstance(doc, str):
            yield Document(id=str(number), text=doc, published=published)
        elif isinstance(doc, tuple) and len(doc) == 2:
            yield Document(id=str(doc[0]), text=doc[1], published=published)
        else:
            raise TypeError(f"document {number}: expected str, Document or (id, text), got {doc!r}")


class ExtractionError(FinfactsError):
    """Extraction failed on one document (an internal fault, or a value that cannot be stored)."""

    def __init__(self, doc_id: str, reason: str):
        self.doc_id = doc_id
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"document {self.doc_id!r}: extraction failed: {self.reason}"


class ExtractionWarning(UserWarning):
    """Category of the warnings the default ``on_error`` of ``extract_frame`` issues."""


def warn_extraction_error(doc: Document, err: ExtractionError) -> None:
    """Default ``on_error`` of ``extract_frame``: warn and go on with the next document."""
    where = f"{doc.source}: " if doc.source else ""
    warnings.warn(f"{where}{err}", ExtractionWarning, stacklevel=3)


def _extractor() -> Callable[..., tuple[list[Record], list[str]]]:
    """The extractor that also reports its contained faults (``extract_with_errors``)."""
    from finfacts.extract import extract_with_errors  # imported late: frames alone never need it

    return extract_with_errors


def extract_table(
    docs: DocsArg,
    *,
    published: date | None = None,
    on_error: Callable[[Document, ExtractionError], object] | None = None,
) -> pa.Table:
    """Extract the facts of each document, in one process, into an Arrow table (FRAME_SCHEMA).

    Takes the same arguments as ``extract_frame``; the table is the frame before pandas.
    """
    report = on_error or warn_extraction_error
    extract = _extractor()
    columns = _Columns()
    for doc in _documents(docs, _as_date(published)):
        try:
            records, faults = extract(doc.text, published=doc.published, doc_id=doc.id)
            columns.add(records, doc.published)
        except Exception as exc:  # one document's failure must not lose the others' facts
            faults = [f"{type(exc).__name__}: {exc}"]
        if faults:
            reasons = [fault.removeprefix(f"{doc.id}: ") for fault in faults]
            report(doc, ExtractionError(doc.id, "; ".join(reasons)))
    return columns.table()


def extract_frame(
    docs: DocsArg,
    *,
    published: date | None = None,
    on_error: Callable[[Document, ExtractionError], object] | None = None,
    jobs: int = 1,
    convert_to: str | None = None,
    on: date | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Extract the facts of each document into one tidy frame.

    ``docs`` is a text, or texts (ids "0", "1", ...), ``Document`` objects or (id, text) pairs.
    ``published`` is the date of documents that carry none. A document the extractor fails on
    is left out and reported to ``on_error`` (default: an ``ExtractionWarning``); the rest go on.
    ``jobs`` > 1 extracts in that many processes (0: one per CPU); the frame is the same.
    ``convert_to`` adds each amount in that currency (see ``convert_facts``).
    """
    if jobs == 1:
        frame = _to_pandas(extract_table(docs, published=published, on_error=on_error))
    else:
        from finfacts.parallel import extract_tables

        tables = list(extract_tables(docs, published=published, on_error=on_error, jobs=jobs))
        frame = _to_pandas(pa.concat_tables(tables) if tables else FRAME_SCHEMA.empty_table())
    if convert_to is not None:
        frame = convert_facts(frame, convert_to, on=on, offline=offline)
    return frame


def convert_facts(
    frame: pd.DataFrame,
    to: str,
    *,
    on: date | None = None,
    offline: bool | None = None,
    require_dates: bool = True,
) -> pd.DataFrame:
    """The frame plus ``value_<TO>``, ``fx_rate``, ``fx_rate_date``, ``fx_source``, ``fx_error``.

    Each amount is converted at the rate of its document's published date, else ``on``; with
    neither, a ``FinfactsError`` names the documents (``require_dates=False`` leaves the
    reason in ``fx_error`` instead). A rate that cannot be had (offline, no cache) is a null
    with its reason in ``fx_error``, never a zero.
    """
    from finfacts.errors import FinfactsError
    from finfacts.fx import convert_frame

    money = frame[(frame["kind"] == "money") & frame["value"].notna()]
    undated = sorted(set(money.loc[money["published"].isna(), "doc_id"].astype(str)))
    if undated and on is None and require_dates:
        raise FinfactsError(
            f"no date to convert on for {len(undated)} document(s) without a published date "
            f"({', '.join(undated[:5])}{', ...' if len(undated) > 5 else ''}): give them one "
            "(index.csv, a date column, --published) or pass on=/--on YYYY-MM-DD"
        )
    return convert_frame(frame, to, default_on=on, errors="coerce", offline=offline)


# -- frame <-> Arrow ----------------------------------------------------------------------------


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_types_mapper)


def _types_mapper(arrow: pa.DataType) -> Any:
    if arrow == pa.bool_():
        return None  # numpy bool (null booleans are filled before conversion)
    if pa.types.is_string(arrow) or arrow == pa.int64() or arrow == DECIMAL_TYPE:
        return _pandas_dtype(arrow)
    if pa.types.is_date32(arrow) or pa.types.is_decimal(arrow):
        return pd.ArrowDtype(arrow)
    return None


def _extra_type(series: pd.Series) -> pa.DataType | None:
    """Arrow type for a column outside the schema; Decimal objects never go through inference."""
    if isinstance(series.dtype, pd.ArrowDtype):
        return series.dtype.pyarrow_dtype
    if series.dtype == object:
        values = series.dropna()
        if len(values) and all(isinstance(v, Decimal) for v in values):
            return DECIMAL_TYPE
    return None


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with the explicit schema (decimals as decimal128, no floats)."""
    names = list(df.columns)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"column names must be text, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError("column names must be unique")
    extra = [name for name in names if name not in COLUMNS]
    inferred = pa.Schema.from_pandas(df[extra], preserve_index=False) if extra else None
    fields = []
    for name in names:
        series = df[name]
        if name in COLUMNS:
            arrow = FRAME_SCHEMA.field(name).type
            if arrow == DECIMAL_TYPE and pd.api.types.is_float_dtype(series.dtype):
                raise TypeError(f"column {name!r} holds floats; amounts must stay Decimal (exact)")
        else:
            arrow = _extra_type(series) or inferred.field(name).type  # type: ignore[union-attr]
        fields.append(pa.field(name, arrow))
    return pa.Table.from_pandas(df, schema=pa.schema(fields), preserve_index=False)


def from_arrow(table: pa.Table, source: str = "<table>") -> pd.DataFrame:
    """A tidy frame from an Arrow table: canonical columns cast and ordered first, extras after."""
    if "kind" not in table.column_names:
        raise InputError(source, "not a finfacts facts table: no 'kind' column")
    arrays, fields = [], []
    for field in FRAME_SCHEMA:
        if field.name in table.column_names:
            column = table.column(field.name)
            if column.type != field.type:
                try:
                    column = column.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise InputError(source, f"column {field.name!r}: {exc}") from None
        else:
            column = pa.nulls(table.num_rows, type=field.type)
        if field.type == pa.bool_():
            column = pc.fill_null(column, _BOOL_DEFAULTS.get(field.name, False))
        arrays.append(column)
        fields.append(field)
    for name in table.column_names:
        if name not in COLUMNS:
            arrays.append(table.column(name))
            fields.append(table.schema.field(name))
    return _to_pandas(pa.Table.from_arrays(arrays, schema=pa.schema(fields)))


# -- plain decimal text -------------------------------------------------------------------------


def tidy_decimal(value: Decimal) -> Decimal:
    """The same number without the padding zeros decimal128 adds (21050000000.000 → 21050000000)."""
    if value == value.to_integral_value(context=_WIDE):
        return value.quantize(Decimal(1), context=_WIDE)
    return _WIDE.normalize(value)


def plain_decimal(value: Decimal) -> str:
    """Exact positional text for a Decimal: no exponent, no padding ("0.000001", "21050000000")."""
    return format(tidy_decimal(value), "f")


# -- Parquet ------------------------------------------------------------------------------------


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the frame to Parquet atomically, amounts as decimal128 through an explicit schema."""
    import pyarrow.parquet as pq

    table = to_arrow(df)
    return atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Parquet facts file back into the tidy frame's dtypes."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(str(path), f"cannot read Parquet: {exc}") from None
    return from_arrow(table, str(path))


# -- CSV ----------------------------------------------------------------------------------------

_CSV_SPECIAL = frozenset(',"\r\n')


def _csv_text(value: str) -> str:
    # An empty string is quoted so that it differs from a missing value (an empty cell).
    if value == "" or value != value.strip() or not _CSV_SPECIAL.isdisjoint(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _csv_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return _csv_text(str(value))


class _CsvSink:
    """Rows of Arrow tables appended to a UTF-8 CSV file under one header."""

    def __init__(self, path: Path, schema: pa.Schema):
        self._out = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close)
        self._out.write(",".join(_csv_text(name) for name in schema.names) + "\n")

    def write(self, table: pa.Table) -> None:
        columns = [column.to_pylist() for column in table.columns]
        self._out.writelines(
            ",".join(_csv_cell(value) for value in row) + "\n" for row in zip(*columns, strict=True)
        )

    def close(self) -> None:
        self._out.close()


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the frame to UTF-8 CSV atomically: amounts as exact plain decimals, missing empty."""
    table = to_arrow(df)
    return atomic_write(path, lambda tmp: _write_whole(_CsvSink, tmp, table))


def _write_whole(sink_type: Callable[[Path, pa.Schema], _Sink], tmp: Path, table: pa.Table) -> None:
    sink = sink_type(tmp, table.schema)
    try:
        sink.write(table)
    finally:
        sink.close()


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV facts file (as ``write_csv`` writes it) back into the tidy frame's dtypes."""
    import pyarrow.csv as pcsv

    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read CSV: {exc}") from None
    if header is None:
        return from_arrow(FRAME_SCHEMA.empty_table(), source)
    types_ = {
        name: FRAME_SCHEMA.field(name).type if name in COLUMNS else pa.string() for name in header
    }
    options = pcsv.ConvertOptions(
        column_types=types_,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["true"],
        false_values=["false"],
    )
    try:
        table = pcsv.read_csv(
            path,
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=options,
        )
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(source, f"cannot read CSV: {exc}") from None
    return from_arrow(table, source)


# -- JSON Lines ---------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json_column(values: list[Any]) -> list[Any]:
    return [None if value is None else _json_value(value) for value in values]


class _JsonlSink:
    """Rows of Arrow tables appended to a JSON Lines file, one object per row."""

    def __init__(self, path: Path, schema: pa.Schema):
        self._out = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (see close)
        self._dumps = json.JSONEncoder(ensure_ascii=False).encode

    def write(self, table: pa.Table) -> None:
        names = table.column_names
        columns = []
        for column in table.columns:
            values = column.to_pylist()
            plain = pa.types.is_string(column.type) or pa.types.is_integer(column.type)
            columns.append(values if plain or column.type == pa.bool_() else _json_column(values))
        dumps = self._dumps
        self._out.writelines(
            dumps(dict(zip(names, row, strict=True))) + "\n" for row in zip(*columns, strict=True)
        )

    def close(self) -> None:
        self._out.close()


def write_jsonl(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write one JSON object per row atomically; amounts as exact decimal strings, dates ISO."""
    table = to_arrow(df)
    return atomic_write(path, lambda tmp: _write_whole(_JsonlSink, tmp, table))


def _from_json(value: Any, arrow: pa.DataType) -> Any:
    """A JSON value as the Python value of an Arrow type; ValueError when it is not one."""
    if value is None:
        return None
    if arrow == DECIMAL_TYPE:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValueError(f"expected a decimal string, got {value!r}")
        try:
            return Decimal(value)
        except decimal.InvalidOperation:
            raise ValueError(f"not a decimal: {value!r}") from None
    if arrow == pa.date32():
        if not isinstance(value, str):
            raise ValueError(f"expected a YYYY-MM-DD string, got {value!r}")
        return date.fromisoformat(value)
    expected = {pa.int64(): int, pa.bool_(): bool, pa.string(): str}[arrow]
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ValueError(f"expected {expected.__name__}, got {value!r}")
    return value


def _array_from_json(
    values: list[Any], arrow: pa.DataType, lines: list[int], source: str, name: str
) -> pa.Array:
    """One column of JSON values as an Arrow array; an InputError names the first bad line."""
    try:
        if arrow in (DECIMAL_TYPE, pa.date32()):
            return pa.array([_from_json(v, arrow) for v in values], type=arrow)
        return pa.array(values, type=arrow)
    except (ValueError, TypeError, pa.ArrowException):
        for value, line in zip(values, lines, strict=True):
            try:
                _from_json(value, arrow)
            except ValueError as exc:
                raise InputError(source, f"field {name!r}: {exc}", line) from None
        raise


def read_jsonl(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a JSON Lines facts file back into the tidy frame's dtypes."""
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text_lines = list(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read JSON Lines: {exc}") from None
    objects: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, line in enumerate(text_lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise InputError(source, f"invalid JSON: {exc.msg}", number) from None
        if not isinstance(obj, dict):
            raise InputError(source, "expected a JSON object", number)
        objects.append(obj)
        lines.append(number)
    if objects and all(obj.get("kind") is None for obj in objects):
        raise InputError(source, "not a finfacts facts file: no 'kind' field")
    arrays = [
        _array_from_json([obj.get(name) for obj in objects], arrow, lines, source, name)
        for name, arrow in _TYPES.items()
    ]
    table = pa.Table.from_arrays(arrays, schema=FRAME_SCHEMA)
    extras = dict.fromkeys(name for obj in objects for name in obj if name not in _TYPES)
    for name in extras:
        values = [obj.get(name) for obj in objects]
        decimals = [v for v in values if v is not None]
        exact = bool(decimals) and all(isinstance(v, Decimal) for v in decimals)
        table = table.append_column(name, pa.array(values, type=DECIMAL_TYPE if exact else None))
    return from_arrow(table, source)


# -- by file extension --------------------------------------------------------------------------

WRITERS: dict[str, Callable[[pd.DataFrame, str | os.PathLike[str]], Path]] = {
    ".parquet": write_parquet,
    ".csv": write_csv,
    ".jsonl": write_jsonl,
}
READERS: dict[str, Callable[[str | os.PathLike[str]], pd.DataFrame]] = {
    ".parquet": read_parquet,
    ".csv": read_csv,
    ".jsonl": read_jsonl,
}


def write_frame(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the frame in the format its extension names (.parquet, .csv or .jsonl)."""
    suffix = Path(path).suffix.lower()
    if suffix not in WRITERS:
        raise ValueError(f"{path}: unknown export format {suffix!r} (use {', '.join(WRITERS)})")
    return WRITERS[suffix](df, path)


def read_frame(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a facts file in the format its extension names (.parquet, .csv or .jsonl)."""
    suffix = Path(path).suffix.lower()
    if suffix not in READERS:
        raise ValueError(f"{path}: unknown export format {suffix!r} (use {', '.join(READERS)})")
    return READERS[suffix](path)


# -- streaming writes ---------------------------------------------------------------------------

PARQUET_ROW_GROUP = 65_536
"""Rows gathered before a Parquet row group is written (small batches would make tiny groups)."""


class _Sink(typing.Protocol):
    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


class _ParquetSink:
    """Arrow tables appended to a Parquet file in row groups of ``PARQUET_ROW_GROUP`` rows."""

    def __init__(self, path: Path, schema: pa.Schema):
        import pyarrow.parquet as pq

        self._writer = pq.ParquetWriter(path, schema)
        self._pending: list[pa.Table] = []
        self._rows = 0

    def write(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._rows += table.num_rows
        if self._rows >= PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            table = pa.concat_tables(self._pending)
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self._pending, self._rows = [], 0

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()


_SINKS: dict[str, Callable[[Path, pa.Schema], _Sink]] = {
    ".parquet": _ParquetSink,
    ".csv": _CsvSink,
    ".jsonl": _JsonlSink,
}


@functools.cache
def _file_schema() -> pa.Schema:
    """FRAME_SCHEMA with the pandas metadata ``write_parquet`` stores, so readers agree."""
    return to_arrow(_to_pandas(FRAME_SCHEMA.empty_table())).schema


class _Aborted(Exception):
    """Thrown into the atomic write to discard its temporary file."""


class FactsWriter:
    """Write a facts file (.parquet, .csv or .jsonl) batch by batch, without holding it whole.

    Rows go to a temporary file beside ``path`` as they come; ``close()`` renames it over
    ``path``, so readers only ever see a complete file. Used as a context manager, an
    exception discards the temporary file and leaves any previous file as it was. Batches are
    tidy frames or Arrow tables with the columns of ``schema`` (default: the tidy frame's).
    """

    def __init__(self, path: str | os.PathLike[str], schema: pa.Schema | None = None):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in _SINKS:
            raise ValueError(f"{path}: unknown export format {suffix!r} (use {', '.join(_SINKS)})")
        self.schema = schema if schema is not None else _file_schema()
        self.rows = 0
        self._stack = contextlib.ExitStack()
        tmp = self._stack.enter_context(atomic_path(self.path))
        try:
            self._sink: _Sink | None = _SINKS[suffix](tmp, self.schema)
        except BaseException:
            self._sink = None
            self.abort()
            raise

    def write(self, batch: pd.DataFrame | pa.Table) -> None:
        """Append the rows of one batch."""
        if self._sink is None:
            raise ValueError(f"{self.path}: the writer is closed")
        table = batch if isinstance(batch, pa.Table) else to_arrow(batch)
        if table.column_names != self.schema.names:
            raise ValueError(
                f"{self.path}: batch columns {table.column_names} differ from the file's "
                f"{self.schema.names}"
            )
        if not table.schema.equals(self.schema, check_metadata=False):
            table = table.cast(self.schema)
        self._sink.write(table)
        self.rows += table.num_rows

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            try:
                sink.close()
            except BaseException:
                self._discard()
                raise
            self._stack.close()
        return self.path

    def abort(self) -> None:
        """Discard what was written; an earlier file at ``path`` stays as it was."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            with contextlib.suppress(Exception):
                sink.close()
        self._discard()

    def _discard(self) -> None:
        with contextlib.suppress(_Aborted):
            self._stack.__exit__(_Aborted, _Aborted(), None)

    def __enter__(self) -> FactsWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_batches(
    batches: Iterable[pd.DataFrame | pa.Table],
    path: str | os.PathLike[str],
    schema: pa.Schema | None = None,
) -> Path:
    """Write batches of facts to one file as they come (see ``FactsWriter``); returns its path."""
    with FactsWriter(path, schema) as writer:
        for batch in batches:
            writer.write(batch)
    return writer.path


# -- frame -> records ---------------------------------------------------------------------------


def to_records(df: pd.DataFrame) -> list[Record]:
    """The typed records back from a tidy frame (columns a record type lacks are ignored)."""
    table = to_arrow(df)
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    if "kind" not in columns:
        raise ValueError("the frame has no 'kind' column")
    names = {cls: cls.field_names() for cls in RECORD_TYPES}
    out: list[Record] = []
    for number, kind in enumerate(columns["kind"]):
        cls = _KIND_CLASS.get(kind)  # type: ignore[arg-type]
        if cls is None:
            raise ValueError(f"row {number}: unknown kind {kind!r}")
        values = {}
        for name in names[cls]:
            value = columns[name][number] if name in columns else None
            values[name] = tidy_decimal(value) if isinstance(value, Decimal) else value
        out.append(cls(**values))  # type: ignore[arg-type]
    return out


__all__ = [
    "COLUMNS",
    "DECIMAL_TYPE",
    "FRAME_SCHEMA",
    "ExtractionError",
    "ExtractionWarning",
    "FactsWriter",
    "extract_frame",
    "extract_table",
    "frame_dtypes",
    "from_arrow",
    "plain_decimal",
    "read_csv",
    "read_frame",
    "read_jsonl",
    "read_parquet",
    "records_frame",
    "tidy_decimal",
    "to_arrow",
    "to_records",
    "warn_extraction_error",
    "write_batches",
    "write_csv",
    "write_frame",
    "write_jsonl",
    "write_parquet",
]
