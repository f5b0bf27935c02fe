"""PDF tables laid out by alignment alone (no ruling lines, or only a rule
above and below): the reader finds them as tables, and nothing else is one.

The PDFs are drawn here with reportlab, as scripts/make_format_fixtures.py
draws the format fixtures, in the same built-in CJK font.
"""

from __future__ import annotations

import re

import pytest

reportlab = pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
)

from extract.pipeline import extract_document
from ingest import Document, read_document
from ingest import Paragraph as DocParagraph
from ingest.pdf_text_tables import line_to_segments

FONT = "STSong-Light"
WIDTH, HEIGHT = A4
MARGIN = 72

GRID = [
    ["序号", "指标", "单位", "2015年实际", "2020年目标"],
    ["1", "城镇新增就业人数", "万人", "48", "50"],
    ["2", "城镇登记失业率", "%", "3.5", "4以内"],
    ["3", "地区生产总值", "亿元", "16538", "24000"],
    ["4", "城镇居民人均可支配收入", "元", "34101", "50000"],
]
CAPTION = "表1 “十三五”时期就业和经济发展主要指标"
INTRO = "“十三五”时期，全市经济社会发展的主要指标如下表所示，各区各部门要按照职责分工抓好落实。"
OUTRO = "以上指标纳入各区年度绩效考核，由市统计局会同有关部门进行监测评估，并及时向社会公布。"
# Value columns right-aligned at these right edges; text columns left-aligned.
COLUMN_X = [MARGIN, MARGIN + 40, MARGIN + 200, MARGIN + 330, MARGIN + 430]


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _prose_lines(c, text: str, y: float, size: float = 11) -> float:
    """Draw `text` as a justified-looking paragraph over the full measure."""
    per_line = int((WIDTH - 2 * MARGIN) // size)
    first = True
    while text:
        indent = 2 * size if first else 0
        n = per_line - (2 if first else 0)
        c.drawString(MARGIN + indent, y, text[:n])
        text, y, first = text[n:], y - 1.6 * size, False
    return y


def borderless_table_pdf(path, grid=GRID, rules: str = "none", right_aligned: bool = True, section_row: bool = False) -> None:
    """A page with a paragraph, a caption, `grid` set as text in columns
    (`rules`: none, top_bottom, three_line) and a paragraph after."""
    _font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 11)
    y = _prose_lines(c, INTRO, HEIGHT - MARGIN) - 10
    c.drawCentredString(WIDTH / 2, y, CAPTION)
    y -= 26
    size, pitch = 10.5, 20
    c.setFont(FONT, size)
    right = WIDTH - MARGIN

    def rule(at: float) -> None:
        c.line(MARGIN - 4, at, right, at)

    if rules != "none":
        rule(y + size + 4)
    rows = list(grid)
    if section_row:
        rows.insert(1, ["一、就业和经济发展"])
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            if right_aligned and k >= 3 and r > 0:
                c.drawRightString(COLUMN_X[k] + 60, y, text)
            else:
                c.drawString(COLUMN_X[k], y, text)
        if r == 0 and rules == "three_line":
            rule(y - 6)
        y -= pitch
    if rules != "none":
        rule(y + pitch - 6)
    c.setFont(FONT, 11)
    _prose_lines(c, OUTRO, y - 14)
    c.save()


def _offsets_exact(doc: Document) -> None:
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.start : cell.end] == cell.text
                assert "\t" not in cell.text and "\n" not in cell.text


@pytest.mark.parametrize("rules", ["none", "top_bottom", "three_line"])
@pytest.mark.parametrize("right_aligned", [True, False], ids=["numbers_right", "numbers_left"])
def test_borderless_table_read_as_grid(tmp_path, rules, right_aligned):
    path = tmp_path / "table.pdf"
    borderless_table_pdf(path, rules=rules, right_aligned=right_aligned)
    doc = read_document(path)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (5, 5)
    assert table.grid() == GRID
    assert table.caption == CAPTION
    assert table.page == 1 and table.row_pages == [1] * 5
    assert [p.text for p in doc.paragraphs] == [INTRO, CAPTION, OUTRO]
    _offsets_exact(doc)


def test_section_row_inside_the_table_is_a_row(tmp_path):
    path = tmp_path / "table.pdf"
    borderless_table_pdf(path, section_row=True)
    (table,) = read_document(path).tables
    assert table.grid() == [GRID[0], ["一、就业和经济发展", "", "", "", ""], *GRID[1:]]


def _values(doc: Document) -> set[tuple]:
    return {
        (v.name_raw, v.value, v.unit, v.kind, v.year, doc.text[v.char_start : v.char_end], v.source)
        for v in extract_document(doc).values
    }


@pytest.mark.parametrize("rules", ["none", "three_line"])
def test_borderless_table_values(tmp_path, rules):
    path = tmp_path / "table.pdf"
    borderless_table_pdf(path, rules=rules)
    got = _values(read_document(path))
    expected = {
        ("城镇新增就业人数", 480000.0, "人", "actual", 2015, "48", "table"),
        ("城镇新增就业人数", 500000.0, "人", "target", 2020, "50", "table"),
        ("城镇登记失业率", 3.5, "%", "actual", 2015, "3.5", "table"),
        ("城镇登记失业率", 4.0, "%", "target", 2020, "4以内", "table"),
        ("地区生产总值", 16538e8, "元", "actual", 2015, "16538", "table"),
        ("地区生产总值", 24000e8, "元", "target", 2020, "24000", "table"),
        ("城镇居民人均可支配收入", 34101.0, "元", "actual", 2015, "34101", "table"),
        ("城镇居民人均可支配收入", 50000.0, "元", "target", 2020, "50000", "table"),
    }
    assert {v for v in got if v[-1] == "table"} == expected


