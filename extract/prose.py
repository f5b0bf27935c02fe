"""Prose → values.

`paragraph_to_sentences` splits a paragraph into sentences with their offsets;
`sentence_to_candidates` finds the quantities of a sentence and drops what is
no indicator value (policy parameters, relative changes, scores, ages);
`candidates_to_values` names each value (the phrase before it, or its item in a
`A、B、C分别达到…` enumeration) and decides its kind, period and year from the
sentence's cues, the section it stands in and the document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from extract.context import DocumentContext
from extract.nlp import prose_pipeline, quantities_in
from extract.periods import find_years, period_of_year, period_years
from extract.quantities import DIGIT, find_quantities
from extract.resources import cue_pattern, load_yaml
from extract.values import IndicatorValue, Quantity
from ingest.document import Paragraph
from ingest.metadata import parse_periods

CLAUSE_BOUNDARY = re.compile(r"[，,：:；;。（(）)“”\"]|[、](?=[^、，。；]{0,3}$)")
NAME_BOUNDARY = re.compile(r"[，,：:；;。（）()“”\"]")
# Units that never measure an indicator value in these documents.
NON_VALUE_UNITS = {"分", "岁", "周岁", "年", "倍", "名次", "月", "日", "天", "小时", "分钟", "届", "次会议"}
HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十]+\s*[)）]|\d+\s*[.．、](?!\d))"
)
MAX_HEADING_LENGTH = 40
FROM_TO = re.compile(r"(由|从)(?P<from>[^，。；]{0,30}?)(提高|增加|增长|上升|提升|扩大|下降|降低|减少|调整|提至|增至|降至)(到|至|为)?")
ENUMERATION_SPLIT = re.compile(r"[、和及与]|以及")
YEAR_RANGE = re.compile(r"(20\d\d)\s*年?\s*(至|到|-|—|－|~)\s*(20\d\d)\s*年")


@dataclass
class Sentence:
    text: str
    start: int  # offset in the document text
    # the sentence's quantities (spans relative to `text`), when a pipeline found them
    quantities: list[Quantity] | None = None


@dataclass
class Candidate:
    quantity: Quantity  # span relative to the sentence
    sentence: Sentence


# --- sentences ---------------------------------------------------------------


def paragraph_to_sentences(paragraph: Paragraph) -> list[Sentence]:
    """The sentences of a paragraph, with their quantities, from the spaCy
    pipeline (`extract.nlp`). A very long paragraph (a whole file on one line)
    goes through the pipeline in pieces cut at sentence ends, so that time and
    memory stay linear in its length."""
    sentences = []
    for offset, piece in _pieces(paragraph.text):
        doc = prose_pipeline()(piece)
        marked = [(span.start_char, span.end_char, span._.quantity) for span in doc.spans["quantities"]]
        starts = [m[0] for m in marked]
        for sent in doc.sents:
            # Sliced from the piece: `sent.text` joins the sentence's tokens again.
            sent_text = piece[sent.start_char : sent.end_char]
            text = sent_text.strip()
            if not text:
                continue
            start = sent.start_char + (len(sent_text) - len(sent_text.lstrip()))
            quantities, i = [], bisect_left(starts, start)
            while i < len(marked) and marked[i][0] < start + len(text):
                span_end, quantity = marked[i][1], marked[i][2]
                if span_end <= start + len(text):
                    quantities.append(replace(quantity, start=quantity.start - start, end=quantity.end - start))
                i += 1
            sentences.append(Sentence(text, paragraph.start + offset + start, quantities))
    return sentences


MAX_PIECE = 100_000  # characters of a paragraph given to the pipeline at once
# A sentence end and the punctuation after it, which the sentencizer keeps in
# the same sentence (`。”`, `。“`).
PIECE_END = re.compile(r"[。；;！!？?][^\w\s]*")


def _pieces(text: str) -> list[tuple[int, str]]:
    """`text` cut after the last sentence end before every `MAX_PIECE`
    characters (hard cut where a piece has none), with each piece's offset."""
    pieces, offset = [], 0
    while len(text) - offset > MAX_PIECE:
        ends = [m.start() for m in PIECE_END.finditer(text, offset + MAX_PIECE // 2, offset + MAX_PIECE)]
        cut = PIECE_END.match(text, ends[-1]).end() if ends else offset + MAX_PIECE
        pieces.append((offset, text[offset:cut]))
        offset = cut
    pieces.append((offset, text[offset:]))
    return pieces


def heading_kind(text: str) -> str | None:
    """The kind of values under a section heading: a review of the past
    (`主要成就`) → actual; goals and tasks → target; else None."""
    if cue_pattern("review_headings").search(text):
        return "actual"
    if cue_pattern("target_headings").search(text):
        return "target"
    return None


def is_heading(text: str) -> bool:
    head = re.split(r"[。；]", text, maxsplit=1)[0]
    return bool(HEADING.match(text)) and len(head) <= MAX_HEADING_LENGTH


def heading_level(text: str) -> int:
    text = text.strip()
    if re.match(r"^第[一二三四五六七八九十]+[章部分]", text):
        return 0
    if re.match(r"^[一二三四五六七八九十]+\s*、", text):
        return 1
    if re.match(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]", text):
        return 2
    return 3


# --- candidates ----------------------------------------------------------------


def sentence_to_candidates(sentence: Sentence) -> list[Candidate]:
    out = []
    dropped_end = None  # end of the last value dropped as a change or parameter
    text = sentence.text
    quantities = sentence.quantities if sentence.quantities is not None else find_quantities(text)
    for q in quantities:
        if q.unit in NON_VALUE_UNITS or (q.unit_raw and q.unit_raw in NON_VALUE_UNITS):
            continue
        if q.unit is None and q.comparator == "=":
            continue
        listed_after_dropped = dropped_end is not None and text[dropped_end : q.start].strip() in LIST_SEPARATORS + (",", "，")
        if listed_after_dropped or _is_parameter(text, q) or _is_relative_change(text, q) or _is_group_size(text, q):
            dropped_end = q.end
            continue
        dropped_end = None
        out.append(Candidate(quantity=q, sentence=sentence))
    return out


def _is_target_figure(text: str, q: Quantity) -> bool:
    """`5%` in `完成5%以内的目标任务`: the figure of a target."""
    return bool(cue_pattern("target_figure_after").match(text, q.end))


def _is_group_size(text: str, q: Quantity) -> bool:
    """`3个` in `3个国家级开发区分别至少建立5个基地`."""
    return bool(cue_pattern("group_size_after").match(text, q.end))


def _clause_before(text: str, q: Quantity) -> str:
    start = 0
    for m in NAME_BOUNDARY.finditer(text, 0, q.start):
        start = m.end()
    return text[start : q.start]


def _clause_around(text: str, q: Quantity) -> str:
    start = 0
    for m in re.finditer(r"[，,；;。]", text[: q.start]):
        start = m.end()
    end_match = re.search(r"[，,；;。]", text[q.end :])
    end = q.end + end_match.start() if end_match else len(text)
    return text[start:end]


# `得1分`, `扣0.5分`, `1项0.5分`: a scoring rule, whatever else the clause says.
SCORE_EXPRESSION = re.compile(r"\d+(\.\d+)?\s*分(?![钟之别配类期批布散享工析数])")


def _is_parameter(text: str, q: Quantity) -> bool:
    if THRESHOLD_AFTER.match(text[q.end :]):
        return True
    clause = _clause_around(text, q)
    return (
        bool(cue_pattern("parameter_cues").search(clause))
        or bool(cue_pattern("parameter_pattern").search(clause))
        or bool(SCORE_EXPRESSION.search(clause))
    )


# `降低5%`, `增长9.09%`: a change, unless an average annual rate (`年均增长8%`).
CHANGE_VERB_BEFORE = re.compile(r"(?<!年均)(增长|提高|降低|下降|增加|减少|上调|下调|上升)(了|约|近)?\s*$")
# `840元(含)以下部分`, `840元以上各段费用`: a threshold that bounds a bracket.
THRESHOLD_AFTER = re.compile(r"^\s*([(（]含[)）])?\s*(以上|以下)?\s*(各段|部分|的部分)")
# `比“十二五”增长50%`: the period of a comparison, not of the value.
COMPARED_PERIOD = re.compile(r"(比|较|与)“?十[一二三四五六七八九]?五”?(期末|末|时期)?")


def _is_relative_change(text: str, q: Quantity) -> bool:
    before = re.split(r"[，,；;。]", text[: q.start])[-1]
    if cue_pattern("relative_change").search(before):
        return True
    return q.unit == "%" and bool(CHANGE_VERB_BEFORE.search(before))


# --- names ---------------------------------------------------------------------


def clean_name(text: str) -> str:
    """The indicator phrase before a value, without time phrases and verbs.

    >>> clean_name("2017年就业工作目标：全年新增就业")
    '新增就业'
    >>> clean_name("城镇登记失业率控制在")
    '城镇登记失业率'
    """
    text = re.sub(r"\s+", "", text)
    text = re.split(r"[：:]", text)[-1]
    leading = re.compile(load_yaml("cues.yml")["name_leading_pattern"])
    for _ in range(4):
        new = leading.sub("", text)
        if new == text:
            break
        text = new
    trailing = sorted(load_yaml("cues.yml")["name_trailing_words"], key=len, reverse=True)
    changed = True
    while changed and text and text not in trailing:  # `年均增长` alone stays whole
        changed = False
        for word in trailing:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)]
                changed = True
                break
    return text.strip("，、的")


