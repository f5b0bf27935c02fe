"""Cross-city comparison in Datasette: the views (db/views.py), the consistency
checks (db/checks.py), the canned queries and the charts, answering the
README's three questions with the seed corpus's real numbers."""

from __future__ import annotations

import asyncio
import doctest
import html
import json
import re
import sqlite3

import pytest
import sqlite_utils
import yaml

import db.checks
from db.checks import is_additive, rounding_step, values_to_checks, write_checks
from db.schema import TABLES
from db.views import COMPARISON_INDEXES, COMPARISON_TABLES, PLAN_PERIODS
from plankb.serve import DATABASE_NAME, METADATA_PATH, make_datasette

METADATA = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
TABLES_METADATA = METADATA["databases"][DATABASE_NAME]["tables"]
DASHBOARDS = METADATA["plugins"]["datasette-dashboards"]
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def ds(built_db):
    return make_datasette(built_db)


def get(ds, path, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def rows(ds, path, params=None):
    response = get(ds, f"/{DATABASE_NAME}/{path}.json", params={**(params or {}), "_shape": "objects"})
    assert response.status_code == 200, response.text
    data = response.json()
    return data["rows"] if isinstance(data, dict) else data


def by(rows, *keys):
    """The rows by the value of one column, or by a tuple of several."""
    return {(r[keys[0]] if len(keys) == 1 else tuple(r[k] for k in keys)): r for r in rows}


# --- the comparison tables are part of the build and described ------------------------


def test_build_creates_the_comparison_tables_with_their_indexes(built_db):
    with sqlite3.connect(built_db) as conn:
        tables = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
        assert set(COMPARISON_TABLES) <= tables
        for table, columns in COMPARISON_INDEXES:
            indexed = [
                [r[2] for r in conn.execute(f"pragma index_info([{name}])")]
                for (name,) in conn.execute(f"select name from pragma_index_list('{table}')")
            ]
            assert columns in indexed, f"{table} has no index on {columns}"
        assert conn.execute("select count(*) from comparison").fetchone()[0] > 0


@pytest.mark.parametrize("view", sorted(COMPARISON_TABLES))
def test_metadata_describes_every_view_and_its_columns(built_db, view):
    with sqlite3.connect(built_db) as conn:
        columns = [r[1] for r in conn.execute(f"pragma table_info({view})")]
    config = TABLES_METADATA.get(view)
    assert config, f"metadata.yml describes no view {view}"
    assert HAN.search(config["description"]) and LATIN.search(config["description"])
    described = config.get("columns", {})
    assert set(described) == set(columns), f"{view}: described {sorted(described)}, has {columns}"
    for column, text in described.items():
        assert HAN.search(text) and LATIN.search(text), f"{view}.{column}: description must be bilingual"
    for facet in config.get("facets", []):
        assert facet in columns


def test_plan_periods():
    periods = {label: (first, last) for label, first, last in PLAN_PERIODS}
    assert periods["十一五"] == (2006, 2010)
    assert periods["十二五"] == (2011, 2015)
    assert periods["十四五"] == (2021, 2025)
    assert periods["十五五"] == (2026, 2030)


# --- question 1: 城镇新增就业 targets of the four cities, in persons and per year ---------


NEW_URBAN_EMPLOYMENT_TARGETS = {
    # (city, plan period, year): (target in persons, target per year)
    ("天津市", "十三五", 2017): (480000, 480000),  # the 2017 annual plan: 48万
    ("天津市", "十四五", 2025): (1750000, 350000),  # 十四五 175万人以上
    ("舟山市", "十三五", 2020): (50000, 10000),  # 到十三五期末 5万人
    ("武汉市", "十二五", 2015): (750000, 150000),  # 十二五目标值 75万
    ("武汉市", "十三五", 2020): (900000, 180000),  # 十三五目标值 90万
    ("如皋市", "十四五", 2021): (9000, 9000),  # the 2021 assessment: 9000人
}


def test_new_urban_employment_targets_of_four_cities_by_plan_period(ds):
    found = rows(ds, "compare_indicator", {"indicator": "城镇新增就业"})
    targets = {
        (r["city"], r["plan_period"], r["year"]): (r["target"], r["target_per_year"])
        for r in found
        if r["target"] is not None
    }
    assert targets == NEW_URBAN_EMPLOYMENT_TARGETS
    assert {r["unit"] for r in found} == {"人"}
    # Ordered by plan period: 十二五 before 十三五 before 十四五.
    order = [r["plan_period"] for r in found]
    assert order.index("十二五") < order.index("十三五") < order.index("十四五")
    # The achieved values are beside them: Wuhan's 十二五 completion value.
    wuhan_12th = by(found, "city", "period")[("武汉市", "十二五")]
    assert (wuhan_12th["actual"], wuhan_12th["actual_per_year"]) == (835500, 167100)
    assert len(json.loads(wuhan_12th["actual_value_ids"])) >= 2  # stated in prose and in tables


@pytest.mark.parametrize("indicator", ["urban_new_employment", "城镇新增就业人数", "新增就业", "new urban employment"])
def test_compare_indicator_accepts_id_name_alias_and_english(ds, indicator):
    found = rows(ds, "compare_indicator", {"indicator": indicator})
    assert {r["indicator_id"] for r in found} == {"urban_new_employment"}


def test_comparison_view_answers_question_one_with_filters_only(ds):
    found = rows(
        ds,
        "comparison",
        {"indicator_id": "urban_new_employment", "region__isnull": "1", "target__notblank": "1", "_sort": "year"},
    )
    assert {(r["city"], r["plan_period"], r["year"]): (r["target"], r["target_per_year"]) for r in found} == (
        NEW_URBAN_EMPLOYMENT_TARGETS
    )
    assert [r["year"] for r in found] == sorted(r["year"] for r in found)


def test_only_flows_are_annualised(ds):
    found = rows(ds, "comparison", {"city": "武汉市", "period": "十三五", "region__isnull": "1", "_size": "max"})
    measures = {r["indicator_id"]: r for r in found}
    assert measures["urban_new_employment"]["target_per_year"] == 180000
    rate = measures["urban_registered_unemployment_rate"]
    assert (rate["target"], rate["target_comparator"], rate["target_per_year"]) == (3.8, "<=", None)
    stock = measures["employee_pension_insured"]
    assert (stock["measure"], stock["target"], stock["target_per_year"]) == ("stock", 4310000, None)


# --- question 2: Wuhan's 12th-plan targets against their completion values ---------------


def test_wuhan_12th_plan_targets_against_completion_values(ds):
    found = rows(ds, "city_fulfilment", {"city": "武汉", "period": "十二五"})
    assert len(found) >= 15
    assert {r["city"] for r in found} == {"武汉市"} and {r["year"] for r in found} == {2015}
    result = by(found, "indicator_id")
    jobs = result["urban_new_employment"]
    assert (jobs["target"], jobs["actual"], jobs["fulfilment_ratio"], jobs["met"]) == (750000, 835500, 1.114, 1)
    assert jobs["status"] == "超额完成 / exceeded"
    # A <= target: the registered unemployment rate was to stay within 4.6%; it was 4.0%.
    rate = result["urban_registered_unemployment_rate"]
    assert (rate["target"], rate["target_comparator"], rate["actual"]) == (4.6, "<=", 4.0)
    assert (rate["direction"], rate["met"], rate["status"]) == ("at_most", 1, "达标 / met")
    # A target that was missed: residents' pension insurance, 168万 planned, 141.79万 reached.
    pension = result["resident_pension_insured"]
    assert (pension["target"], pension["actual"], pension["met"]) == (1680000, 1417900, 0)
    assert pension["fulfilment_ratio"] == pytest.approx(0.844, abs=1e-3)
    same_by_english_name = rows(ds, "city_fulfilment", {"city": "wuhan", "period": "“十二五”"})
    assert len(same_by_english_name) == len(found)


def test_fulfilment_view_answers_question_two_with_filters_only(ds):
    found = rows(ds, "fulfilment", {"city": "武汉市", "period": "十二五", "_size": "max"})
    jobs = by(found, "indicator_id")["urban_new_employment"]
    assert (jobs["target"], jobs["actual"], jobs["met"]) == (750000, 835500, 1)


def test_a_lower_is_better_indicator_is_met_from_below_without_a_comparator(tmp_path):
    from db.builder import create_tables, write_reference_tables
    from db.views import write_comparison_tables

    database = sqlite_utils.Database(tmp_path / "fulfilment.db")
    create_tables(database)
    write_reference_tables(database)
    database["documents"].insert(
        {"id": 1, "source_file": "plan.txt", "sha256": "0", "format": "txt", "text": "…", "city": "某市", "period": "十三五"}
    )
    stated = [  # (indicator, kind, value, comparator): targets written in a table cell without 以内 / 以上
        ("urban_registered_unemployment_rate", "target", 4.5, "="), ("urban_registered_unemployment_rate", "actual", 4.0, "="),
        ("urban_surveyed_unemployment_rate", "target", 5.0, ">="), ("urban_surveyed_unemployment_rate", "actual", 4.0, "="),
        ("urban_new_employment", "target", 750000, "="), ("urban_new_employment", "actual", 700000, "="),
    ]
    database["indicator_values"].insert_all(
        {"id": n, "document_id": 1, "indicator_id": indicator, "name_raw": indicator, "kind": kind, "period": "十二五",
         "year": 2015, "value": value, "unit": "人" if indicator == "urban_new_employment" else "%", "comparator": comparator}
        for n, (indicator, kind, value, comparator) in enumerate(stated, 1)
    )
    write_comparison_tables(database)
    met = {r["indicator_id"]: (r["direction"], r["met"]) for r in database["fulfilment"].rows}
    assert met == {
        "urban_registered_unemployment_rate": ("at_most", 1),  # 4.0 against 4.5: met, lower is better
        "urban_surveyed_unemployment_rate": ("at_least", 0),  # an explicit >= decides
        "urban_new_employment": ("at_least", 0),
    }
    assert database["indicators"].get("urban_registered_unemployment_rate")["direction"] == "lower"


def test_plan_changes_from_the_12th_to_the_13th_plan(ds):
    found = rows(ds, "plan_changes", {"city": "武汉市", "indicator_id": "urban_new_employment"})
    (jobs,) = found
    assert (jobs["target_12th"], jobs["actual_12th"], jobs["target_13th"]) == (750000, 835500, 900000)
    assert (jobs["change_12th_to_13th"], jobs["change_12th_to_13th_pct"]) == (150000, 20.0)
    (rate,) = rows(ds, "plan_changes", {"city": "武汉市", "indicator_id": "urban_registered_unemployment_rate"})
    assert rate["change_12th_to_13th"] == pytest.approx(-0.8)


# --- question 3: Rugao's 2021 allocation by town, and whether it adds up -----------------


RUGAO_PENSION = "职工基本养老保险新增人数"


def test_rugao_2021_allocation_by_town_sums_to_the_total(ds):
    found = rows(ds, "city_allocation", {"city": "如皋", "indicator": RUGAO_PENSION, "year": "2021"})
    assert len(found) == 14  # 14 towns, streets and zones
    assert {r["indicator"] for r in found} == {RUGAO_PENSION}
    assert sum(r["value"] for r in found) == 20000
    assert {(r["stated_total"], r["sum_of_regions"], r["difference"], r["adds_up"]) for r in found} == {
        (20000, 20000, 0, 1)
    }
    towns = by(found, "region")
    assert towns["如皋工业园区（如城街道）"]["value"] == 2607
    assert towns["搬经镇"]["share_of_total_pct"] == 8.48


def test_checks_table_answers_question_three_with_filters_only(ds):
    (check,) = rows(ds, "checks", {"indicator": RUGAO_PENSION, "check_type": "regions_sum", "year": "2021"})
    assert (check["expected"], check["actual"], check["n_parts"], check["ok"]) == (20000, 20000, 14, 1)
    assert len(json.loads(check["part_value_ids"])) == 14


# --- consistency checks on the seeds ---------------------------------------------------


def test_checks_on_the_seeds(ds):
    checks = rows(ds, "checks", {"_size": "max"})
    kinds = {k: sum(1 for c in checks if c["check_type"] == k) for k in ("regions_sum", "subunits_sum", "part_within_parent")}
    assert kinds["regions_sum"] >= 30 and kinds["part_within_parent"] >= 14
    # Tianjin's 2017 contribution table: 滨海新区 is the sum of the six units listed under it.
    binhai = [c for c in checks if c["check_type"] == "subunits_sum"]
    assert len(binhai) == 5 and {(c["region"], c["n_parts"], c["ok"]) for c in binhai} == {("滨海新区", 6, 1)}
    # Rugao: 居保转企保 (其中) is part of 职工基本养老保险新增人数 in every town.
    parts = [c for c in checks if c["check_type"] == "part_within_parent"]
    assert {c["part_name"] for c in parts} == {"居保转企保"} and all(c["actual"] <= c["expected"] for c in parts)
    # Every allocation in the seeds adds up.
    assert rows(ds, "failed_checks") == []
    assert all(c["ok"] == 1 for c in checks)


def test_checks_written_with_each_document_equal_checks_computed_from_the_finished_database(built_db, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(built_db.read_bytes())
    database = sqlite_utils.Database(copy)
    written = [tuple(r) for r in database.execute("select * from checks order by id").fetchall()]
    database.execute("delete from checks")
    assert write_checks(database) == len(written) > 0
    assert [tuple(r) for r in database.execute("select * from checks order by id").fetchall()] == written


def test_failed_checks_lists_a_table_that_does_not_add_up(tmp_path):
    path = tmp_path / "plankb.db"
    database = sqlite_utils.Database(path)
    for name, spec in TABLES.items():
        database[name].create(spec["columns"], pk=spec["pk"])
    database["documents"].insert({"id": 1, "source_file": "a.txt", "sha256": "0", "format": "txt", "text": "", "city": "某市"})
    database["source_tables"].insert({"id": 1, "document_id": 1, "seq": 0, "caption": "分解表"})
    database["indicator_values"].insert_all(
        {"id": n, "document_id": 1, "table_id": 1, "name_raw": "新增就业", "kind": "target", "year": 2020,
         "region": region, "value": value, "value_raw": str(value), "unit": "人", "row_index": n}
        for n, (region, value) in enumerate([(None, 100), ("甲区", 60), ("乙区", 30)], start=1)
    )
    assert write_checks(database) == 1
    database.close()
    found = rows(make_datasette(path), "failed_checks")
    assert [(r["check_type"], r["expected"], r["actual"], r["difference"], r["table_caption"]) for r in found] == [
        ("regions_sum", 100, 90, -10, "分解表")
    ]


# --- db/checks.py on its own --------------------------------------------------------------


def _value(id, value, region=None, parent_region=None, name="新增就业人数", parent_name=None, unit="人",
           value_raw=None, measure="flow", table_id=1):
    return {
        "id": id, "document_id": 1, "table_id": table_id, "name_raw": name, "indicator_id": None, "region": region,
        "parent_region": parent_region, "parent_name": parent_name, "kind": "target", "period": None, "year": 2017,
        "value": value, "value_raw": value_raw or str(value), "unit": unit, "measure": measure,
    }


def test_checks_doctests():
    assert doctest.testmod(db.checks).failed == 0


def test_regions_and_subunits_add_up():
    values = [
        _value(1, 100), _value(2, 40, "甲区"), _value(3, 60, "新区"),
        _value(4, 25, "一园", parent_region="新区"), _value(5, 30, "二园", parent_region="新区"),
    ]
    checks = values_to_checks(values)
    assert [(c.check_type, c.region, c.expected, c.actual, c.difference, c.ok, c.n_parts) for c in checks] == [
        ("regions_sum", None, 100, 100, 0, True, 2),
        ("subunits_sum", "新区", 60, 55, -5, False, 2),
    ]
    assert json.loads(checks[1].part_value_ids) == [4, 5]


def test_rounding_of_numbers_written_in_wan_is_allowed():
    # 48万 stated; the districts, in 万 with one decimal, add up to 47.9万.
    values = [_value(1, 480000, value_raw="48"), _value(2, 250000, "甲区", value_raw="25"),
              _value(3, 229000, "乙区", value_raw="22.9")]
    (check,) = values_to_checks(values)
    assert check.difference == -1000 and check.tolerance == 5000 + 5000 + 500 and check.ok
    exact = values_to_checks([_value(1, 480), _value(2, 250, "甲区"), _value(3, 229, "乙区")])
    assert exact[0].tolerance == 0 and not exact[0].ok


def test_a_part_must_not_exceed_its_parent():
    values = [_value(1, 100, name="参保人数"), _value(2, 120, name="其中：企业职工", parent_name="参保人数"),
              _value(3, 80, name="其中：机关事业单位", parent_name="参保人数")]
    checks = values_to_checks(values)
    assert [(c.check_type, c.part_name, c.ok, c.difference) for c in checks] == [
        ("part_within_parent", "其中：企业职工", False, 20),
        ("part_within_parent", "其中：机关事业单位", True, -20),
    ]


def test_rates_and_levels_are_not_summed():
    values = [_value(1, 3.8, unit="%", measure="rate"), _value(2, 4.0, "甲区", unit="%", measure="rate"),
              _value(3, 2000, unit="元/月", measure=None), _value(4, 2100, "甲区", unit="元/月", measure=None)]
    assert values_to_checks(values) == []
    assert is_additive(None, "人次") and not is_additive("level", "元")


def test_prose_values_are_not_allocations():
    assert values_to_checks([_value(1, 100, table_id=None), _value(2, 60, "甲区", table_id=None)]) == []


def test_rounding_step():
    assert rounding_step(835500, "83.55") == 100
    assert rounding_step(38, "3.8以内") == pytest.approx(1.0)
    assert rounding_step(0, "0") == 0 and rounding_step(5, "五") == 0


# --- charts -------------------------------------------------------------------------------


def chart_rows(ds, dashboard, chart, filters):
    """Run a chart's SQL the way datasette-dashboards does: [[ … :name … ]]
    kept when the filter has a value, dropped when not."""
    from datasette_dashboards import replace_opts_in_query

    sql = replace_opts_in_query(DASHBOARDS[dashboard]["charts"][chart]["query"], filters)
    response = get(ds, f"/{DATABASE_NAME}.json", params={"sql": sql, **filters, "_shape": "objects"})
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def test_dashboards_are_listed_and_render(ds):
    listing = get(ds, "/-/dashboards")
    assert listing.status_code == 200
    for dashboard in DASHBOARDS.values():
        assert dashboard["title"] in html.unescape(listing.text)
        assert HAN.search(dashboard["title"]) and LATIN.search(dashboard["title"])
        for chart in dashboard["charts"].values():
            assert HAN.search(chart["title"]) and LATIN.search(chart["title"])
    redirect = get(ds, "/-/dashboards/indicator-across-cities")
    assert redirect.status_code == 302 and "indicator=urban_new_employment" in redirect.headers["location"]
    page = get(ds, "/-/dashboards/indicator-across-cities", params={"indicator": "urban_new_employment"})
    assert page.status_code == 200 and "vega-lite.min.js" in page.text
    page = get(ds, "/-/dashboards/city-allocation", params={"city": "如皋市", "indicator": RUGAO_PENSION, "year": "2021"})
    assert page.status_code == 200 and RUGAO_PENSION in page.text


def test_chart_of_one_indicator_across_cities(ds):
    found = chart_rows(ds, "indicator-across-cities", "per-year", {"indicator": "urban_new_employment"})
    assert {(r["city"], r["plan_period"]): r["per_year"] for r in found} == {
        (city, period): per_year for (city, period, _), (_, per_year) in NEW_URBAN_EMPLOYMENT_TARGETS.items()
    }
    table = chart_rows(ds, "indicator-across-cities", "values", {"indicator": "城镇新增就业人数"})
    assert {"武汉市", "天津市", "舟山市", "如皋市"} == {r["城市 city"] for r in table}


def test_chart_of_one_citys_allocation_by_region(ds):
    filters = {"city": "如皋市", "indicator": RUGAO_PENSION, "year": "2021"}
    regions = chart_rows(ds, "city-allocation", "by-region", filters)
    assert len(regions) == 14 and sum(r["value"] for r in regions) == 20000
    (check,) = chart_rows(ds, "city-allocation", "adds-up", filters)
    assert (check["合计 stated total"], check["之和 sum"], check["相符 adds up"]) == (20000, 20000, "是 / yes")
    # With nothing chosen, the allocation with the most regions: Tianjin's, with 滨海新区's six units.
    largest = chart_rows(ds, "city-allocation", "by-region", {})
    assert len(largest) == 22
    assert sum(1 for r in largest if r["part_of"] != "各地区 / regions") == 6


def test_readme_comparison_urls_work(ds):
    readme = (METADATA_PATH.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Comparing cities in Datasette", 1)[1].split("\n## ", 1)[0]
    urls = re.findall(r"`(/[^`\s]+)`", section)
    assert len(urls) >= 8
    for url in urls:
        path, _, query = url.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
        response = get(ds, path, params=params)
        assert response.status_code == 200, url
        if path.startswith(f"/{DATABASE_NAME}/") and not path.endswith("/failed_checks"):  # none fail on the seeds
            data = get(ds, f"{path}.json", params={**params, "_shape": "objects"}).json()
            assert (data["rows"] if isinstance(data, dict) else data), f"{url} shows no rows"