def test_borderless_table_values_match_text_version(tmp_path):
    """The same table as a text document (tab-separated rows) gives the same values."""
    from ingest import txt

    path = tmp_path / "table.pdf"
    borderless_table_pdf(path, rules="top_bottom")
    text = tmp_path / "table.txt"
    text.write_text("\n".join([INTRO, CAPTION, *("\t".join(row) for row in GRID), OUTRO]), encoding="utf-8")

    def key(doc):
        return sorted((v.name_raw, v.value, v.unit, v.kind, v.year) for v in extract_document(doc).values)

    assert key(read_document(path)) == key(txt.read(text))


# --- what must stay text -------------------------------------------------------------------

PROSE = [
    "一、总体要求",
    (
        "全面贯彻党的十九大精神，坚持稳中求进工作总基调，2017年全市城镇新增就业48万人，城镇登记失业率控制在3.8%以内，"
        "创业带动就业12万人，农村劳动力转移就业5万人。"
    ),
    "二、主要任务",
    (
        "（一）实施就业优先战略。全年开展职业培训20万人次，其中新型学徒制培训1万人，高技能人才培训3万人，"
        "帮助2万名就业困难人员实现就业，零就业家庭动态清零。"
    ),
    (
        "（二）完善社会保障体系。企业职工基本养老保险参保人数达到590万人，城乡居民养老保险参保人数达到120万人，"
        "工伤保险参保人数达到330万人。"
    ),
]
NUMBERED = [
    "城镇新增就业48万人",
    "城镇登记失业率3.8%以内",
    "创业带动就业12万人",
    "职业培训20万人次",
    "农村劳动力转移就业5万人",
]


def _body_style(**kw) -> ParagraphStyle:
    return ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK", **kw)


def prose_pdf(path) -> None:
    _font()
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, invariant=1)
    doc.build([Paragraph(text, _body_style(firstLineIndent=22)) for text in PROSE * 3])


def numbered_list_pdf(path) -> None:
    """Items with a hanging number (`1.`, a wide space, the text) and numbers in the text."""
    _font()
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, invariant=1)
    style = _body_style(leftIndent=40, bulletIndent=0, bulletFontName=FONT)
    story = [Paragraph(text, style, bulletText=f"{k}.") for k, text in enumerate(NUMBERED * 2, 1)]
    story += [Paragraph(f"（{k}）{text}，完成时限2017年12月。", style) for k, text in enumerate(NUMBERED, 1)]
    doc.build(story)


def _columns_pdf(path, n: int) -> None:
    _font()
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    gap = 24
    column = (WIDTH - 2 * MARGIN - (n - 1) * gap) / n
    frames = [Frame(MARGIN + k * (column + gap), MARGIN, column, HEIGHT - 2 * MARGIN, id=str(k)) for k in range(n)]
    doc.addPageTemplates([PageTemplate(frames=frames)])
    doc.build([Paragraph(text, _body_style(firstLineIndent=22)) for text in PROSE * 2 * n])


def two_column_pdf(path) -> None:
    """Prose in two columns: each line holds two runs of text side by side."""
    _columns_pdf(path, 2)


def three_column_pdf(path) -> None:
    """Prose in three narrow columns, full of numbers."""
    _columns_pdf(path, 3)


def contents_pdf(path) -> None:
    """A table of contents without leader dots: chapter, title, page number."""
    _font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 11)
    c.drawCentredString(WIDTH / 2, HEIGHT - MARGIN, "目录")
    chapters = ["总体要求", "城镇新增就业48万人", "主要任务", "保障措施", "组织实施"]
    for k, title in enumerate(chapters):
        y = HEIGHT - MARGIN - 30 - 22 * k
        c.drawString(MARGIN, y, f"第{'一二三四五'[k]}章")
        c.drawString(MARGIN + 60, y, title)
        c.drawRightString(WIDTH - MARGIN, y, str(3 + 4 * k))
    c.save()


@pytest.mark.parametrize(
    "make", [prose_pdf, numbered_list_pdf, two_column_pdf, three_column_pdf, contents_pdf], ids=lambda f: f.__name__
)
def test_no_table_in_text_pages(tmp_path, make):
    path = tmp_path / "text.pdf"
    make(path)
    doc = read_document(path)
    assert doc.tables == []
    assert all(isinstance(b, DocParagraph) for b in doc.blocks)
    squashed = re.sub(r"\s", "", doc.text)
    assert "城镇新增就业48万人" in squashed


def test_line_to_segments_splits_at_wide_spaces_only():
    glyphs = [{"text": t, "x0": x, "x1": x + 10} for t, x in [("城", 0), ("镇", 10), ("就", 23), ("业", 33), ("4", 80), ("8", 85)]]
    assert [s.text for s in line_to_segments(glyphs, 10)] == ["城镇就业", "48"]


def test_module_doctests():
    import doctest

    from ingest import pdf_text_tables

    assert doctest.testmod(pdf_text_tables).failed == 0