BRACKETED = re.compile(r"[（(][^（）()]{0,30}[)）]")
VERB_ONLY = re.compile(r"^(超额|全面|圆满|提前|顺利)?(达到|达|为|是|提高到|增加到|控制在|保持在|实现|完成|新增|累计)?$")
LEADING_VERBS = re.compile(r"^(提高|提升|加大|扩大|确保|稳定|保持|推进|加快|实现|力争|进一步)+")


def name_for(candidate: Candidate, previous_end: int) -> str:
    text = candidate.sentence.text
    q = candidate.quantity
    before = BRACKETED.sub("", re.sub(r"[“”\"]", "", text[previous_end : q.start]))
    pieces = [p for p in NAME_BOUNDARY.split(before)]
    # `参保人数从“十一五”期末的16.5万人…`: the name stands before 从.
    last = re.split(r"(?<=.)(?:从|由)(?=[^从由]*$)", pieces[-1])[0]
    name = clean_name(last)
    if re.match(r"^(从|由)", last.strip()) and len(pieces) > 1:
        # `…标准逐年提高，从最初的70元/月提高到145元/月`: the subject is in a clause before.
        name = _subject_before(pieces[:-1]) or name
    if VERB_ONLY.match(name) and len(pieces) > 1:
        # `提高企业劳动合同签订率，2017年达到96.7%`: the name is in the clause before.
        name = LEADING_VERBS.sub("", clean_name(pieces[-2]))
    between = text[previous_end : q.start].strip()
    if previous_end and between in LIST_SEPARATORS:
        return ""  # listed after another value: the caller reuses that value's name
    after = "" if _is_target_figure(text, q) else _noun_after(text, q)
    if after and (q.unit_raw in CLASSIFIERS or (q.unit == "%" and text[q.end : q.end + 1] == "的")):
        # `培养5名管理骨干`, `27家定点医疗机构`, `70%的职工`: the indicator follows the value.
        return after
    if after and ACTION_VERB.search(name):
        # `扶持10万人创业`: the verb and what follows the value name it together.
        return ACTION_VERB.search(name).group(1) + after
    if after and len(name) < 2:
        return name + after  # `扶持3万人创业`
    return name


