"""Detect what a document says about itself from its text alone.

`detect_metadata(text)` finds the title, city and province, doc_type, plan
period, year, issue date, document number (文号) and issuer of a local-government
planning document. It reads the places a Chinese government document states
them: the red-header banner (`天津市人力资源和社会保障局文件`), the 文号 line under
it, the heading (often split over two lines, and for a 通知 that 印发 a plan the
plan's title inside it), the signature and date lines, and on web pages the
portal's `发布日期:`/`来源:` fields.

Everything place- or type-specific lives in data files (`data/cities.csv`,
`data/provinces.csv`, `data/doc_types.yml`); the regular expressions below only
describe the shape of Chinese official documents. A manifest (see
`ingest/manifest.py`) overrides what is detected here, never the other way round.

    >>> m = detect_metadata("武汉市人民政府文件\\n武政[2016]36号\\n"
    ...     "市人民政府关于印发武汉市就业促进“十三五”规划的通知\\n各区人民政府：")
    >>> m.city, m.doc_type, m.period, m.doc_number, m.issuer, m.year
    ('武汉市', 'five_year_plan', '十三五', '武政[2016]36号', '武汉市人民政府', 2016)
    >>> m.title
    '武汉市就业促进“十三五”规划'
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.document import Metadata

DATA_DIR = Path(__file__).parent / "data"

DOC_TYPES = ("five_year_plan", "annual_plan", "assessment", "interpretation", "other")

# How far from the top and the bottom the header and signature blocks reach,
# counted in non-empty lines.
HEAD_LINES = 15
TAIL_LINES = 8
# Longest line that can be part of a heading, and most lines a heading spans.
HEADING_MAX_CHARS = 60
HEADING_MAX_LINES = 3


# ---------------------------------------------------------------------------
# Data files, loaded once


@lru_cache(maxsize=1)
def _cities() -> dict[str, dict[str, str]]:
    """cities.csv rows keyed by full Chinese name (天津市)."""
    with (DATA_DIR / "cities.csv").open(encoding="utf-8", newline="") as f:
        return {row["name_zh"]: row for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _provinces() -> dict[str, dict[str, str]]:
    """provinces.csv rows keyed by full Chinese name (浙江省)."""
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8", newline="") as f:
        return {row["name_zh"]: row for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _doc_type_rules() -> tuple[int, list[tuple[str, list[re.Pattern], list[re.Pattern]]]]:
    """(text_window, [(doc_type, title cues, text cues)]) from doc_types.yml, in order."""
    with (DATA_DIR / "doc_types.yml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    rules = []
    for entry in data["doc_types"]:
        if entry["type"] not in DOC_TYPES:
            raise ValueError(
                f"doc_types.yml: unknown type {entry['type']!r}; must be one of {DOC_TYPES}"
            )
        rules.append((entry["type"], _compile(entry.get("title")), _compile(entry.get("text"))))
    return int(data.get("text_window", 2000)), rules


def _compile(cues: list[str] | None) -> list[re.Pattern]:
    return [re.compile(cue, re.MULTILINE) for cue in cues or []]


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    """Any city or province full name, longest first so 津市市 never hides 天津市."""
    names = sorted({*_cities(), *_provinces()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def city_info(name_zh: str) -> dict[str, str] | None:
    """What cities.csv says about a city: English name, province, level, parent.

    Accepts the full name or, when it names one city only, the short name.

        >>> city_info("如皋市")["parent_zh"], city_info("如皋")["province_en"]
        ('南通市', 'Jiangsu')
        >>> city_info("天津市")["level"], city_info("不存在市") is None
        ('municipality', True)
    """
    cities = _cities()
    if name_zh in cities:
        return dict(cities[name_zh])
    matches = [row for row in cities.values() if row["short_zh"] == name_zh]
    return dict(matches[0]) if len(matches) == 1 else None


# ---------------------------------------------------------------------------
# Small parsers (pure, None when the input holds nothing of the kind)

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "Ｏ": 0}

# 2017年3月21日 (spaces allowed around the parts, as in PDFs)
_DATE_ARABIC = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
# 二〇一七年三月二十一日
_DATE_CHINESE = r"[〇○零OＯ一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日"
# 2020-07-15, 2020/7/15, 2020.07.15 (web pages)
_DATE_NUMERIC = r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
_DATE = re.compile(f"{_DATE_ARABIC}|{_DATE_CHINESE}|{_DATE_NUMERIC}")
_DATE_PARTS = re.compile(r"^(\S+?)\s*[年/.-]\s*(\S+?)\s*[月/.-]\s*(\S+?)\s*日?$")


def _cn_small_int(s: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21, 三十 → 30; digits pass through."""
    if s.isdigit():
        return int(s)
    head, ten, tail = s.partition("十")
    if not ten:
        return _CN_DIGITS.get(s) if len(s) == 1 else None
    tens = _CN_DIGITS.get(head) if head else 1
    ones = _CN_DIGITS.get(tail) if tail else 0
    return None if tens is None or ones is None else tens * 10 + ones


