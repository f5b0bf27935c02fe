"""Generate the DOCX, PDF and HTML fixtures of tests/test_formats.py.

    python scripts/make_format_fixtures.py [--out tests/fixtures/formats]

Each seed in corpus/*.txt is written three ways, from what the plain-text
reader (`ingest.txt.read`) finds in it, so that the three readers can be
checked against the text version (same table grids, same extracted values):

* `<seed>.docx` — python-docx, real Word tables, header row marked to repeat
  (a row the text reader found short gets its last cell merged to the edge);
* `<seed>.pdf` — reportlab, ruled tables that split over pages with their
  header row repeated, fake-bold captions, a running header and page numbers
  in a different style per seed (`- 3 -`, `第3页 共9页`, a bare number);
* `<seed>.html` — a government-style page: header, menu, breadcrumb, share bar,
  footer and scripts around a `TRS_Editor` content div inside a layout table.

And the awkward cases, named for what they show: `merged_header.*` (row and
column spans, a two-line header cell, a one-cell layout table),
`table_over_page_break.pdf` (a two-row header repeated on every page),
`running_header_footer.pdf`, `cjk_cleanup.pdf` (fake bold, letter spacing),
`gbk_declared_gb2312.html`, `scanned.pdf` (an image, no text layer),
`encrypted.pdf` (user password `secret`) and `row_broken_over_page_break.pdf`,
the one PDF made the way offices make theirs: a Word file (rows allowed to
break across pages, header row repeated, running header, `- N -` footer)
rendered by LibreOffice.

Only this script needs reportlab (and Pillow for the scan, LibreOffice with
a CJK font — Debian's libreoffice-writer-nogui and fonts-wqy-zenhei — for the
office-made PDF); the files are committed so that the tests need none of them. PDFs use reportlab's built-in
`STSong-Light` CID font, which is not embedded: the files stay a few KB and
pdfplumber still maps every glyph to Unicode.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.document import Paragraph as TxtParagraph
from ingest.structure import find_unit_caption, looks_like_caption

FONT = "STSong-Light"
HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分]|专栏)")


# --- what a fixture holds ------------------------------------------------------------


@dataclass
class Para:
    text: str
    style: str = "body"  # body | heading (fake bold) | caption (centred, fake bold)


@dataclass
class Grid:
    rows: list[list[str]]
    # (row, col, n_rows, n_cols) of each merged cell; its text is at (row, col)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    header_rows: int = 1  # repeated at the top of each page


Item = Para | Grid


@dataclass
class PageStyle:
    """Running header and page-number style of a PDF."""

    header: str | None = None
    number: str = "- {n} -"  # format with n (page) and total
    number_align: str = "centre"  # centre | right


PAGE_STYLES = [
    PageStyle(header=None, number="- {n} -"),
    PageStyle(header=None, number="第{n}页 共{total}页"),
    PageStyle(header="{title}", number="{n}", number_align="right"),
    PageStyle(header="{title}", number="- {n} -"),
    PageStyle(header=None, number="{n}"),
]


# --- seeds → items ------------------------------------------------------------------


def seed_to_items(path: Path) -> list[Item]:
    """A seed's blocks as read by the plain-text reader, as fixture items.

    A table's caption and unit statement are written as paragraphs before it
    when the text reader took them from inside the table; ragged rows are
    padded (a Word, HTML or PDF table is rectangular).
    """
    from ingest import txt

    doc = txt.read(path)
    items: list[Item] = []
    for block in doc.blocks:
        if isinstance(block, TxtParagraph):
            style = "heading" if HEADING.match(block.text) else "body"
            items.append(Para(block.text, style))
            continue
        before = [p.text for p in items[-2:] if isinstance(p, Para)]
        if block.caption and block.caption not in before:
            items.append(Para(block.caption, "caption"))
        if block.unit_caption and not any(find_unit_caption(t) == block.unit_caption for t in before):
            items.append(Para(f"单位：{block.unit_caption}", "body"))
        for para in items[-2:]:
            if isinstance(para, Para) and looks_like_caption(para.text):
                para.style = "caption"
        items.append(ragged_to_grid([[cell.text for cell in row] for row in block.rows]))
    return items


def ragged_to_grid(rows: list[list[str]]) -> Grid:
    """A rectangular grid from the text reader's rows: a short row's last cell
    spans the columns it lacks (a text export drops the cells a merge covers)."""
    width = max(len(row) for row in rows)
    merges = [(r, len(row) - 1, 1, width - len(row) + 1) for r, row in enumerate(rows) if 0 < len(row) < width]
    return Grid([row + [""] * (width - len(row)) for row in rows], merges)


def document_title(items: list[Item]) -> str:
    """A short running-header text: the document's first substantial line."""
    for item in items:
        if isinstance(item, Para) and len(item.text.strip()) >= 6:
            return item.text.strip()[:28]
    return ""


