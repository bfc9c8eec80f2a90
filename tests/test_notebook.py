"""notebooks/market_reaction.ipynb: runs offline top to bottom and is committed with its outputs."""

from __future__ import annotations

import ast
import base64
import csv
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "market_reaction.ipynb"
SEED_002 = "002_94291a4332a17434"


class _Tables(HTMLParser):
    """The rows of the HTML tables pandas renders (header row first), as lists of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def cell(nb, cell_id: str):
    matches = [c for c in nb.cells if c.get("id") == cell_id]
    assert len(matches) == 1, f"no single cell with id {cell_id!r}"
    return matches[0]


def table(nb, cell_id: str) -> list[dict[str, str]]:
    """The DataFrame a cell displays, one dict per row (column name -> cell text)."""
    html = [
        o.data["text/html"] for o in cell(nb, cell_id).outputs if "text/html" in o.get("data", {})
    ]
    assert html, f"cell {cell_id!r} shows no table"
    parser = _Tables()
    parser.feed(html[-1])
    header, *body = parser.rows
    return [dict(zip(header[1:], row[1:], strict=True)) for row in body]  # [0] is the index


def images(nb, cell_id: str) -> list[bytes]:
    outputs = cell(nb, cell_id).outputs
    return [
        base64.b64decode(o.data["image/png"]) for o in outputs if "image/png" in o.get("data", {})
    ]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A fresh run of a copy of the notebook beside a copy of the seeds, offline."""
    work = tmp_path_factory.mktemp("notebook")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "notebooks").mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for code in (c for c in nb.cells if c.cell_type == "code"):
        code.outputs, code.execution_count = [], None  # every output below is from this run
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FINFACTS_OFFLINE", "1")
        env.setenv("FINFACTS_DATA_DIR", str(work / "data"))  # caches and exports stay in tmp
        client = nbclient.NotebookClient(
            nb,
            kernel_name="python3",
            timeout=120,
            record_timing=False,
            resources={"metadata": {"path": str(work / "notebooks")}},
        )
        client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    return nb, work


# --------------------------------------------------------------------------- a fresh run


def test_runs_top_to_bottom_without_errors_or_warnings(executed):
    nb, _ = executed
    codes = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in codes] == list(range(1, len(codes) + 1))
    for code in codes:
        for out in code.outputs:
            assert out.output_type != "error", f"cell {code.id}: {out.get('evalue')}"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"cell {code.id} wrote to stderr: {out.text[:300]}"
            )


def test_reported_vs_actual_confirms_sakura_internet(executed):
    nb, _ = executed
    rows = {row["ticker"]: row for row in table(nb, "reaction")}
    sakura = rows["3778.T"]
    assert sakura["entity"] == "Sakura Internet"
    assert Decimal(sakura["reported_pct"]) == Decimal("7.6")
    assert float(sakura["actual_pct"]) == pytest.approx(7.59, abs=0.005)
    assert sakura["match"] == "True"
    assert sakura["price_match"] == "True"


def test_conversion_names_the_missing_date_instead_of_guessing(executed):
    nb, _ = executed
    rows = {row["surface"]: row for row in table(nb, "fx")}
    assert Decimal(rows["US$21.05 billion"]["value_USD"]) == Decimal("21050000000")
    assert "no date" in rows["2 trillion yen"]["fx_error"]  # seed 000 has no published date
    assert rows["2 trillion yen"]["value_USD"] == "<NA>"
    assert "vague" in rows["billions of dollars"]["fx_error"]
    assert images(nb, "fx-chart"), "no bar chart of the converted amounts"


def test_equivalence_check_uses_the_briefing_date(executed):
    nb, _ = executed
    (row,) = table(nb, "equivalence")
    assert row["doc_id"] == SEED_002
    assert row["pair"] == "USD/INR"
    assert row["on"] == "2024-03-19"
    assert float(row["implied_rate"]) == pytest.approx(82.4, abs=1e-9)
    reference = float(row["reference_rate"])
    assert 80 < reference < 86  # the ECB cross rate of the day, INR per USD
    assert float(row["deviation_pct"]) == pytest.approx((82.4 / reference - 1) * 100, abs=1e-3)


def test_event_charts_and_abnormal_returns(executed):
    nb, _ = executed
    assert images(nb, "paths"), "no price-path chart"
    studies = {row["ticker"]: row for row in table(nb, "studies")}
    assert {"3778.T", "6701.T", "8031.T", "9432.T", "9434.T"} <= set(studies)
    assert studies["3778.T"]["index_symbol"] == "^N225"
    assert float(studies["3778.T"]["car_m1_p1"]) > 0.1  # the jump shows in the CAR


def test_exports_land_in_data_out_beside_the_notebook(executed):
    _, work = executed
    out = work / "data" / "out"
    assert {p.name for p in out.iterdir()} >= {"facts.parquet", "facts.csv", "reaction.csv"}
    with open(out / "reaction.csv", encoding="utf-8", newline="") as fh:
        sakura = next(row for row in csv.DictReader(fh) if row["ticker"] == "3778.T")
    assert (sakura["reported_pct"], sakura["match"]) == ("7.6", "true")


def test_committed_outputs_are_current(executed):
    """The text outputs saved in the repository are what the notebook produces today."""
    fresh, _ = executed
    committed = nbformat.read(NOTEBOOK, as_version=4)

    def texts(nb) -> dict[str, list[str]]:
        return {
            c.id: [o.data["text/plain"] for o in c.outputs if "text/plain" in o.get("data", {})]
            for c in nb.cells
            if c.cell_type == "code"
        }

    assert texts(committed) == texts(fresh), (
        "notebooks/market_reaction.ipynb is stale: re-execute it (see docs/notebook.md)"
    )


# --------------------------------------------------------------------------- the committed file


def test_committed_notebook_has_its_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    codes = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in codes] == list(range(1, len(codes) + 1))
    for cell_id in ("documents", "facts", "fx", "equivalence", "reaction", "studies", "export"):
        assert cell(nb, cell_id).outputs, f"cell {cell_id!r} was committed without output"
    pngs = images(nb, "fx-chart") + images(nb, "paths")
    assert len(pngs) == 2 and all(png.startswith(b"\x89PNG") for png in pngs)
    assert all(len(png) < 250_000 for png in pngs), "keep figures small"
    assert NOTEBOOK.stat().st_size < 1_000_000
    assert str(ROOT) not in NOTEBOOK.read_text(encoding="utf-8"), "outputs show a local path"


def test_parameters_cell_comes_first_and_sets_the_defaults():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(first.source).body
        if isinstance(node, ast.Assign)
    }
    assert values["CORPUS"] == "../seeds"
    assert values["CURRENCY"] == "USD"
    assert values["TOLERANCE_PP"] == 0.05
    assert values["OFFLINE"] is True
