"""``finfacts reaction``: reported moves vs the market, on the seeds and on replayed Yahoo data."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from yahoo_replay import YahooReplay, frame_from_csv

from finfacts import reaction
from finfacts.cli import main
from finfacts.reaction_cli import render_reaction_table
from finfacts.records import ShareMove

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:yfinance",
    "ignore::FutureWarning:yfinance",
    "ignore:Series.values returning an ndarray:DeprecationWarning",  # exchange_calendars
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# Published on Wednesday 2022-06-01, so "Tuesday" is 2022-05-31: before the bundled prices.
OLD_STORY = "Sakura Internet shares jumped 5% on Tuesday after the cloud contract was announced."
OLD_PUBLISHED = "2022-06-01"
# Hand-built Tokyo bars around that Tuesday: 1000 -> 1050 is +5.00 %.
OLD_BARS = frame_from_csv(
    """
date,open,high,low,close,adj_close,volume
2022-05-26,990,1005,985,1000,1000,120000
2022-05-27,1000,1010,990,1002,1002,110000
2022-05-30,1001,1004,995,1000,1000,100000
2022-05-31,1010,1060,1008,1050,1050,400000
2022-06-01,1050,1070,1040,1061,1061,250000
"""
)


@pytest.fixture
def no_network():
    """Any request yfinance makes is recorded here instead of leaving the machine."""
    replay = YahooReplay()
    replay.add_network_error()  # every symbol: as if DNS failed
    with replay.active():
        yield replay


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A working data folder without prices: only the bundled cache (2023-01..2025-06) is seen."""
    monkeypatch.setenv("FINFACTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FINFACTS_OFFLINE", raising=False)
    return tmp_path / "data"