# --- DOCX ------------------------------------------------------------------------------


def items_to_docx(items: list[Item], path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    document = docx.Document()
    _slim_docx(document)
    for item in items:
        if isinstance(item, Para):
            p = document.add_paragraph()
            run = p.add_run(item.text.strip())
            if item.style != "body":
                run.bold = True
            if item.style == "caption":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                p.paragraph_format.first_line_indent = Pt(21)
            continue
        n_rows, n_cols = len(item.rows), len(item.rows[0])
        table = document.add_table(rows=n_rows, cols=n_cols)
        table.style = "Table Grid"
        for r in range(item.header_rows):  # "repeat as header row at the top of each page"
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
        covered = _covered(item)
        for r, row in enumerate(item.rows):
            for c, text in enumerate(row):
                if (r, c) not in covered:
                    _set_cell_lines(table.cell(r, c), text)
        for r, c, nr, nc in item.merges:
            merged = table.cell(r, c).merge(table.cell(r + nr - 1, c + nc - 1))
            _set_cell_lines(merged, item.rows[r][c])
    document.core_properties.author = "plankb fixtures"
    _save_reproducibly(document, path)


def _set_cell_lines(cell, text: str) -> None:
    """Write a cell's text; a newline starts a new paragraph (a two-line header)."""
    lines = text.split("\n")
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _covered(grid: Grid) -> set[tuple[int, int]]:
    return {
        (r + dr, c + dc)
        for r, c, nr, nc in grid.merges
        for dr in range(nr)
        for dc in range(nc)
        if (dr, dc) != (0, 0)
    }


KEEP_STYLES = {"Normal", "Table Normal", "Table Grid", "Default Paragraph Font", "No List"}


def _slim_docx(document) -> None:
    """Drop what python-docx's template carries and a fixture does not need
    (a second style sheet, a thumbnail, hundreds of unused styles): 37 KB → 9 KB."""
    part = document.part
    for rId, rel in list(part.rels.items()):
        if rel.reltype.endswith(("stylesWithEffects", "customXml", "webSettings")):
            part.drop_rel(rId)
    package = part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype.endswith("thumbnail"):
            package.rels.pop(rId)
    styles = document.styles.element
    for style in list(styles):
        if style.tag.endswith("}latentStyles"):
            styles.remove(style)
        elif style.tag.endswith("}style"):
            name = style.find("{*}name")
            if name is None or name.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") not in KEEP_STYLES:
                styles.remove(style)


def _save_reproducibly(document, path: Path) -> None:
    """Save with fixed dates, so that regenerating an unchanged fixture changes no byte."""
    import datetime

    stamp = datetime.datetime(2024, 1, 1)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename), compresslevel=9)


# --- PDF -------------------------------------------------------------------------------


def _register_font() -> None:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    rl_config.invariant = 1  # no creation date or random id: reproducible files
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    heading = ParagraphStyle("heading", parent=body, spaceBefore=4)
    caption = ParagraphStyle("caption", parent=body, alignment=TA_CENTER, firstLineIndent=0, spaceBefore=6, spaceAfter=4)
    return {"body": body, "heading": heading, "caption": caption}


