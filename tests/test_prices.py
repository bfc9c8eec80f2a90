"""Price history: Parquet cache, coverage, offline mode and yfinance failures (replayed)."""

from __future__ import annotations

import csv
import importlib.util
import json
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from yahoo_replay import YahooReplay, frame_from_csv

from finfacts import prices
from finfacts.errors import InputError, MissingPriceError, PriceFetchError
from finfacts.paths import bundled_path

# yfinance's own pandas deprecation noise (not ours to fix)
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:yfinance",
    "ignore::FutureWarning:yfinance",
    "ignore:Series.values returning an ndarray:DeprecationWarning",  # exchange_calendars
)

# Real 3778.T (Sakura Internet) rows, J-Quants via keroppa88/chart0 (see data/prices/).
SAKURA = frame_from_csv(
    """
date,open,high,low,close,adj_close,volume
2023-11-20,1180,1217,1166,1196,,639500
2023-11-21,1218,1218,1185,1213,,500800
2023-11-22,1219,1244,1208,1214,,608300
2023-11-24,1210,1217,1183,1185,,326400
2023-11-27,1185,1205,1180,1200,,256200
2023-11-28,1194,1500,1191,1500,,14476200
2023-11-29,1880,1900,1823,1900,,2906500
2023-11-30,1956,2072,1735,1791,,26170100
2023-12-01,1757,1895,1626,1651,,13895700
2023-12-04,1641,1837,1617,1791,,11266700
2023-12-05,1920,2191,1890,1927,,30039000
2023-12-06,1988,2273,1988,2160,,32492300
2023-12-07,2245,2353,2206,2244,,17051400
2023-12-08,2130,2196,2015,2090,,6067900
2023-12-11,2190,2235,2026,2040,,3696500
2023-12-25,2013,2014,1949,1981,,1051500
2023-12-26,1985,2031,1975,1987,,1295800
2023-12-27,2008,2071,1994,2049,,1691500
2023-12-28,2033,2150,2015,2150,,1940800
2023-12-29,2175,2218,2115,2209,,2056000
2024-01-04,2150,2237,2130,2165,,1767700
2024-01-05,2180,2185,2080,2121,,1276900
2024-01-09,2160,2215,2117,2161,,1315800
"""
)
OHLCV = ["open", "high", "low", "close", "volume"]


def rows(start: str, end: str, frame: pd.DataFrame = SAKURA) -> pd.DataFrame:
    return frame.loc[start:end]


@pytest.fixture
def yahoo() -> YahooReplay:
    replay = YahooReplay()
    replay.add_chart("3778.T", SAKURA, currency="JPY", timezone="Asia/Tokyo")
    with replay.active():
        yield replay
    assert replay.unexpected == [], "yfinance asked for something the replay does not serve"


def period_requests(replay: YahooReplay, symbol: str) -> list[dict]:
    return [p for p in replay.chart_requests(symbol) if "period1" in p]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".lock"}


# --------------------------------------------------------------------------- replayed fetches


def test_fetch_into_empty_cache_keeps_raw_yahoo_rows(yahoo, tmp_path):
    got = prices.history("3778.T", "2023-11-27", "2023-12-08", offline=False, cache_dir=tmp_path)

    expected = rows("2023-11-27", "2023-12-08")
    pd.testing.assert_frame_equal(
        got[OHLCV], expected[OHLCV], check_dtype=False, check_index_type=False, check_freq=False
    )
    assert list(got.index.date) == list(expected.index.date)
    # auto_adjust=False keeps Yahoo's raw Close and its separate Adj Close
    assert (got["adj_close"] == got["close"]).all()
    assert got.attrs["currency"] == "JPY"
    assert got.attrs["timezone"] == "Asia/Tokyo"
    assert prices.coverage("3778.T", cache_dir=tmp_path) == [
        (date(2023, 11, 27), date(2023, 12, 8))
    ]
    assert (tmp_path / "3778.T.parquet").is_file()
    assert len(period_requests(yahoo, "3778.T")) == 1

    again = prices.history("3778.T", "2023-11-29", "2023-12-05", offline=False, cache_dir=tmp_path)
    assert len(period_requests(yahoo, "3778.T")) == 1, "a covered range must not be refetched"
    assert list(again["close"]) == [1900, 1791, 1651, 1791, 1927]


