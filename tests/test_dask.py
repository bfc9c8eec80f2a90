"""``finfacts.dask``: extraction over a Dask DataFrame on a 2-process LocalCluster."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import finfacts  # noqa: F401 (registers the accessor)
import finfacts.dask as fd
from finfacts.accessor import ROW_COLUMN
from finfacts.frame import COLUMNS, read_parquet
from finfacts.io import read_documents

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["doc_id", "start", "end", "kind"]


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    """The seed stories three times over, with a row without text and one without a date."""
    docs = list(read_documents(ROOT / "seeds"))
    rows = [
        {"key": f"{d.id}#{copy}", "body": d.text, "date": d.published, "copy": copy}
        for copy in range(3)
        for d in docs
    ]
    rows += [
        {"key": "empty", "body": None, "date": date(2024, 1, 2), "copy": 9},
        {"key": "short", "body": "Sony paid US$2 billion.", "date": None, "copy": 9},
    ]
    return pd.DataFrame(rows)


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(ORDER).reset_index(drop=True)


def test_partitions_on_two_workers_give_the_single_process_facts(client, news):
    ddf = dd.from_pandas(news, npartitions=4)

    facts = fd.extract(ddf, text="body", published="date", id="key", keep=["copy"])
    computed = facts.compute()

    expected = news.finfacts.extract(text="body", published="date", id="key", keep=["copy"])
    assert len(computed) == len(expected) > 0
    pd.testing.assert_frame_equal(ordered(computed), ordered(expected))
    assert list(facts.columns) == [*COLUMNS, ROW_COLUMN, "copy"]
    assert computed.dtypes.to_dict() == facts._meta.dtypes.to_dict()  # the meta told the truth
    workers = client.run(lambda: 1)
    assert len(workers) == 2


def test_meta_is_the_empty_facts_frame_without_running_extraction(news):
    ddf = dd.from_pandas(news, npartitions=2)

    facts = fd.extract(ddf, text="body", published="date")

    assert len(facts._meta) == 0
    pd.testing.assert_frame_equal(
        facts._meta, fd.facts_meta(news, text="body", published="date"), check_index_type=False
    )
    with pytest.raises(ValueError, match="no column 'nope'"):
        fd.extract(ddf, text="nope")


def test_facts_written_to_parquet_read_back_exactly(client, news, tmp_path):
    ddf = dd.from_pandas(news, npartitions=3)
    facts = fd.extract(ddf, text="body", published="date", id="key")
    out = tmp_path / "facts"

    fd.to_parquet(facts, str(out))

    back = read_parquet(out)
    expected = news.finfacts.extract(text="body", published="date", id="key")
    pd.testing.assert_frame_equal(ordered(back)[list(COLUMNS)], ordered(expected)[list(COLUMNS)])
    assert ordered(back)[ROW_COLUMN].tolist() == ordered(expected)[ROW_COLUMN].tolist()