def _fake_bold_flowable(text: str, style, copies: int = 3, offset: float = 0.3, char_space: float = 0.0):
    """A one-line flowable that overprints its text `copies` times, `offset`
    points apart, as word processors embolden a CJK font without a bold face;
    `char_space` letter-spaces it (`合    计`)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    class FakeBold(Flowable):
        def wrap(self, avail_width, avail_height):
            self.avail = avail_width
            return avail_width, style.leading + style.spaceBefore

        def draw(self):
            width = stringWidth(text, FONT, style.fontSize) + char_space * (len(text) - 1)
            x = (self.avail - width) / 2 if style.alignment == 1 else style.firstLineIndent
            for k in range(copies):
                t = self.canv.beginText(x + k * offset, style.leading - style.fontSize)
                t.setFont(FONT, style.fontSize)
                t.setCharSpace(char_space)
                t.textLine(text)
                self.canv.drawText(t)

    return FakeBold()


def _ems(text: str) -> float:
    return sum(0.55 if ord(ch) < 128 else 1.0 for ch in text)


def _lines(text: str, width_ems: float) -> int:
    return max(1, -int(-_ems(text) // max(width_ems - 1, 1)))


def _column_widths(rows: list[list[str]], total_ems: float) -> list[float]:
    """Column widths in ems that share `total_ems`: each column first gets what
    its longest number needs, then the spare width goes, one em at a time, to
    the column of the tallest cell."""
    n = len(rows[0])
    widths = [max([_ems(tok) for row in rows for tok in re.findall(r"[ -~]+", row[c])] + [2]) + 1.2 for c in range(n)]
    spare = total_ems - sum(widths)
    while spare >= 1:
        tallest = max(((_lines(row[c], widths[c]), c) for row in rows for c in range(n)), default=(1, 0))
        if tallest[0] <= 1:
            break
        widths[tallest[1]] += 1
        spare -= 1
    return [w + spare / n for w in widths]


def _table_layout(rows: list[list[str]], total: float, max_height: float = 150) -> tuple[float, list[float]]:
    """Font size and column widths (points) for a table: the largest size at
    which its numbers fit and its tallest row stays well within a page."""
    for size in (9.0, 8.0, 7.0, 6.0, 5.5, 5.0):
        widths = _column_widths(rows, total / size)
        if min(widths) <= 0:
            continue
        tallest = max(_lines(row[c], widths[c]) for row in rows for c in range(len(row)))
        if tallest * size * 1.3 <= max_height:
            break
    return size, [w * size for w in widths]


def grid_to_flowable(grid: Grid, total: float):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    size, widths = _table_layout(grid.rows, total)
    style = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.3, wordWrap="CJK")
    covered = _covered(grid)
    data = [
        [
            "" if (r, c) in covered else Paragraph("<br/>".join(html.escape(x) for x in text.split("\n")), style)
            for c, text in enumerate(row)
        ]
        for r, row in enumerate(grid.rows)
    ]
    table = Table(data, colWidths=widths, repeatRows=grid.header_rows)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    commands += [("SPAN", (c, r), (c + nc - 1, r + nr - 1)) for r, c, nr, nc in grid.merges]
    table.setStyle(TableStyle(commands))
    return table


def items_to_story(items: list[Item], total: float) -> list:
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    story = []
    for item in items:
        if isinstance(item, Grid):
            story += [grid_to_flowable(item, total), Spacer(1, 8)]
        elif item.style in ("caption", "heading") and len(item.text) <= 36:
            story.append(_fake_bold_flowable(item.text.strip(), styles[item.style]))
        else:
            story.append(Paragraph(html.escape(item.text.strip()), styles[item.style]))
    return story


def items_to_pdf(items: list[Item], path: Path, page: PageStyle | None = None, title: str = "") -> None:
    """Draw the items on A4 pages with the running header and page numbers of `page`."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    _register_font()
    margin = 72
    # Wide tables are printed on landscape pages, as offices do.
    pagesize = landscape(A4) if any(isinstance(x, Grid) and len(x.rows[0]) > 12 for x in items) else A4

    def build(total_pages: int) -> int:
        def decorate(canvas, doc):
            if page is None:
                return
            canvas.saveState()
            canvas.setFont(FONT, 9)
            width, height = pagesize
            if page.header and doc.page > 1:  # the first page carries the title itself
                canvas.drawCentredString(width / 2, height - 40, page.header.format(title=title))
                canvas.line(margin, height - 46, width - margin, height - 46)
            number = page.number.format(n=doc.page, total=total_pages)
            if page.number_align == "right":
                canvas.drawRightString(width - margin, 36, number)
            else:
                canvas.drawCentredString(width / 2, 36, number)
            canvas.restoreState()

        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin)
        doc.build(items_to_story(items, pagesize[0] - 2 * margin), onFirstPage=decorate, onLaterPages=decorate)
        path.write_bytes(buffer.getvalue())
        return doc.page

    build(build(0))  # the first pass counts the pages for "共N页"


