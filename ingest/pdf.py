"""PDF reader (pdfplumber): the text layer in reading order, ruled tables as grids.

A PDF holds glyphs at positions, not paragraphs. The reader rebuilds, page by
page:

1. `page_to_items` — ruled tables (`page.find_tables`) as grids, tables
   without rules found by the alignment of their text (`ingest.pdf_text_tables`),
   and the visual lines of the text outside them, top to bottom. Glyphs drawn twice or
   more at nearly the same spot (fake bold: word processors embolden a CJK font
   that has no bold face by overprinting it) are removed first, and spaces
   between Han characters (letter-spaced headings, justified lines) dropped.
2. `drop_running_lines` — running headers and footers (lines repeated at the
   top or bottom of most pages) and page numbers (`- 3 -`, `第3页`, a bare
   number) are not text of the document.
3. `items_to_blocks` — visual lines joined into paragraphs (a line that fills
   the measure and is followed by an unindented line continues), and a table
   that runs over a page break joined back into one, without the header rows
   the word processor repeated on the new page.

The blocks are then laid out like every other format (`ingest.docx.lay_out`),
with `page` set on paragraphs and tables and `row_pages` on tables.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from ingest.document import (
    Block,
    Document,
    NeedsOCR,
    Paragraph,
    UnreadableDocument,
)
from ingest.layout import WIDE, grid_to_blocks, join_lines, lay_out
from ingest.pdf_text_tables import find_text_tables
from ingest.structure import attach_captions

# Fake-bold copies sit within a point of the original; identical glyphs set side
# by side are at least half an em apart (over 2.5pt even in 5pt table text).
DEDUPE_TOLERANCE = 1.5
# Gaps between characters wider than this (in points) become a space.
X_TOLERANCE = 3
# A line repeated at the top or bottom of more than this share of pages is a
# running header or footer (the first page often has none).
RUNNING_SHARE = 0.5
# How many lines at each end of a page can be running header/footer lines.
EDGE_LINES = 2
SPURIOUS_SPACE = re.compile(rf"(?<=[{WIDE}]) +(?=[{WIDE}])")
PAGE_NUMBER = re.compile(
    r"""^(
        [-－—–‒_]*\s*\d{1,4}\s*[-－—–‒_]*              # - 3 -, —3—, 3
      | (共\s*\d+\s*页\s*[,，]?\s*)?第\s*\d+\s*页(\s*[,，/／]?\s*共\s*\d+\s*页)?  # 第3页 共10页
      | \d+\s*[/／]\s*\d+                               # 3/10
      | (page|p\.?)\s*\d+(\s*(of|/)\s*\d+)?             # Page 3 of 10
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass
class Line:
    """A visual line of text outside the tables of a page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size: the unit of indents and margins
    lead: float  # width of the line's first word (a Latin run or one Han character)
    page: int
    page_width: float


@dataclass
class PageTable:
    """A table (ruled, or aligned by white space) as found on one page (or, once
    joined, over several)."""

    grid: list[list[str]]
    columns: list[float]  # left edge of each grid column
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    page_width: float
    row_pages: list[int] = field(default_factory=list)
    last_page: int = 0  # where it ends, once joined

    def __post_init__(self) -> None:
        self.row_pages = self.row_pages or [self.page] * len(self.grid)
        self.last_page = self.last_page or self.page


Item = Line | PageTable


def read(path: Path) -> Document:
    """Read a PDF's text layer: paragraphs and ruled tables, with pages."""
    path = Path(path)
    pdf = open_pdf(path)
    try:
        check_text_layer(pdf, path)
        pages = [page_to_items(page) for page in pdf.pages]
        n_pages = len(pdf.pages)
    except (NeedsOCR, UnreadableDocument):
        raise
    except Exception as e:  # pdfminer raises many kinds of errors on broken content streams
        raise UnreadableDocument(f"{path}: cannot read PDF content: {type(e).__name__}: {e}") from e
    finally:
        pdf.close()
    blocks = items_to_blocks(drop_running_lines(pages))
    text, blocks = lay_out(blocks)
    return Document(path=str(path), format="pdf", text=text, blocks=attach_captions(blocks), pages=n_pages)


def open_pdf(path: Path):
    """Open a PDF with pdfplumber, or raise `UnreadableDocument` saying why not."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
        if not pdf.pages:  # parsing the page tree is where corrupt files fail
            raise UnreadableDocument(f"{path}: PDF without pages")
    except FileNotFoundError as e:
        raise UnreadableDocument(f"{path}: no such file") from e
    except UnreadableDocument:
        raise
    except Exception as e:
        raise UnreadableDocument(f"{path}: {pdf_error_reason(e)}") from e
    return pdf


def pdf_error_reason(error: Exception) -> str:
    """A plain reason for a pdfplumber/pdfminer failure to open a file."""
    cause = error.__cause__ or error.__context__ or error
    names = f"{type(error).__name__} {type(cause).__name__} {error}"
    if re.search(r"Password|Encrypt", names, re.IGNORECASE):
        return "encrypted PDF (needs a password); decrypt it first, e.g. `qpdf --decrypt`"
    return f"corrupt or not a PDF ({type(cause).__name__}: {cause or error})"


def check_text_layer(pdf, path: Path) -> None:
    """Raise `NeedsOCR` for a PDF without usable text: a scan, or glyphs
    without a character map (pdfminer writes them as `(cid:123)`)."""
    chars = [c["text"] for page in pdf.pages for c in page.chars if not c["text"].isspace()]
    if not chars:
        raise NeedsOCR(f"{path}: no text layer in {len(pdf.pages)} page(s) (a scan?); run OCR first")
    unmapped = sum(1 for c in chars if c.startswith("(cid:"))
    if unmapped > len(chars) / 2:
        raise NeedsOCR(f"{path}: the text layer has no character map ({unmapped} of {len(chars)} glyphs unmapped); run OCR")


# --- 1. page → lines and tables -------------------------------------------------------


def page_to_items(page) -> list[Item]:
    """The ruled tables, the tables laid out by alignment alone
    (`find_text_tables`) and the lines of text outside them, top to bottom."""
    page = page.dedupe_chars(tolerance=DEDUPE_TOLERANCE)
    number = page.page_number
    tables = [t for t in page.find_tables() if len(t.cells) > 1]  # one cell: a box around text
    boxes = [t.bbox for t in tables]
    items: list[Item] = [
        PageTable(table_to_grid(t), table_columns(t), x0, x1, top, bottom, number, float(page.width))
        for t, (x0, top, x1, bottom) in zip(tables, boxes)
    ]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _in_any(obj, boxes))
    text_tables, lines = find_text_tables(outside.extract_text_lines(x_tolerance=X_TOLERANCE, return_chars=True))
    items += [
        PageTable([[clean_cjk(cell) for cell in row] for row in t.grid], t.columns, t.x0, t.x1, t.top, t.bottom,
                  number, float(page.width))
        for t in text_tables
    ]  # fmt: skip
    for line in lines:
        text = clean_cjk(line["text"])
        if text:
            sizes = [c["size"] for c in line["chars"] if not c["text"].isspace()] or [10.0]
            items.append(
                Line(text, line["x0"], line["x1"], line["top"], line["bottom"],
                     statistics.median(sizes), lead_width(line["chars"]), number, float(page.width))
            )  # fmt: skip
    return sorted(items, key=lambda item: item.top)


# Characters a line may not start with (they stay with the one before), and
# those it may not end with (they go down with the one after).
NO_BREAK_BEFORE = set("，。、；：？！）》」』】〕”’,.;:?!)]%％")
NO_BREAK_AFTER = set("（《「『【〔“‘([")


def lead_width(chars: list[dict]) -> float:
    """The width of the first unbreakable piece of a line: its first character
    with the punctuation that cannot be parted from it and a Latin or digit run
    that follows (`量、15`, `式,2015`, `卡。`). A line that ends short of the
    margin still continues its paragraph when this piece would not have fitted.

    >>> lead_width([{"text": t, "x0": x, "x1": x + 5} for t, x in [("元", 0), ("、", 5), ("3", 10), ("0", 15), ("元", 20)]])
    20
    """
    chars = [c for c in chars if c["text"].strip()]
    if not chars:
        return 0.0
    end = 1
    while end < len(chars):
        cur, nxt = chars[end - 1], chars[end]
        attached = nxt["x0"] - cur["x1"] <= X_TOLERANCE
        latin_run = cur["text"].isascii() and nxt["text"].isascii() and attached
        into_number = cur["text"] in NO_BREAK_BEFORE and nxt["text"].isascii() and nxt["text"].isalnum()
        if nxt["text"] in NO_BREAK_BEFORE or cur["text"] in NO_BREAK_AFTER or latin_run or into_number:
            end += 1
        else:
            break
    return chars[end - 1]["x1"] - chars[0]["x0"]


def _in_any(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def table_to_grid(table) -> list[list[str]]:
    """A pdfplumber table as a text grid. Positions covered by a merged cell
    come back as None from pdfplumber and become empty cells."""
    return [
        [join_lines(clean_cjk(line) for line in (cell or "").split("\n")) for cell in row]
        for row in table.extract(x_tolerance=X_TOLERANCE)
    ]


def table_columns(table) -> list[float]:
    """The left edge of each column of `table.extract()`'s grid (pdfplumber
    lines cells up by their left edges)."""
    return sorted({cell[0] for cell in table.cells})


def clean_cjk(text: str) -> str:
    """Drop the spaces a text layer puts between Han characters.

    >>> clean_cjk("合  计 ：城 镇 新增 48 万人")
    '合计：城镇新增 48 万人'
    """
    return SPURIOUS_SPACE.sub("", text).strip()


# --- 2. running headers, footers and page numbers -------------------------------------


def drop_running_lines(pages: list[list[Item]]) -> list[list[Item]]:
    """The pages without their running headers, footers and page numbers."""
    edges = [_edge_lines(items) for items in pages]
    return [_strip_page(items, edges) for items in pages]


def _mask(text: str) -> str:
    """The text of a line with its page number masked: running lines differ
    from page to page only there. A line with more numbers than a running line
    holds (`第3页 共9页`) is body text and kept as it is."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\d+", "#", text) if len(re.findall(r"\d+", text)) <= 2 else text


