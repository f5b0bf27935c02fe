"""Numbers with units: parsing and normalisation to base units.

Pure functions; unparseable input gives None (or no quantity), never an
exception. Units and comparator cues come from `data/units.yml` and
`data/comparators.yml`.

    >>> q = find_quantities("全年新增就业48万人，城镇登记失业率控制在3.8%以内")
    >>> [(x.value, x.unit, x.comparator) for x in q]
    [(480000.0, '人', '='), (3.8, '%', '<=')]
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from extract.resources import load_yaml
from extract.values import Quantity

# Full-width digits and signs → ASCII, one character for one, so offsets hold.
FULLWIDTH = str.maketrans("０１２３４５６７８９．％，－～＞＜", "0123456789.%,-~><")
NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?![\d])")
CHINESE_NUMERAL = re.compile(r"^[零〇○一二两三四五六七八九十百千万亿]+$")
CHINESE_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
CHINESE_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}
RANGE_SEPARATOR = re.compile(r"\s*(-|—|–|~|至)\s*")
# Between a number and its unit: `9887余万元`, `17000多家`.
APPROXIMATE_INFIX = re.compile(r"\s*(余|多)")
# Words that begin with a unit character but are not units after a number:
# `3551人才计划` is a programme name, `15分钟` a duration, and in
# `2035人力资源…` the 人 belongs to 人力.
NOT_A_UNIT_AFTER = {"人": "才员口民力", "名": "单额", "个": "人体案"}
NAME_SUFFIX = re.compile(r"^[^，。；、\d]{0,6}?(计划|工程|行动|项目|模式|机制|体系|战略|人才|工作法|服务)")
LIST_JOINERS = ("、", "和")
YEAR_LIKE = re.compile(r"^(19|20)\d\d$")
NUMBERED_YEAR = re.compile(r"^\d{1,2}\.(19|20)\d\d$")
# An ordinal that goes on after a joiner: `第2和3名`, `第4至6名`.
ORDINAL_LIST_BEFORE = re.compile(r"第\s*\d+\s*(?:和|、|至|到|-|—|–|~)\s*$")


# --- data ------------------------------------------------------------------------


@cache
def _units() -> tuple[dict[str, str], dict[str, int]]:
    data = load_yaml("units.yml")
    return data["base_units"], data["magnitudes"]


@cache
def _unit_pattern() -> re.Pattern:
    base, magnitudes = _units()
    bases = "|".join(re.escape(u) for u in sorted(base, key=len, reverse=True))
    mags = "|".join(re.escape(m) for m in sorted(magnitudes, key=len, reverse=True))
    # A whole unit first, so that 百分点 is not 百 + 分; `余`/`多` may stand
    # between a magnitude and its unit (`13.7万余个`).
    return re.compile(rf"\s{{0,2}}(?:(?P<unit>{bases})|(?P<magnitude>{mags})(?P<approx>余|多)?(?P<base>{bases}))")


@cache
def _magnitude_pattern() -> re.Pattern:
    mags = "|".join(re.escape(m) for m in sorted(_units()[1], key=len, reverse=True))
    return re.compile(rf"\s{{0,2}}(?P<magnitude>{mags})")


@cache
def _comparator_cues() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    data = load_yaml("comparators.yml")

    def flat(section):
        pairs = [(cue, op) for op, cues in data[section].items() for cue in cues]
        return sorted(pairs, key=lambda p: len(p[0]), reverse=True)

    return flat("before"), flat("after")


# --- numbers and units ---------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """A number as written, Arabic or Chinese; None when it is none.

    >>> parse_number("1,200"), parse_number("３．８"), parse_number("一千二百")
    (1200.0, 3.8, 1200.0)
    >>> parse_number("二〇二五"), parse_number("两万"), parse_number("百分之")
    (2025.0, 20000.0, None)
    >>> parse_number("一千二"), parse_number("十二五")
    (1200.0, None)
    """
    if not text:
        return None
    text = text.translate(FULLWIDTH).strip().replace(" ", "")
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    if CHINESE_NUMERAL.match(text):
        return _parse_chinese_numeral(text)
    return None


def _parse_chinese_numeral(text: str) -> float | None:
    if all(ch in CHINESE_DIGIT for ch in text):  # digit by digit: 二〇二五
        return float("".join(str(CHINESE_DIGIT[ch]) for ch in text))
    total, section, digit = 0, 0, None
    last_unit = None  # the unit just before a trailing digit: 一千二 is 1200
    for ch in text:
        if ch in CHINESE_DIGIT:
            if digit:  # two digits in a row (十二五) is no number
                return None
            digit = CHINESE_DIGIT[ch]
            if ch in "零〇○":
                last_unit = None
        elif ch in CHINESE_SMALL_UNIT:
            section += (1 if digit is None else digit) * CHINESE_SMALL_UNIT[ch]
            digit, last_unit = None, CHINESE_SMALL_UNIT[ch]
        elif ch in CHINESE_BIG_UNIT:
            section += digit or 0
            total += (section or 1) * CHINESE_BIG_UNIT[ch]
            section, digit, last_unit = 0, None, CHINESE_BIG_UNIT[ch]
        else:
            return None
    if digit and last_unit and last_unit >= 100:  # 一千二, 两万三: the next place down
        digit *= last_unit // 10
    return float(total + section + (digit or 0))


@lru_cache(maxsize=4096)
def normalise_unit(unit_raw: str | None) -> tuple[str | None, float]:
    """The base unit and the multiplier of a unit as written.

    >>> normalise_unit("万人"), normalise_unit("亿元"), normalise_unit("名")
    (('人', 10000), ('元', 100000000), ('人', 1))
    >>> normalise_unit("个百分点"), normalise_unit("万人次"), normalise_unit("斤两")
    (('个百分点', 1), ('人次', 10000), (None, 1))
    """
    if not unit_raw:
        return None, 1
    unit = unit_raw.translate(FULLWIDTH).strip().replace(" ", "")
    base, magnitudes = _units()
    if unit in base:
        return base[unit], 1
    for prefix in sorted(magnitudes, key=len, reverse=True):
        if unit.startswith(prefix) and unit[len(prefix) :] in base:
            return base[unit[len(prefix) :]], magnitudes[prefix]
    return None, 1


def _scaled(value: float, multiplier: float) -> float:
    # Round away binary noise: 76.88 × 10000 is 768800, not 768799.9999.
    return round(value * multiplier, 6)


# --- quantities in running text ---------------------------------------------------------


def _match_unit(text: str, pos: int) -> tuple[str, int, bool] | None:
    """The unit at `pos` (without an `余`/`多` inside it), where it ends, and
    whether such an approximation word stood inside it."""
    m = _unit_pattern().match(text, pos)
    if not m:
        return None
    unit = m.group("unit") or m.group("magnitude") + m.group("base")
    following = text[m.end() : m.end() + 1]
    last = unit[-1]
    if following and last in NOT_A_UNIT_AFTER and following in NOT_A_UNIT_AFTER[last]:
        return None
    return unit, m.end(), bool(m.group("approx"))


@cache
def _comparator_patterns() -> tuple[re.Pattern, re.Pattern, dict[str, str], dict[str, str]]:
    """(a cue ending a text, a cue starting one, cue → comparator before, after);
    the longest cue wins, as the alternatives are longest first."""
    before, after = _comparator_cues()
    ending = re.compile("(?:" + "|".join(re.escape(cue) for cue, _ in before) + ")$")
    starting = re.compile("|".join(re.escape(cue) for cue, _ in after))
    return ending, starting, dict(before), dict(after)


def _comparator_after(text: str, pos: int) -> tuple[str, int] | None:
    rest = text[pos : pos + 6].lstrip(" ")
    skipped = len(text[pos : pos + 6]) - len(rest)
    _, starting, _, ops = _comparator_patterns()
    m = starting.match(rest)
    return (ops[m.group()], pos + skipped + m.end()) if m else None


def _comparator_before(text: str, pos: int) -> str | None:
    before = text[max(0, pos - 4) : pos].rstrip(" ")
    ending, _, ops, _ = _comparator_patterns()
    m = ending.search(before)
    return ops[m.group()] if m else None


# What follows a number that is no quantity (see `_is_excluded`).
CLOSING_BRACKET = re.compile(r"\s*[〕\]】)）]")
YEAR_FOLLOWS = re.compile(r"\s*(年|[-—–~至]\s*(19|20)\d\d|[.\-/]\d{1,2}[.\-/])")
YEAR_WORD = re.compile(r"\s*年")
DATE_OR_RANK_WORD = re.compile(r"\s*(月|日|号|时|点\d|届|级|次会议|周年)")
PLUS_NAME = re.compile(r"\+[A-Za-z\u4e00-\u9fff]")


def _is_excluded(text: str, start: int, end: int, number: str) -> bool:
    """Numbers that are no quantity: years, dates, document numbers, ordinals,
    codes and names that contain digits."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 8]
    if before in ("第", "〔", "[", "【", "(", "（") and CLOSING_BRACKET.match(after) and YEAR_LIKE.match(number):
        return True  # 〔2017〕 in a document number
    if before == "第" or (before and before.isascii() and before.isalpha()):
        return True
    if ORDINAL_LIST_BEFORE.search(text, max(0, start - 12), start):
        return True  # the 3 of `第2和3名`, the 6 of `第4至6名`
    if after[:1].isascii() and after[:1].isalpha() and after[:1] not in "":
        return True  # 5G, 3D
    if YEAR_LIKE.match(number) and YEAR_FOLLOWS.match(after):
        return True
    if NUMBERED_YEAR.match(number) and YEAR_WORD.match(after):
        return True  # `1.2017年`: an item number before a year
    if DATE_OR_RANK_WORD.match(after):
        return True
    if PLUS_NAME.match(after):
        return True  # “1+N”
    if before in ("“", '"', "「") and NAME_SUFFIX.match(after):
        return True  # “3551人才计划”
    return False


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a unit (or with a comparator) in a text, in base units.

    >>> [(q.value, q.unit) for q in find_quantities("分别为76.88、95.69、21.30万人")]
    [(768800.0, '人'), (956900.0, '人'), (213000.0, '人')]
    >>> q = find_quantities("报销比例达到50-55%")[0]
    >>> (q.value, q.value_max, q.unit)
    (50.0, 55.0, '%')
    >>> [(q.value, q.comparator) for q in find_quantities("累计9887余万元")]
    [(98870000.0, '>=')]
    >>> find_quantities("津人社局发〔2017〕30号 2017年3月21日 “3551人才计划” 12333")
    []
    """
    text = text.translate(FULLWIDTH)
    raw_numbers = [m for m in NUMBER.finditer(text) if not _is_excluded(text, m.start(), m.end(), m.group())]
    quantities: list[Quantity] = []
    pending: list[Quantity] = []  # numbers of a `76.88、95.69、21.30万人` list waiting for the unit
    i = 0
    while i < len(raw_numbers):
        m = raw_numbers[i]
        start, end, value = m.start(), m.end(), float(m.group().replace(",", ""))
        value_max = None
        comparator = _comparator_before(text, start) or "="
        pos = end
        infix = APPROXIMATE_INFIX.match(text, pos)
        if infix and _match_unit(text, infix.end()):
            comparator, pos = ">=", infix.end()
        unit_match = _match_unit(text, pos)
        # a range: `50-55%`, `50%-55%`, `3至5万人`, `3万至5万人`, `10-20个百分点`
        magnitude = None if unit_match else _magnitude_pattern().match(text, pos)
        sep = RANGE_SEPARATOR.match(text, unit_match[1] if unit_match else magnitude.end() if magnitude else pos)
        if sep and i + 1 < len(raw_numbers) and raw_numbers[i + 1].start() == sep.end():
            second = raw_numbers[i + 1]
            second_unit = _match_unit(text, second.end())
            if magnitude and second_unit:  # both ends must carry the same magnitude
                same = normalise_unit(second_unit[0])[1] == _units()[1][magnitude.group("magnitude")]
                second_unit = second_unit if same else None
            if second_unit or unit_match:
                value_max = float(second.group().replace(",", ""))
                unit_match = second_unit or (unit_match[0], second.end(), unit_match[2])
                i += 1
        unit_raw = None
        if unit_match:
            unit_raw, pos, approximate = unit_match
            if approximate:  # `13.7万余个`
                comparator = ">="
        after = _comparator_after(text, pos)
        if after:
            comparator, pos = after[0], after[1]
        if unit_raw is None and text[pos : pos + 1] in LIST_JOINERS and comparator == "=":
            pending.append(Quantity(value=value, unit=None, raw=text[start:end], start=start, end=end))
            i += 1
            continue
        base, multiplier = normalise_unit(unit_raw)
        if unit_raw is not None and base is None:
            unit_raw = None
        for p in pending:
            if unit_raw is not None and text[p.end : p.end + 1] in LIST_JOINERS:
                quantities.append(
                    Quantity(value=_scaled(p.value, multiplier), unit=base, raw=p.raw, unit_raw=unit_raw, start=p.start, end=p.end)
                )
        pending = []
        if unit_raw is None and comparator == "=":
            i += 1
            continue
        quantities.append(
            Quantity(
                value=_scaled(value, multiplier),
                unit=base,
                comparator=comparator,
                value_max=_scaled(value_max, multiplier) if value_max is not None else None,
                raw=text[start:pos],
                unit_raw=unit_raw,
                start=start,
                end=pos,
            )
        )
        i += 1
    return sorted(quantities, key=lambda q: q.start)


# --- table cells ---------------------------------------------------------------------

CELL = re.compile(
    r"^(?P<before>[<>≥≤]=?|不低于|不少于|不超过|超过|约)?\s*"
    r"(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(?P<infix>余|多)?\s*"
    r"(?P<unit>[^\d\s(（]{0,6}?)\s*"
    r"(?P<after>[(（]?\s*(以内|以上|以下|左右|及以上)\s*[)）]?)?\s*"
    r"(?P<note>[(（][^\d]*[)）])?$"
)
RANGE_CELL = re.compile(r"^(?P<low>\d+(?:\.\d+)?)\s*(?P<unit1>%?)\s*[-—–~至]\s*(?P<high>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,6})$")
COMPARATOR_WORDS = {"<": "<=", "<=": "<=", "≤": "<=", ">": ">=", ">=": ">=", "≥": ">=", "不低于": ">=", "不少于": ">=",
                    "超过": ">=", "不超过": "<=", "约": "~", "以内": "<=", "以下": "<=", "以上": ">=", "及以上": ">=", "左右": "~"}


DIGIT = re.compile(r"\d")
BRACKETED_CELL = re.compile(r"^[\[［【](.*)[\]］】]$")


# Table extraction asks for the same cell several times (is it a value? whose
# unit? does the column add up?); a Quantity is immutable, so it is shared.
@lru_cache(maxsize=4096)
def parse_cell(text: str, unit: str | None = None) -> Quantity | None:
    """The value of a table cell, with the row's or column's unit applied.

    >>> q = parse_cell("48", "万人"); (q.value, q.unit)
    (480000.0, '人')
    >>> q = parse_cell("4.6(以内)", "%"); (q.value, q.unit, q.comparator)
    (4.6, '%', '<=')
    >>> q = parse_cell(">99", "%"); (q.value, q.comparator)
    (99.0, '>=')
    >>> q = parse_cell("98(“三上企业”)", "%"); q.value
    98.0
    >>> parse_cell("—"), parse_cell("12 : 31 : 57"), parse_cell("与经济增长同步"), parse_cell("2017年")
    (None, None, None, None)
    """
    if not text:
        return None
    cleaned = text.translate(FULLWIDTH).strip().strip("\u3000")
    # `[100]`: a five-year cumulative figure, bracketed in indicator tables.
    cleaned = BRACKETED_CELL.sub(r"\1", cleaned).strip()
    if not cleaned or not DIGIT.search(cleaned):
        return None
    m = CELL.match(cleaned)
    value_max = None
    if m:
        number = m.group("number")
        cell_unit = m.group("unit") or None
        comparator = COMPARATOR_WORDS.get(m.group("before") or "", "=")
        if m.group("infix"):
            comparator = ">="
        if m.group("after"):
            comparator = COMPARATOR_WORDS[re.sub(r"[\s()（）]", "", m.group("after"))]
    else:
        r = RANGE_CELL.match(cleaned)
        if not r:
            return None
        number, value_max, cell_unit, comparator = r.group("low"), float(r.group("high")), r.group("unit") or r.group("unit1") or None, "="
    if cell_unit and YEAR_LIKE.match(number) and cell_unit.startswith("年"):
        return None
    if cell_unit:
        approximate = _unit_pattern().fullmatch(cell_unit)
        if approximate and approximate.group("approx"):  # `13.7万余个`
            cell_unit, comparator = approximate.group("magnitude") + approximate.group("base"), ">="
        base, multiplier = normalise_unit(cell_unit)
        if base is None:
            return None
        unit_raw = cell_unit
    else:
        base, multiplier = normalise_unit(unit)
        unit_raw = unit.strip() if unit and base is not None else None
    value = float(number.replace(",", ""))
    return Quantity(
        value=_scaled(value, multiplier),
        unit=base,
        comparator=comparator,
        value_max=_scaled(value_max, multiplier) if value_max is not None else None,
        raw=text.strip(),
        unit_raw=unit_raw,
        start=0,
        end=len(text),
    )
