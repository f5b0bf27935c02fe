"""`plankb export`: tidy CSV and Parquet that load in pandas, and a complete column description."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from plankb.cli import cli
from plankb.export import COLUMNS


def test_export_loads_in_pandas_with_the_right_dtypes(built_db, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(built_db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(tmp_path / "values.parquet")
    assert list(frame.columns) == list(COLUMNS)
    assert frame["value"].dtype == "float64"
    assert frame["year"].dtype == "int64"
    assert len(frame) > 900
    row = frame[(frame["name_raw"] == "城镇新增就业人数") & (frame["kind"] == "target") & (frame["year"] == 2020)].iloc[0]
    assert (row["city"], row["value"], row["unit"], row["period"]) == ("武汉市", 900000.0, "人", "十三五")
    assert "90" in row["source_text"]
    csv = pd.read_csv(tmp_path / "values.csv")
    assert len(csv) == len(frame)
    assert csv["value"].dtype == "float64"


def test_column_description_is_complete(built_db, tmp_path):
    CliRunner().invoke(cli, ["export", "--db", str(built_db), "--out", str(tmp_path)])
    description = json.loads((tmp_path / "columns.json").read_text(encoding="utf-8"))
    described = [c["name"] for c in description["columns"]]
    assert described == list(pd.read_csv(tmp_path / "values.csv", nrows=1).columns)
    assert all(c["description"] and c["type"] for c in description["columns"])
    assert len(description["sources"]) == 5