def _edge_lines(items: list[Item]) -> list[Line]:
    """The lines among the first and last few items of a page."""
    ends = items[:EDGE_LINES] + items[-EDGE_LINES:]
    return [item for item in items if isinstance(item, Line) and any(item is x for x in ends)]


def is_running_line(line: Line, edges: list[list[Line]]) -> bool:
    """A page number, or a line that stands at the same height with the same
    text (numbers aside) at the top or bottom of most pages.

    The height matters: a document's title on page 1 is not the running header
    that repeats it on the pages after.
    """
    if PAGE_NUMBER.match(line.text.strip()):
        return True
    if len(edges) < 2:
        return False
    mask = _mask(line.text)
    pages = sum(
        1 for page in edges if any(_mask(x.text) == mask and abs(x.top - line.top) <= line.size for x in page)
    )
    return pages >= 2 and pages > RUNNING_SHARE * len(edges)


def _strip_page(items: list[Item], edges: list[list[Line]]) -> list[Item]:
    items = list(items)
    for _ in range(EDGE_LINES):
        if items and isinstance(items[0], Line) and is_running_line(items[0], edges):
            items.pop(0)
        if items and isinstance(items[-1], Line) and is_running_line(items[-1], edges):
            items.pop()
    return items


# --- 3. lines → paragraphs, page tables → tables ---------------------------------------