def _cn_year(s: str) -> int | None:
    """二〇一七 → 2017; 2017 → 2017."""
    if s.isdigit():
        return int(s)
    digits = [_CN_DIGITS.get(c) for c in s]
    return None if None in digits else int("".join(map(str, digits)))


def parse_date(s: str) -> str | None:
    """The first date in `s` as an ISO string, or None.

        >>> parse_date("2017年3月21日")
        '2017-03-21'
        >>> parse_date("二〇一七年三月二十一日印发")
        '2017-03-21'
        >>> parse_date("发布日期:2020-07-15 来源:市人力资源与社会保障局")
        '2020-07-15'
        >>> parse_date("2021年2月30日") is None, parse_date("2017年") is None
        (True, True)
    """
    m = _DATE.search(s.translate(_FULLWIDTH_DIGITS))
    if not m:
        return None
    parts = _DATE_PARTS.match(re.sub(r"\s+", "", m.group()))
    if not parts:
        return None
    year, month, day = _cn_year(parts[1]), _cn_small_int(parts[2]), _cn_small_int(parts[3])
    try:
        return dt.date(year, month, day).isoformat()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# A 文号: issuer code of Chinese characters, the year in brackets (〔〕 officially,
# often [] ［］ 【】 () （） in practice), the serial number and 号:
# 津人社局发〔2017〕30号, 武政[2016]36号, 如政办发〔2021〕15号, 国办发〔2016〕第5号
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
)
# The year inside a 文号's brackets
_DOC_NUMBER_YEAR = re.compile(r"[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]")


def parse_doc_number(s: str) -> str | None:
    """The first 文号 in `s`, whitespace removed, brackets as written; else None.

        >>> parse_doc_number("津人社局发〔2017〕30号")
        '津人社局发〔2017〕30号'
        >>> parse_doc_number("舟政发 〔2016〕 7 号")
        '舟政发〔2016〕7号'
        >>> parse_doc_number("2017年3月21日") is None
        True
    """
    m = _DOC_NUMBER.search(s.translate(_FULLWIDTH_DIGITS))
    return re.sub(r"\s+", "", m.group()) if m else None


# Plan periods: 十三五, 第十三个五年, or a five-year span 2016-2020年
_PERIOD_LABEL = re.compile(r"十[一二三四五六七八九]五")
_PERIOD_ORDINAL = re.compile(r"第(十[一二三四五六七八九]?)个五年")
_PERIOD_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–－~～至到]\s*((?:19|20)\d{2})\s*年")
_PERIOD_NUMERALS = "一二三四五六七八九"


def period_years(label: str) -> tuple[int, int] | None:
    """First and last year of a five-year plan period (regular from the 3rd plan on).

        >>> period_years("十三五"), period_years("十五"), period_years("十五五")
        ((2016, 2020), (2001, 2005), (2026, 2030))
    """
    m = re.fullmatch(r"十([一二三四五六七八九]?)五", label)
    if not m:
        return None
    n = 10 + (_PERIOD_NUMERALS.index(m[1]) + 1 if m[1] else 0)
    start = 2006 + 5 * (n - 11)
    return start, start + 4


