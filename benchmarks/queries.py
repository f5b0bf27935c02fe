"""Datasette response times of the canned comparison queries on a large database.

`replicate(built, out, min_values)` copies a built database and multiplies its
documents (with their source tables and values) in SQL until it holds at least
`min_values` indicator values: copy `r` of document `d` is moved to another
city of the `cities` table, so that a query for one city finds a realistic
share of the documents. No document is extracted again, so a database of a
million values takes well under a minute (the checks and comparison tables
are derived again from all the values).

`time_queries(db)` asks Datasette's in-process client for each canned query
(`.json`) repeatedly and reports the median and the plan SQLite chose.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import sqlite_utils
import yaml

from db.checks import write_checks
from db.names import write_indicator_names
from db.views import write_comparison_tables

ROOT = Path(__file__).resolve().parent.parent
REPLICATED = ["documents", "source_tables", "indicator_values"]


def replicate(built: Path, out: Path, min_values: int) -> dict:
    """Copy `built` to `out` and replicate its documents until `out` holds
    at least `min_values` indicator values. Returns the counts."""
    out.unlink(missing_ok=True)
    shutil.copy(built, out)
    conn = sqlite3.connect(out)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    n_values = conn.execute("select count(*) from indicator_values").fetchone()[0]
    if n_values == 0:
        raise ValueError(f"{built} holds no values to replicate")
    copies = -(-min_values // n_values)  # ceil
    max_id = {t: conn.execute(f"select coalesce(max(id), 0) from [{t}]").fetchone()[0] for t in REPLICATED}
    columns = {t: [r[1] for r in conn.execute(f"pragma table_info([{t}])")] for t in REPLICATED}
    conn.execute("create temp table pick as select row_number() over (order by name_zh) - 1 as i, name_zh, name_en from cities")
    n_cities = conn.execute("select count(*) from pick").fetchone()[0]
    with conn:
        for r in range(1, copies):
            shift = {t: r * max_id[t] for t in REPLICATED}
            city = f"(select name_zh from pick where i = (documents.id * 7 + {r} * 13) % {n_cities})"
            city_en = f"(select name_en from pick where i = (documents.id * 7 + {r} * 13) % {n_cities})"
            replaced = {
                "documents": {
                    "id": f"id + {shift['documents']}",
                    "source_file": f"'copy{r}/' || source_file",
                    "sha256": f"sha256 || '-{r}'",
                    "city": city,
                    "city_en": city_en,
                },
                "source_tables": {"id": f"id + {shift['source_tables']}", "document_id": f"document_id + {shift['documents']}"},
                "indicator_values": {
                    "id": f"id + {shift['indicator_values']}",
                    "document_id": f"document_id + {shift['documents']}",
                    "table_id": f"table_id + {shift['source_tables']}",
                },
            }
            for table in REPLICATED:
                cols = columns[table]
                select = ", ".join(replaced[table].get(c, f"[{c}]") for c in cols)
                conn.execute(
                    f"insert into [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                    f"select {select} from [{table}] where id <= {max_id[table]}"
                )
    db = sqlite_utils.Database(conn)
    # the tables a build derives from the values, derived again from all of them
    write_indicator_names(db)
    db.execute("delete from checks")
    write_checks(db)
    write_comparison_tables(db)
    counts = {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in REPLICATED}
    conn.close()
    return counts


@dataclass
class QueryTiming:
    name: str
    params: dict
    rows: int  # returned (Datasette stops at max_returned_rows)
    matched: int  # rows the query has
    median_ms: float
    p90_ms: float
    plan: list[str]


def canned_queries() -> dict:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    return metadata["databases"]["plankb"]["queries"]


def pick_params(db: Path) -> dict[str, dict]:
    """Realistic parameters: the most common linked indicator by its Chinese
    name (and by id for compare_indicator), the city with the most documents
    and the 十三五 period, a document in the middle of the database, the city
    with the most fulfilment rows (all periods), and the largest regional
    allocation."""
    conn = sqlite3.connect(db)
    try:
        name_zh = conn.execute(
            "select i.name_zh from indicator_values iv join indicators i on i.id = iv.indicator_id "
            "where iv.id <= 200000 group by i.id order by count(*) desc limit 1"
        ).fetchone()[0]
        city = conn.execute("select city from documents where city is not null group by city order by count(*) desc, city limit 1").fetchone()[0]
        n_docs = conn.execute("select max(id) from documents").fetchone()[0]
        indicator_id = conn.execute(
            "select indicator_id from comparison where region is null group by indicator_id order by count(*) desc limit 1"
        ).fetchone()[0]
        fulfilment_city = conn.execute("select city from fulfilment group by city order by count(*) desc, city limit 1").fetchone()[0]
        # the largest regional allocation: its city, indicator (as written) and year
        allocation = conn.execute(
            "select d.city, c.indicator, c.year from checks c join documents d on d.id = c.document_id "
            "where c.check_type = 'regions_sum' order by c.n_parts desc, c.id limit 1"
        ).fetchone()
    finally:
        conn.close()
    return {
        "indicator_across_cities": {"indicator": name_zh},
        "city_targets_for_period": {"city": city, "period": "十三五"},
        "document_values": {"document_id": str(n_docs // 2)},
        "compare_indicator": {"indicator": indicator_id},
        "city_fulfilment": {"city": fulfilment_city, "period": ""},
        "city_allocation": {"city": allocation[0], "indicator": allocation[1], "year": str(allocation[2] or "")},
    }


def query_plan(db: Path, sql: str, params: dict) -> list[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return [row[3] for row in conn.execute("explain query plan " + sql, params)]
    finally:
        conn.close()


def count_rows(db: Path, sql: str, params: dict) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return conn.execute(f"select count(*) from ({sql})", params).fetchone()[0]
    finally:
        conn.close()


def time_queries(db: Path, names: list[str], repeats: int = 15, params: dict | None = None) -> list[QueryTiming]:
    from plankb.serve import make_datasette

    params = params or pick_params(db)
    queries = canned_queries()
    ds = make_datasette(db)

    async def run() -> list[QueryTiming]:
        await ds.invoke_startup()
        out = []
        for name in names:
            url = f"/plankb/{name}.json?" + urlencode({**params[name], "_shape": "objects"})
            response = await ds.client.get(url)  # warm: page cache, prepared plan
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
            rows = len(response.json()["rows"])
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                response = await ds.client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            times.sort()
            out.append(
                QueryTiming(
                    name,
                    params[name],
                    rows,
                    # every matching row: without the query's own limit on the rows it shows
                    count_rows(db, re.sub(r"\blimit \d+", "", queries[name]["sql"]), params[name]),
                    statistics.median(times),
                    times[int(0.9 * (len(times) - 1))],
                    query_plan(db, queries[name]["sql"], params[name]),
                )
            )
        return out

    return asyncio.run(run())