@dataclass
class Measure:
    """Where body lines start and end on pages of one width."""

    left: float
    right: float
    gap: float  # usual space between two lines of a paragraph


def page_measures(pages: list[list[Item]]) -> dict[int, Measure]:
    """The body measure for each page width (portrait and landscape pages differ).

    Tables count too: they usually span the measure, and in a document of a
    few lines of text around a table they are what shows where the margins are.
    """
    by_width: dict[int, list[Item]] = {}
    for items in pages:
        for item in items:
            by_width.setdefault(round(item.page_width), []).append(item)
    measures = {}
    for width, items in by_width.items():
        lines = [item for item in items if isinstance(item, Line)]
        # Most lines that start at the left margin continue a paragraph, but
        # first-line indents can outnumber them: take a low percentile, not the mode.
        left = _percentile([item.x0 for item in items], 0.05)
        right = _percentile([item.x1 for item in items], 0.95)
        gaps = [
            b.top - a.bottom
            for a, b in pairwise(lines)
            if a.page == b.page and 0 <= b.top - a.bottom < 2 * a.size
        ]
        measures[width] = Measure(left, right, statistics.median(gaps) if gaps else 0.0)
    return measures


def _percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[int(share * (len(values) - 1))]


def continues_paragraph(prev: Line, line: Line, measure: Measure, adjacent: bool) -> bool:
    """Does `line` carry on the paragraph that `prev` belongs to?

    Yes when `prev` fills the measure (it was wrapped, not ended), `line` starts
    at the left margin (no first-line indent, not centred), and no wider space
    than usual separates them. `adjacent`: nothing else stands between them.
    """
    if not adjacent or round(prev.page_width) != round(line.page_width):
        return False
    em = max(prev.size, 1.0)
    # CJK wrapping leaves up to about an em and a half at the end of a full line
    # (a punctuation mark may not start the next one); Latin wrapping leaves the
    # width of the word that did not fit.
    fills = prev.x1 + line.lead >= measure.right - 1.5 * em
    flush_left = abs(line.x0 - measure.left) <= 0.8 * em
    if line.page == prev.page:
        close = line.top - prev.bottom <= max(1.6 * measure.gap, measure.gap + 0.5 * em)
    else:
        close = line.page == prev.page + 1
    same_font = abs(prev.size - line.size) <= 0.5
    return fills and flush_left and close and same_font


