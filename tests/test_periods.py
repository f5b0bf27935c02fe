"""Plan periods and years: `extract.periods`. Phrasings from the seeds in `corpus/`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.periods import (
    find_period,
    find_years,
    parse_chinese_year,
    period_of_year,
    period_years,
)

# --- find_period --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“十二五”完成值", "十二五"),
        ("十二五期末", "十二五"),
        ("“十一五”期末的 16.5万人增加到 21.2万人", "十一五"),
        ("专栏2 “十三五”时期主要指标", "十三五"),
        ("《天津市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》", "十四五"),
        ("第十三个五年", "十三五"),
        ("第十个五年计划", "十五"),
        ("十五五", "十五五"),
        ("“十四五”时期(2021-2025年)", "十四五"),
        ("2016-2020年", "十三五"),
        ("（2021—2025年）", "十四五"),
        ("到“十三五”期末，比“十二五”增长50%", "十三五"),
        ("2016年至2020年", "十三五"),
        ("2017年天津市人力资源和社会保障事业发展计划", None),
        ("2013-2017年", None),  # five years, but not a plan period
        ("十三", None),
        ("", None),
    ],
)
def test_find_period_names_the_first_plan_period(text, expected):
    assert find_period(text) == expected


# --- period_years / period_of_year -------------------------------------------------


@pytest.mark.parametrize(
    "label, expected",
    [
        ("十五", (2001, 2005)),
        ("十一五", (2006, 2010)),
        ("十二五", (2011, 2015)),
        ("十三五", (2016, 2020)),
        ("十四五", (2021, 2025)),
        ("十五五", (2026, 2030)),
        (None, None),
        ("", None),
        ("十", None),
        ("十三五规划", None),
        ("第十三个五年", None),
        ("2016-2020", None),
    ],
)
def test_period_years(label, expected):
    assert period_years(label) == expected


@pytest.mark.parametrize(
    "year, expected",
    [
        (2001, "十五"),
        (2005, "十五"),
        (2006, "十一五"),
        (2010, "十一五"),
        (2011, "十二五"),
        (2015, "十二五"),
        (2016, "十三五"),
        (2017, "十三五"),
        (2020, "十三五"),
        (2021, "十四五"),
        (2025, "十四五"),
        (2026, "十五五"),
        (2030, "十五五"),
        (None, None),
        (2000, None),
        (1998, None),
        (2100, None),  # past 十九五: no label, not an IndexError
    ],
)
def test_period_of_year(year, expected):
    assert period_of_year(year) == expected


@given(st.integers(min_value=1900, max_value=2200))
def test_period_of_year_and_period_years_agree(year):
    label = period_of_year(year)
    if label is not None:
        first, last = period_years(label)
        assert first <= year <= last and last - first == 4


# --- parse_chinese_year ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("二〇二五", 2025),
        ("二〇三五", 2035),
        ("二○二○", 2020),
        ("二零一七", 2017),
        ("一九九八", 1998),
        ("2025", None),
        ("二〇二", None),
        ("二〇二五年", None),
        ("二十二五", None),
        ("十三五", None),
        ("", None),
    ],
)
def test_parse_chinese_year(text, expected):
    assert parse_chinese_year(text) == expected


# --- find_years -----------------------------------------------------------------------


def _years(text: str) -> list[tuple[int, str]]:
    return [(year, text[start:end]) for year, start, end in find_years(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("到2020年底", [(2020, "2020年")]),
        ("截至2015年底，全市共有专业技术人员90887人", [(2015, "2015年")]),
        ("二〇二五年", [(2025, "二〇二五年")]),
        ("第十四个五年规划和二〇三五年远景目标纲要", [(2035, "二〇三五年")]),
        ("2012年至2015年分别实地稽核企业1232家", [(2012, "2012年"), (2015, "2015年")]),
        ("2021-2025年", [(2021, "2021"), (2025, "2025年")]),
        ("“十四五”时期(2021-2025年)我市人力资源", [(2021, "2021"), (2025, "2025年")]),
        ("2016年—2020年", [(2016, "2016年"), (2020, "2020年")]),
        ("养老金月水平从2011年的1879元/月提高到2015年的2193元/月", [(2011, "2011年"), (2015, "2015年")]),
        ("老金从 2012 年的 100 元/月提高到 180 元/月", [(2012, "2012 年")]),
        ("2017年3月21日", [(2017, "2017年")]),
        ("到“十三五”期末，2017年达到96.7%", [(2017, "2017年")]),
        # an item number before the year: the year is still named
        ("附件：1.2021年全市社会保险工作目标任务分解表", [(2021, "2021年")]),
        ("附件：1．2017年天津市人力资源和社会保障事业发展计划表", [(2017, "2017年")]),
        # no year
        ("津人社局发〔2017〕30号", []),
        ("发布日期:2020-07-15", []),
        ("2035人力资源社会保障事业发展的远景目标", []),
        ("全市新增城镇就业人员57160人", []),
        ("120170年", []),
        ("十三五", []),
        ("", []),
    ],
)
def test_find_years(text, expected):
    assert _years(text) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"(19|20)[0-9]{2}", fullmatch=True),
            st.sampled_from(["年", "年底", "至", "-", "—", "到", " ", "二〇二五", "二〇三五年", "十三五", "〔", "〕", "."]),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(),
        ),
        max_size=12,
    ).map("".join)
)
def test_find_years_never_raises_and_spans_hold_the_year(text):
    found = find_years(text)
    assert [s for _, s, _ in found] == sorted(s for _, s, _ in found)
    for year, start, end in found:
        assert 1000 <= year <= 2999
        assert 0 <= start < end <= len(text)
        assert re.sub(r"\s*年$", "", text[start:end]) in (str(year), _chinese(year))


def _chinese(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))
