"""Numbers, units and comparators: `extract.quantities`.

The phrasings are taken from the seed documents in `corpus/` (000 Tianjin
annual plan, 001 Tianjin 14th-plan interpretation, 002 Zhoushan 13th plan,
003 Wuhan 13th plan, 004 Rugao assessment method) unless a case says otherwise.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.quantities import (
    FULLWIDTH,
    find_quantities,
    normalise_unit,
    parse_cell,
    parse_number,
)
from extract.values import Quantity

# --- parse_number ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # Arabic, with separators and spaces as they come out of tables
        ("48", 48.0),
        ("3.8", 3.8),
        ("1,200", 1200.0),
        ("2,981,189", 2981189.0),
        ("1,234.5", 1234.5),
        ("  290000 ", 290000.0),
        ("83.55", 83.55),
        # full-width digits and point
        ("３．８", 3.8),
        ("１２３４", 1234.0),
        ("２０２５", 2025.0),
        # Chinese numerals
        ("十", 10.0),
        ("十一", 11.0),
        ("三十五", 35.0),
        ("九十九", 99.0),
        ("一百零五", 105.0),
        ("一百一十", 110.0),
        ("一千二百", 1200.0),
        ("一千零五十", 1050.0),
        ("两千", 2000.0),
        ("两万", 20000.0),
        ("十万", 100000.0),
        ("二十万", 200000.0),
        ("一万零五", 10005.0),
        ("三亿五千万", 350000000.0),
        ("一亿二千万", 120000000.0),
        # the next place down is implied after a unit: 一千二 is 1200, not 1002
        ("一千二", 1200.0),
        ("两万三", 23000.0),
        ("三百五", 350.0),
        # digit by digit, as in years
        ("二〇二五", 2025.0),
        ("二〇三五", 2035.0),
        ("二零一七", 2017.0),
        ("零", 0.0),
    ],
)
def test_parse_number_reads_arabic_and_chinese_numerals(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "百分之",
        "abc",
        "—",
        "-",
        "1.2.3",
        "1,20",  # a separator must group three digits
        ".5",
        "5.",
        "-5",
        "3万",  # a number and a unit is find_quantities' business
        "12 : 31 : 57",
        "与经济增长同步",
        "十二五",  # a plan period, not 15
        "十三五",
        "第1名",
    ],
)
def test_parse_number_gives_none_for_what_is_no_number(text):
    assert parse_number(text) is None


# --- normalise_unit --------------------------------------------------------------


@pytest.mark.parametrize(
    "unit_raw, expected",
    [
        ("万人", ("人", 10000)),
        ("人", ("人", 1)),
        ("名", ("人", 1)),
        ("位", ("人", 1)),
        ("十万人", ("人", 100000)),
        ("亿元", ("元", 100000000)),
        ("万元", ("元", 10000)),
        ("千万元", ("元", 10000000)),
        ("元", ("元", 1)),
        ("人次", ("人次", 1)),
        ("万人次", ("人次", 10000)),
        ("万张", ("张", 10000)),
        ("家", ("家", 1)),
        ("个", ("个", 1)),
        ("个百分点", ("个百分点", 1)),
        ("百分点", ("个百分点", 1)),  # a whole unit, not 百 × 分点
        ("%", ("%", 1)),
        ("％", ("%", 1)),
        ("%   ", ("%", 1)),  # the unit column of 000's plan table
        (" 万人 ", ("人", 10000)),
        ("元/月", ("元/月", 1)),
        ("元/人·月", ("元/月", 1)),
        ("岁", ("岁", 1)),
        ("周岁", ("岁", 1)),
    ],
)
def test_normalise_unit_gives_base_unit_and_multiplier(unit_raw, expected):
    assert normalise_unit(unit_raw) == expected


@pytest.mark.parametrize("unit_raw", [None, "", "斤两", "万", "亿", "单位", "指标名称", "目标数"])
def test_normalise_unit_unknown_gives_none_and_one(unit_raw):
    assert normalise_unit(unit_raw) == (None, 1)


# --- find_quantities: values ------------------------------------------------------


def _described(text: str) -> list[tuple]:
    """(value, value_max, unit, comparator, the text the span covers)."""
    return [(q.value, q.value_max, q.unit, q.comparator, text[q.start : q.end]) for q in find_quantities(text)]


FOUND = [
    # 000: the annual plan's employment targets
    pytest.param(
        "2017年就业工作目标：全年新增就业48万人，城镇登记失业率控制在3.8%以内；",
        [(480000.0, None, "人", "=", "48万人"), (3.8, None, "%", "<=", "3.8%以内")],
        id="48万人-and-3.8%以内",
    ),
    pytest.param(
        "鼓励和支持大众创业，全年扶持3万人创业，带动12万人就业。",
        [(30000.0, None, "人", "=", "3万人"), (120000.0, None, "人", "=", "12万人")],
        id="two-万人-in-a-sentence",
    ),
    pytest.param("城镇登记失业率控制在3.8％以内", [(3.8, None, "%", "<=", "3.8％以内")], id="full-width-percent"),
    pytest.param("4.6（以内）", [(4.6, None, None, "<=", "4.6（以内）")], id="4.6（以内）"),
    pytest.param("4.6(以内)", [(4.6, None, None, "<=", "4.6(以内)")], id="4.6(以内)"),
    pytest.param("全市城镇登记失业率控制在4%以内", [(4.0, None, "%", "<=", "4%以内")], id="4%以内"),
    # 003: `>99` and `>92` in the 13th-plan table; `≥95%` as cells are often written
    pytest.param(">99", [(99.0, None, None, ">=", "99")], id=">99"),
    pytest.param("＞99", [(99.0, None, None, ">=", "99")], id="full-width->99"),
    pytest.param("≥95%", [(95.0, None, "%", ">=", "95%")], id="≥95%"),
    # 002: 余 between the number and the unit, and between the magnitude and the unit
    pytest.param(
        "“十二五”期间,共为5082 家困难企业补助稳岗补贴9887余万元,稳定就业岗位 13.7万余个。",
        [
            (5082.0, None, "家", "=", "5082 家"),
            (98870000.0, None, "元", ">=", "9887余万元"),
            (137000.0, None, "个", ">=", "13.7万余个"),
        ],
        id="9887余万元-and-13.7万余个",
    ),
    pytest.param("全市50余家企业受惠，共减免81万元。", [(50.0, None, "家", ">=", "50余家"), (810000.0, None, "元", "=", "81万元")], id="50余家"),
    pytest.param("累计集中减免17000多家(次)企业社会保险费1.8亿元", [(17000.0, None, "家次", ">=", "17000多家(次)"), (180000000.0, None, "元", "=", "1.8亿元")], id="17000多家-1.8亿元"),
    pytest.param("引进国外专家300余人次", [(300.0, None, "人次", ">=", "300余人次")], id="300余人次"),
    pytest.param("初步估算年产值1.8亿元", [(180000000.0, None, "元", "=", "1.8亿元")], id="1.8亿元"),
    # comparators before and after
    pytest.param("企业劳动合同签订率不低于90%", [(90.0, None, "%", ">=", "90%")], id="不低于90%"),
    pytest.param("创建不少于 50 家市级创业孵化示范基地", [(50.0, None, "家", ">=", "50 家")], id="不少于-50-家"),
    pytest.param("专业技术人才总量突破10万人", [(100000.0, None, "人", ">=", "10万人")], id="突破10万人"),
    pytest.param("“十四五”时期,全市城镇新增就业175万人以上", [(1750000.0, None, "人", ">=", "175万人以上")], id="175万人以上"),
    pytest.param("企业劳动合同签订率达到 92% 以上", [(92.0, None, "%", ">=", "92% 以上")], id="92%-以上"),
    pytest.param("医疗保险综合参保率达98%以上", [(98.0, None, "%", ">=", "98%以上")], id="98%以上"),
    pytest.param("按选择1200元及以上标准的缴费人数", [(1200.0, None, "元", ">=", "1200元及以上")], id="1200元及以上"),
    pytest.param(
        "目前普通门诊年度累计医疗费用840元(含)以下部分报销比例提高到30%",
        [(840.0, None, "元", "<=", "840元(含)以下"), (30.0, None, "%", "=", "30%")],
        id="840元(含)以下",
    ),
    pytest.param("约 30 万人", [(300000.0, None, "人", "~", "30 万人")], id="约-30-万人"),
    pytest.param("有近3000人享受了大病保险待遇", [(3000.0, None, "人", "~", "3000人")], id="近3000人"),
    pytest.param("年均增长10%左右", [(10.0, None, "%", "~", "10%左右")], id="10%左右"),
    pytest.param("与去年相比,增长约9.09%。", [(9.09, None, "%", "~", "9.09%")], id="约9.09%"),
    pytest.param("遴选支持 1000 家左右具有良好创新前景的企业", [(1000.0, None, "家", "~", "1000 家左右")], id="1000-家左右"),
    # 003: numbers with spaces around them
    pytest.param("“十二五”期间，全市城镇新增就业 83.55 万人，完成规划目标", [(835500.0, None, "人", "=", "83.55 万人")], id="83.55-万人-spaces"),
    pytest.param("组织各类技能培训 269.39 万人次。", [(2693900.0, None, "人次", "=", "269.39 万人次")], id="万人次-spaces"),
    pytest.param("每年投入 3000 万元", [(30000000.0, None, "元", "=", "3000 万元")], id="3000-万元"),
    # 002: one unit at the end of a list; each span covers only its own number but the last
    pytest.param(
        "十二五期末，全市参加养老、医疗、失业保险人数分别达到76.88、95.69、21.30万人。",
        [
            (768800.0, None, "人", "=", "76.88"),
            (956900.0, None, "人", "=", "95.69"),
            (213000.0, None, "人", "=", "21.30万人"),
        ],
        id="76.88、95.69、21.30万人",
    ),
    pytest.param(
        "生育保险人数分别达到76.88、95.69、21.30、30.37、20.71万人。",
        [
            (768800.0, None, "人", "=", "76.88"),
            (956900.0, None, "人", "=", "95.69"),
            (213000.0, None, "人", "=", "21.30"),
            (303700.0, None, "人", "=", "30.37"),
            (207100.0, None, "人", "=", "20.71万人"),
        ],
        id="five-values-one-unit",
    ),
    pytest.param(
        "新增参保人数为17911、5834、8148人。",
        [(17911.0, None, "人", "=", "17911"), (5834.0, None, "人", "=", "5834"), (8148.0, None, "人", "=", "8148人")],
        id="list-of-人",
    ),
    pytest.param(
        "职工51248人、49362人、122100和141797人",
        [
            (51248.0, None, "人", "=", "51248人"),
            (49362.0, None, "人", "=", "49362人"),
            (122100.0, None, "人", "=", "122100"),
            (141797.0, None, "人", "=", "141797人"),
        ],
        id="122100和141797人",
    ),
    pytest.param(
        "实地稽核面分别达到26.6%、24.74%、28.7%和26.6%",
        [(26.6, None, "%", "=", "26.6%"), (24.74, None, "%", "=", "24.74%"), (28.7, None, "%", "=", "28.7%"), (26.6, None, "%", "=", "26.6%")],
        id="list-of-%",
    ),
    # ranges
    pytest.param("其中在基层医疗机构就医的报销50-55%", [(50.0, 55.0, "%", "=", "50-55%")], id="50-55%"),
    pytest.param("报销50%-55%", [(50.0, 55.0, "%", "=", "50%-55%")], id="50%-55%"),
    pytest.param("报销50%—55%", [(50.0, 55.0, "%", "=", "50%—55%")], id="50%—55%"),
    pytest.param("报销５０％－５５％", [(50.0, 55.0, "%", "=", "５０％－５５％")], id="full-width-range"),
    pytest.param("每年吸纳3至5万人", [(30000.0, 50000.0, "人", "=", "3至5万人")], id="3至5万人"),
    pytest.param("每年吸纳3万至5万人", [(30000.0, 50000.0, "人", "=", "3万至5万人")], id="3万至5万人"),
    pytest.param(
        "840元以上各段费用报销比例均比2011年提高10-20个百分点",
        [(840.0, None, "元", ">=", "840元以上"), (10.0, 20.0, "个百分点", "=", "10-20个百分点")],
        id="10-20个百分点",
    ),
    # units
    pytest.param(
        "从1268元/月提高到2400元/月",
        [(1268.0, None, "元/月", "=", "1268元/月"), (2400.0, None, "元/月", "=", "2400元/月")],
        id="从1268元/月提高到2400元/月",
    ),
    pytest.param(
        "退休职工人均养老金水平从 1268 元/月提高到 2320 元/月",
        [(1268.0, None, "元/月", "=", "1268 元/月"), (2320.0, None, "元/月", "=", "2320 元/月")],
        id="元/月-spaces",
    ),
    pytest.param("引进各类高层次外国专家4000人次", [(4000.0, None, "人次", "=", "4000人次")], id="4000人次"),
    pytest.param("社会保障卡发卡数达到810万张", [(8100000.0, None, "张", "=", "810万张")], id="810万张"),
    pytest.param("患大病人员提高报销比例2.5个百分点", [(2.5, None, "个百分点", "=", "2.5个百分点")], id="2.5个百分点"),
    pytest.param("较2011年提高了5.91个百分点", [(5.91, None, "个百分点", "=", "5.91个百分点")], id="5.91个百分点"),
    pytest.param("比上年提高5百分点", [(5.0, None, "个百分点", "=", "5百分点")], id="百分点-not-百分"),
    pytest.param("妥善安置了467名军队转业干部", [(467.0, None, "人", "=", "467名")], id="467名"),
    pytest.param("选派800位专业技术和管理人才出国（境）培训", [(800.0, None, "人", "=", "800位")], id="800位"),
    pytest.param("培训10000名专业技术骨干人才", [(10000.0, None, "人", "=", "10000名")], id="10000名"),
    pytest.param("累计2,981,189人", [(2981189.0, None, "人", "=", "2,981,189人")], id="thousands-separators"),
    pytest.param("全市企业退休人员社区化管理率达97.19%", [(97.19, None, "%", "=", "97.19%")], id="97.19%"),
    # 004: the ordinals are not values, the amounts are
    pytest.param(
        "按第1名、第2和3名、第4至6名分别给予绩效考核补助50000元、40000元、30000元。",
        [(50000.0, None, "元", "=", "50000元"), (40000.0, None, "元", "=", "40000元"), (30000.0, None, "元", "=", "30000元")],
        id="ordinals-then-amounts",
    ),
    # ages come back with unit 岁; the callers drop them
    pytest.param("16-59岁", [(16.0, 59.0, "岁", "=", "16-59岁")], id="16-59岁"),
    pytest.param("适当降低60周岁以上人员一次性补缴标准", [(60.0, None, "岁", ">=", "60周岁以上")], id="60周岁以上"),
]


@pytest.mark.parametrize("text, expected", FOUND)
def test_find_quantities_reads_values(text, expected):
    assert _described(text) == expected


@pytest.mark.parametrize("text, expected", FOUND)
def test_find_quantities_spans_cover_the_number_as_written(text, expected):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        span = text[q.start : q.end]
        assert q.raw == span.translate(FULLWIDTH)
        # the span begins with the number as written (full-width digits too),
        # and that number in the unit's magnitude is the value
        number = re.match(r"[0-9０-９][0-9０-９,.．]*", span).group()
        assert math.isclose(parse_number(number) * normalise_unit(q.unit_raw)[1], q.value)


def test_find_quantities_keeps_unit_raw_as_written():
    q = find_quantities("稳岗补贴9887余万元")[0]
    assert (q.unit_raw, q.raw) == ("万元", "9887余万元")
    q = find_quantities("妥善安置了467名军队转业干部")[0]
    assert (q.unit_raw, q.unit) == ("名", "人")
    first, *_, last = find_quantities("分别达到76.88、95.69、21.30万人")
    assert first.unit_raw == last.unit_raw == "万人"


def test_find_quantities_ages_come_back_with_unit_sui():
    [q] = find_quantities("劳动年龄段16-59岁的人员")
    assert q.unit == "岁"


# --- find_quantities: not values --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # years and dates
        "2017年",
        "2017年3月21日",
        "2021年4月19日",
        "天津市人力资源和社会保障局办公室        2017年3月27日印发",
        "2021-2025年",
        "“十四五”时期(2021-2025年)",
        "2016年—2020年",
        "2012年至2015年",
        "《关于印发舟山市专业技术人才知识更新工程(2013-2020)实施方案的通知》",
        "二〇三五年",
        "第十四个五年规划和二〇三五年远景目标纲要",
        "12月20日",
        "2021年12月20日前",
        "对9月30日前完成职工基本养老保险任务的镇",
        "2014年12月",
        "2020-07-15",
        "发布日期:2020-07-15 来源:市人力资源与社会保障局",
        "2020/7/15",
        "2017.03.21",
        "截至2015年底",
        "到2020年",
        # a year after an item number
        "附件：1．2017年天津市人力资源和社会保障事业发展计划表",
        "2．2017年度社会保险扩面工作考评办法",
        "附件：1.2021年全市社会保险工作目标任务分解表",
        # document numbers
        "津人社局发〔2017〕30号",
        "武政[2016]36号",
        "（舟委办〔2012〕79号）",
        "舟政发 〔2016〕 7 号",
        "修订《武汉市职工生育保险办法》(市人民政府令第173号)",
        # section numbering
        "一、",
        "(三)",
        "（一）",
        "1.",
        "1. 坚持民生为本，共享发展成果。",
        "（1）企业职工养老保险扩面参保。（2）居民养老保险参保。",
        "附件1",
        "附件2    ",
        "专栏2",
        "专栏 1 “十二五”规划主要指标完成情况",
        "专栏 5 创新创业人才高地建设项目",
        # plan periods
        "十三五",
        "“十二五”期间",
        "第十四个五年规划",
        # hotlines
        "12333",
        "拓展12333电话咨询服务渠道",
        "加强社会保障热线 12333 投诉咨询服务",
        # names with digits
        "“3551人才计划”",
        "推动“黄鹤英才计划”、“3551人才计划”等重大人才工程落地生根",
        "“光谷3551”",
        "“5321工程”",
        "“1+N”",
        "“333就业服务月”",
        "“114信息台”",
        "着眼“武汉制造 2025”需要",
        "2035人力资源社会保障事业发展的远景目标。",
        "5G网络",
        # ordinals
        "第1名",
        "按第1名、第2和3名、第4至6名",
        # Chinese numerals are parse_number's; running text is read for Arabic numbers
        "十二届六中全会",
    ],
)
def test_find_quantities_ignores_what_is_no_value(text):
    assert find_quantities(text) == []


# --- parse_cell ---------------------------------------------------------------------


def _cell(q: Quantity | None):
    return None if q is None else (q.value, q.value_max, q.unit, q.comparator, q.unit_raw)


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("48", "万人", (480000.0, None, "人", "=", "万人")),
        ("3.8以内", "%", (3.8, None, "%", "<=", "%")),
        ("3.8以内", "%   ", (3.8, None, "%", "<=", "%")),  # unit_raw without the padding
        ("4(以内)", "%", (4.0, None, "%", "<=", "%")),
        ("4.6（以内）", "%", (4.6, None, "%", "<=", "%")),
        ("4.6(以内)", "%", (4.6, None, "%", "<=", "%")),
        (">99", "%", (99.0, None, "%", ">=", "%")),
        ("＞99", "%", (99.0, None, "%", ">=", "%")),
        (">92", "%", (92.0, None, "%", ">=", "%")),
        ("≥95%", None, (95.0, None, "%", ">=", "%")),
        ("290000 ", "人", (290000.0, None, "人", "=", "人")),
        ("290000 ", None, (290000.0, None, None, "=", None)),
        ("100%", None, (100.0, None, "%", "=", "%")),
        ("1,200", "人", (1200.0, None, "人", "=", "人")),
        ("98(“三上企业”)", "%", (98.0, None, "%", "=", "%")),
        ("810", "万张", (8100000.0, None, "张", "=", "万张")),
        ("300.8", "万人次", (3008000.0, None, "人次", "=", "万人次")),
        ("3500", "人", (3500.0, None, "人", "=", "人")),
        ("５．５％以内", None, (5.5, None, "%", "<=", "%")),
        ("175万人以上", None, (1750000.0, None, "人", ">=", "万人")),
        ("不低于90%", None, (90.0, None, "%", ">=", "%")),
        ("约30", "万人", (300000.0, None, "人", "~", "万人")),
        ("9887余万元", None, (98870000.0, None, "元", ">=", "万元")),
        ("13.7万余个", None, (137000.0, None, "个", ">=", "万个")),
        ("50-55%", None, (50.0, 55.0, "%", "=", "%")),
        ("10-20", "个百分点", (10.0, 20.0, "个百分点", "=", "个百分点")),
        # the cell's own unit wins over the column's
        ("40人", "万人", (40.0, None, "人", "=", "人")),
    ],
)
def test_parse_cell_reads_table_cells(text, unit, expected):
    assert _cell(parse_cell(text, unit)) == expected


def test_parse_cell_spans_the_whole_cell():
    q = parse_cell("290000 ", "人")
    assert (q.start, q.end, q.raw) == (0, 7, "290000")
    q = parse_cell("4.6（以内）", "%")
    assert (q.start, q.end, q.raw) == (0, 7, "4.6（以内）")


@pytest.mark.parametrize(
    "text, unit",
    [
        ("—", "%"),
        ("-", "%"),
        ("－", None),
        ("", "万人"),
        ("　", None),
        ("   ", None),
        ("与经济增长同步", "%"),
        ("12 : 31 : 57", "%"),
        ("14 : 32 : 54", "%"),
        ("2017年", None),
        ("2017年3月21日", None),
        ("2021-2025年", None),
        ("城镇新增就业人数", "万人"),
        ("二〇二五", None),
        ("5G", None),
        ("第1名", None),
        ("48斤两", None),  # a unit nobody knows is no value
    ],
)
def test_parse_cell_gives_none_for_non_values(text, unit):
    assert parse_cell(text, unit) is None


# --- properties ---------------------------------------------------------------------

# Han characters, the digits and punctuation of plans, and anything else.
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PLAN_CHARS = st.sampled_from(
    list("0123456789０１２３４５６７８９.,，。、；：:%％‰-—–~～至到和余多万亿千百十人名位次元/月年日号第〔〕[]【】()（）“”\"+><≥≤＞＜约近 \u3000\t\n一二两三四五六七八九〇零")
)
TOKENS = st.sampled_from(
    ["以内", "以上", "以下", "左右", "不低于", "不超过", "（以内）", "(含)", "万人", "亿元", "人次", "个百分点", "元/月", "岁", "余", "多", "第", "〔2017〕", "号", "年", "月", "日", "“", "计划", "、", "和", "至", "-"]
)
NUMBERS = st.from_regex(r"[0-9]{1,7}(,[0-9]{3})?(\.[0-9]{1,3})?", fullmatch=True)
TEXTS = st.one_of(
    st.text(st.one_of(HAN, PLAN_CHARS, st.characters()), max_size=60),
    st.lists(st.one_of(NUMBERS, TOKENS, HAN, PLAN_CHARS), max_size=15).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_find_quantities_never_raises_and_spans_hold_a_digit(text):
    quantities = find_quantities(text)
    assert [q.start for q in quantities] == sorted(q.start for q in quantities)
    for q in quantities:
        assert 0 <= q.start < q.end <= len(text)
        assert any(ch.isdigit() for ch in text[q.start : q.end])
        assert math.isfinite(q.value)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from([None, "", "万人", "%", "%   ", "斤两", "个百分点"]))
def test_parse_cell_never_raises(text, unit):
    q = parse_cell(text, unit)
    if q is not None:
        assert q.start == 0 and q.end == len(text)
        assert math.isfinite(q.value)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_parse_number_and_normalise_unit_never_raise(text):
    n = parse_number(text)
    assert n is None or isinstance(n, float)
    base, multiplier = normalise_unit(text)
    assert (base is None and multiplier == 1) or (isinstance(base, str) and multiplier >= 1)


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_integers_with_and_without_separators(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["万人", "亿元", "人", "个百分点", "%"]))
def test_find_quantities_scales_by_the_magnitude(n, unit):
    [q] = find_quantities(f"达到{n}{unit}。")
    base, multiplier = normalise_unit(unit)
    assert (q.value, q.unit, q.unit_raw) == (n * multiplier, base, unit)