def items_to_blocks(pages: list[list[Item]]) -> list[Block]:
    """Paragraphs and tables of the whole document, in reading order."""
    measures = page_measures(pages)
    blocks: list[Block] = []
    lines: list[Line] = []  # the paragraph being built
    table: PageTable | None = None  # the table being built, maybe over pages
    prev: Item | None = None
    prev_was_last_on_page = False

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(join_lines(x.text for x in lines), 0, 0, lines[0].page))
            lines.clear()

    def flush_table() -> None:
        nonlocal table
        if table:
            blocks.extend(grid_to_blocks(table.grid, page=table.page, row_pages=table.row_pages))
            table = None

    for items in pages:
        for i, item in enumerate(items):
            # A page break separates nothing when one page ends with the item
            # before and the next starts with this one.
            adjacent = prev is not None and (
                (isinstance(prev, Line) and prev.page == item.page) or (prev_was_last_on_page and i == 0)
            )
            if isinstance(item, PageTable):
                flush()
                if table and adjacent and prev is table and continues_table(table, item):
                    table = join_tables(table, item)
                else:
                    flush_table()
                    table = item
            else:
                flush_table()
                if not (lines and isinstance(prev, Line) and continues_paragraph(
                    prev, item, measures[round(item.page_width)], adjacent
                )):  # fmt: skip
                    flush()
                lines.append(item)
            prev = table if isinstance(item, PageTable) else item
            prev_was_last_on_page = i == len(items) - 1
    flush()
    flush_table()
    return blocks


# Column edges closer than this (points) are the same edge.
EDGE_TOLERANCE = 2.0


def _same_edge(a: float, b: float) -> bool:
    return abs(a - b) <= EDGE_TOLERANCE


def _subset(a: list[float], b: list[float]) -> bool:
    return all(any(_same_edge(x, y) for y in b) for x in a)