def scanned_pdf(path: Path) -> None:
    """A page that is only a picture of text: no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _register_font()
    image = Image.new("1", (420, 594), 1)
    draw = ImageDraw.Draw(image)
    for k, y in enumerate(range(60, 540, 18)):  # lines of "text" as a scanner sees them
        x0 = 70 if k % 6 == 0 else 50
        x1 = 370 - (k * 37) % 120 if k % 6 == 5 else 370
        for x in range(x0, x1, 12):
            draw.rectangle([x, y, x + 9, y + 9], fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    _register_font()
    encrypt = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", canPrint=0)
    c = canvas.Canvas(str(path), encrypt=encrypt)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "全年新增就业48万人。")
    c.showPage()
    c.save()


# --- HTML ------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}</title>
<style>.TRS_Editor p {{ text-indent: 2em; }} table {{ border-collapse: collapse; }}</style>
<script type="text/javascript">var hits = "全年新增就业99万人"; document.write("<p>访问量 12345</p>");</script>
</head>
<body>
<div class="header"><div class="logo">人力资源和社会保障局</div><div class="top-links">无障碍 | 长者模式 | 登录</div></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li></ul>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 规划计划</div>
<table width="1000" align="center" class="layout"><tr><td>
<div class="detail">
<div class="info">发布日期：2024-01-01　来源：本站　【字体：大 中 小】</div>
<div class="TRS_Editor">
{content}
</div>
<div class="share">分享到：微信 微博 QQ空间 <a href="javascript:window.print()">打印</a></div>
</div>
</td></tr></table>
<div class="sidebar"><h3>相关文件</h3><ul><li>关于做好2024年就业工作的通知</li></ul></div>
<div class="footer">主办单位：人力资源和社会保障局　网站标识码：1200000001　ICP备05001234号-1</div>
<script>var _hmt = _hmt || []; (function() {{ var s = "第3页"; }})();</script>
</body></html>
"""


def grid_to_html(grid: Grid) -> str:
    covered = _covered(grid)
    spans = {(r, c): (nr, nc) for r, c, nr, nc in grid.merges}
    out = ['<table border="1" cellspacing="0" cellpadding="2">']
    for r, row in enumerate(grid.rows):
        tag = "th" if r < grid.header_rows else "td"
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            nr, nc = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{nr}"' if nr > 1 else "") + (f' colspan="{nc}"' if nc > 1 else "")
            body = "<br>".join(html.escape(x) for x in text.split("\n")) or "&nbsp;"
            cells.append(f"<{tag}{attrs}>{body}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def items_to_html(items: list[Item], path: Path, charset: str = "utf-8", encoding: str = "utf-8") -> None:
    content = []
    for item in items:
        if isinstance(item, Grid):
            content.append(grid_to_html(item))
        elif item.style == "caption":
            content.append(f'<p align="center"><strong>{html.escape(item.text.strip())}</strong></p>')
        else:
            content.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(item.text.strip())}</p>")
    title = html.escape(document_title(items))
    path.write_bytes(PAGE.format(charset=charset, title=title, content="\n".join(content)).encode(encoding))


# --- the awkward cases --------------------------------------------------------------------

MERGED_HEADER = Grid(
    rows=[
        ["指标名称", "单位", "2017年", "", "2018年", ""],
        ["", "", "计划", "完成", "计划", "完成"],
        ["城镇新增就业人数", "万人", "48", "50.2", "49", "51"],
        ["城镇登记失业率", "%", "3.8以内", "3.5", "3.8以内", "3.6"],
        ["创业带动就业人数", "万人", "12", "12.6", "13", "13.4"],
    ],
    merges=[(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2), (0, 4, 1, 2)],
    header_rows=2,
)
TWO_LINE_HEADER = Grid(
    rows=[
        ["区域", "城镇企业职工养老\n保险缴费人数", "城镇职工医疗保险\n缴费人数", "2017年\n目标数"],
        ["合计", "2981189", "3408635", "480000"],
        ["和平区", "327284", "376696", "40000"],
        ["河东区", "159963", "187380", "40000"],
    ]
)
DISTRICTS = ["和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区"]


