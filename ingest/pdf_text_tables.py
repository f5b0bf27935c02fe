"""Tables drawn without ruling lines: cells set apart by white space only.

Indicator tables in government PDFs are often laid out by alignment alone
(perhaps with a rule above and below, a 三线表), so `page.find_tables()`
sees no cells and the rows would come out as run-together paragraphs. This
module finds them among the text lines of a page, conservatively:

1. `line_to_segments` — a visual line cut where the space between two
   glyphs is wide (`GUTTER_EMS`): the pieces are candidate cells.
2. `lines_to_runs` — runs of vertically close lines of two or more short
   segments; a line of one segment (a section row, `一、经济发展`) may stand
   inside a run, not at its ends.
3. `run_to_table` — the columns are the white-space gutters shared by the
   typical rows; every row must fit them, the table must have at least
   `MIN_COLUMNS` columns and `MIN_ROWS` rows, and most rows a number outside
   the first column (serial numbers do not count), and the numbers may not
   be the rising page numbers of a table of contents. Prose, headings,
   numbered lists and two-column text fail one of these and stay lines.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ingest.layout import join_lines

# A space between two glyphs this many ems wide or wider separates cells.
GUTTER_EMS = 1.5
# A space this wide (points) between glyphs of one cell is a word space.
WORD_SPACE = 3.0
MIN_ROWS = 3
MIN_COLUMNS = 3
# Lines further apart than this (ems, bottom to top) are not rows of one table.
ROW_GAP_EMS = 2.0
# Cells of indicator tables are short; a longer piece is a line of prose.
MAX_CELL_CHARS = 30
# Share of rows of two or more cells that must hold a number outside the first column.
NUMERIC_SHARE = 2 / 3
NUMBER = re.compile(r"^[<>≤≥＜＞约±+\-－]?\d[\d,.，]*")
SENTENCE_PUNCTUATION = re.compile(r"[，。；！？]")


@dataclass
class Segment:
    """A piece of a line between wide spaces: a candidate cell."""

    text: str
    x0: float
    x1: float


@dataclass
class Row:
    line: dict  # the pdfplumber text line
    segments: list[Segment]
    em: float


@dataclass
class TextTable:
    """A table found by alignment: a grid and where it stands on the page."""

    grid: list[list[str]]
    columns: list[float]  # left edge of each column
    x0: float
    x1: float
    top: float
    bottom: float


def find_text_tables(lines: list[dict]) -> tuple[list[TextTable], list[dict]]:
    """The tables laid out by alignment among pdfplumber text lines (with
    their `chars`, top to bottom), and the lines that are not in one."""
    rows = [line_to_row(line) for line in lines]
    tables: list[TextTable] = []
    used: set[int] = set()
    for start, end in lines_to_runs(rows):
        table = run_to_table(rows[start:end])
        if table:
            tables.append(table)
            used.update(range(start, end))
    return tables, [line for k, line in enumerate(lines) if k not in used]


def line_to_row(line: dict) -> Row:
    chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
    em = statistics.median([c["size"] for c in chars]) if chars else 10.0
    return Row(line, line_to_segments(chars, em), em)


def line_to_segments(chars: list[dict], em: float) -> list[Segment]:
    """The pieces of a line (its glyphs left to right) between wide spaces.

    >>> glyphs = [{"text": t, "x0": x, "x1": x + 10} for t, x in [("城", 0), ("镇", 10), ("万", 60), ("人", 70), ("4", 120), ("8", 125)]]
    >>> [s.text for s in line_to_segments(glyphs, 10)]
    ['城镇', '万人', '48']
    """
    segments: list[Segment] = []
    for char in chars:
        last = segments[-1] if segments else None
        gap = char["x0"] - last.x1 if last else 0.0
        if last and gap < GUTTER_EMS * em:
            last.text += (" " if gap > WORD_SPACE else "") + char["text"]
            last.x1 = max(last.x1, char["x1"])
        else:
            segments.append(Segment(char["text"], char["x0"], char["x1"]))
    return segments


def _row_like(row: Row) -> bool:
    return len(row.segments) >= 2 and all(len(s.text) <= MAX_CELL_CHARS for s in row.segments)


def _close(a: Row, b: Row) -> bool:
    return 0 <= b.line["top"] - a.line["bottom"] <= ROW_GAP_EMS * max(a.em, b.em)


def lines_to_runs(rows: list[Row]) -> list[tuple[int, int]]:
    """(start, end) of each run of close lines that could be table rows: lines
    of two or more short segments, with single short lines allowed between them."""
    runs = []
    k = 0
    while k < len(rows):
        if not _row_like(rows[k]):
            k += 1
            continue
        end = k + 1
        last_row_like = k
        while end < len(rows) and _close(rows[end - 1], rows[end]):
            row = rows[end]
            if _row_like(row):
                last_row_like = end
            elif not (len(row.segments) == 1 and len(row.segments[0].text) <= MAX_CELL_CHARS):
                break
            end += 1
        runs.append((k, last_row_like + 1))
        k = last_row_like + 1
    return runs


def _is_number(text: str) -> bool:
    return bool(NUMBER.match(text)) and len(text) <= 12


def _gutter_columns(rows: list[Row]) -> list[tuple[float, float]]:
    """The column extents of `rows`: the union of their segments, split at
    the white space they all leave."""
    spans = sorted((s.x0, s.x1) for row in rows for s in row.segments)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(x0, x1) for x0, x1 in columns]


def _overlapping(segment: Segment, columns: list[tuple[float, float]]) -> list[int]:
    return [k for k, (x0, x1) in enumerate(columns) if segment.x0 < x1 and segment.x1 > x0]


def is_contents(grid: list[list[str]]) -> bool:
    """Do the numbers of `grid` stand in one column, as whole numbers that
    never decrease down the rows: page numbers of a table of contents?

    >>> is_contents([["第一章", "总体要求", "3"], ["第二章", "主要任务", "7"], ["第三章", "保障措施", "12"]])
    True
    >>> is_contents([["1", "城镇新增就业", "万人", "48", "50"], ["2", "创业带动就业", "万人", "12", "13"]])
    False
    """
    columns = {k for row in grid for k, cell in enumerate(row) if k > 0 and _is_number(cell)}
    if len(columns) != 1:
        return False
    (k,) = columns
    numbers = [row[k] for row in grid if row[k]]
    return all(n.isdigit() for n in numbers) and numbers == sorted(numbers, key=int)


def run_to_table(rows: list[Row]) -> TextTable | None:
    """The table a run of lines forms, or None when it is not one."""
    multi = [row for row in rows if len(row.segments) >= 2]
    if len(rows) < MIN_ROWS or len(multi) < 2:
        return None
    # The typical rows (the most common number of cells) set the gutters; they
    # must all have one cell in each column.
    counts = Counter(len(row.segments) for row in multi)
    width = max(counts, key=lambda n: (counts[n], n))
    typical = [row for row in multi if len(row.segments) == width]
    columns = _gutter_columns(typical)
    if len(columns) != width or width < MIN_COLUMNS or len(typical) < max(2, len(multi) / 2):
        return None
    grid: list[list[str]] = []
    numeric_rows = 0
    for row in rows:
        cells: list[list[str]] = [[] for _ in columns]
        numeric = False
        crosses = False
        for segment in row.segments:
            hits = _overlapping(segment, columns)
            crosses = crosses or len(hits) > 1
            k = hits[0] if hits else min(range(len(columns)), key=lambda k: abs(columns[k][0] - segment.x0))
            cells[k].append(segment.text)
            numeric = numeric or (k > 0 and _is_number(segment.text))
        if crosses and numeric:  # a row of values that ignores the columns: not a table
            return None
        numeric_rows += numeric and len(row.segments) >= 2
        grid.append([join_lines(parts) for parts in cells])
    if numeric_rows < NUMERIC_SHARE * len(multi):
        return None
    if sum(1 for row in grid for cell in row if SENTENCE_PUNCTUATION.search(cell)) > 1:
        return None
    if is_contents(grid):
        return None
    return TextTable(
        grid=grid,
        columns=[x0 for x0, _ in columns],
        x0=min(s.x0 for row in rows for s in row.segments),
        x1=max(s.x1 for row in rows for s in row.segments),
        top=rows[0].line["top"],
        bottom=rows[-1].line["bottom"],
    )