def continues_table(table: PageTable, nxt: PageTable) -> bool:
    """Is `nxt`, at the top of the page after the one `table` ends on, the
    rest of `table`?

    It must span the same width, and its columns must be the table's: the
    same edges, though merged cells may hide some of them on one page.
    """
    return (
        nxt.page == table.last_page + 1
        and round(nxt.page_width) == round(table.page_width)
        and _same_edge(nxt.x0, table.x0)
        and _same_edge(nxt.x1, table.x1)
        and (_subset(nxt.columns, table.columns) or _subset(table.columns, nxt.columns))
    )


def join_tables(table: PageTable, nxt: PageTable) -> PageTable:
    """One table from a table and its continuation on the next page, on the
    union of their columns, without the header rows the continuation repeats."""
    columns = sorted(table.columns + [x for x in nxt.columns if not any(_same_edge(x, y) for y in table.columns)])
    head = regrid(table.grid, table.columns, columns)
    tail = regrid(nxt.grid, nxt.columns, columns)
    tail_pages = nxt.row_pages[:]
    skip = repeated_header_rows(head, tail)
    tail, tail_pages = tail[skip:], tail_pages[skip:]
    if tail and head and continues_row(head[-1], tail[0]):
        # a row the word processor let break across the page: one row again
        head = head[:-1] + [[join_lines(pair) for pair in zip(head[-1], tail[0])]]
        tail, tail_pages = tail[1:], tail_pages[1:]
    return replace(
        table,
        grid=head + tail,
        columns=columns,
        bottom=nxt.bottom,
        row_pages=table.row_pages + tail_pages,
        last_page=nxt.page,
    )


# What starts a row of its own: a serial number in the first column, 其中 anywhere.
SERIAL = re.compile(r"^([一二三四五六七八九十]+[、.．]?|\d+[、.．]?|[（(][一二三四五六七八九十\d]+[)）])")
SUB_ROW = re.compile(r"^其中")
NUMERIC_CELL = re.compile(r"^[-+]?\d[\d,.]*\s*(%|％)?$")


def continues_row(row: list[str], nxt: list[str]) -> bool:
    """Is `nxt`, the first row on a new page, the rest of `row`, the last row
    on the page before (a row broken across the page)?

    The rest of a broken row holds only the overflow of its longer text
    cells: text under cells that had text, no numbers (short, never broken),
    nothing that starts a row (a serial number in the first column, 其中).

    >>> continues_row(["10", "参加基本医疗保险", "万人", "1073"], ["", "人数", "", ""])
    True
    >>> continues_row(["4", "城镇登记失业率", "%", "3.8以内"], ["二", "社会保险参保人数", "", ""])
    False
    """
    filled = [k for k, text in enumerate(nxt) if text]
    return (
        bool(filled)
        and len(filled) < sum(1 for text in row if text)
        and all(row[k] for k in filled)
        and not any(NUMERIC_CELL.match(nxt[k]) for k in filled)
        and not (filled[0] == 0 and SERIAL.match(nxt[0]))
        and not SUB_ROW.match(nxt[filled[0]])
    )


def regrid(grid: list[list[str]], columns: list[float], onto: list[float]) -> list[list[str]]:
    """A grid moved onto more columns: each cell to the column at its left
    edge; the new columns (hidden by merged cells on this page) empty.

    >>> regrid([["a", "b"]], [0, 50], [0, 30, 50])
    [['a', '', 'b']]
    """
    index = [next(k for k, y in enumerate(onto) if _same_edge(x, y)) for x in columns]
    out = []
    for row in grid:
        new = [""] * len(onto)
        for k, text in zip(index, row):
            new[k] = text
        out.append(new)
    return out


def _norm_row(row: list[str]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", "", cell) for cell in row)


def repeated_header_rows(grid: list[list[str]], nxt: list[list[str]]) -> int:
    """How many leading rows of `nxt` repeat the first rows of `grid` (a header
    the word processor repeats on each page).

    >>> repeated_header_rows([["指标", "2017年"], ["就业", "48"]], [["指标", "2017年"], ["失业率", "3.8"]])
    1
    """
    n = 0
    while n < min(len(grid), len(nxt)) and _norm_row(grid[n]) == _norm_row(nxt[n]) and any(grid[n]):
        n += 1
    return n
