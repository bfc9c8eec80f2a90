"""Facts from a Dask DataFrame of documents, partition by partition, on any Dask cluster.

Needs the ``finfacts[dask]`` extra. Each partition goes through ``finfacts.accessor.extract_rows``
(the code behind ``df.finfacts.extract``) in ``map_partitions`` with an explicit ``meta``: the
empty facts frame, so Dask never runs the extractor to guess the output's columns and types.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from finfacts.accessor import extract_rows

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

DASK_EXTRA = "pip install 'finfacts[dask]'"


def _require_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"finfacts.dask needs the optional extra: {DASK_EXTRA} ({exc})") from exc


def facts_meta(
    sample: pd.DataFrame,
    *,
    text: str = "text",
    published: str | date | None = None,
    id: str | None = None,
    keep: str | Sequence[str] = (),
) -> pd.DataFrame:
    """The empty facts frame ``extract`` produces for documents shaped like ``sample``."""
    return extract_rows(sample.iloc[:0], text=text, published=published, id=id, keep=keep)


def extract(
    ddf: dd.DataFrame,
    text: str = "text",
    published: str | date | None = None,
    id: str | None = None,
    *,
    keep: str | Sequence[str] = (),
) -> dd.DataFrame:
    """A lazy Dask DataFrame of the facts of ``ddf[text]``, one facts partition per partition.

    Arguments as for ``df.finfacts.extract``. The result's ``row`` column holds each fact's
    source index label within its partition's index (use ``id`` for ids unique across the
    dataset); its index is a fresh range per partition. Nothing runs until it is computed.
    """
    _require_dask()
    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    meta = facts_meta(ddf._meta, text=text, published=published, id=id, keep=keep)
    work = functools.partial(extract_rows, text=text, published=published, id=id, keep=keep)
    return ddf.map_partitions(work, meta=meta, clear_divisions=True)


def to_parquet(facts: dd.DataFrame, path: str, **kwargs: Any) -> Any:
    """Write a Dask facts frame to a Parquet dataset (local, s3://, gs://, ... via fsspec).

    The Arrow schema is given explicitly (amounts decimal128(38, 12), dates date32), so no
    partition's types are inferred. ``kwargs`` go to ``dask.dataframe.to_parquet``
    (``storage_options=`` for credentials, ``compute=False`` to get a delayed write).
    """
    _require_dask()
    from finfacts.frame import to_arrow

    schema = to_arrow(facts._meta).schema
    kwargs.setdefault("write_index", False)
    return facts.to_parquet(path, schema=schema, **kwargs)


__all__ = ["DASK_EXTRA", "extract", "facts_meta", "to_parquet"]