CHANGE_PHRASE = re.compile(r"(逐年|再次|大幅|不断|稳步|持续|进一步)?(提高|增长|增加|提升|上涨|调整)(了)?(标准)?$")


def _subject_before(pieces: list[str]) -> str:
    """The indicator a change is about, from the nearest clause that names it."""
    for piece in reversed(pieces):
        name = clean_name(CHANGE_PHRASE.sub("", clean_name(piece)))
        if len(name) >= 4 and not DIGIT.search(name):
            return name
    return ""


# Units that are classifiers: `100名学生`, `27家医疗机构` count the noun after them.
CLASSIFIERS = {"名", "家", "个", "项", "种", "批", "场", "场次", "所", "位", "件", "家次", "户", "期", "套", "座", "条", "支"}
# Verbs that take a counted object after them: `创建50家基地`, `培养5名专家`.
ACTION_VERB = re.compile(
    r"(创建|培养|引进|建立|建成|新建|扶持|带动|安置|组织|开展|举办|培训|选派|推出|吸纳|引导|帮助|发放|救助|"
    r"深化培养|遴选|支持|资助|认定|评选|表彰|招聘|招录|录用|打造|设立|实施|安置|分赴|受理|选拔|有|共为|为)(了)?$"
)
NOUN_AFTER = re.compile(r"^[\s“”\"]*的?([\u4e00-\u9fff“”\"]{2,30}?)[和与及]?(?=[，,；;。、（(\d]|$)")


