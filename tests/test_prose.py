"""Prose values: names, enumerations, kinds, years and what is left out."""

from __future__ import annotations

import pytest

from extract.context import DocumentContext
from extract.prose import Sentence, clean_name, heading_kind, sentence_to_values

ANNUAL_2017 = DocumentContext(doc_type="annual_plan", year=2017)
PLAN_13 = DocumentContext(doc_type="five_year_plan", period="十三五")
PLAN_14 = DocumentContext(doc_type="interpretation", period="十四五")


def values_of(text, context=ANNUAL_2017, section_kind="target"):
    return sentence_to_values(Sentence(text, 0), context, section_kind)


def test_simple_targets_with_comparators():
    values = values_of("2017年就业工作目标：全年新增就业48万人，城镇登记失业率控制在3.8%以内")
    assert [(v.name_raw, v.value, v.unit, v.comparator, v.kind, v.year) for v in values] == [
        ("新增就业", 480000, "人", "=", "target", 2017),
        ("城镇登记失业率", 3.8, "%", "<=", "target", 2017),
    ]


def test_enumeration_aligns_items_with_values():
    text = (
        "到2017年末，全市参加城镇职工基本养老保险、城乡居民养老保险、基本医疗保险、失业保险、工伤保险、"
        "生育保险参保人数分别达到652万人、138万人、1073万人、310万人、395万人、823万人，社会保障卡持卡人数达到1100万人"
    )
    values = values_of(text)
    assert [v.name_raw for v in values] == [
        "参加城镇职工基本养老保险参保人数",
        "城乡居民养老保险参保人数",
        "基本医疗保险参保人数",
        "失业保险参保人数",
        "工伤保险参保人数",
        "生育保险参保人数",
        "社会保障卡持卡人数",
    ]
    assert [v.value for v in values] == [6520000, 1380000, 10730000, 3100000, 3950000, 8230000, 11000000]


def test_shared_unit_at_the_end_of_a_list():
    values = values_of("全市参加养老、医疗、失业保险人数分别为76.88、95.69、21.30万人", PLAN_13, "actual")
    assert [(v.name_raw, v.value) for v in values] == [
        ("参加养老保险人数", 768800),
        ("医疗保险人数", 956900),
        ("失业保险人数", 213000),
    ]


def test_from_to_gives_two_values_two_years():
    values = values_of("退休职工人均养老金水平从 1268 元/月提高到 2320 元/月", PLAN_13, "actual")
    assert [(v.name_raw, v.value, v.kind, v.year) for v in values] == [
        ("退休职工人均养老金水平", 1268, "actual", 2010),
        ("退休职工人均养老金水平", 2320, "actual", 2015),
    ]


@pytest.mark.parametrize(
    "text, years",
    [
        # the year before 从 dates the change: the starting level is the one before the period
        ("基础养老金标准逐年提高，2015年1月再次提高标准，从最初的70元/月提高到145元/月", [2010, 2015]),
        # a year inside the 从 phrase is the starting level's own
        ("养老金月水平从2011年的1879元/月提高到2015年的2193元/月", [2011, 2015]),
    ],
)
def test_the_starting_level_of_a_change_takes_only_its_own_year(text, years):
    assert [v.year for v in values_of(text, PLAN_13, "actual")] == years


@pytest.mark.parametrize(
    "text, kind",
    [
        # 计划 inside a quoted programme name sets no goal: the review section decides
        ("推动“3551人才计划”等重大人才工程落地生根，累计引进培养“千人计划”等顶尖人才375人", "actual"),
        ("全年“春风行动”计划帮助2万人实现就业", "target"),  # 计划 outside the quotes is a goal
        ("到“十四五”末，城镇新增就业累计达到80万人", "target"),  # 到“ opens before the quote
    ],
)
def test_cue_words_inside_a_quoted_name_do_not_count(text, kind):
    assert [v.kind for v in values_of(text, ANNUAL_2017, "actual")] == [kind]


def test_years_enumerated_with_fenbie():
    text = "2012年至2015年分别实地稽核企业1232家、1069家、1133家、3008家，共计补缴社会保险费3963.15万元"
    values = values_of(text, PLAN_13, "actual")
    assert [v.year for v in values[:4]] == [2012, 2013, 2014, 2015]
    assert values[4].value == 39631500 and values[4].year == 2015


def test_review_section_values_are_actual_of_the_previous_period():
    values = values_of("“十二五”期间，全市城镇新增就业 83.55 万人", PLAN_13, "actual")
    v = values[0]
    assert (v.value, v.kind, v.period, v.year) == (835500, "actual", "十二五", 2015)


def test_five_year_targets_get_the_period_end_year():
    values = values_of("“十四五”时期，全市城镇新增就业175万人以上", PLAN_14, "target")
    v = values[0]
    assert (v.value, v.comparator, v.kind, v.period, v.year) == (1750000, ">=", "target", "十四五", 2025)


@pytest.mark.parametrize(
    "text",
    [
        "比上年增长9.09%",
        "分别同比增长539.65%,207.28%",
        "对9月30日前完成任务的镇给予经费补助：新增人数1100人以上的补助15000元",
        "未完成按比例扣分，未达70%不得分",
        "调撤率达到10%的得1分",
        "推动“3551人才计划”落地，拓展12333电话咨询服务",
        "津人社局发〔2017〕30号，2017年3月21日",
        "面向16-59岁的劳动者",
        "工伤保险综合评价值=按用人单位参保评价值×40%+按建设项目参保评价值×60%",
    ],
)
def test_not_values(text):
    assert values_of(text) == []


