"""Table layouts and table values on every table of the seeds."""

from __future__ import annotations

import pytest

from extract.context import DocumentContext
from extract.tables import clean_label, table_to_layout, table_to_values
from ingest.txt import text_to_document

ANNUAL_2017 = DocumentContext(doc_type="annual_plan", year=2017)
PLAN_13 = DocumentContext(doc_type="five_year_plan", period="十三五")
ASSESSMENT_2021 = DocumentContext(doc_type="assessment", year=2021)


def _table(doc, caption_part):
    return next(t for t in doc.tables if t.caption and caption_part in t.caption)


@pytest.mark.parametrize(
    "seed, caption, value_columns, data_rows, regions_as_rows, regions_as_columns",
    [
        ("tianjin_2017_annual_plan", "事业发展总量计划表", ["全市计划"], 30, False, False),
        ("tianjin_2017_annual_plan", "新增就业人数分区计划表", ["2017年目标数就业人员目标"], 17, True, False),
        ("tianjin_2017_annual_plan", "各区社会保险缴费人数计划表", 6, 23, True, False),
        ("tianjin_2017_annual_plan", "建筑业农民工工伤保险参保指标", ["2017年按建设项目参保新增人数指标"], 17, True, False),
        ("wuhan_13th_plan", "专栏 1", ["“十一五”期末值", "“十二五”目标值", "“十二五”完成值"], 18, False, False),
        ("wuhan_13th_plan", "专栏2", ["“十二五”目标值", "“十二五”完成值", "“十三五”目标值"], 20, False, False),
        ("rugao_2021_assessment", "社会保险工作目标任务分解表", 15, 4, False, True),
    ],
)
def test_table_layout_of_seed_tables(read_seed, seed, caption, value_columns, data_rows, regions_as_rows, regions_as_columns):
    table = _table(read_seed(seed), caption)
    layout = table_to_layout(table)
    headers = [c.header for c in layout.value_columns]
    if isinstance(value_columns, int):
        assert len(headers) == value_columns
    else:
        assert headers == value_columns
    assert len(table.rows) - len(layout.header_rows) == data_rows
    assert layout.regions_as_rows is regions_as_rows
    assert layout.regions_as_columns is regions_as_columns


def test_period_columns_give_kind_period_and_year(read_seed):
    table = _table(read_seed("wuhan_13th_plan"), "专栏 1")
    columns = table_to_layout(table).value_columns
    assert [(c.kind, c.period, c.year) for c in columns] == [
        ("actual", "十一五", 2010),
        ("target", "十二五", 2015),
        ("actual", "十二五", 2015),
    ]


def test_plan_table_values_sections_and_sub_rows(read_seed):
    table = _table(read_seed("tianjin_2017_annual_plan"), "事业发展总量计划表")
    values, _ = table_to_values(table, 0, ANNUAL_2017)
    by_name = {v.name_raw: v for v in values}
    assert len(values) == 23  # 24 indicator rows, one of them empty
    v = by_name["城镇新增就业人数"]
    assert (v.value, v.unit, v.kind, v.year, v.section) == (480000, "人", "target", 2017, "就业")
    v = by_name["城镇登记失业率"]
    assert (v.value, v.unit, v.comparator) == (3.8, "%", "<=")
    assert by_name["企业职工"].parent_name == "参加城镇职工养老保险人数" or by_name["企业职工"].parent_name
    assert by_name["引进各类高层次外国专家人次数"].unit == "人次"


def test_district_table_regions_totals_and_sub_units(read_seed):
    table = _table(read_seed("tianjin_2017_annual_plan"), "各区社会保险缴费人数计划表")
    values, _ = table_to_values(table, 2, ANNUAL_2017)
    assert len(values) == 17 * 6 + 6 * 5
    totals = [v for v in values if v.region is None]
    assert len(totals) == 6 and totals[0].value == 2981189
    assert {v.region for v in values if v.parent_region == "滨海新区"} == {"开发区", "保税区", "高新区", "塘沽", "汉沽", "大港"}
    pension = [v for v in values if v.name_raw == "城镇企业职工养老保险缴费人数" and v.region and not v.parent_region]
    assert sum(v.value for v in pension) == 2981189