def _period_label(start: int, end: int) -> str | None:
    """2016, 2020 → 十三五 when the span is a plan period, else None."""
    if end - start != 4 or (start - 2001) % 5:
        return None
    n = 10 + (start - 2001) // 5
    return "十" + (_PERIOD_NUMERALS[n - 11] if n > 10 else "") + "五"


def parse_periods(s: str) -> list[str]:
    """Plan periods named in `s`, in order of appearance.

        >>> parse_periods("“十三五”时期（2016-2020年）与第十四个五年规划")
        ['十三五', '十三五', '十四五']
    """
    found = [(m.start(), m.group()) for m in _PERIOD_LABEL.finditer(s)]
    found += [(m.start(), m[1] + "五") for m in _PERIOD_ORDINAL.finditer(s)]
    for m in _PERIOD_SPAN.finditer(s):
        label = _period_label(int(m[1]), int(m[2]))
        if label:
            found.append((m.start(), label))
    return [label for _, label in sorted(found)]


def _period_rank(label: str) -> int:
    years = period_years(label)
    return years[0] if years else 0


# ---------------------------------------------------------------------------
# Line shapes of an official document

# Organisation names end with one of these (局, 人民政府办公室, 委员会 …)
_ORG_END = r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|办公厅|办公室|委员会|委|局|厅|院|中心|办)"
_ORG = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,40}}?{_ORG_END}$")
# Red-header banner: 天津市人力资源和社会保障局文件 (joint issuers separated by spaces)
_BANNER = re.compile(r"^(?P<orgs>[\u4e00-\u9fff（）()\s]{3,80}?)\s*文\s*件$")
# A line that is only a date, maybe after the signing org and before 印发:
# "2017年3月21日", "如皋市人民政府办公室   2021年4月19日印发"
_DATE_LINE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()\s]*?)\s*(?P<date>{_DATE_ARABIC}|{_DATE_CHINESE})"
    r"\s*(?P<verb>印发|发布|签发|制发)?\s*(?:[（(][^）)]*[）)])?$"
)
# Portal fields on web pages: 发布日期:2020-07-15, 成文日期：2016年5月3日, 来源:市人社局
_ISSUE_DATE_FIELD = re.compile(r"(?:成文日期|发文日期|印发日期)\s*[:：]\s*(?P<date>\S+)")
_POSTING_DATE_FIELD = re.compile(r"(?:发布日期|发布时间|发表时间|日期)\s*[:：]\s*(?P<date>\S+)")
_SOURCE_FIELD = re.compile(r"(?:发文机关|发布机构|来源)\s*[:：]\s*(?P<org>[\u4e00-\u9fff（）()]+)")
_DOC_NUMBER_FIELD = re.compile(r"(?:文号|发文字号)\s*[:：]\s*(?P<num>\S+)")
# A 文号 standing on its own line, maybe beside 签发人：某某
_DOC_NUMBER_LINE = re.compile(
    rf"^(?:签发人\s*[:：]\s*\S+\s+)?(?P<num>{_DOC_NUMBER.pattern})(?:\s+签发人\s*[:：]\s*\S+)?$"
)
# Notice heading that hands on another document: …关于印发《X》的通知 → X
_NOTICE = re.compile(r"^(?P<org>.*?)关于(?:印发|转发|下发|发布|公布)(?P<title>.+?)的(?:通知|决定)$")
# Cover sentence of such a notice: 现将《X》印发给你们 / 《X》已经市政府同意，现印发
_COVER = re.compile(r"(?:现将|^)《(?P<title>[^《》]{4,80})》(?:印发|已经)")
# The subject of an interpretation: 《X》(以下简称《规划》)
_SUBJECT = re.compile(r"《(?P<title>[^《》]{4,80})》\s*[(（]\s*以下简称")
_QUOTED_PLAN = re.compile(r"《(?P<title>[^《》]{4,80}(?:规划|纲要|计划|办法|方案|细则))》")
# Words a heading ends with (before an optional （2021—2025年） or （试行）)
_TITLE_END = re.compile(
    r"(?:规划|纲要|计划|办法|细则|方案|意见|要点|通知|解读|答记者问|问答|决定|报告|标准|安排|任务)"
    r"[》”\"]?\s*(?:[（(][^）)]{1,20}[）)])?$"
)
# Not part of a heading: sentence punctuation, 当前位置 breadcrumbs, portal fields,
# numbered section heads (一、 (一) 1.), 附件 lines, parenthetical notes
_NOT_HEADING = re.compile(
    r"[，。；：:!！?？>|]|^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|附件|抄送|[（(])"
)
# Characters allowed right before a place name inside a run of Chinese text.
# Elsewhere a preceding character usually means the name is part of another word:
# 沿海城市 is not 海城市, 新兴城市 not 兴城市.
_BEFORE_PLACE = set("年在至和与及对的于为是将由向从到赴同经据按共省州盟市区县")


