"""The plain-text reader: encodings, paragraphs and recovered tables of the seeds."""

from __future__ import annotations

import codecs

import pytest

from ingest import Paragraph, Table, UnreadableDocument
from ingest.txt import bytes_to_text, read, text_to_document

SAMPLE = "2017年天津市计划\n\t序号\n\t指标名称\n\n\t1\n\t城镇新增就业人数\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_txt_reader_detects_encoding(data, encoding):
    text, detected = bytes_to_text(data)
    assert detected == encoding
    assert text == SAMPLE


def test_txt_reader_rejects_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match="empty"):
        read(empty)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 50)
    with pytest.raises(UnreadableDocument, match="junk.txt"):
        read(junk)


def test_txt_reader_offsets_point_into_the_text(read_seed):
    for key in ("tianjin_2017_annual_plan", "wuhan_13th_plan", "rugao_2021_assessment"):
        doc = read_seed(key)
        for block in doc.blocks:
            if isinstance(block, Paragraph):
                assert doc.text[block.start : block.end] == block.text
            else:
                for row in block.rows:
                    for cell in row:
                        if cell.text and "\n" not in doc.text[cell.start : cell.end]:
                            assert doc.text[cell.start : cell.end] == cell.text


def _table(doc, caption_part: str) -> Table:
    matches = [t for t in doc.tables if t.caption and caption_part in t.caption]
    assert len(matches) == 1, [t.caption for t in doc.tables]
    return matches[0]


def test_cell_lines_table_with_split_header_cells(read_seed):
    doc = read_seed("tianjin_2017_annual_plan")
    table = _table(doc, "各区社会保险缴费人数计划表")
    assert table.unit_caption == "人"
    header = [c.text.replace(" ", "") for c in table.rows[0]]
    assert header == [
        "",
        "城镇企业职工养老保险缴费人数",
        "城镇职工医疗保险缴费人数",
        "失业保险缴费人数",
        "工伤保险缴费人数",
        "生育保险缴费人数",
        "城乡居民养老保险扩面人数",
    ]
    regions = table.rows[1:]
    assert len(regions) == 23
    assert all(len(r) == 7 for r in regions)
    assert [c.text for c in regions[0]][:2] == ["合  计", "2981189"]
    assert [c.text for c in regions[-1]][:2] == ["大  港", "140576"]


def test_cell_lines_table_caption_and_unit_inside_the_grid(read_seed):
    doc = read_seed("tianjin_2017_annual_plan")
    table = _table(doc, "建筑业农民工工伤保险参保指标")
    assert table.unit_caption == "人"
    assert [c.text for c in table.rows[0]] == ["", "2017年按建设项目参保新增人数指标"]
    assert [c.text for c in table.rows[1]] == ["合计", "204200"]
    assert len(table.rows) == 18


def test_plan_table_keeps_section_and_sub_rows(read_seed):
    doc = read_seed("tianjin_2017_annual_plan")
    table = _table(doc, "事业发展总量计划表")
    grid = table.grid()
    assert grid[0] == ["序号", "指标名称", "单位", "全市计划"]
    assert grid[1] == ["一", "就业", "", ""]
    assert grid[5] == ["4", "城镇登记失业率", "%", "3.8以内"]
    assert ["7", "其中：企业职工", "万人", "396"] in grid
    assert len(grid) == 31  # header + 6 section rows + 24 indicator rows


def test_tab_rows_tables_with_period_columns(read_seed):
    doc = read_seed("wuhan_13th_plan")
    first, second = doc.tables
    assert first.caption == "专栏 1 “十二五”规划主要指标完成情况"
    assert first.grid()[0] == ["指标内容", "目标单位", "“十一五”期末值", "“十二五”目标值", "“十二五”完成值"]
    assert first.grid()[2] == ["2.城镇登记失业率", "%", "4.1", "4.6(以内)", "4(以内)"]
    assert len(first.rows) == 19
    assert second.caption == "专栏2 “十三五”时期主要指标"
    # a blank line falls between rows 3 and 4 of this table in the source
    assert len(second.rows) == 21
    assert second.grid()[3] == ["3.基本养老保险参保率", "%", "98", "98.79", ">99"]


def test_transposed_table_with_header_split_over_lines(read_seed):
    doc = read_seed("rugao_2021_assessment")
    table = _table(doc, "社会保险工作目标任务分解表")
    header = [c.text.replace(" ", "") for c in table.rows[0]]
    assert header[1] == "合计"
    assert header[2] == "如皋工业园区（如城街道）"
    assert header[-1] == "搬经镇"
    assert len(header) == 16
    assert len(table.rows) == 5
    assert table.rows[4][0].text == "居民养老保险参保缴费人数"


def test_paragraphs_are_lines():
    doc = text_to_document("第一段。\n\n  第二段文字  \n")
    assert [p.text for p in doc.paragraphs] == ["第一段。", "第二段文字"]
    assert doc.text[doc.paragraphs[1].start : doc.paragraphs[1].end] == "第二段文字"