@pytest.mark.parametrize(
    "text, kept",
    [
        ("3个开发区分别至少建立5个创业基地", [5]),
        ("全市10个区县分别建成2个就业服务站", [2]),
        ("将格列卫等15种特殊药品纳入大病保险支付范围", [15]),  # a count after 等 can be the value
        ("城镇职工养老保险、医疗保险参保人数分别达到652万人、1073万人", [6520000, 10730000]),
    ],
)
def test_a_count_sizing_a_group_before_fenbie_is_no_value(text, kept):
    assert [v.value for v in values_of(text)] == kept


@pytest.mark.parametrize(
    "text, expected",
    [
        # a review: the figure after 完成 is the reviewed period's target, named by the value before it
        ("城镇登记失业率保持在4%以下，完成4.6%以内的目标任务",
         [("城镇登记失业率", 4, "actual", "十二五", 2015), ("城镇登记失业率", 4.6, "target", "十二五", 2015)]),
        ("“十二五”期间，全市城镇新增就业 83.55 万人，超额完成80万人的目标",
         [("城镇新增就业", 835500, "actual", "十二五", 2015), ("城镇新增就业", 800000, "target", "十二五", 2015)]),
        ("“十二五”期间，全市累计培训农村劳动力12万人，完成10万人的培训任务",
         [("培训农村劳动力", 120000, "actual", "十二五", 2015), ("培训农村劳动力", 100000, "target", "十二五", 2015)]),
        # a ratio of completion stands after 目标任务的: it is no target figure
        ("全市城镇新增就业 83.55 万人，完成规划目标任务的 115.1%", [("城镇新增就业", 835500, "actual", "十二五", 2015)]),
    ],
)
def test_the_figure_of_a_target_is_a_target_of_the_time_spoken_of(text, expected):
    values = values_of(text, PLAN_13, "actual")
    assert [(v.name_raw, v.value, v.kind, v.period, v.year) for v in values] == expected


def test_counted_noun_after_a_classifier_names_the_value():
    values = values_of("培训10000名专业技术骨干人才", ANNUAL_2017)
    assert values[0].name_raw == "专业技术骨干人才"


def test_year_as_attribute_is_not_the_values_year():
    values = values_of("全年面对2016年新录用公务员开展初任培训11期，累计培训1540人")
    assert [(v.value, v.year, v.kind) for v in values] == [(11, 2017, "target"), (1540, 2017, "target")]


@pytest.mark.parametrize(
    "raw, name",
    [
        ("2017年就业工作目标：全年新增就业", "新增就业"),
        ("城镇登记失业率控制在", "城镇登记失业率"),
        ("到2020年，高技能人才占技能人才比重达到", "高技能人才占技能人才比重"),
        ("年均增长", "年均增长"),  # a name that is itself a trailing word is not cut to `年`
        ("目前普通门诊医疗费用报销比例提高到", "普通门诊医疗费用报销比例"),
    ],
)
def test_clean_name(raw, name):
    assert clean_name(raw) == name


@pytest.mark.parametrize(
    "text, kept",
    [
        ("报销比例提高到30%", [30]),  # 比例 is a share, not a comparison (比…提高)
        ("比重提高到45%", [45]),
        ("比上年提高5%", []),
        ("较2015年增长20%", []),
    ],
)
def test_a_share_word_is_not_a_comparison(text, kept):
    assert [v.value for v in values_of(text)] == kept


@pytest.mark.parametrize(
    "heading, kind",
    [
        ("一、“十二五”时期人力资源和社会保障事业发展的主要成就", "actual"),
        ("（三）发展目标", "target"),
        ("(二)面临的挑战", None),
    ],
)
def test_heading_kind(heading, kind):
    assert heading_kind(heading) == kind


def test_action_verb_and_object_name_a_count_of_people():
    values = values_of("“十三五”期间，全市城镇新增就业不低于 90 万人，扶持 10 万人创业，带动就业 40 万人", PLAN_13, "target")
    assert [(v.name_raw, v.value, v.comparator) for v in values] == [
        ("城镇新增就业", 900000, ">="),
        ("扶持创业", 100000, "="),
        ("带动就业", 400000, "="),
    ]


def test_a_second_list_under_one_name_takes_the_items_of_the_first():
    text = "全市养老保险、医疗保险、失业保险参保人员总数分别达到73.66、94.9、21.09万人,新增参保人数为17911、5834、8148人"
    values = values_of(text, PLAN_13, "actual")
    assert [v.name_raw for v in values] == [
        "养老保险参保人员总数",
        "医疗保险参保人员总数",
        "失业保险参保人员总数",
        "养老保险新增参保人数",
        "医疗保险新增参保人数",
        "失业保险新增参保人数",
    ]


def test_enumeration_suffix_is_joined_without_repeating_words():
    text = "全市基本养老保险、基本医疗保险、失业保险和城乡居民养老保险参保人数分别达到 431 万人、625 万人、208 万人和 100 万人"
    values = values_of(text, PLAN_13, "target")
    assert [v.name_raw for v in values] == [
        "基本养老保险参保人数",
        "基本医疗保险参保人数",
        "失业保险参保人数",
        "城乡居民养老保险参保人数",
    ]


def test_a_share_is_named_after_the_count_before_it():
    values = values_of("其中建立职工代表大会制度的单位有10718家，占95.36%", PLAN_13, "actual")
    assert values[1].name_raw == values[0].name_raw + "占比" and values[1].value == 95.36