def test_second_range_merges_with_the_first(yahoo, tmp_path):
    prices.history("3778.T", "2023-11-20", "2023-11-30", offline=False, cache_dir=tmp_path)
    prices.history("3778.T", "2023-12-04", "2023-12-11", offline=False, cache_dir=tmp_path)

    assert prices.coverage("3778.T", cache_dir=tmp_path) == [
        (date(2023, 11, 20), date(2023, 11, 30)),
        (date(2023, 12, 4), date(2023, 12, 11)),
    ]
    # 2023-12-01 (a Friday session) sits in neither range: asking for it fetches once more
    whole = prices.history("3778.T", "2023-11-20", "2023-12-11", offline=False, cache_dir=tmp_path)
    assert len(period_requests(yahoo, "3778.T")) == 3
    expected = rows("2023-11-20", "2023-12-11")
    assert list(whole.index.date) == list(expected.index.date)
    assert list(whole["close"]) == list(expected["close"])
    assert prices.coverage("3778.T", cache_dir=tmp_path) == [
        (date(2023, 11, 20), date(2023, 12, 11))
    ]


def test_closed_days_are_never_fetched(yahoo, tmp_path):
    prices.history("3778.T", "2023-12-25", "2023-12-29", offline=False, cache_dir=tmp_path)
    prices.history("3778.T", "2024-01-04", "2024-01-09", offline=False, cache_dir=tmp_path)
    fetches = len(period_requests(yahoo, "3778.T"))

    # 30 Dec 2023 .. 3 Jan 2024: weekend and Tokyo's New Year closure
    gap = prices.history("3778.T", "2023-12-30", "2024-01-03", offline=False, cache_dir=tmp_path)
    span = prices.history("3778.T", "2023-12-27", "2024-01-05", offline=True, cache_dir=tmp_path)

    assert gap.empty
    assert len(period_requests(yahoo, "3778.T")) == fetches
    assert [d.isoformat() for d in span.index.date] == [
        "2023-12-27", "2023-12-28", "2023-12-29", "2024-01-04", "2024-01-05",
    ]  # fmt: skip


def test_coverage_lives_in_the_parquet_file(yahoo, tmp_path):
    prices.history("3778.T", "2023-11-27", "2023-12-01", offline=False, cache_dir=tmp_path)

    meta = pq.read_schema(tmp_path / "3778.T.parquet").metadata[b"finfacts.prices"]
    stored = json.loads(meta)
    assert stored["coverage"] == [["2023-11-27", "2023-12-01"]]
    assert stored["currency"] == "JPY" and stored["timezone"] == "Asia/Tokyo"
    assert "auto_adjust=False" in stored["source"]


def test_empty_answer_is_an_error_and_leaves_the_cache_alone(yahoo, tmp_path):
    prices.history("3778.T", "2023-12-04", "2023-12-08", offline=False, cache_dir=tmp_path)
    before = snapshot(tmp_path)

    # The replay has no bars in October: Yahoo answers with an empty chart result
    with pytest.raises(PriceFetchError) as err:
        prices.history("3778.T", "2023-10-02", "2023-10-06", offline=False, cache_dir=tmp_path)

    assert err.value.symbol == "3778.T"
    assert "possibly delisted" in str(err.value) and "2023-10-02" in str(err.value)
    assert snapshot(tmp_path) == before


def test_delisted_symbol_is_a_clear_error(yahoo, tmp_path):
    yahoo.add_delisted("9999.T")

    with pytest.raises(PriceFetchError) as err:
        prices.history("9999.T", "2023-12-04", "2023-12-08", offline=False, cache_dir=tmp_path)

    assert "9999.T" in str(err.value) and "delisted" in str(err.value)
    assert not (tmp_path / "9999.T.parquet").exists()