def _lines(text: str) -> list[str]:
    """Non-empty lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _squash(s: str) -> str:
    """Remove all whitespace (headings are often split or spaced out)."""
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------------------
# Pipeline steps: lines → title, type, period, dates, number, issuer, place


def _heading_runs(head: list[str]) -> list[str]:
    """Candidate headings: runs of consecutive heading-like lines in the header,
    each run and each of its leading parts joined into one string, longest first.

    A title is often broken over two or three lines; lines with sentence
    punctuation, dates, 文号, banners, signatures and section numbers end a run.
    A run may also carry a short line after the title (前言), hence the parts.
    """
    runs: list[list[str]] = [[]]
    for line in head:
        heading_like = (
            len(line) <= HEADING_MAX_CHARS
            and not _NOT_HEADING.search(line)
            and not _BANNER.match(line)
            and not _DATE.search(line)
            and not _DOC_NUMBER.search(line)
            and not _ORG.match(_squash(line))
        )
        if heading_like and len(runs[-1]) < HEADING_MAX_LINES:
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([line] if heading_like else [])
    return [_squash("".join(run[:n])) for run in runs for n in range(len(run), 0, -1)]


def _strip_quotes(title: str) -> str:
    return title[1:-1] if title.startswith("《") and title.endswith("》") else title


def lines_to_title(lines: list[str]) -> str | None:
    """The document's own title: the plan a notice hands on, else the first heading."""
    head = lines[:HEAD_LINES]
    runs = _heading_runs(head)
    for run in runs:
        m = _NOTICE.match(run)
        if m:
            return _strip_quotes(m["title"])
    for line in head:
        m = _COVER.search(line)
        if m:
            return m["title"]
    for run in runs:
        if _TITLE_END.search(run):
            return run
    return None


def _interpretation_title(title: str | None, text: str) -> str | None:
    """An interpretation's title says so: 《X》解读, X being the document interpreted."""
    if title and re.search(r"解读|答记者问|问答|发布会", title):
        return title
    head = text[:1000]
    m = _SUBJECT.search(head) or _QUOTED_PLAN.search(head)
    subject = m["title"] if m else title
    return f"《{_strip_quotes(subject)}》解读" if subject else None


def detect_doc_type(title: str | None, text: str) -> str:
    """five_year_plan, annual_plan, assessment, interpretation or other, by doc_types.yml.

        >>> detect_doc_type("《天津市人力资源和社会保障事业发展“十四五”规划》解读", "")
        'interpretation'
        >>> detect_doc_type("2021年人力资源和社会保障工作考核办法", "")
        'assessment'
        >>> detect_doc_type("2017年天津市人力资源和社会保障事业发展计划", "考评办法")
        'annual_plan'
    """
    window, rules = _doc_type_rules()
    if title:
        for doc_type, title_cues, _ in rules:
            if any(cue.search(title) for cue in title_cues):
                return doc_type
    opening = text[:window]
    for doc_type, _, text_cues in rules:
        if any(cue.search(opening) for cue in text_cues):
            return doc_type
    return "other"


