"""``df.finfacts.extract(text="body", published="date")``: the facts of a text column, by row.

The result is the tidy facts frame (``finfacts.frame.COLUMNS``) plus a ``row`` column holding
the index label of the row each fact came from, and any source columns named in ``keep``, so
``facts.merge(df, left_on="row", right_index=True)`` joins the facts back to their rows.

``import finfacts`` registers the accessor. Importing this module loads neither pandas nor
the extractor: when pandas is already imported the accessor is registered at once, otherwise
the moment pandas is imported.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from finfacts.frame import ExtractionError
    from finfacts.io import Document

NAME = "finfacts"
"""The accessor's attribute name on DataFrames."""

ROW_COLUMN = "row"
"""Column of the result holding the source row's index label."""


class FinfactsAccessor:
    """The ``df.finfacts`` namespace: facts extracted from a DataFrame's text column."""

    def __init__(self, df: pd.DataFrame):
        self._df = df

    def extract(
        self,
        text: str = "text",
        published: str | date | None = None,
        id: str | None = None,
        *,
        keep: str | Sequence[str] = (),
        jobs: int = 1,
        on_error: Callable[[Document, ExtractionError], object] | None = None,
    ) -> pd.DataFrame:
        """The facts of each row's ``text``, with a ``row`` column naming the source row.

        ``published`` is a column of dates (date, datetime, Timestamp or YYYY-MM-DD text) or
        one date for every row; ``id`` a column whose values become ``doc_id`` (default: the
        row label); ``keep`` source columns to copy onto each fact; ``jobs`` as in
        ``extract_frame``. Rows whose text is missing (None/NaN/NA) have no facts.
        """
        return extract_rows(
            self._df,
            text=text,
            published=published,
            id=id,
            keep=keep,
            jobs=jobs,
            on_error=on_error,
        )


def extract_rows(
    df: pd.DataFrame,
    *,
    text: str = "text",
    published: str | date | None = None,
    id: str | None = None,
    keep: str | Sequence[str] = (),
    jobs: int = 1,
    on_error: Callable[[Document, ExtractionError], object] | None = None,
) -> pd.DataFrame:
    """``df.finfacts.extract`` as a function (Dask runs it on each partition).

    A bad cell (text that is not text, an unreadable date) raises ValueError naming the row,
    the column and the value before anything is extracted.
    """
    import pandas as pd
    import pyarrow as pa

    from finfacts.frame import COLUMNS, _to_pandas, extract_table, warn_extraction_error
    from finfacts.io import Document

    keep = [keep] if isinstance(keep, str) else list(keep)
    _check_columns(df, text, published, id, keep, COLUMNS)
    labels = df.index.to_flat_index() if isinstance(df.index, pd.MultiIndex) else df.index
    dates = _dates(df, published, labels)
    ids = _ids(df, id, labels)
    docs = []
    for position, value in enumerate(df[text].tolist()):
        if _missing(value):
            continue
        if not isinstance(value, str):
            raise ValueError(
                f"row {labels[position]!r}: column {text!r} holds {type(value).__name__} "
                f"{value!r}, not text"
            )
        docs.append(Document(id=str(position), text=value, published=dates[position]))

    report = on_error or warn_extraction_error

    def relabel(doc: Document, err: ExtractionError) -> None:
        from finfacts.frame import ExtractionError

        position = int(doc.id)
        real = Document(
            id=ids[position],
            text=doc.text,
            published=doc.published,
            source=f"row {labels[position]!r}",
        )
        report(real, ExtractionError(real.id, err.reason))

    if jobs == 1:
        table = extract_table(docs, on_error=relabel)
    else:
        from finfacts.parallel import extract_tables

        tables = list(extract_tables(docs, on_error=relabel, jobs=jobs))
        table = pa.concat_tables(tables) if tables else extract_table([])
    facts = _to_pandas(table)
    positions = [int(p) for p in facts["doc_id"]]
    facts["doc_id"] = pd.array([ids[p] for p in positions], dtype=facts["doc_id"].dtype)
    facts[ROW_COLUMN] = labels.take(positions)
    for name in keep:
        facts[name] = df[name].iloc[positions].reset_index(drop=True)
    return facts