def test_transposed_allocation_table(read_seed):
    table = _table(read_seed("rugao_2021_assessment"), "社会保险工作目标任务分解表")
    values, _ = table_to_values(table, 0, ASSESSMENT_2021)
    assert len(values) == 4 * 15
    first = [v for v in values if v.name_raw == "职工基本养老保险新增人数"]
    assert first[0].region is None and first[0].value == 20000
    assert sum(v.value for v in first[1:]) == 20000
    sub = [v for v in values if v.name_raw == "居保转企保"]
    assert sub[0].parent_name == "职工基本养老保险新增人数" and sub[0].unit == "人"


def test_score_column_goes_to_scores_not_values(read_seed):
    doc = read_seed("rugao_2021_assessment")
    table = _table(doc, "其他工作任务分解表")
    values, scores = table_to_values(table, 1, ASSESSMENT_2021)
    assert scores and all(s.points < 20 for s in scores)
    score = next(s for s in scores if s.name_raw == "新增留学回国人员数")
    assert score.points == 6 and score.rule.startswith("1.报送")
    total = next(v for v in values if v.name_raw == "新增留学回国人员数" and v.region is None)
    assert total.value == 40


def test_table_cell_offsets_point_at_the_value(read_seed):
    for seed in ("tianjin_2017_annual_plan", "wuhan_13th_plan", "rugao_2021_assessment"):
        doc = read_seed(seed)
        for i, table in enumerate(doc.tables):
            values, _ = table_to_values(table, i, ANNUAL_2017)
            for v in values:
                assert v.value_raw and v.value_raw.split("(")[0].strip("<>≥ ").rstrip("%") in doc.text[v.char_start : v.char_end]


@pytest.mark.parametrize(
    "label, cleaned",
    [
        ("1.城镇新增就业人数", "城镇新增就业人数"),
        ("  其中:参加城镇职工养老保险人数", "参加城镇职工养老保险人数"),
        ("           其中：企业职工", "企业职工"),
        ("人才开发服务（25分）", "人才开发服务"),
        ("（三）人才队伍建设", "人才队伍建设"),
        ("塘  沽", "塘沽"),
    ],
)
def test_clean_label(label, cleaned):
    assert clean_label(label) == cleaned


def test_ragged_rows_align_from_the_right():
    text = (
        "2021年分解表\n"
        "\t项目\n\t合计\n\t甲镇\n\t乙镇\n\n"
        "\t新增就业人数\n\t总任务\n\t30\n\t10\n\t20\n\n"
        "\t\n\t其中：困难人员\n\t3\n\t1\n\t2\n"
    )
    doc = text_to_document(text)
    values, _ = table_to_values(doc.tables[0], 0, ASSESSMENT_2021)
    assert [(v.name_raw, v.region, v.value) for v in values] == [
        ("新增就业人数", None, 30),
        ("新增就业人数", "甲镇", 10),
        ("新增就业人数", "乙镇", 20),
        ("困难人员", None, 3),
        ("困难人员", "甲镇", 1),
        ("困难人员", "乙镇", 2),
    ]
    assert all(v.unit == "人" for v in values)


FOURTEENTH_PLAN_TABLE = (
    "专栏1 “十四五”时期人力资源和社会保障事业发展主要指标\n"
    "序号\t指标名称\t单位\t2020年基期\t2025年目标\t属性\n"
    "1\t城镇新增就业人数\t万人\t[26.2]\t[100]\t预期性\n"
    "2\t城镇调查失业率\t%\t—\t<5.5\t预期性\n"
    "3\t基本养老保险参保率\t%\t95\t>95\t预期性\n"
    "注：[ ]内为五年累计数。\n"
)


def test_base_year_and_target_year_columns_with_cumulative_brackets():
    doc = text_to_document(FOURTEENTH_PLAN_TABLE)
    values, _ = table_to_values(doc.tables[0], 0, DocumentContext(doc_type="five_year_plan", period="十四五"))
    assert [(v.name_raw, v.value, v.comparator, v.kind, v.period, v.year) for v in values] == [
        ("城镇新增就业人数", 262000, "=", "actual", "十三五", 2020),
        ("城镇新增就业人数", 1000000, "=", "target", "十四五", 2025),
        ("城镇调查失业率", 5.5, "<=", "target", "十四五", 2025),
        ("基本养老保险参保率", 95, "=", "actual", "十三五", 2020),
        ("基本养老保险参保率", 95, ">=", "target", "十四五", 2025),
    ]
