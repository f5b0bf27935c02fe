"""Word's automatic numbering in the DOCX reader.

Headings such as "一、", "（一）", "第一章" and "1." are often numbered by Word
itself (`w:numPr` → `numbering.xml`), so the number is not in the runs' text.
The reader renders it and puts it in front of the paragraph's text, because the
extractor's section headings (and so target vs. achieved values) hang on it.
The files here are built with python-docx, numbering definitions appended to
its template's numbering part.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

from extract.pipeline import extract_document
from ingest import Document, Paragraph, Table, read_document
from ingest import docx as docx_reader
from ingest.docx import chinese_counting, format_number
from ingest.layout import lay_out

from .conftest import assert_offsets_exact

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_NS}"'


# --- building numbered documents -------------------------------------------------


def add_abstract(document, abstract_id: int, levels: list[tuple], extra: str = "") -> None:
    """Append a `w:abstractNum` whose levels are (numFmt, lvlText[, start[, suff]]),
    before the first `w:num`, where the schema wants it."""
    lvls = []
    for ilvl, level in enumerate(levels):
        fmt, text, *rest = level
        start, suffix = (rest + [1, None][len(rest) :])[:2]
        suff = f'<w:suff w:val="{suffix}"/>' if suffix else ""
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{suff}<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
        )
    element = parse_xml(f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">{"".join(lvls)}</w:abstractNum>')
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is None:
        numbering.append(element)
    else:
        first_num.addprevious(element)


def add_num(document, num_id: int, abstract_id: int, start_overrides: dict[int, int] | None = None) -> None:
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    document.part.numbering_part.element.append(
        parse_xml(f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>')
    )


def num_pr(num_id: int | None = None, ilvl: int | None = None):
    parts = ""
    if ilvl is not None:
        parts += f'<w:ilvl w:val="{ilvl}"/>'
    if num_id is not None:
        parts += f'<w:numId w:val="{num_id}"/>'
    return parse_xml(f"<w:numPr {NS}>{parts}</w:numPr>")


def add_para(container, text: str, num_id: int | None = None, ilvl: int | None = 0, style=None):
    p = container.add_paragraph(text, style=style)
    if num_id is not None:
        p._p.get_or_add_pPr().append(num_pr(num_id, ilvl))
    return p


def numbered(document, levels: list[tuple], num_id: int = 100) -> int:
    """One list (abstract numbering and num) with the given levels; its numId."""
    add_abstract(document, num_id, levels)
    add_num(document, num_id, num_id)
    return num_id


def read_saved(document, tmp_path: Path, name: str = "numbered.docx"):
    path = tmp_path / name
    document.save(str(path))
    return docx_reader.read(path)


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


# --- labels in the text ------------------------------------------------------------


def test_docx_chinese_counting_headings(tmp_path):
    document = new_docx()
    num = numbered(document, [("chineseCounting", "%1、")])
    for i in range(12):
        add_para(document, f"标题{i + 1}", num)
    doc = read_saved(document, tmp_path)
    got = texts(doc)
    assert got[:3] == ["一、标题1", "二、标题2", "三、标题3"]
    assert got[9:] == ["十、标题10", "十一、标题11", "十二、标题12"]
    assert_offsets_exact(doc)


def test_docx_second_level_restarts_under_each_heading(tmp_path):
    document = new_docx()
    num = numbered(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    add_para(document, "发展基础", num, 0)
    add_para(document, "经济实力", num, 1)
    add_para(document, "对外开放", num, 1)
    add_para(document, "不带编号的正文。")
    add_para(document, "主要目标", num, 0)
    add_para(document, "经济发展", num, 1)
    doc = read_saved(document, tmp_path)
    assert texts(doc) == ["一、发展基础", "（一）经济实力", "（二）对外开放", "不带编号的正文。", "二、主要目标", "（一）经济发展"]
    assert_offsets_exact(doc)


def test_docx_decimal_items_and_suffix(tmp_path):
    document = new_docx()
    tab = numbered(document, [("decimal", "%1.")], num_id=100)
    nothing = numbered(document, [("decimal", "%1．", 1, "nothing")], num_id=101)
    add_para(document, "城镇新增就业", tab)
    add_para(document, "2020年登记失业率", tab)
    add_para(document, "计划指标完成", nothing)
    doc = read_saved(document, tmp_path)
    # A Latin label is kept apart from the text (Word's tab), so "2." and "2020" stay two things.
    assert texts(doc) == ["1. 城镇新增就业", "2. 2020年登记失业率", "1．计划指标完成"]


def test_docx_chapter_numbering(tmp_path):
    document = new_docx()
    num = numbered(document, [("chineseCountingThousand", "第%1章")])
    add_para(document, "总体要求", num)
    add_para(document, "主要任务", num)
    doc = read_saved(document, tmp_path)
    assert texts(doc) == ["第一章总体要求", "第二章主要任务"]


def test_docx_multilevel_and_legal_numbering(tmp_path):
    document = new_docx()
    num = numbered(document, [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "%3)")])
    add_abstract(document, 102, [("upperRoman", "%1."), ("lowerRoman", "%1.%2")])
    add_num(document, 102, 102)
    legal = document.part.numbering_part.element.find(f"{{{W_NS}}}abstractNum[@{{{W_NS}}}abstractNumId='102']")
    legal[1].insert(0, parse_xml(f"<w:isLgl {NS}/>"))
    for text, ilvl in [("甲", 0), ("乙", 1), ("丙", 2), ("丁", 2), ("戊", 1), ("己", 0), ("庚", 1)]:
        add_para(document, text, num, ilvl)
    add_para(document, "章", 102, 0)
    add_para(document, "节", 102, 1)
    doc = read_saved(document, tmp_path)
    assert texts(doc) == ["1. 甲", "1.1 乙", "a) 丙", "b) 丁", "1.2 戊", "2. 己", "2.1 庚", "I. 章", "1.1 节"]


def test_docx_bullets_have_no_label(tmp_path):
    document = new_docx()
    num = numbered(document, [("bullet", "\uf0b7")])
    add_para(document, "推进新型城镇化", num)
    add_para(document, "List Bullet style from the template", style="List Bullet")
    doc = read_saved(document, tmp_path)
    assert texts(doc) == ["推进新型城镇化", "List Bullet style from the template"]


def test_docx_unknown_format_has_no_label(tmp_path):
    document = new_docx()
    num = numbered(document, [("hebrew1", "%1.")])
    add_para(document, "未知编号格式", num)
    assert texts(read_saved(document, tmp_path)) == ["未知编号格式"]


def test_docx_numbering_from_paragraph_style(tmp_path):
    document = new_docx()
    num = numbered(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    heading = document.styles.add_style("PlanHeading1", WD_STYLE_TYPE.PARAGRAPH)
    heading.element.get_or_add_pPr().append(num_pr(num, 0))
    based = document.styles.add_style("PlanHeading1Red", WD_STYLE_TYPE.PARAGRAPH)
    based.base_style = heading  # inherits the numbering through w:basedOn
    sub = document.styles.add_style("PlanHeading2", WD_STYLE_TYPE.PARAGRAPH)
    sub.element.get_or_add_pPr().append(num_pr(num, 1))
    add_para(document, "发展环境", style=heading)
    add_para(document, "发展基础", style=sub)
    add_para(document, "指导思想", style=based)
    p = add_para(document, "不编号的标题", style=heading)
    p._p.get_or_add_pPr().append(num_pr(0))  # numId 0: numbering switched off
    add_para(document, "主要目标", style=heading)
    doc = read_saved(document, tmp_path)
    assert texts(doc) == ["一、发展环境", "（一）发展基础", "二、指导思想", "不编号的标题", "三、主要目标"]


def test_docx_start_override_restarts_and_shared_lists_continue(tmp_path):
    document = new_docx()
    add_abstract(document, 100, [("decimal", "%1.")])
    add_num(document, 100, 100)
    add_num(document, 101, 100)  # same abstract numbering: continues the count
    add_num(document, 102, 100, {0: 1})  # "restart numbering"
    add_abstract(document, 103, [("chineseCounting", "%1、", 3)])  # w:start
    add_num(document, 103, 103)
    for text, num in [("a", 100), ("b", 100), ("c", 101), ("d", 102), ("e", 102), ("f", 103)]:
        add_para(document, text, num)
    assert texts(read_saved(document, tmp_path)) == ["1. a", "2. b", "3. c", "1. d", "2. e", "三、f"]


def test_docx_empty_numbered_paragraph_counts_but_adds_no_line(tmp_path):
    document = new_docx()
    num = numbered(document, [("chineseCounting", "%1、")])
    add_para(document, "第一项", num)
    add_para(document, "", num)
    add_para(document, "第三项", num)
    assert texts(read_saved(document, tmp_path)) == ["一、第一项", "三、第三项"]


def test_docx_numbering_in_table_cells_keeps_offsets(tmp_path):
    document = new_docx()
    num = numbered(document, [("decimal", "%1.")])
    add_para(document, "主要指标", num)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "目标"
    cell = table.cell(1, 0)
    cell.paragraphs[0].text = "地区生产总值"
    cell.paragraphs[0]._p.get_or_add_pPr().append(num_pr(num, 0))
    table.cell(1, 1).text = "1000亿元"
    add_para(document, "保障措施", num)
    doc = read_saved(document, tmp_path)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables[0].grid() == [["指标", "目标"], ["2. 地区生产总值", "1000亿元"]]
    assert texts(doc) == ["1. 主要指标", "3. 保障措施"]
    assert_offsets_exact(doc)


def test_docx_broken_numbering_gives_no_label(tmp_path):
    """References to lists or levels that do not exist, a style cycle, an
    absurd start: the text is read, the labels are left out or kept short."""
    document = new_docx()
    add_abstract(document, 100, [("upperRoman", "%1.", 10**9)])
    add_num(document, 100, 100)
    add_num(document, 101, 999)  # no such abstract numbering
    a = document.styles.add_style("LoopA", WD_STYLE_TYPE.PARAGRAPH)
    b = document.styles.add_style("LoopB", WD_STYLE_TYPE.PARAGRAPH)
    a.base_style = b
    b.element.append(parse_xml(f'<w:basedOn {NS} w:val="LoopA"/>'))
    add_para(document, "不存在的编号", 555)
    add_para(document, "没有定义的层级", 100, 7)
    add_para(document, "抽象编号缺失", 101)
    add_para(document, "样式循环", style=a)
    add_para(document, "超大起始值", 100)
    assert texts(read_saved(document, tmp_path)) == [
        "不存在的编号",
        "没有定义的层级",
        "抽象编号缺失",
        "样式循环",
        "1000000000. 超大起始值",
    ]


def test_docx_without_numbering_part_reads(tmp_path):
    """A package with no numbering part at all (not every writer adds one)."""
    import re
    import zipfile

    document = new_docx()
    add_para(document, "正文")
    source = tmp_path / "with.docx"
    document.save(str(source))
    target = tmp_path / "without.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/numbering.xml":
                continue
            if info.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb"<Relationship [^>]*numbering[^>]*/>", b"", data)
            dst.writestr(info, data)
    assert texts(docx_reader.read(target)) == ["正文"]


# --- end to end: sections decide the kind of a value --------------------------------

REVIEW_HEADING = "“十二五”时期主要成就"
REVIEW_TEXT = "全市地区生产总值达到1200亿元，城镇新增就业12万人。"
TARGET_HEADING = "“十三五”时期主要目标"
TARGET_TEXT = "全市地区生产总值达到2000亿元，城镇新增就业15万人。"


def plan_docx(path: Path, auto_numbered: bool) -> Path:
    document = new_docx()
    document.add_paragraph("某市国民经济和社会发展第十三个五年规划纲要")
    if auto_numbered:
        num = numbered(document, [("chineseCounting", "%1、")])
        add_para(document, REVIEW_HEADING, num)
        add_para(document, REVIEW_TEXT)
        add_para(document, TARGET_HEADING, num)
        add_para(document, TARGET_TEXT)
    else:
        for text in ("一、" + REVIEW_HEADING, REVIEW_TEXT, "二、" + TARGET_HEADING, TARGET_TEXT):
            document.add_paragraph(text)
    document.save(str(path))
    return path


def summary(values) -> list[tuple]:
    return sorted((v.name_raw, v.value, v.unit, v.kind) for v in values)


def test_docx_auto_numbered_heading_decides_kind(tmp_path):
    doc = read_document(plan_docx(tmp_path / "auto.docx", auto_numbered=True))
    assert "一、" + REVIEW_HEADING in doc.text and "二、" + TARGET_HEADING in doc.text
    kinds = {v.value_raw: v.kind for v in extract_document(doc).values}
    assert kinds == {"1200亿元": "actual", "12万人": "actual", "2000亿元": "target", "15万人": "target"}


def test_docx_numbering_ignored_loses_the_section(tmp_path):
    """The control: the same file read without its numbering has no headings,
    and the achieved values pass for targets."""
    body, _ = docx_reader.docx_to_parts(plan_docx(tmp_path / "auto.docx", auto_numbered=True))
    text, blocks = lay_out(docx_reader.body_to_blocks(body))
    doc = Document(path="auto.docx", format="docx", text=text, blocks=blocks)
    kinds = {v.value_raw: v.kind for v in extract_document(doc).values}
    assert kinds["1200亿元"] == "target"


def test_docx_auto_numbered_same_values_as_typed(tmp_path):
    auto = extract_document(read_document(plan_docx(tmp_path / "auto.docx", auto_numbered=True))).values
    typed = extract_document(read_document(plan_docx(tmp_path / "typed.docx", auto_numbered=False))).values
    assert summary(auto) == summary(typed)
    assert len(auto) == 4


# --- the label function ----------------------------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "〇"),
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (15, "十五"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (999, "九百九十九"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (2024, "二千零二十四"),
        (10000, "一万"),
        (10001, "一万零一"),
        (12345, "一万二千三百四十五"),
        (100000, "十万"),
    ],
)
def test_chinese_counting(n, expected):
    assert chinese_counting(n) == expected
    assert format_number(n, "chineseCounting") == expected
    assert format_number(n, "chineseCountingThousand") == expected


@pytest.mark.parametrize(
    "n, fmt, expected",
    [
        (1, "decimal", "1"),
        (12, "decimal", "12"),
        (0, "decimal", "0"),
        (3, "decimalZero", "03"),
        (12, "decimalZero", "12"),
        (7, "decimalFullWidth", "７"),
        (1, "upperRoman", "I"),
        (4, "upperRoman", "IV"),
        (9, "upperRoman", "IX"),
        (14, "upperRoman", "XIV"),
        (40, "upperRoman", "XL"),
        (90, "upperRoman", "XC"),
        (1994, "upperRoman", "MCMXCIV"),
        (2024, "upperRoman", "MMXXIV"),
        (3, "lowerRoman", "iii"),
        (19, "lowerRoman", "xix"),
        (1, "upperLetter", "A"),
        (26, "upperLetter", "Z"),
        (27, "upperLetter", "AA"),
        (28, "upperLetter", "BB"),
        (53, "upperLetter", "AAA"),
        (2, "lowerLetter", "b"),
        (27, "lowerLetter", "aa"),
        (1, "decimalEnclosedCircle", "①"),
        (10, "decimalEnclosedCircle", "⑩"),
        (20, "decimalEnclosedCircle", "⑳"),
        (21, "decimalEnclosedCircle", "㉑"),
        (50, "decimalEnclosedCircle", "㊿"),
        (51, "decimalEnclosedCircle", "51"),
        (2, "decimalEnclosedCircleChinese", "②"),
        (3, "decimalEnclosedParen", "⑶"),
        (3, "decimalEnclosedFullstop", "⒊"),
        (1, "ideographEnclosedCircle", "㈠"),
        (1, "ideographTraditional", "甲"),
        (10, "ideographTraditional", "癸"),
        (1, "ideographZodiac", "子"),
        (105, "ideographDigital", "一〇五"),
        (10, "japaneseCounting", "十"),
        (11, "japaneseCounting", "十一"),
        (101, "japaneseCounting", "百一"),
        (1000, "japaneseCounting", "千"),
        (10, "chineseLegalSimplified", "壹拾"),
        (23, "chineseLegalSimplified", "贰拾叁"),
        (11, "taiwaneseCounting", "十一"),
        (1, "ordinal", "1st"),
        (2, "ordinal", "2nd"),
        (3, "ordinal", "3rd"),
        (11, "ordinal", "11th"),
        (22, "ordinal", "22nd"),
        (5, "none", ""),
        (1, "bullet", None),
        (1, "hebrew1", None),
        (1, "cardinalText", None),
    ],
)
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_docx_numbering_doctests():
    assert doctest.testmod(docx_reader).failed == 0