def _noun_after(text: str, q: Quantity) -> str:
    m = NOUN_AFTER.match(text[q.end :])
    if not m or cue_pattern("parameter_cues").match(m.group(1)):
        return ""
    noun = m.group(1).strip("“”\"")
    return "" if re.match(r"^(以上|以下|以内|左右|的|，)", noun) else noun


def listed_groups(text: str, quantities: list[Quantity]) -> list[list[int]]:
    """Runs of values listed together (`12万人、30万人和45万人`): indices
    of consecutive values separated only by `、`, `和` or `及`."""
    groups: list[list[int]] = []
    for i, q in enumerate(quantities):
        if groups and text[quantities[groups[-1][-1]].end : q.start].strip() in LIST_SEPARATORS:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


LIST_SEPARATORS = ("、", "和", "及", "与")
SHARE_WORDS = ("占", "占比", "占到", "约占")


def enumeration_names(text: str, quantities: list[Quantity]) -> dict[int, str]:
    """Names for the values of an enumeration, by index of the value:
    `A、B、C参保人数分别达到x、y、z` or `A和B参保率达到x和y`; each item before
    the values names the value in the same position. A later list of as many
    values under one name (`…，新增参保人数为p、q、r`) takes the same items:
    `A新增参保人数`, `B新增参保人数`, …"""
    names: dict[int, str] = {}
    items_before: list[str] = []
    for group in listed_groups(text, quantities):
        if len(group) < 2:
            continue
        first = quantities[group[0]]
        subject = BRACKETED.sub("", re.sub(r"[“”\"]", "", _clause_before(text, first)))
        subject = re.split(r"分别|均", subject)[0] if re.search(r"分别|均", subject) else subject
        items = [clean_name(i) for i in ENUMERATION_SPLIT.split(subject) if i.strip()]
        if len(items) == 1 and len(items_before) == len(group):
            for item, index in zip(items_before, group):
                names[index] = item + items[0]
            continue
        if len(items) != len(group):
            continue
        suffix = _shared_suffix(items)
        bases = [item[: -len(suffix)] if suffix and item.endswith(suffix) else item for item in items]
        joined = [_join_suffix(base, suffix) for base in bases]
        names.update(zip(group, joined))
        items_before = [_strip_measure(name) for name in joined]
    return names


def _join_suffix(item: str, suffix: str) -> str:
    """`工伤保险` + `保险参保人数` → `工伤保险参保人数`: overlapping words once."""
    for k in range(len(suffix), 0, -1):
        if item.endswith(suffix[:k]):
            return item + suffix[k:]
    return item + suffix