def merged_header_items() -> list[Item]:
    return [
        Para("为做好年度就业工作，现将主要指标计划与完成情况列表如下。"),
        Para("表1 主要就业指标计划与完成情况表", "caption"),
        MERGED_HEADER,
        Para("表2 各区社会保险缴费人数计划表", "caption"),
        Para("单位：人"),
        TWO_LINE_HEADER,
        Grid([["注：生育保险不含零缴费人员。"]], header_rows=0),  # a one-cell box: layout, not data
        Para("各区要按照计划抓好落实。"),
    ]


def page_break_items() -> list[Item]:
    rows = [
        ["序号", "地区", "2017年", ""],
        ["", "", "目标数", "完成数"],
    ] + [[str(i + 1), f"{DISTRICTS[i % 10]}第{i // 10 + 1}片区", str(1000 + 37 * i), str(1010 + 41 * i)] for i in range(70)]
    return [
        Para("2017年，各区要确保完成下列新增就业目标任务，并按月报送进度。"),
        Para("2017年度新增就业人数分片区计划表", "caption"),
        Para("单位：人"),
        Grid(rows, merges=[(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2)], header_rows=2),
        Para("以上指标纳入年度绩效考核。"),
    ]


def running_header_items() -> list[Item]:
    sentences = [
        "全年新增就业48万人，城镇登记失业率控制在3.8%以内。",
        "全市参加城镇职工基本养老保险人数达到652万人，社会保障卡持卡人数达到1100万人。",
        "力争引进留学回国人员3500人，新创办留学人员企业300家。",
        "企业劳动合同签订率达到96.7%，劳动人事争议仲裁结案率达到90%。",
        "举办国家级、市级高级研修班，培训专业技术骨干人才。",
    ]
    items: list[Item] = [Para("2017年人力资源和社会保障事业发展计划", "caption")]
    for k in range(48):  # four pages
        text = sentences[k % 5] + sentences[(k * 3 + 1) % 5]
        items.append(Para(f"（{k + 1}）{text}各区要加强调度，确保各项目标任务按期完成。"))
    return items


def cjk_cleanup_pdf(path: Path) -> None:
    """Fake-bold titles, a letter-spaced heading and justified prose."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    _register_font()
    styles = _styles()
    justified = styles["body"].clone("justified", alignment=TA_JUSTIFY)
    story = [
        _fake_bold_flowable("关于印发就业工作计划的通知", styles["caption"], copies=4, offset=0.25),
        _fake_bold_flowable("一、总体要求", styles["heading"], copies=2, offset=0.5),
        Paragraph("全年新增就业48万人，城镇登记失业率控制在3.8%以内；鼓励和支持大众创业，全年扶持3万人创业，带动12万人就业。", justified),
        _fake_bold_flowable("目标任务", styles["caption"], copies=1, char_space=12),
        grid_to_flowable(Grid([["指标", "目标"], ["合  计", "480000"], ["和平区", "40000"]]), 451),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


GBK_ITEMS = [
    Para("朱镕基同志视察时强调，要把就业放在首位。", "caption"),
    Para("全年新增就业48万人，城镇登记失业率控制在3.8%以内。"),
    Para("张喆、李堃等同志参加会议。"),
    Para("2017年度新增就业人数分区计划表", "caption"),
    Para("单位：人"),
    Grid([["区域", "2017年\n目标数"], ["合计", "480000"], ["和平区", "40000"]]),
]


RULES = [
    "报送新增留学回国人员汇总表、学历认证书1套为1个新增数。完成任务数的，此项考核得满分；未完成的，按完成实绩比例得分。",
    "主功能区全年新增硕士以上研究生40人，其它镇新增硕士以上研究生10人。根据全年新增参保数据进行考核，完成任务数的得满分；未完成的，按完成实绩比例得分，扣完为止。",
    "以企业与高校签订的合作协议为依据。完成得满分，未完成的不得分。",
    "动员或组织辖区内青年参加就业见习，见习人员须在见习基地连续见习满三个月，提供见习协议、考勤记录和见习补贴发放花名册，每少一人扣0.1分，扣完为止；弄虚作假的，此项不得分，并在全市通报批评。",
]


def row_break_docx(path: Path) -> None:
    """A Word file whose table rows may break across pages (Word's default),
    with a repeated header row, a running header and a `- N -` page footer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    document = docx.Document()
    _slim_docx(document)
    section = document.sections[0]
    section.header.paragraphs[0].text = "如皋市人力资源和社会保障局"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instr", "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" -")
    for k in range(22):
        p = document.add_paragraph(f"（{k + 1}）各镇（区、街道）要对照目标任务，逐项分解落实，确保第{k + 1}项工作按时完成并报送进度。")
        p.paragraph_format.first_line_indent = Cm(0.74)
    document.add_paragraph("2021年人力资源和社会保障工作考核评分表").alignment = WD_ALIGN_PARAGRAPH.CENTER
    rows = [["序号", "考核项目", "分值", "评分标准"]]
    rows += [[str(k + 1), f"第{k + 1}项考核指标", str(k % 4 + 2), RULES[k % 4]] for k in range(12)]
    rows[7][3] = "".join(RULES) * 2  # a row too tall for what is left of its page
    table = document.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for k, width in enumerate([Cm(1.2), Cm(3.5), Cm(1.3), Cm(9.5)]):
        table.columns[k].width = width
        for cell in table.columns[k].cells:
            cell.width = width
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("考核结果纳入年度绩效考核。")
    _save_reproducibly(document, path)


