"""Export the values as tidy data: one row per value, CSV and Parquet, with a
JSON description of every column."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

# Column → (SQL expression, type, description). One place, so the files and
# their description cannot disagree.
COLUMNS: dict[str, tuple[str, str, str]] = {
    "value_id": ("v.id", "int64", "Row id of the value in indicator_values"),
    "city": ("d.city", "string", "City that issued the document (Chinese)"),
    "city_en": ("d.city_en", "string", "City (English)"),
    "province": ("d.province", "string", "Province (Chinese)"),
    "region": ("v.region", "string", "District, county, town or zone the value is allocated to, as written; empty = the whole jurisdiction"),
    "parent_region": ("v.parent_region", "string", "The district a sub-unit belongs to, for nested allocations"),
    "indicator_id": ("v.indicator_id", "string", "Canonical indicator id (see indicators), empty when not linked"),
    "indicator_zh": ("i.name_zh", "string", "Canonical indicator name (Chinese)"),
    "indicator_en": ("i.name_en", "string", "Canonical indicator name (English)"),
    "domain": ("i.domain", "string", "Domain of the canonical indicator"),
    "name_raw": ("v.name_raw", "string", "The indicator as written in the document"),
    "kind": ("v.kind", "string", "target (planned, required, allocated) or actual (achieved, observed)"),
    "period": ("v.period", "string", "Plan period label (十二五, 十三五, …) or empty"),
    "year": ("v.year", "Int64", "Year the value refers to: a five-year target's last year, an annual plan's year, the year an actual was observed"),
    "value": ("v.value", "float64", "The value in base units: magnitude prefixes (万, 亿, 千, 百) multiplied in"),
    "value_max": ("v.value_max", "float64", "Upper end of a range, else empty"),
    "unit": ("v.unit", "string", "Base unit: 人 for persons (人/名/位), 人次, %, 元, 元/月, 个百分点, …"),
    "comparator": ("v.comparator", "string", "= ; <= (以内, 不超过) ; >= (以上, 不低于, 余) ; ~ (左右, 约)"),
    "value_raw": ("v.value_raw", "string", "The value as written"),
    "unit_raw": ("v.unit_raw", "string", "The unit as written (with its magnitude prefix)"),
    "document_id": ("v.document_id", "int64", "Row id of the document in documents"),
    "document_title": ("d.title", "string", "Title of the source document"),
    "source_file": ("d.source_file", "string", "Source file, relative to the corpus folder"),
    "doc_type": ("d.doc_type", "string", "five_year_plan, annual_plan, assessment, interpretation or other"),
    "source_text": ("v.evidence", "string", "The sentence or table row the value comes from"),
    "char_start": ("v.char_start", "Int64", "Start of the value's text in documents.text"),
    "char_end": ("v.char_end", "Int64", "End of the value's text in documents.text"),
    "page": ("v.page", "Int64", "Page of the value (PDF sources)"),
}


def export_query() -> str:
    select = ",\n  ".join(f"{expr} as {name}" for name, (expr, _, _) in COLUMNS.items())
    return (
        f"select\n  {select}\nfrom indicator_values v\n"
        "join documents d on d.id = v.document_id\n"
        "left join indicators i on i.id = v.indicator_id\n"
        "order by v.id"
    )


def describe_columns(sources: list[str]) -> dict:
    return {
        "description": "Indicator values extracted by plankb from Chinese government planning documents: one row per stated value, in base units.",
        "conventions": {
            "value": "Base units: 48万人 → 480000 人; 1.8亿元 → 180000000 元; 3.8% → 3.8 %.",
            "kind": "target or actual.",
            "period_year": "A five-year target has its period and last year (十三五 → 2020); an annual plan's values that year; an actual the year observed.",
            "region": "Empty means the whole jurisdiction (a table's 合计 included).",
        },
        "sources": sources,
        "columns": [{"name": name, "type": typ, "description": desc} for name, (_, typ, desc) in COLUMNS.items()],
    }


def export_values(db_path: Path, out_dir: Path) -> list[Path]:
    """Write values.csv, values.parquet and columns.json into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        cursor = conn.execute(export_query())
        records = cursor.fetchall()
        sources = [r[0] for r in conn.execute("select source_file from documents order by id")]
    finally:
        conn.close()
    names = list(COLUMNS)
    csv_path = out_dir / "values.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(names)
        writer.writerows(records)
    parquet_path = out_dir / "values.parquet"
    _write_parquet(parquet_path, names, records)
    json_path = out_dir / "columns.json"
    json_path.write_text(json.dumps(describe_columns(sources), ensure_ascii=False, indent=2), encoding="utf-8")
    return [csv_path, parquet_path, json_path]


ARROW_TYPES = {"string": "string", "int64": "int64", "Int64": "int64", "float64": "float64"}


def _write_parquet(path: Path, names: list[str], records: list[tuple]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(zip(*records)) if records else [[] for _ in names]
    arrays = [
        pa.array(list(col), type=getattr(pa, ARROW_TYPES[COLUMNS[name][1]])())
        for name, col in zip(names, columns)
    ]
    pq.write_table(pa.table(arrays, names=names), path)