def _period(title: str | None, text: str, doc_type: str) -> str | None:
    """The plan period the title names; for a five-year plan without one, the
    latest period its opening text names (earlier ones are achievements)."""
    in_title = parse_periods(title or "")
    if in_title:
        return in_title[0]
    if doc_type == "five_year_plan":
        window, _ = _doc_type_rules()
        in_text = parse_periods(text[:window])
        return max(in_text, key=_period_rank) if in_text else None
    return None


def lines_to_doc_number(lines: list[str]) -> str | None:
    """The 文号 on a line of its own in the header or signature block (or a portal
    文号 field); numbers cited inside sentences belong to other documents."""
    for line in lines[:HEAD_LINES] + lines[-TAIL_LINES:]:
        field = _DOC_NUMBER_FIELD.search(line)
        if field and parse_doc_number(field["num"]):
            return parse_doc_number(field["num"])
        m = _DOC_NUMBER_LINE.match(line)
        if m:
            return parse_doc_number(m["num"])
    return None


def lines_to_dates(lines: list[str]) -> dict[str, str]:
    """Candidate dates by source: `field` (成文日期), `signed` (a date line),
    `printed` (…印发 line), `posted` (a web page's 发布日期)."""
    found: dict[str, str] = {}
    edges = lines[:HEAD_LINES] + lines[-TAIL_LINES:]
    for line in edges:
        for kind, pattern in (("field", _ISSUE_DATE_FIELD), ("posted", _POSTING_DATE_FIELD)):
            m = pattern.search(line)
            if m and kind not in found and parse_date(m["date"]):
                found[kind] = parse_date(m["date"])  # type: ignore[assignment]
        m = _DATE_LINE.match(line)
        if m:
            kind = "printed" if m["verb"] else "signed"
            found.setdefault(kind, parse_date(m["date"]))  # type: ignore[arg-type]
    return found


def _plausible_issue_year(issued_year: int, doc_type: str, period: str | None, year: int | None) -> bool:
    """Whether a web page's posting year can stand for the issue year: a five-year
    plan is issued within a year of its period's start, an annual plan or
    assessment in its year or the year before."""
    if doc_type == "five_year_plan" and period:
        start, _ = period_years(period) or (issued_year, 0)
        return start - 1 <= issued_year <= start + 1
    if doc_type in ("annual_plan", "assessment") and year:
        return year - 1 <= issued_year <= year
    return True


def _split_orgs(orgs: str) -> str:
    """Joint issuers written side by side become 'A、B'."""
    return "、".join(o for o in re.split(r"\s+", orgs.strip()) if o)


def _signers_above(lines: list[str]) -> str | None:
    """The organisations signing on the lines right above a date line (joint
    signatures stand one per line), as 'A、B'."""
    signers: list[str] = []
    for line in reversed(lines[-3:]):
        if not _ORG.match(_squash(line)):
            break
        signers.insert(0, _squash(line))
    return "、".join(signers) or None


def lines_to_issuer(lines: list[str]) -> str | None:
    """The issuing organisation, from the strongest evidence available: the red-header
    banner, the signature above the date, a portal 来源 field, the 印发 line,
    the org before 关于 in the heading."""
    head, tail = lines[:HEAD_LINES], lines[-TAIL_LINES:]
    for line in head[:5] + tail:
        m = _BANNER.match(line)
        if m and _ORG.match(_squash(m["orgs"].split()[-1])):
            return _split_orgs(m["orgs"])
    for block in (head, tail):
        for i, line in enumerate(block):
            m = _DATE_LINE.match(line)
            if not m or m["verb"]:
                continue
            if m["org"].strip() and _ORG.match(_squash(m["org"])):
                return _split_orgs(m["org"])
            signers = _signers_above(block[:i])
            if signers:
                return signers
    for line in head:
        m = _SOURCE_FIELD.search(line)
        if m and _ORG.match(m["org"]):
            return m["org"]
    for line in tail:
        m = _DATE_LINE.match(line)
        if m and m["verb"] == "印发" and _ORG.match(_squash(m["org"])):
            return _squash(m["org"])
    for run in _heading_runs(head):
        m = _NOTICE.match(run)
        if m and _ORG.match(m["org"]):
            return m["org"]
    return None