def libreoffice_pdf(docx_path: Path, pdf_path: Path) -> bool:
    """Render a .docx to PDF with LibreOffice (as offices produce PDFs:
    embedded font subsets, borders drawn as rectangles, rows broken over
    pages). False when LibreOffice is not installed."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
            check=True,
            capture_output=True,
        )
        shutil.move(str(Path(tmp) / (docx_path.stem + ".pdf")), pdf_path)
    return True


# --- main ---------------------------------------------------------------------------------


def make_seed_fixtures(corpus: Path, out: Path) -> list[Path]:
    written = []
    for k, seed in enumerate(sorted(corpus.glob("*.txt"))):
        items = seed_to_items(seed)
        stem = out / seed.stem
        items_to_docx(items, stem.with_suffix(".docx"))
        items_to_pdf(items, stem.with_suffix(".pdf"), PAGE_STYLES[k % len(PAGE_STYLES)], document_title(items))
        items_to_html(items, stem.with_suffix(".html"))
        written += [stem.with_suffix(s) for s in (".docx", ".pdf", ".html")]
    return written


def make_case_fixtures(out: Path) -> list[Path]:
    merged = merged_header_items()
    items_to_docx(merged, out / "merged_header.docx")
    items_to_pdf(merged, out / "merged_header.pdf")
    items_to_html(merged, out / "merged_header.html")
    items_to_pdf(page_break_items(), out / "table_over_page_break.pdf", PAGE_STYLES[0])
    items_to_pdf(
        running_header_items(),
        out / "running_header_footer.pdf",
        PageStyle(header="天津市人力资源和社会保障局文件", number="- {n} -"),
    )
    cjk_cleanup_pdf(out / "cjk_cleanup.pdf")
    items_to_html(GBK_ITEMS, out / "gbk_declared_gb2312.html", charset="gb2312", encoding="gbk")
    scanned_pdf(out / "scanned.pdf")
    encrypted_pdf(out / "encrypted.pdf")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "row_broken_over_page_break.docx"
        row_break_docx(source)
        if not libreoffice_pdf(source, out / "row_broken_over_page_break.pdf"):
            print("LibreOffice (soffice) not found: row_broken_over_page_break.pdf left as it was")
    names = [
        "merged_header.docx", "merged_header.pdf", "merged_header.html", "table_over_page_break.pdf",
        "running_header_footer.pdf", "cjk_cleanup.pdf",
        "gbk_declared_gb2312.html", "scanned.pdf", "encrypted.pdf", "row_broken_over_page_break.pdf",
    ]  # fmt: skip
    return [out / name for name in names]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "formats")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = make_case_fixtures(args.out) + make_seed_fixtures(args.corpus, args.out)
    total = sum(p.stat().st_size for p in written)
    for p in written:
        print(f"{p.stat().st_size:>8,}  {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    print(f"{total:>8,}  in {len(written)} files")


if __name__ == "__main__":
    main()
