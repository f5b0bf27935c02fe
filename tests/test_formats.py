"""The DOCX, PDF and HTML readers, on the fixtures of scripts/make_format_fixtures.py.

Each seed document exists as text (corpus/) and, generated from it, as DOCX,
PDF and HTML (tests/fixtures/formats/). A reader is right when it gives back
what the text reader finds: the same table grids, the same paragraphs, and in
the end the same extracted values. The awkward cases (merged headers, a table
over a page break, running headers, GBK pages, scans) have files of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ingest import (
    Document,
    NeedsOCR,
    Paragraph,
    Table,
    UnreadableDocument,
    read_document,
)
from ingest import docx as docx_reader
from ingest import html as html_reader
from ingest import pdf as pdf_reader

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
READERS = {"docx": docx_reader.read, "pdf": pdf_reader.read, "html": html_reader.read}
SEEDS = sorted(p.stem for p in CORPUS.glob("*.txt"))
SEED_FILES = [(seed, fmt) for seed in SEEDS for fmt in READERS]
CASE_FILES = [
    "merged_header.docx",
    "merged_header.pdf",
    "merged_header.html",
    "table_over_page_break.pdf",
    "running_header_footer.pdf",
    "cjk_cleanup.pdf",
    "gbk_declared_gb2312.html",
    "row_broken_over_page_break.pdf",
]
# The generated web pages carry a publication line above the article, inside
# the content container, as real ones do; it is text of the page.
HTML_PAGE_INFO = "发布日期：2024-01-01来源：本站【字体：大中小】"


@cache
def read(name: str) -> Document:
    path = FORMATS / name
    return READERS[path.suffix[1:]](path)


@cache
def read_txt(seed: str) -> Document:
    from ingest import txt

    return txt.read(CORPUS / f"{seed}.txt")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def grid_signature(table: Table) -> tuple[tuple[str, ...], ...]:
    """A table's non-empty cell texts row by row, whitespace removed: what must
    survive any format (padding, merges and line breaks aside)."""
    rows = (tuple(squash(c.text) for c in row if squash(c.text)) for row in table.rows)
    return tuple(row for row in rows if row)


def block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    return ["\t".join(cell.text for cell in row) for row in block.rows]


def all_fixture_names() -> list[str]:
    return CASE_FILES + [f"{seed}.{fmt}" for seed, fmt in SEED_FILES]


# --- the common text layout ---------------------------------------------------------------


@pytest.mark.parametrize("name", all_fixture_names())
def test_offsets_exact_for_every_cell_and_paragraph(name):
    doc = read(name)
    assert doc.blocks
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert doc.text[block.start : block.end] == block.text
            assert block.text and "\n" not in block.text and "\t" not in block.text
        else:
            assert doc.text[block.start : block.end] == "\n".join(block_lines(block))
            for row in block.rows:
                for cell in row:
                    assert doc.text[cell.start : cell.end] == cell.text
                    assert "\n" not in cell.text and "\t" not in cell.text
                    if not cell.text:
                        assert cell.start == cell.end


@pytest.mark.parametrize("name", all_fixture_names())
def test_text_is_blocks_joined_by_newlines(name):
    doc = read(name)
    assert doc.text == "\n".join(line for block in doc.blocks for line in block_lines(block))
    assert doc.format == Path(name).suffix[1:]


@pytest.mark.parametrize("name", all_fixture_names())
def test_tables_are_rectangular_and_not_layout_boxes(name):
    for table in read(name).tables:
        assert len({len(row) for row in table.rows}) == 1
        assert table.n_rows * table.n_cols > 1


# --- parity with the text version ------------------------------------------------------------


@pytest.mark.parametrize("seed,fmt", SEED_FILES)
def test_table_grids_match_txt(seed, fmt):
    expected = {grid_signature(t) for t in read_txt(seed).tables}
    got = {grid_signature(t) for t in read(f"{seed}.{fmt}").tables}
    assert got == expected
    assert len(read(f"{seed}.{fmt}").tables) == len(read_txt(seed).tables)


@pytest.mark.parametrize("seed,fmt", SEED_FILES)
def test_paragraphs_match_txt(seed, fmt):
    """Every paragraph of the text version, whole and in order; nothing else
    but the table titles (the text reader keeps some inside the table) — so no
    running header, footer or page number either."""
    txt = read_txt(seed)
    captions = {squash(t.caption) for t in txt.tables if t.caption}
    captions |= {f"单位：{t.unit_caption}" for t in txt.tables if t.unit_caption}
    expected = [squash(p.text) for p in txt.paragraphs]
    got = [squash(p.text) for p in read(f"{seed}.{fmt}").paragraphs]
    extra = list(got)
    position = 0
    for paragraph in expected:  # `expected` is a subsequence of `got`
        assert paragraph in got[position:], paragraph
        position = got.index(paragraph, position) + 1
        extra.remove(paragraph)
    assert set(extra) <= captions | ({HTML_PAGE_INFO} if fmt == "html" else set())


def _value_key(v) -> tuple:
    return (v.value, v.unit, v.kind, v.year, v.region)


@pytest.mark.parametrize("seed,fmt", SEED_FILES)
def test_values_parity(seed, fmt):
    extract = pytest.importorskip("extract")
    if not hasattr(extract, "extract_values"):
        pytest.skip("extract.extract_values not written yet")
    try:
        from ingest.metadata import detect_metadata
    except ImportError:
        detect_metadata = None
    txt = read_txt(seed)
    # The same metadata for both, so that only what the readers give differs.
    metadata = detect_metadata(txt.text) if detect_metadata else None
    expected = Counter(_value_key(v) for v in extract.extract_values(txt, metadata))
    got = Counter(_value_key(v) for v in extract.extract_values(read(f"{seed}.{fmt}"), metadata))
    assert got == expected, {"missing": expected - got, "extra": got - expected}


# --- merged cells, two-line headers, layout tables ----------------------------------------------

MERGED_GRID = [
    ["指标名称", "单位", "2017年", "", "2018年", ""],
    ["", "", "计划", "完成", "计划", "完成"],
    ["城镇新增就业人数", "万人", "48", "50.2", "49", "51"],
    ["城镇登记失业率", "%", "3.8以内", "3.5", "3.8以内", "3.6"],
    ["创业带动就业人数", "万人", "12", "12.6", "13", "13.4"],
]


@pytest.mark.parametrize("fmt", READERS)
def test_merged_cells_expanded_without_duplicates(fmt):
    table = read(f"merged_header.{fmt}").tables[0]
    assert table.grid() == MERGED_GRID
    assert table.caption == "表1 主要就业指标计划与完成情况表"


@pytest.mark.parametrize("fmt", READERS)
def test_two_line_header_cells_joined(fmt):
    table = read(f"merged_header.{fmt}").tables[1]
    assert table.grid()[0] == ["区域", "城镇企业职工养老保险缴费人数", "城镇职工医疗保险缴费人数", "2017年目标数"]
    assert table.unit_caption == "人"


@pytest.mark.parametrize("fmt", READERS)
def test_one_cell_layout_table_is_a_paragraph(fmt):
    doc = read(f"merged_header.{fmt}")
    assert len(doc.tables) == 2
    texts = [p.text for p in doc.paragraphs]
    assert "注：生育保险不含零缴费人员。" in texts
    assert texts[-1] == "各区要按照计划抓好落实。"


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_table_over_page_break_is_one_table_without_repeated_header():
    doc = read("table_over_page_break.pdf")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.n_rows == 2 + 70
    assert table.grid()[:2] == [["序号", "地区", "2017年", ""], ["", "", "目标数", "完成数"]]
    assert [row[0] for row in table.grid()[2:]] == [str(i) for i in range(1, 71)]
    assert table.page == 1
    assert len(table.row_pages) == table.n_rows
    assert table.row_pages == sorted(table.row_pages) and table.row_pages[-1] > 1
    assert table.unit_caption == "人" and table.caption == "2017年度新增就业人数分片区计划表"
    assert doc.paragraphs[-1].text == "以上指标纳入年度绩效考核。"


def test_pdf_seed_tables_over_page_breaks_are_joined():
    # (test_table_grids_match_txt checks their rows: no header repeated)
    tables = [t for seed in SEEDS for t in read(f"{seed}.pdf").tables]
    assert sum(1 for t in tables if len(set(t.row_pages)) > 1) >= 4
    for table in tables:
        assert len(table.row_pages) == table.n_rows
        assert table.page == table.row_pages[0]


def test_pdf_running_header_footer_and_page_numbers_dropped():
    doc = read("running_header_footer.pdf")
    assert doc.pages == 4
    assert "天津市人力资源和社会保障局文件" not in doc.text
    assert not re.search(r"^-\s*\d+\s*-$", doc.text, re.MULTILINE)
    # every paragraph whole, even those that run over a page break
    numbered = [p for p in doc.paragraphs if p.text.startswith("（")]
    assert len(numbered) == 48
    assert all(p.text.endswith("确保各项目标任务按期完成。") for p in numbered)
    assert {p.page for p in numbered} == {1, 2, 3, 4}


@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_page_numbers_of_every_style_dropped(seed):
    text = read(f"{seed}.pdf").text
    assert not re.search(r"^(-\s*\d+\s*-|第\d+页 ?共\d+页)$", text, re.MULTILINE)


def test_pdf_pages_are_set():
    doc = read("000_ea48af81f9ea94bf.pdf")
    assert doc.pages and doc.pages > 1
    assert all(1 <= p.page <= doc.pages for p in doc.paragraphs)
    assert all(1 <= t.page <= doc.pages for t in doc.tables)
    assert doc.paragraphs[0].page == 1 and doc.paragraphs[-1].page == doc.pages


def test_pdf_fake_bold_and_letter_spacing_cleaned():
    doc = read("cjk_cleanup.pdf")
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["关于印发就业工作计划的通知", "一、总体要求"]
    assert "目标任务" in texts
    assert texts[2].startswith("全年新增就业48万人，城镇登记失业率控制在3.8%以内；")
    assert doc.tables[0].grid() == [["指标", "目标"], ["合计", "480000"], ["和平区", "40000"]]


def test_pdf_scan_without_text_layer_needs_ocr():
    path = FORMATS / "scanned.pdf"
    with pytest.raises(NeedsOCR, match=re.escape(str(path))):
        pdf_reader.read(path)


def test_pdf_encrypted_is_unreadable_with_reason():
    path = FORMATS / "encrypted.pdf"
    with pytest.raises(UnreadableDocument, match="encrypted") as info:
        pdf_reader.read(path)
    assert not isinstance(info.value, NeedsOCR)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"not a pdf at all"])
def test_pdf_corrupt_is_unreadable_with_reason(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match="corrupt") as info:
        pdf_reader.read(path)
    assert str(path) in str(info.value)


def test_clean_cjk_drops_spaces_between_han_only():
    assert pdf_reader.clean_cjk("城 镇 新 增 就 业 48 万人") == "城镇新增就业 48 万人"


# --- HTML --------------------------------------------------------------------------------------


def test_html_gbk_page_declaring_gb2312_decoded():
    doc = read("gbk_declared_gb2312.html")
    assert doc.encoding == "gb18030"
    assert "朱镕基同志视察时强调" in doc.text  # 镕 is GBK, not GB2312
    assert "张喆、李堃等同志参加会议。" in doc.text
    assert doc.tables[0].grid() == [["区域", "2017年目标数"], ["合计", "480000"], ["和平区", "40000"]]


@pytest.mark.parametrize(
    "data,encoding",
    [
        ('<meta charset="gb2312"><p>朱镕基</p>'.encode("gbk"), "gb18030"),
        ("<p>没有声明的国标页面</p>".encode("gbk"), "gb18030"),
        ('<meta charset="utf-8"><p>就业</p>'.encode(), "utf-8"),
        # a stale declaration that does not fit the bytes is ignored
        ('<meta charset="gb2312"><p>就业</p>'.encode(), "utf-8"),
    ],
)
def test_html_bytes_to_text(data, encoding):
    text, used = html_reader.bytes_to_text(data)
    assert used == encoding
    assert re.search(r"朱镕基|国标页面|就业", text)


@pytest.mark.parametrize("seed", SEEDS)
def test_html_navigation_scripts_and_footer_dropped(seed):
    text = read(f"{seed}.html").text
    for noise in ["99万人", "访问量", "办事服务", "当前位置", "分享到", "网站标识码", "相关文件", "长者模式", "_hmt"]:
        if noise not in read_txt(seed).text:  # seed 002 was itself scraped with its breadcrumb
            assert noise not in text


def test_html_rowspan_colspan_and_br(tmp_path):
    page = tmp_path / "spans.html"
    page.write_text(
        "<html><body><div id='zoom'><table>"
        "<tr><th rowspan=2>地区</th><th colspan=2>2017年</th></tr>"
        "<tr><td>城镇<br>新增就业</td><td>失业率</td></tr>"
        "<tr><td>合计</td><td>480000</td><td>3.8</td></tr>"
        "</table></div></body></html>",
        encoding="utf-8",
    )
    doc = html_reader.read(page)
    assert doc.tables[0].grid() == [["地区", "2017年", ""], ["", "城镇新增就业", "失业率"], ["合计", "480000", "3.8"]]


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_corrupt_is_unreadable_with_reason(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableDocument) as info:
        docx_reader.read(path)
    assert str(path) in str(info.value)


def test_docx_body_order_kept():
    doc = read("merged_header.docx")
    assert [b.kind for b in doc.blocks] == [
        "paragraph", "paragraph", "table", "paragraph", "paragraph", "table", "paragraph", "paragraph",
    ]  # fmt: skip


# --- dispatch ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["merged_header.docx", "merged_header.pdf", "merged_header.html"])
def test_read_document_picks_the_reader(name):
    doc = read_document(FORMATS / name)
    assert doc.format == Path(name).suffix[1:]
    assert doc.tables[0].grid() == MERGED_GRID


# --- an office-made PDF (LibreOffice from Word) ---------------------------------------------------


def test_pdf_row_broken_over_page_break_is_one_row_again():
    doc = read("row_broken_over_page_break.pdf")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [row[0] for row in table.grid()] == ["序号"] + [str(k) for k in range(1, 13)]
    assert table.row_pages[0] < table.row_pages[-1]
    long_rule = table.grid()[7][3]
    # the cell's text runs on over the page break, joined where it was cut
    assert "以企业与高校签订的合作协议为依据。完成得满分，未完成的不得分。动员或组织辖区内青年" in long_rule
    assert long_rule.endswith("并在全市通报批评。") and len(long_rule) > 500


def test_pdf_office_running_header_and_page_field_dropped():
    doc = read("row_broken_over_page_break.pdf")
    assert doc.pages == 3
    assert "如皋市人力资源和社会保障局" not in doc.text
    assert not re.search(r"^-\s*\d+\s*-$", doc.text, re.MULTILINE)
    texts = [p.text for p in doc.paragraphs]
    assert len(texts) == 22 + 2 and texts[-1] == "考核结果纳入年度绩效考核。"
    assert doc.tables[0].caption == "2021年人力资源和社会保障工作考核评分表"


# --- a mixed corpus ------------------------------------------------------------------------------


def test_build_on_a_folder_mixing_formats(tmp_path):
    import shutil
    import sqlite3

    from db import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "001_404ff1416955840c.txt", corpus / "tianjin_interpretation.txt")
    shutil.copy(FORMATS / "000_ea48af81f9ea94bf.docx", corpus / "tianjin_plan.docx")
    shutil.copy(FORMATS / "003_46fcc39df94149c6.pdf", corpus / "wuhan_plan.pdf")
    shutil.copy(FORMATS / "004_3e7897c2aae47fa4.html", corpus / "rugao_assessment.html")
    shutil.copy(FORMATS / "scanned.pdf", corpus / "scanned.pdf")
    report = build(corpus, tmp_path / "plankb.db")
    assert report.documents == 4
    assert [(e.path, e.error_type) for e in report.errors] == [("scanned.pdf", "NeedsOCR")]
    assert "OCR" in report.errors[0].message
    conn = sqlite3.connect(tmp_path / "plankb.db")
    formats = dict(conn.execute("select source_file, format from documents"))
    assert formats == {
        "tianjin_interpretation.txt": "txt",
        "tianjin_plan.docx": "docx",
        "wuhan_plan.pdf": "pdf",
        "rugao_assessment.html": "html",
    }
    pages = conn.execute(
        "select count(*), sum(v.page is not null) from indicator_values v join documents d on d.id = v.document_id where d.format = 'pdf'"
    ).fetchone()
    assert pages[0] > 100 and pages[0] == pages[1]
    assert conn.execute("select count(*) from ingest_errors").fetchone()[0] == 1