def _shared_suffix(items: list[str]) -> str:
    """The head noun that the last item of `养老、医疗、失业保险人数` carries for
    all: the longest known enumeration suffix the last item ends with."""
    last = items[-1]
    for suffix in sorted(load_yaml("cues.yml")["enumeration_suffixes"], key=len, reverse=True):
        if last.endswith(suffix) and len(last) > len(suffix) and not items[0].endswith(suffix):
            return suffix
    return ""


def _strip_measure(item: str) -> str:
    # `养老保险` from `养老保险参保人员总数`: the item without what it counts.
    return re.sub(r"(参保人员总数|参保人员|参保人数|人数|总数)$", "", item)


# --- kind, period, year ------------------------------------------------------------


TIME_PHRASE_AFTER = re.compile(r"^\s*(年度|年底|年末|年初)")
TIME_MARKER_BEFORE = re.compile(r"(^|[，,；;：:、]|到|至|截至|截止|在|于|从|由|自|预计|力争|争取|计划|目标|全年|今年|其中)\s*$")


def year_for(text: str, q: Quantity) -> int | None:
    """The year the value refers to: the nearest year before it that stands as
    a time phrase (`到2020年，…达到`, `，2017年达到`), not as an attribute
    (`面对2016年新录用公务员`)."""
    years = [
        (y, s, e)
        for y, s, e in find_years(text[: q.start])
        if (TIME_MARKER_BEFORE.search(text[:s]) or TIME_PHRASE_AFTER.match(text[e - 1 :]))
        and not COMPARISON_BEFORE.search(text[:s])
        and not SINCE_AFTER.match(text[e:])
    ]
    if years and not NOW.search(text[years[-1][2] : q.start]):
        return years[-1][0]
    periods = parse_periods(COMPARED_PERIOD.sub("", text[: q.start]))
    if periods:
        return period_years(periods[-1])[1]
    return None


# `比2010年底增长`: the year of a comparison, not of the value.
COMPARISON_BEFORE = re.compile(r"(比|较|与|同)\s*$")
# `2011年以来`: since then, so the value is of now.
SINCE_AFTER = re.compile(r"^\s*(以来|起|开始)")
NOW = re.compile(r"目前|现在|当前|如今|现已")


def kind_for(text: str, q: Quantity, section_kind: str | None, year: int | None, context: DocumentContext) -> str:
    before = text[: q.start]
    named = parse_periods(COMPARED_PERIOD.sub("", before))
    if named and context.target_period:
        # `“十三五”期间，…不低于90万人` in a 13th plan is a goal; `“十二五”期间` a result.
        return "target" if period_years(named[-1])[0] >= period_years(context.target_period)[0] else "actual"
    if year is not None and context.target_year is not None:
        first_target_year = period_years(context.target_period)[0] if context.target_period else context.target_year
        if year < first_target_year:
            return "actual"
    has_target = _cue_outside_quotes("target_cues", before)
    has_actual = _cue_outside_quotes("actual_cues", before)
    if has_actual and not has_target:
        return "actual"
    if has_target and not has_actual:
        return "target"
    if section_kind:
        return section_kind
    return "target"


# A quoted name: `“千人计划”`, `“春风行动”`.
QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")


def _cue_outside_quotes(key: str, text: str) -> bool:
    """Whether a cue word of the list `key` stands in `text` other than inside a
    quoted name (计划 in `“千人计划”` names a programme; it sets no goal)."""
    quoted = [m.span() for m in QUOTED.finditer(text)]
    return any(
        not any(start <= m.start() and m.end() <= end for start, end in quoted) for m in cue_pattern(key).finditer(text)
    )


def from_to_earlier(text: str, quantities: list[Quantity]) -> dict[int, int | None]:
    """The values that are the starting level of a `从A提高到B` (by index),
    each with the year written in its own phrase (`从2012年的x`), if any."""
    out = {}
    for m in FROM_TO.finditer(text):
        for i, q in enumerate(quantities):
            if m.start() <= q.start < m.end():
                years = find_years(text[m.start("from") : q.start])
                out[i] = years[-1][0] if years else None
    return out