def run(argv: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def table_row(out: str, entity: str) -> list[str]:
    """The cells of the table line that starts with ``entity`` (columns are 2+ spaces apart)."""
    lines = [line for line in out.splitlines() if line.startswith(entity + " ")]
    assert len(lines) == 1, f"expected one row for {entity!r} in:\n{out}"
    return [cell.strip() for cell in lines[0].split("  ") if cell.strip()]


def old_story(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sakura_2022.txt").write_text(OLD_STORY, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- the seeds


def test_seeds_offline_sakura_matches_and_unchecked_rows_say_why(capsys, empty_cache, no_network):
    code, out, err = run(["reaction", SEEDS, "--offline"], capsys)

    assert (code, err) == (0, "")
    _, ticker, day, reported, actual, diff, match, price, ar, car = table_row(
        out, "Sakura Internet"
    )
    assert (ticker, day, reported, match) == ("3778.T", "2023-12-05", "+7.6", "yes")
    assert float(actual) == pytest.approx(7.59, abs=0.005)
    assert abs(float(diff)) <= 0.1
    assert price == "1,927 = 1,927"  # "to close at ¥1,927" against the actual close
    assert float(ar) > 0 and float(car) > 0
    # the Nissan move comes from a story pasted after the sign-off: no date, so not checked
    assert table_row(out, "Nissan Motor Co")[1:] == ["7201.T", "up"]
    assert any("Nissan Motor Co" in line and "no event date" in line for line in out.splitlines())
    assert out.splitlines()[-1].startswith("5 documents read, 0 failed, 6 moves: 5 match, ")
    assert no_network.requests == [], "--offline must not ask Yahoo for anything"


def test_output_csv_is_readable_and_exact_and_parquet_keeps_decimals(
    tmp_path, capsys, empty_cache, no_network
):
    csv_path, parquet = tmp_path / "out" / "reaction.csv", tmp_path / "out" / "reaction.parquet"

    code, out, _ = run(["reaction", SEEDS, "--offline", "-o", csv_path, "-o", parquet], capsys)

    assert code == 0
    assert f"written to {csv_path}, {parquet}" in out.splitlines()[-1]
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = {row["entity"]: row for row in csv.DictReader(fh)}
    sakura = rows["Sakura Internet"]
    assert sakura["ticker"] == "3778.T"
    assert sakura["event_date"] == "2023-12-05"
    assert sakura["reported_pct"] == "7.6"  # exact decimal text, not a float repr
    assert float(sakura["actual_pct"]) == pytest.approx(7.59, abs=0.005)
    assert (sakura["match"], sakura["price_match"]) == ("true", "true")
    assert (sakura["reported_price"], float(sakura["actual_close"])) == ("1927", 1927.0)
    assert "limit_up:2023-12-05" in sakura["flags"]
    assert rows["Nissan Motor Co"]["match"] == ""
    assert "no event date" in rows["Nissan Motor Co"]["error"]

    table = pq.read_table(parquet)
    assert pa.types.is_decimal(table.schema.field("reported_pct").type)
    by_entity = dict(
        zip(table["entity"].to_pylist(), table["reported_pct"].to_pylist(), strict=True)
    )
    assert by_entity["NEC"] == Decimal("-3.6")


def test_tolerance_changes_the_verdict(tmp_path, capsys, empty_cache, no_network):
    # NEC closed -3.62 % on 2023-12-05; "3.7%" is 0.08 pp off: inside half a unit (0.05) plus
    # the default 0.05, outside half a unit plus 0.
    story = tmp_path / "nec.txt"
    story.write_text("NEC fell 3.7% on Tuesday.", encoding="utf-8")
    argv = ["reaction", story, "--offline", "--published", "2023-12-05"]

    _, loose, _ = run(argv, capsys)
    _, strict, _ = run([*argv, "--tolerance", "0"], capsys)
    _, looser, _ = run([*argv, "--tolerance", "0.2"], capsys)

    assert table_row(loose, "NEC")[6] == "yes"
    assert table_row(strict, "NEC")[6] == "NO"
    assert table_row(looser, "NEC")[6] == "yes"
    assert "0 match, 1 differ" in strict.splitlines()[-1]


# --------------------------------------------------------------------------- offline vs online


def test_offline_uncached_prices_give_a_reason_not_a_failure(
    tmp_path, capsys, empty_cache, no_network
):
    corpus = old_story(tmp_path / "news")
    (corpus / "rapidus.txt").write_text("Rapidus shares rose 3% on Tuesday.", encoding="utf-8")

    code, out, err = run(
        ["reaction", corpus, "--offline", "--published", OLD_PUBLISHED, "-o", tmp_path / "r.csv"],
        capsys,
    )

    assert (code, err) == (0, "")  # rows that cannot be computed are not input failures
    assert table_row(out, "Sakura Internet")[1:4] == ["3778.T", "2022-05-31", "+5"]
    notes = "\n".join(line for line in out.splitlines() if line.startswith("  "))
    assert "no prices for 3778.T" in notes
    assert "Rapidus" in notes and "no ticker" in notes
    assert no_network.requests == []
    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(row["match"] == "" and row["error"] for row in rows)


def test_offline_environment_variable_is_honoured_without_the_flag(
    tmp_path, capsys, empty_cache, no_network, monkeypatch
):
    monkeypatch.setenv("FINFACTS_OFFLINE", "1")

    code, out, _ = run(["reaction", old_story(tmp_path), "--published", OLD_PUBLISHED], capsys)

    assert code == 0
    assert "no prices for 3778.T" in out
    assert no_network.requests == []


def test_without_offline_missing_prices_are_fetched_through_yfinance(tmp_path, capsys, empty_cache):
    replay = YahooReplay()
    replay.add_chart("3778.T", OLD_BARS, currency="JPY", timezone="Asia/Tokyo")
    replay.add_delisted("^N225")  # the event study's index: a named failure, not a crash

    with replay.active():
        code, out, err = run(
            ["reaction", old_story(tmp_path), "--published", OLD_PUBLISHED], capsys
        )

    assert (code, err) == (0, "")
    assert replay.chart_requests("3778.T"), "the stock's prices were not fetched"
    cells = table_row(out, "Sakura Internet")
    assert cells[:7] == ["Sakura Internet", "3778.T", "2022-05-31", "+5", "+5.00", "+0.00", "yes"]
    assert "no study" in out  # too little history for the market model, and said so
    assert (empty_cache / "prices" / "3778.T.parquet").is_file()  # cached for the next run


# --------------------------------------------------------------------------- failures and usage


def test_unreadable_input_exits_1_and_the_other_moves_are_still_compared(
    tmp_path, capsys, empty_cache, no_network
):
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "index.csv").write_text("file,published\nnec.txt,2023-12-05\n", encoding="utf-8")
    (corpus / "nec.txt").write_text("NEC fell 3.6% on Tuesday.", encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")

    code, out, err = run(["reaction", corpus, "--offline"], capsys)

    assert code == 1
    assert f"{corpus / 'broken.txt'}: binary file" in err
    assert table_row(out, "NEC")[1:7] == ["6701.T", "2023-12-05", "-3.6", "-3.62", "-0.02", "yes"]
    assert out.splitlines()[-1].startswith("1 document read, 1 failed, 1 move: 1 match, ")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["reaction"], "required: PATH"),
        (["reaction", "{tmp}/missing"], "no such file or folder"),
        (["reaction", "{seeds}", "-o", "{tmp}/reaction.xlsx"], "unknown output format '.xlsx'"),
        (["reaction", "{seeds}", "--published", "2023-02-30"], "not a date"),
        (["reaction", "{seeds}", "--tolerance", "-0.1"], "tolerance must be 0 or more"),
        (["reaction", "{seeds}", "--tolerance", "nan"], "tolerance must be 0 or more"),
        (["reaction", "{seeds}", "--tolerance", "five"], "not a number of percentage points"),
        (["reaction", "{seeds}", "--online"], "unrecognized arguments: --online"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(tmp_path, capsys, argv, expected):
    args = [a.format(tmp=tmp_path, seeds=SEEDS) for a in argv]

    code, out, err = run(args, capsys)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("finfacts")
    assert expected in err
    assert list(tmp_path.iterdir()) == []


def test_help_lists_the_reaction_command(capsys):
    assert main(["--help"]) == 0
    assert "reaction" in capsys.readouterr().out
    assert main(["reaction", "--help"]) == 0
    assert "--tolerance PP" in capsys.readouterr().out


# --------------------------------------------------------------------------- the table


def test_table_fits_the_width_by_cutting_names_never_figures(empty_cache, no_network):
    long_name = "Sakura Internet Incorporated, the Osaka cloud and data-centre operator"
    move = ShareMove(
        doc_id="d", start=0, end=10, surface="jumped 7.6%", sentence="", entity=long_name,
        change_pct=Decimal("7.6"), direction="up", ticker="3778.T", price=Decimal("1927"),
        price_currency="JPY", event_date=date(2023, 12, 5),
    )  # fmt: skip
    table = reaction.reported_vs_actual([move], offline=True)

    text = render_reaction_table(table, width=100)

    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines[:3])
    cells = [cell.strip() for cell in lines[2].split("  ") if cell.strip()]
    assert cells[0].endswith("…") and long_name.startswith(cells[0][:-1])
    assert cells[1:8] == ["3778.T", "2023-12-05", "+7.6", "+7.59", "-0.01", "yes", "1,927 = 1,927"]
    ar, car = (float(cell) for cell in cells[8:10])
    assert ar == pytest.approx(table["ar"][0] * 100, abs=0.005)
    assert car == pytest.approx(table["car_m1_p1"][0] * 100, abs=0.005)
    assert any(line.startswith(f"  {long_name} (d): ") for line in lines)  # full name in notes
