"""Plain-text reader: encoding detection and recovery of flattened tables.

Text exports of planning documents flatten tables in two ways, and this reader
recovers both as grids of cells with exact character offsets:

* **tab rows** — one row per line, cells separated by tabs
  (`1.城镇新增就业人数\\t万人\\t70.52\\t75\\t83.55`); a blank line may fall
  between rows;
* **cell lines** — one cell per line, each starting with a tab; rows separated
  by blank lines; a header cell may be split over several lines, the later
  pieces without a leading tab (`\\t东` / `陈` / `镇` → `东陈镇`).

Everything else is a paragraph, one per non-blank line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import Cell, Document, Paragraph, Table, UnreadableDocument
from ingest.structure import attach_captions, find_unit_caption, looks_like_caption

# --- encoding ----------------------------------------------------------------

BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def bytes_to_text(data: bytes) -> tuple[str, str]:
    """Decode a text file: BOM, then UTF-8, then BOM-less UTF-16, then GB18030.

    GB18030 is a superset of GBK and GB2312, so it reads all three. Returns the
    text with line endings normalised to `\\n`, and the encoding used.

    >>> bytes_to_text("就业".encode("gbk"))
    ('就业', 'gb18030')
    >>> bytes_to_text(codecs.BOM_UTF8 + "就业".encode())
    ('就业', 'utf-8-sig')
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _normalise_newlines(data.decode(encoding, errors="replace")), encoding
    try:
        return _normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _guess_bomless_utf16(data)
    if utf16:
        return _normalise_newlines(data.decode(utf16, errors="replace")), utf16
    try:
        return _normalise_newlines(data.decode("gb18030")), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument("not text in any known encoding (binary file?)")
    return _normalise_newlines(str(best)), best.encoding


def _guess_bomless_utf16(data: bytes) -> str | None:
    # ASCII characters in UTF-16 put a zero byte on every other position.
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    if odd_zeros > len(sample) / 8 and even_zeros < odd_zeros / 4:
        return "utf-16-le"
    if even_zeros > len(sample) / 8 and odd_zeros < even_zeros / 4:
        return "utf-16-be"
    return None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Control characters other than line breaks, tabs and form feeds, and the