def _place_mentions(s: str) -> list[str]:
    """City and province full names in `s`, in order, skipping names that are part
    of another word (沿海城市, 东方市场)."""
    found = []
    for m in _place_pattern().finditer(s):
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if after == "场":  # 天津市场 is a market, not the city
            continue
        if before and "\u4e00" <= before <= "\u9fff" and before not in _BEFORE_PLACE:
            continue
        found.append(m.group())
    return found


def _most_specific(names: list[str]) -> tuple[str | None, str | None]:
    """(city, province) from place names: a county-level city beats its prefecture,
    a city beats a province."""
    cities = _cities()
    rank = {"county_level_city": 0, "prefecture": 1, "sub_provincial": 1, "municipality": 2}
    in_cities = [n for n in names if n in cities]
    if in_cities:
        city = min(in_cities, key=lambda n: rank[cities[n]["level"]])
        return city, cities[city]["province_zh"]
    provinces = [n for n in names if n in _provinces()]
    return None, (provinces[0] if provinces else None)


def _speaks_as_province(text: str) -> bool:
    """Whether the text speaks for a province (我省/全省) more than for a city (我市/全市)."""
    return len(re.findall(r"[我全本]省", text)) > len(re.findall(r"[我全本]市", text))


def find_place(issuer: str | None, title: str | None, text: str) -> tuple[str | None, str | None]:
    """(city, province) of the document: the issuer's place, else the title's,
    else the city the text names most (unless it speaks for a whole province)."""
    for source in (issuer, title):
        city, province = _most_specific(_place_mentions(source or ""))
        if city or province:
            return city, province
    mentions = Counter(_place_mentions(text))
    cities = [n for n, _ in mentions.most_common() if n in _cities()]
    provinces = [n for n, _ in mentions.most_common() if n in _provinces()]
    if cities and not _speaks_as_province(text):
        return cities[0], _cities()[cities[0]]["province_zh"]
    return None, (provinces[0] if provinces else None)


def _expand_issuer(issuer: str | None, city: str | None) -> str | None:
    """市人力资源和社会保障局 → 舟山市人力资源和社会保障局 when the city is known."""
    if issuer and city and issuer.startswith("市") and city.endswith("市"):
        return city[:-1] + issuer
    return issuer


def _year(doc_type: str, title: str | None, issued_date: str | None, doc_number: str | None) -> int | None:
    """The year the document is about: an annual plan's or assessment's year from
    its title; otherwise the issue year (date, else the 文号's year)."""
    if doc_type in ("annual_plan", "assessment") and title:
        m = re.search(r"((?:19|20)\d{2})\s*年", title)
        if m:
            return int(m[1])
    if issued_date:
        return int(issued_date[:4])
    m = _DOC_NUMBER_YEAR.search(doc_number or "")
    return int(m[1]) if m else None


def detect_metadata(text: str) -> Metadata:
    """Title, city, province, doc_type, period, year, issue date, 文号 and issuer,
    as far as the text states them; unknown fields are None."""
    lines = _lines(text)
    title = lines_to_title(lines)
    doc_type = detect_doc_type(title, text)
    if doc_type == "interpretation":
        title = _interpretation_title(title, text)
    period = _period(title, text, doc_type)
    doc_number = lines_to_doc_number(lines)
    issuer = lines_to_issuer(lines)
    city, province = find_place(issuer, title, text)

    dates = lines_to_dates(lines)
    issued_date = dates.get("field") or dates.get("signed") or dates.get("printed")
    year = _year(doc_type, title, issued_date, doc_number)
    posted = dates.get("posted")
    if not issued_date and posted and _plausible_issue_year(int(posted[:4]), doc_type, period, year):
        issued_date = posted
        year = year or int(posted[:4])

    return Metadata(
        title=title,
        city=city,
        province=province,
        doc_type=doc_type,
        period=period,
        year=year,
        issued_date=issued_date,
        doc_number=doc_number,
        issuer=_expand_issuer(issuer, city),
    )