def test_rate_limit_is_a_clear_error_and_leaves_the_cache_alone(yahoo, tmp_path):
    prices.history("3778.T", "2023-12-04", "2023-12-08", offline=False, cache_dir=tmp_path)
    before = snapshot(tmp_path)
    yahoo.add_status("3778.T", 429, "Too Many Requests")

    with pytest.raises(PriceFetchError) as err:
        prices.history("3778.T", "2023-11-20", "2023-11-24", offline=False, cache_dir=tmp_path)

    assert "429" in str(err.value) and "rate limited" in str(err.value)
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_unreachable_network_serves_the_cache_and_names_what_is_missing(yahoo, tmp_path):
    prices.history("3778.T", "2023-12-04", "2023-12-08", offline=False, cache_dir=tmp_path)
    yahoo.add_network_error()

    cached = prices.history("3778.T", "2023-12-05", "2023-12-06", offline=False, cache_dir=tmp_path)
    assert list(cached["close"]) == [1927, 2160]
    with pytest.raises(MissingPriceError) as err:
        prices.history("3778.T", "2023-11-20", "2023-11-24", offline=False, cache_dir=tmp_path)

    assert err.value.symbol == "3778.T"
    assert "network unreachable" in err.value.reason
    assert "offline=False" in err.value.hint


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_offline_cache_miss_names_symbol_range_and_remedy(yahoo, tmp_path, monkeypatch, how):
    prices.history("3778.T", "2023-12-04", "2023-12-08", offline=False, cache_dir=tmp_path)
    requests_before = len(yahoo.requests)
    if how == "environment":
        monkeypatch.setenv("FINFACTS_OFFLINE", "1")
        offline = None
    else:
        monkeypatch.delenv("FINFACTS_OFFLINE", raising=False)
        offline = True

    with pytest.raises(MissingPriceError) as err:
        prices.history("3778.T", "2023-11-20", "2023-12-08", offline=offline, cache_dir=tmp_path)

    assert (err.value.symbol, err.value.start, err.value.end) == (
        "3778.T", date(2023, 11, 20), date(2023, 12, 3),
    )  # fmt: skip
    message = str(err.value)
    assert "finfacts.prices.history('3778.T'" in message and "offline=False" in message
    assert ("FINFACTS_OFFLINE" in message) == (how == "environment")
    assert len(yahoo.requests) == requests_before, "offline must not touch the network"


def test_split_between_fetches_is_refused_then_refreshed(yahoo, tmp_path):
    # The cache holds pre-split prices; Yahoo now serves everything divided by 10.
    old = rows("2023-11-20", "2023-12-01")
    prices.store("3778.T", old, covered=("2023-11-20", "2023-12-01"), currency="JPY",
                 timezone="Asia/Tokyo", source="old vintage", cache_dir=tmp_path)  # fmt: skip
    before = snapshot(tmp_path)
    split = SAKURA.copy()
    for column in ("open", "high", "low", "close"):
        split[column] = split[column] / 10
    yahoo.add_chart("3778.T", split, currency="JPY", timezone="Asia/Tokyo")

    with pytest.raises(PriceFetchError) as err:
        prices.history("3778.T", "2023-11-20", "2023-12-08", offline=False, cache_dir=tmp_path)
    assert "split basis" in str(err.value) and "refresh=True" in str(err.value)
    assert snapshot(tmp_path) == before

    fresh = prices.history(
        "3778.T", "2023-11-20", "2023-12-08", offline=False, cache_dir=tmp_path, refresh=True
    )
    assert list(fresh["close"]) == list(split.loc["2023-11-20":"2023-12-08", "close"])
    assert prices.coverage("3778.T", cache_dir=tmp_path) == [
        (date(2023, 11, 20), date(2023, 12, 8))
    ]


def test_default_cache_extends_the_bundled_copy(tmp_path, monkeypatch):
    # A notebook asks past the end of the bundled 3778.T file: the new rows land in the
    # working cache ($FINFACTS_DATA_DIR/prices) on top of the bundled ones.
    monkeypatch.setenv("FINFACTS_DATA_DIR", str(tmp_path))
    bundled_file = bundled_path("prices/3778.T.parquet")
    bundled_bytes = bundled_file.read_bytes()
    june = prices.read_cache("3778.T").loc["2025-06-16":"2025-06-30"]
    july = june.iloc[:4].set_axis(pd.to_datetime(["2025-07-01", "2025-07-02", "2025-07-03",
                                                  "2025-07-04"]))  # fmt: skip
    replay = YahooReplay()
    replay.add_chart("3778.T", pd.concat([june, july]), currency="JPY", timezone="Asia/Tokyo")

    with replay.active():
        got = prices.history("3778.T", "2025-06-27", "2025-07-04", offline=False)

    assert list(got["close"]) == [*june["close"].iloc[-2:], *july["close"]]
    working = tmp_path / "prices" / "3778.T.parquet"
    assert prices.coverage("3778.T") == [(date(2023, 1, 1), date(2025, 7, 4))]
    assert len(prices.read_cache("3778.T")) == 610 + 4
    assert working.is_file() and bundled_file.read_bytes() == bundled_bytes
    assert "keroppa88/chart0" in got.attrs["source"] and "yfinance" in got.attrs["source"]
    assert replay.unexpected == []