def _check_columns(
    df: pd.DataFrame,
    text: str,
    published: str | date | None,
    id: str | None,
    keep: list[str],
    reserved: Iterable[str],
) -> None:
    names = [n for n in (text, published, id) if isinstance(n, str)] + keep
    missing = [n for n in names if n not in df.columns]
    if missing:
        listed = ", ".join(repr(c) for c in df.columns)
        raise ValueError(f"no column {missing[0]!r} in the DataFrame (columns: {listed})")
    taken = {*reserved, ROW_COLUMN}
    clash = [n for n in keep if n in taken]
    if clash:
        raise ValueError(
            f"keep={clash[0]!r}: the facts frame already has a column of that name; "
            f"rename it in the source first"
        )
    if len(set(keep)) != len(keep):
        raise ValueError(f"keep names a column twice: {keep}")


def _missing(value: Any) -> bool:
    """None, NaN, NA or NaT (a list or other container is not missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_date(value: Any, where: str) -> date | None:
    """A cell of the published column as a date (the date as stamped, no time-zone shift)."""
    from finfacts.io import parse_date

    if _missing(value):
        return None
    if isinstance(value, datetime):  # pandas Timestamps too
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    if type(value).__name__ == "datetime64":
        import pandas as pd

        return pd.Timestamp(value).date()
    raise ValueError(f"{where}: {type(value).__name__} {value!r} is not a date")


def _dates(df: pd.DataFrame, published: str | date | None, labels: Any) -> list[date | None]:
    if published is None or isinstance(published, date):
        when = published.date() if isinstance(published, datetime) else published
        return [when] * len(df)
    if not isinstance(published, str):
        raise TypeError(f"published must be a column name or a date, got {published!r}")
    return [
        _as_date(value, f"row {labels[i]!r}: column {published!r}")
        for i, value in enumerate(df[published].tolist())
    ]


def _ids(df: pd.DataFrame, id: str | None, labels: Any) -> list[str]:
    """Each row's doc_id: the id column's value as text, else the row label."""
    if id is None:
        return [str(label) for label in labels]
    out = []
    for label, value in zip(labels, df[id].tolist(), strict=True):
        if _missing(value):
            out.append(str(label))
        elif isinstance(value, float) and value.is_integer():
            out.append(str(int(value)))  # an integer id column that pandas made float by NaN
        else:
            out.append(str(value))
    return out


# -- registration -------------------------------------------------------------------------------


def register() -> None:
    """Register ``df.finfacts`` on pandas DataFrames (imports pandas; idempotent)."""
    import pandas as pd

    _remove_hook()
    if getattr(pd.DataFrame, NAME, None) is not None:
        return
    pd.api.extensions.register_dataframe_accessor(NAME)(FinfactsAccessor)


class _RegisterWhenPandasLoads(importlib.abc.MetaPathFinder):
    """Finds nothing itself: lets the usual finders locate pandas, then registers the
    accessor right after pandas has run its ``__init__``."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "pandas":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        original = getattr(loader, "exec_module", None)
        if original is None:
            return spec

        def exec_module(module: Any) -> None:
            original(module)
            try:
                register()
            except Exception as exc:  # never let the accessor break ``import pandas``
                warnings.warn(f"finfacts: df.finfacts not registered: {exc!r}", stacklevel=2)

        try:
            loader.exec_module = exec_module  # type: ignore[union-attr]
        except AttributeError:
            return spec
        return spec


def _remove_hook() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _RegisterWhenPandasLoads)]


def _install() -> None:
    if "pandas" in sys.modules:
        register()
    elif not any(isinstance(f, _RegisterWhenPandasLoads) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterWhenPandasLoads())


_install()

__all__ = ["NAME", "ROW_COLUMN", "FinfactsAccessor", "extract_rows", "register"]
