"""Fuzzing: the text reader, table recovery with the table extractor, and the
number/unit parser never crash, never hang, and keep their offsets valid.

The default run tries 300 inputs per target. A long run, 10,000 inputs per
target:

    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

Every input runs under a time limit (SIGALRM where available) besides
hypothesis' deadline, so that an input that loops forever fails the test
instead of hanging the run.
"""

from __future__ import annotations

import math
import os
import re
import signal
from contextlib import contextmanager
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_document
from extract.context import DocumentContext
from extract.quantities import find_quantities, parse_cell
from extract.tables import table_to_values
from ingest import Metadata, Paragraph, Table
from ingest.document import Cell
from ingest.txt import bytes_to_text, looks_binary, text_to_document

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
EXAMPLES = 10_000 if PROFILE == "fuzz" else 300
HANG_S = 20  # an input that takes this long is a hang


def fuzz(deadline_ms: int):
    return settings(
        max_examples=EXAMPLES,
        deadline=timedelta(milliseconds=deadline_ms),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@contextmanager
def no_hang(seconds: float = HANG_S):
    if not hasattr(signal, "setitimer"):
        yield
        return

    def hang(signum, frame):
        raise TimeoutError(f"input took more than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    """Load the spaCy pipeline and the data files once, outside the deadlines."""
    text = "一、就业\n\t指标\n\t单位\n\t2017年目标\n\n\t城镇新增就业\n\t万人\n\t48\n到2020年，城镇新增就业50万人。\n"
    extract_document(text_to_document(text), Metadata(doc_type="annual_plan", year=2017))


# --- alphabets ------------------------------------------------------------------------------

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
DIGITS = st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,2})?", fullmatch=True)
LAYOUT = st.sampled_from(["\t", "\n", "\n\n", " ", "\u3000", "\t\t", "\n\t", "\r\n", "\f"])
WORDS = st.sampled_from(
    [
        "单位：人", "（单位：万元）", "其中：", "注：", "附件", "说明", "备注", "一、", "（二）", "第三章", "1.", "2．",
        "。", "；", "，", "、", "：", "“十三五”", "十二五", "2017年", "2020年底", "合计", "全市", "区", "镇", "街道",
        "城镇新增就业人数", "城镇登记失业率", "万人", "亿元", "%", "个百分点", "以内", "以上", "左右", "不低于",
        "分别达到", "目标值", "完成值", "期末值", "计划表", "专栏", "序号", "指标", "分值", "—", "-", "～", "约",
        "余", "人次", "元/月", "〔2017〕30号", "12333", "三", "十", "两",
    ]
)  # fmt: skip
PIECES = st.one_of(LAYOUT, LAYOUT, HAN, DIGITS, WORDS, st.characters())
TEXTS = st.lists(PIECES, max_size=80).map("".join)
CONTEXTS = st.sampled_from(
    [
        Metadata(),
        Metadata(doc_type="annual_plan", year=2017),
        Metadata(doc_type="five_year_plan", period="十三五"),
        Metadata(doc_type="assessment", year=2021),
        Metadata(doc_type="interpretation", period="十四五"),
    ]
)


def check_values(values, text: str) -> None:
    for v in values:
        assert v.kind in ("target", "actual"), v
        assert math.isfinite(v.value), v
        assert v.value_max is None or math.isfinite(v.value_max), v
        assert v.char_start is not None and 0 <= v.char_start < v.char_end <= len(text), v
        assert any(ch.isdigit() or ch in "〇零一二两三四五六七八九十百千万亿" for ch in text[v.char_start : v.char_end]), v


# --- 1. the text reader, then the whole extraction --------------------------------------------


@fuzz(deadline_ms=5000)
@given(TEXTS, st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]), CONTEXTS)
def test_fuzz_text_reader_and_extraction(text, encoding, metadata):
    with no_hang():
        data = text.encode(encoding, errors="replace")  # lone surrogates become `?`
        decoded, _ = bytes_to_text(data)
        assert "\r" not in decoded
        # A lone surrogate cannot be encoded at all: such a text never decodes back exactly.
        exact = not any("\ud800" <= ch <= "\udfff" for ch in text)
        if encoding.startswith("utf-8") and exact and not text.startswith("\ufeff"):
            assert decoded == text.replace("\r\n", "\n").replace("\r", "\n")
        looks_binary(decoded)
        document = text_to_document(decoded)
        check_blocks(document)
        extraction = extract_document(document, metadata)
        check_values(extraction.values, decoded)


def check_blocks(document) -> None:
    text, previous_end = document.text, 0
    for block in document.blocks:
        assert previous_end <= block.start <= block.end <= len(text), block
        previous_end = block.end
        if isinstance(block, Paragraph):
            assert text[block.start : block.end] == block.text
            continue
        for row in block.rows:
            for cell in row:
                assert 0 <= cell.start <= cell.end <= len(text), cell
                if cell.text:  # an empty cell only marks its place
                    assert block.start <= cell.start <= cell.end <= block.end, (cell, block.start, block.end)
                span = text[cell.start : cell.end]
                if "\n" not in span:
                    assert span == cell.text, (span, cell)
                else:  # a header cell joined from several lines
                    assert re.sub(r"\s", "", span).startswith(re.sub(r"\s", "", cell.text)[:1])


# --- 2. table recovery and the table extractor -----------------------------------------------

HEADER_CELLS = st.sampled_from(
    [
        "序号", "指标", "指标名称", "项目", "单位", "计量单位", "2017年目标", "2017年目标数", "计划数", "全市计划",
        "“十三五”目标值", "“十二五”完成值", "十一五期末值", "2015年", "2020年基期", "分值", "考核内容", "评分标准",
        "区", "地区", "合计", "总计", "其中：", "和平区", "滨海新区", "东陈镇", "开发区", "街道",
        "城镇新增就业人数", "城镇登记失业率", "参保人数", "万人", "%", "人", "个", "户", "单位：人", "",
    ]
)  # fmt: skip
VALUE_CELLS = st.one_of(
    st.sampled_from(["48", "3.8以内", "12.5%", ">99", "≥95", "—", "", "1,234", "50-55", "4.6(以内)", "约3", "2017年",
                     "0.5", "100%", "98(“三上企业”)", "12 : 31", "与经济增长同步", "5万", "３８", "1.8亿元", "10分"]),
    DIGITS,
    st.text(st.one_of(HAN, st.sampled_from(list("0123456789.%万人以内上下（）()-—"))), max_size=8),
)  # fmt: skip
CELLS = st.one_of(HEADER_CELLS, VALUE_CELLS)
GRIDS = st.lists(st.lists(CELLS, min_size=1, max_size=7), min_size=1, max_size=10)
CAPTIONS = st.sampled_from([None, "2017年新增就业人数分区计划表", "专栏2 “十三五”时期主要指标", "社会保险工作目标任务分解表"])
UNIT_CAPTIONS = st.sampled_from([None, "人", "万人", "%", "万元"])
TABLE_CONTEXTS = CONTEXTS.map(lambda m: DocumentContext(doc_type=m.doc_type, period=m.period, year=m.year))


def grid_to_table(grid: list[list[str]]) -> tuple[str, Table]:
    """The grid written as tab rows, and the `Table` of its cells with their offsets."""
    lines, rows, offset = [], [], 0
    for row in grid:
        cells, pos = [], offset
        for text in row:
            cells.append(Cell(text, pos, pos + len(text)))
            pos += len(text) + 1
        rows.append(cells)
        line = "\t".join(row)
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    return text, Table(rows=rows, start=0, end=len(text))


def grid_to_flat_text(grid: list[list[str]], cell_lines: bool) -> str:
    """The grid flattened the two ways text exports do: one row per line with
    tabs, or one cell per line after a tab with rows apart."""
    if cell_lines:
        return "\n\n".join("\n".join("\t" + c for c in row) for row in grid)
    return "\n".join("\t".join(row) for row in grid)


@fuzz(deadline_ms=3000)
@given(GRIDS, CAPTIONS, UNIT_CAPTIONS, TABLE_CONTEXTS)
def test_fuzz_table_extractor_on_generated_grids(grid, caption, unit_caption, context):
    with no_hang():
        text, table = grid_to_table(grid)
        table.caption, table.unit_caption = caption, unit_caption
        values, scores = table_to_values(table, 0, context)
        check_values(values, text)
        for v in values:
            assert v.row_index is None or 0 <= v.row_index < len(grid)
        for s in scores:
            assert math.isfinite(s.points) and 0 <= s.char_start <= s.char_end <= len(text)


@fuzz(deadline_ms=5000)
@given(GRIDS, st.booleans(), st.sampled_from(["", "2017年新增就业人数分区计划表\n", "单位：万人\n", "一、就业\n"]), TABLE_CONTEXTS)
def test_fuzz_table_recovery_then_extractor(grid, cell_lines, before, context):
    with no_hang():
        text = before + grid_to_flat_text(grid, cell_lines) + "\n注：以上为计划数。\n"
        document = text_to_document(text)
        check_blocks(document)
        for index, table in enumerate(document.tables):
            values, _ = table_to_values(table, index, context)
            check_values(values, text)


# --- 3. the number and unit parser ------------------------------------------------------------

QUANTITY_TEXTS = st.one_of(
    TEXTS,
    st.lists(st.one_of(DIGITS, WORDS, HAN, st.sampled_from(list("0123456789.,，%％-—~～至到万亿千百余多约第年月日号〔〕“”()（）<>≥≤ "))),
             max_size=25).map("".join),
)  # fmt: skip


@fuzz(deadline_ms=1000)
@given(QUANTITY_TEXTS)
def test_fuzz_find_quantities(text):
    with no_hang():
        quantities = find_quantities(text)
    assert [q.start for q in quantities] == sorted(q.start for q in quantities)
    for q in quantities:
        assert 0 <= q.start < q.end <= len(text)
        assert math.isfinite(q.value) and (q.value_max is None or math.isfinite(q.value_max))
        assert q.comparator in ("=", "<=", ">=", "~")


@fuzz(deadline_ms=1000)
@given(st.one_of(VALUE_CELLS, QUANTITY_TEXTS), st.sampled_from([None, "", "万人", "%", "亿元", "人次", "个百分点", "斤两", "单位"]))
def test_fuzz_parse_cell(text, unit):
    with no_hang():
        q = parse_cell(text, unit)
    if q is not None:
        assert math.isfinite(q.value) and (q.value_max is None or math.isfinite(q.value_max))
        assert q.comparator in ("=", "<=", ">=", "~")