# --------------------------------------------------------------------------- cache writes


def test_concurrent_writers_leave_one_valid_file_with_everything(tmp_path):
    days = list(SAKURA.index)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            day = days[i]
            prices.store(
                "3778.T", SAKURA.loc[[day]], covered=(day, day), currency="JPY",
                timezone="Asia/Tokyo", source=f"writer {i}", cache_dir=tmp_path,
            )  # fmt: skip
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(days))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    merged = prices.read_cache("3778.T", cache_dir=tmp_path)
    assert list(merged.index) == days
    assert list(merged["close"]) == list(SAKURA["close"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "3778.T.parquet"]


def test_cached_rows_win_over_a_later_fetch_of_the_same_days(tmp_path):
    first = rows("2023-12-04", "2023-12-08")
    prices.store("3778.T", first, covered=("2023-12-04", "2023-12-08"), currency="JPY",
                 timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip
    later = rows("2023-12-01", "2023-12-11").copy()
    later["close"] = later["close"] + 1

    prices.store("3778.T", later, covered=("2023-12-01", "2023-12-11"), currency="JPY",
                 timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip

    merged = prices.read_cache("3778.T", cache_dir=tmp_path)
    assert merged.loc["2023-12-05", "close"] == 1927  # kept
    assert merged.loc["2023-12-01", "close"] == 1652  # new day from the later write
    assert merged.loc["2023-12-11", "close"] == 2041


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    prices.store("3778.T", rows("2023-12-04", "2023-12-08"), covered=("2023-12-04", "2023-12-08"),
                 currency="JPY", timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip
    before = snapshot(tmp_path)

    def broken(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(prices.pq, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        prices.store("3778.T", rows("2023-11-20", "2023-11-24"),
                     covered=("2023-11-20", "2023-11-24"), currency="JPY",
                     timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip

    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_currency_conflict_is_refused(tmp_path):
    prices.store("3778.T", rows("2023-12-04", "2023-12-08"), covered=("2023-12-04", "2023-12-08"),
                 currency="JPY", timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip
    with pytest.raises(PriceFetchError, match="currency 'USD' differs"):
        prices.store("3778.T", rows("2023-11-20", "2023-11-24"),
                     covered=("2023-11-20", "2023-11-24"), currency="USD",
                     timezone="Asia/Tokyo", cache_dir=tmp_path)  # fmt: skip


def test_corrupt_cache_file_names_the_file(tmp_path):
    (tmp_path / "3778.T.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError) as err:
        prices.history("3778.T", "2023-12-04", "2023-12-08", offline=True, cache_dir=tmp_path)
    assert "3778.T.parquet" in str(err.value)


def test_bad_arguments_are_rejected():
    with pytest.raises(PriceFetchError, match="not a usable Yahoo symbol"):
        prices.history("../etc/passwd", "2023-12-04", "2023-12-08", offline=True)
    with pytest.raises(ValueError, match="after end"):
        prices.history("3778.T", "2023-12-08", "2023-12-04", offline=True)
    with pytest.raises(ValueError, match="not an ISO date"):
        prices.history("3778.T", "4 Dec 2023", "2023-12-08", offline=True)


# --------------------------------------------------------------------------- bundled data


def bundled_sources() -> list[dict[str, str]]:
    text = bundled_path("prices/sources.csv").read_text("utf-8").splitlines()
    return list(csv.DictReader(ln for ln in text if not ln.startswith("#")))


@pytest.mark.parametrize("source", bundled_sources(), ids=lambda s: s["symbol"])
def test_bundled_cache_matches_its_provenance(source):
    symbol = source["symbol"]
    frame = prices.read_cache(symbol)
    assert len(frame) == int(source["rows"])
    assert frame.attrs["coverage"] == [
        (date.fromisoformat(source["covered_start"]), date.fromisoformat(source["covered_end"]))
    ]
    assert source["commit"] in frame.attrs["source"]
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert frame["close"].notna().all()


def test_bundled_cache_serves_offline_real_closes():
    sakura = prices.history("3778.T", "2023-12-04", "2023-12-05", offline=True)
    nec = prices.history("6701.T", "2023-12-04", "2023-12-05", offline=True)
    topix = prices.history("TOPIX", "2023-12-04", "2023-12-05", offline=True)
    assert list(sakura["close"]) == [1791, 1927]
    assert list(nec["close"]) == [1646.6, 1587]
    assert list(topix["close"]) == [2362.65, 2342.69]
    assert topix["volume"].isna().all()
    assert sakura.attrs["currency"] == "JPY"


def test_bundled_cache_knows_where_it_ends():
    with pytest.raises(MissingPriceError) as err:
        prices.history("^TWII", "2025-06-27", "2025-06-30", offline=True)
    assert (err.value.start, err.value.end) == (date(2025, 6, 28), date(2025, 6, 30))


def test_limit_days_are_data():
    table = prices.limit_days("3778.T")
    days = dict(zip(table["date"], table["limit"], strict=True))
    assert days[date(2023, 12, 5)] == "up"
    assert days[date(2024, 8, 5)] == "down"
    single = table[table["single_price"]]
    assert set(single["date"]) == {
        date(2023, 6, 16), date(2023, 6, 19), date(2024, 3, 11), date(2024, 3, 12),
    }  # fmt: skip
    bars = prices.read_cache("3778.T").loc[pd.to_datetime(sorted(single["date"]))]
    for column in ("open", "high", "low"):
        assert list(bars[column]) == list(bars["close"])


# --------------------------------------------------------------------------- build script


def load_build_script():
    path = Path(__file__).resolve().parent.parent / "scripts" / "build_price_cache.py"
    spec = importlib.util.spec_from_file_location("build_price_cache", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCES = """# test sources
symbol,instrument,source_repo,commit,source_path,basis,covered_start,covered_end,rows
3778.T,Sakura,example/repo,abc123,data/3778.csv,"raw, test",2023-12-01,2023-12-08,5
"""


def write_source(folder: Path, body: str) -> None:
    folder.mkdir()
    (folder / "3778.T.csv").write_text("date,open,high,low,close,adj_close,volume\n" + body)


def test_build_script_converts_csv_to_cache(tmp_path):
    build = load_build_script()
    (tmp_path / "sources.csv").write_text(SOURCES)
    body = "".join(
        f"{d.date()},{r.open:g},{r.high:g},{r.low:g},{r.close:g},,{r.volume}\n"
        for d, r in rows("2023-12-01", "2023-12-07").iterrows()
    )
    write_source(tmp_path / "src", body)

    code = build.main([str(tmp_path / "src"), "--out", str(tmp_path / "out"),
                       "--sources", str(tmp_path / "sources.csv")])  # fmt: skip

    assert code == 0
    frame = prices.history("3778.T", "2023-12-01", "2023-12-08", offline=True,
                           cache_dir=tmp_path / "out")  # fmt: skip
    assert list(frame["close"]) == list(rows("2023-12-01", "2023-12-07")["close"])
    assert frame.attrs["source"] == "example/repo@abc123:data/3778.csv"
    assert frame.attrs["basis"] == "raw, test"
    assert not (tmp_path / "out" / ".lock").exists()


def test_build_script_rejects_a_non_session_with_file_and_line(tmp_path, capsys):
    build = load_build_script()
    (tmp_path / "sources.csv").write_text(SOURCES)
    write_source(tmp_path / "src", "2023-12-01,1,1,1,1,,1\n2023-12-02,1,1,1,1,,1\n")

    code = build.main([str(tmp_path / "src"), "--out", str(tmp_path / "out"),
                       "--sources", str(tmp_path / "sources.csv")])  # fmt: skip

    assert code == 1
    err = capsys.readouterr().err
    assert "3778.T.csv:3" in err and "2023-12-02 is not a XTKS session" in err
    assert not (tmp_path / "out").exists()
