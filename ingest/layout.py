"""The text layout shared by the structured readers (DOCX, PDF, HTML).

They all turn their blocks into one `Document.text` the same way, so that
character offsets work and the extractor sees what it sees for plain text:
blocks joined by newlines, a paragraph on one line, a table one line per row
with its cells separated by tabs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from ingest.document import Block, Cell, Paragraph, Table

# Characters set without spaces in Chinese text: Han, CJK punctuation, full-width forms.
WIDE = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
WHITESPACE = re.compile(r"\s+")
# A space is kept between lines only where Latin text continues: after a letter,
# digit or closing punctuation, before a letter.
LATIN_BEFORE = re.compile(r"[A-Za-z0-9,.;:!?)\]]$")
LATIN_AFTER = re.compile(r"^[A-Za-z(\[]")


def collapse_whitespace(text: str) -> str:
    """One line of text: runs of whitespace (tabs, newlines, no-break and
    ideographic spaces) become one space, the ends are trimmed.

    >>> collapse_whitespace("\\u3000\\u3000城镇\\t新增\\xa0 就业 ")
    '城镇 新增 就业'
    """
    return WHITESPACE.sub(" ", text).strip()


def join_lines(lines: Iterable[str]) -> str:
    """Join the lines of a cell or paragraph into one line.

    Chinese lines join without a space; a space is kept only between Latin
    words. Digits on both sides join without one: in a narrow cell a line break
    between digits is a number wrapped, not two numbers.

    >>> join_lines(["城镇企业职工养老", "保险缴费人数"])
    '城镇企业职工养老保险缴费人数'
    >>> join_lines(["2017年", "目标数"])
    '2017年目标数'
    >>> join_lines(["Gross domestic", "product", ""])
    'Gross domestic product'
    >>> join_lines(["2900", "00"])
    '290000'
    """
    out = ""
    for line in lines:
        line = collapse_whitespace(line)
        if not line:
            continue
        if out and LATIN_BEFORE.search(out) and LATIN_AFTER.match(line):
            out += " "
        out += line
    return out


def grid_to_blocks(
    grid: list[list[str]], page: int | None = None, row_pages: list[int] | None = None
) -> list[Block]:
    """A text grid as a rectangular `Table` (short rows padded with empty
    cells), or as paragraphs when it is a layout table of a single cell.

    Offsets are left at 0: `lay_out` sets them once the order of all blocks is known.
    """
    grid = [[collapse_whitespace(cell) for cell in row] for row in grid]
    width = max((len(row) for row in grid), default=0)
    if width == 0:
        return []
    if len(grid) == 1 and width == 1:
        return [Paragraph(grid[0][0], 0, 0, page)] if grid[0][0] else []
    rows = [[Cell(text, 0, 0) for text in row + [""] * (width - len(row))] for row in grid]
    return [Table(rows=rows, start=0, end=0, page=page, row_pages=row_pages)]


def lay_out(blocks: list[Block]) -> tuple[str, list[Block]]:
    """The document text of a block list, and the blocks with their offsets set.

    The text is the blocks joined by newlines: a paragraph is one line; a table
    is one line per row, cells joined by tabs. Paragraph and cell texts must
    hold no newline or tab (`join_lines` and `grid_to_blocks` make sure).

    >>> text, blocks = lay_out([Paragraph("单位：人", 0, 0),
    ...     Table([[Cell("合计", 0, 0), Cell("", 0, 0)], [Cell("和平区", 0, 0), Cell("40000", 0, 0)]], 0, 0)])
    >>> text
    '单位：人\\n合计\\t\\n和平区\\t40000'
    >>> cell = blocks[1].rows[1][1]
    >>> text[cell.start:cell.end]
    '40000'
    """
    pieces: list[str] = []
    laid: list[Block] = []
    pos = 0
    for block in blocks:
        if pieces:
            pieces.append("\n")
            pos += 1
        if isinstance(block, Paragraph):
            laid.append(replace(block, start=pos, end=pos + len(block.text)))
            pieces.append(block.text)
            pos += len(block.text)
            continue
        start = pos
        rows: list[list[Cell]] = []
        for i, row in enumerate(block.rows):
            if i:
                pieces.append("\n")
                pos += 1
            cells = []
            for j, cell in enumerate(row):
                if j:
                    pieces.append("\t")
                    pos += 1
                cells.append(Cell(cell.text, pos, pos + len(cell.text)))
                pieces.append(cell.text)
                pos += len(cell.text)
            rows.append(cells)
        laid.append(replace(block, rows=rows, start=start, end=pos))
    return "".join(pieces), laid