# --- paragraph ------------------------------------------------------------------


def paragraph_to_values(paragraph: Paragraph, context: DocumentContext, section_kind: str | None) -> list[IndicatorValue]:
    if not DIGIT.search(paragraph.text) or not quantities_in(paragraph.text):
        # Every value is a quantity: most paragraphs (no digit, or only years
        # and item numbers) need no spaCy pass at all.
        return []
    values = []
    for sentence in paragraph_to_sentences(paragraph):
        values.extend(sentence_to_values(sentence, context, section_kind))
    for value in values:
        value.page = paragraph.page
    return values


def sentence_to_values(sentence: Sentence, context: DocumentContext, section_kind: str | None) -> list[IndicatorValue]:
    candidates = sentence_to_candidates(sentence)
    if not candidates:
        return []
    text = sentence.text
    quantities = [c.quantity for c in candidates]
    names = enumeration_names(text, quantities)
    year_list = _enumerated_years(text, quantities)
    earlier = from_to_earlier(text, quantities)
    values = []
    previous_end = 0
    for i, candidate in enumerate(candidates):
        q = candidate.quantity
        name = names.get(i) or name_for(candidate, previous_end)
        is_to_value = i - 1 in earlier and i not in earlier and bool(values)
        if is_to_value:
            name = values[-1].name_raw  # `A从x提高到y`: y is A too
        if not name and values:
            name = values[-1].name_raw
        elif name in SHARE_WORDS and values:
            name = values[-1].name_raw + "占比"  # `…的有10718家，占95.36%`
        year = year_list.get(i) or year_for(text, q)
        if is_to_value and year is not None and year == values[-1].year and year_list.get(i) is None:
            year = None  # `从2012年的x提高到y`: 2012 is x's year, not y's
        # The time the sentence speaks of decides the year and period; a
        # target's figure stated in a review (`完成5%以内的目标任务`) is the
        # target of the reviewed years.
        time_kind = kind_for(text, q, section_kind, year, context)
        if i in earlier:
            time_kind = "actual"
            # `从2012年的x提高到y`: x's year is in its phrase. A year before 从
            # (`2015年再次提高标准，从最初的x提高到y`) dates the change, that is
            # y: x without a year of its own is the level before the period.
            year = year_list.get(i) or earlier[i] or _period_start_level_year(context)
        kind = "target" if _is_target_figure(text, q) else time_kind
        period = None
        if time_kind == "target":
            if context.target_period and (year is None or period_years(context.target_period)[0] <= year <= period_years(context.target_period)[1]):
                period = context.target_period
            year = year or context.target_year
        else:
            year = year or context.actual_year
            if context.doc_type in ("five_year_plan", "interpretation") and year:
                period = period_of_year(year)
        values.append(
            IndicatorValue(
                name_raw=name,
                value=q.value,
                value_max=q.value_max,
                unit=q.unit,
                unit_raw=q.unit_raw,
                comparator=q.comparator,
                value_raw=q.raw,
                kind=kind,
                period=period,
                year=year,
                evidence=text,
                char_start=sentence.start + q.start,
                char_end=sentence.start + q.end,
                source="prose",
            )
        )
        previous_end = q.end
    return values


def _period_start_level_year(context: DocumentContext) -> int | None:
    """A `从A` level in a five-year plan's review is the level at the end of
    the period before the one reviewed."""
    if context.review_period:
        return period_years(context.review_period)[0] - 1
    return context.actual_year - 1 if context.actual_year else None


def _enumerated_years(text: str, quantities: list[Quantity]) -> dict[int, int]:
    """`2012年至2015年分别为a、b、c、d`: one year per listed value, in order."""
    m = YEAR_RANGE.search(text)
    if not m or not re.search("分别|依次", text[m.end() :]):
        return {}
    years = list(range(int(m.group(1)), int(m.group(3)) + 1))
    out = {}
    for group in listed_groups(text, quantities):
        if len(group) == len(years) and quantities[group[0]].start > m.end():
            out.update(zip(group, years))
    return out