# replacement character of undecodable bytes.
NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\r\ufffd]")


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters: a binary file."""
    sample = text[:4000]
    if not sample:
        return False
    return len(NOT_TEXT.findall(sample)) / len(sample) > 0.05


# --- lines --------------------------------------------------------------------


@dataclass
class Line:
    text: str
    start: int  # offset of the line's first character in the document text

    @property
    def is_blank(self) -> bool:
        # A lone tab is an empty table cell, not a blank line.
        return "\t" not in self.text and not self.text.strip()

    @property
    def starts_with_tab(self) -> bool:
        return self.text.startswith("\t")

    @property
    def is_tab_row(self) -> bool:
        """A line holding a whole row: text, then tab-separated cells."""
        if self.starts_with_tab or "\t" not in self.text:
            return False
        pieces = [p for p in self.text.split("\t") if p.strip()]
        return len(pieces) >= 2 or self.text.count("\t") >= 2


def text_to_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(Line(raw, offset))
        offset += len(raw) + 1
    return lines


# --- cells ---------------------------------------------------------------------


def split_cells(line: Line) -> list[Cell]:
    """The tab-separated cells of a line, each with its exact span (whitespace
    around the content excluded)."""
    cells, pos = [], 0
    pieces = line.text.split("\t")
    if line.starts_with_tab:
        pos, pieces = 1, pieces[1:]
    for piece in pieces:
        cells.append(_cell_from_piece(piece, line.start + pos))
        pos += len(piece) + 1
    return cells


def _cell_from_piece(piece: str, offset: int) -> Cell:
    stripped = piece.strip()  # any whitespace: spaces, U+3000, no-break spaces, form feeds
    if not stripped:
        return Cell("", offset, offset)
    lead = len(piece) - len(piece.lstrip())
    start = offset + lead
    return Cell(stripped, start, start + len(stripped))


def extend_cell(cell: Cell, line: Line) -> Cell:
    """Join a continuation line to a header cell split over several lines."""
    piece = _cell_from_piece(line.text, line.start)
    if not piece.text:
        return cell
    if not cell.text:
        return piece
    return Cell(cell.text + piece.text, cell.start, piece.end)


# --- tables ----------------------------------------------------------------------

# Lines that end a cell-lines table rather than continue its last cell.
TABLE_END = re.compile(
    r"^\s*(注\s*[:：\d]|附件|附表|说明|备注|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[章节条])"
)
MAX_CONTINUATION_AFTER_BLANK = 15
# A numbered item (`2．…`) continues a long rule cell split into paragraphs.
NUMBERED_ITEM = re.compile(r"^\s*\d+\s*[.．、]")
LONG_CELL = 30
NUMERIC = re.compile(r"^[\d.,%％\s<>≥≤()（）以内上下+-]+$")


def is_numeric_text(text: str) -> bool:
    return bool(text) and bool(NUMERIC.match(text)) and any(ch.isdigit() for ch in text)


@dataclass
class _TableBuilder:
    rows: list[list[Cell]] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def new_row(self) -> None:
        if not self.rows or self.rows[-1]:
            self.rows.append([])

    def add_cells(self, cells: list[Cell], line: Line) -> None:
        if not any(self.rows):  # the table's first cells (`new_row` may have opened an empty row)
            self.start = line.start
        if not self.rows:
            self.rows.append([])
        self.rows[-1].extend(cells)
        self.end = line.start + len(line.text.rstrip())

    def continue_last_cell(self, line: Line) -> None:
        row = self.rows[-1] if self.rows and self.rows[-1] else self.rows[-2]
        row[-1] = extend_cell(row[-1], line)
        self.end = max(self.end, row[-1].end)

    @property
    def last_cell(self) -> Cell | None:
        for row in reversed(self.rows):
            if row:
                return row[-1]
        return None

    def build(self) -> Table:
        rows = [row for row in self.rows if row]
        return Table(rows=rows, start=self.start, end=self.end)


def continues_cell(line: Line, after_blank: bool, last: Cell | None) -> bool:
    """Is a line without a leading tab the next piece of the previous cell?"""
    text = line.text.strip(" \u3000")
    if last is None or TABLE_END.match(text) or text.endswith(("。", "；")):
        return False
    if is_numeric_text(last.text):
        return False
    if after_blank:
        if len(last.text) >= LONG_CELL and NUMBERED_ITEM.match(text):
            return True
        return bool(last.text) and len(text) <= MAX_CONTINUATION_AFTER_BLANK
    return True


def read_cell_lines_table(lines: list[Line], i: int) -> tuple[Table, int]:
    """Read a table of cell lines starting at lines[i]; return it and the index
    of the first line after it."""
    builder = _TableBuilder()
    after_blank = False
    while i < len(lines):
        line = lines[i]
        if line.is_blank:
            after_blank = True
            i += 1
            continue
        if line.starts_with_tab:
            if after_blank:
                builder.new_row()
            builder.add_cells(split_cells(line), line)
        elif line.is_tab_row:
            builder.new_row()
            builder.add_cells(split_cells(line), line)
        elif continues_cell(line, after_blank, builder.last_cell):
            builder.continue_last_cell(line)
        else:
            break
        after_blank = False
        i += 1
    return builder.build(), i


def read_tab_rows_table(lines: list[Line], i: int) -> tuple[Table, int]:
    """Read a table of one row per line; blank lines between rows are allowed."""
    builder = _TableBuilder()
    while i < len(lines):
        line = lines[i]
        if line.is_blank:
            nxt = next((ln for ln in lines[i + 1 :] if not ln.is_blank), None)
            if nxt is None or not nxt.is_tab_row:
                break
            i += 1
            continue
        if not line.is_tab_row:
            break
        builder.new_row()
        builder.add_cells(split_cells(line), line)
        i += 1
    return builder.build(), i


def lift_caption_rows(table: Table) -> Table:
    """Move leading rows that are only a title or a unit statement
    (`\\t2017年…计划表`, `\\t单位：人`) out of the grid into the captions."""
    while table.rows:
        texts = [c.text for c in table.rows[0] if c.text]
        # A header row starts with an empty corner cell; a title row does not.
        if not texts or len(texts) > 2 or not table.rows[0][0].text:
            break
        if all(find_unit_caption(t) or looks_like_caption(t) for t in texts) and not any(
            is_numeric_text(t) for t in texts
        ):
            for t in texts:
                if find_unit_caption(t):
                    table.unit_caption = table.unit_caption or find_unit_caption(t)
                else:
                    table.caption = table.caption or t
            table.rows.pop(0)
        else:
            break
    return table


# --- document --------------------------------------------------------------------


def lines_to_blocks(lines: list[Line]) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.is_blank:
            i += 1
        elif line.starts_with_tab:
            table, i = read_cell_lines_table(lines, i)
            blocks.append(lift_caption_rows(table))
        elif line.is_tab_row:
            table, i = read_tab_rows_table(lines, i)
            blocks.append(lift_caption_rows(table))
        else:
            blocks.append(_line_to_paragraph(line))
            i += 1
    blocks = [b for b in blocks if not (isinstance(b, Table) and not _has_content(b))]
    return attach_captions(blocks)


def _has_content(table: Table) -> bool:
    return any(cell.text for row in table.rows for cell in row)


def _line_to_paragraph(line: Line) -> Paragraph:
    text = line.text.rstrip()
    lead = len(text) - len(text.lstrip())
    return Paragraph(text.strip(), line.start + lead, line.start + len(text))


def text_to_document(text: str, path: str = "<string>", encoding: str | None = None) -> Document:
    """Recover the blocks of a text already decoded (the pure core of `read`)."""
    blocks = lines_to_blocks(text_to_lines(text))
    return Document(path=path, format="txt", text=text, blocks=blocks, encoding=encoding)


def read(path: Path) -> Document:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise UnreadableDocument(f"{path}: cannot read file: {e.strerror or e}") from e
    if not data.strip():
        raise UnreadableDocument(f"{path}: empty file")
    try:
        text, encoding = bytes_to_text(data)
    except UnreadableDocument as e:
        raise UnreadableDocument(f"{path}: {e}") from e
    if looks_binary(text):
        raise UnreadableDocument(f"{path}: binary content, not text (is the file a renamed archive or image?)")
    return text_to_document(text, str(path), encoding)
