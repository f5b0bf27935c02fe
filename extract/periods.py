"""Plan periods and years as they appear around values.

Period names and their years are parsed once, in `ingest.metadata` (document
metadata needs them first); this module adds what the extractors need on top:
the year of a period, the period of a year, and the years named in a sentence.
"""

from __future__ import annotations

import re

from ingest.metadata import parse_periods
from ingest.metadata import period_years as _period_years

CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# `2017年`, `2020 年底`, `二〇二五年`, `1.2021年` after an item number; `2017年3月`
# too, as a date is still a year.
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年|([一二〇○零][〇○零一二三四五六七八九]{3})年")
YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)(\s*年)?\s*[-—–－~～至到]\s*((?:19|20)\d\d)\s*年")


def period_years(label: str | None) -> tuple[int, int] | None:
    """First and last year of a plan period.

    >>> period_years("十三五")
    (2016, 2020)
    """
    return _period_years(label) if label else None


def period_of_year(year: int | None) -> str | None:
    """The plan period a year falls in.

    >>> period_of_year(2015), period_of_year(2021)
    ('十二五', '十四五')
    """
    if year is None or not 2001 <= year <= 2050:  # 十五 to 十九五
        return None
    n = 10 + (year - 2001) // 5
    return "十" + ("一二三四五六七八九"[n - 11] if n > 10 else "") + "五"


def find_period(text: str) -> str | None:
    """The first plan period named in a text.

    >>> find_period("“十二五”完成值")
    '十二五'
    >>> find_period("第十四个五年规划")
    '十四五'
    """
    periods = parse_periods(text)
    return periods[0] if periods else None


def parse_chinese_year(text: str) -> int | None:
    """`二〇二五` → 2025.

    >>> parse_chinese_year("二〇二五")
    2025
    """
    if len(text) != 4 or any(ch not in CHINESE_DIGITS for ch in text):
        return None
    return int("".join(str(CHINESE_DIGITS[ch]) for ch in text))


def find_years(text: str) -> list[tuple[int, int, int]]:
    """Years named in a text as (year, start, end), in order; a span
    `2021-2025年` gives both ends. Each (start, end) covers the year as
    written, with its `年` where it has one.

    >>> [y for y, _, _ in find_years("到2020年底，二〇二五年，2012年至2015年")]
    [2020, 2025, 2012, 2015]
    """
    found = []
    spans = []
    for m in YEAR_SPAN.finditer(text):
        found.append((int(m.group(1)), m.start(1), m.end(2) if m.group(2) else m.end(1)))
        found.append((int(m.group(3)), m.start(3), m.end()))
        spans.append((m.start(), m.end()))
    for m in YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        year = int(m.group(1)) if m.group(1) else parse_chinese_year(m.group(2))
        if year:
            found.append((year, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])
