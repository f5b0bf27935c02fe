"""The reader interface: what every format reader returns.

A `Document` is the full text of a file as read, plus its structure as ordered
blocks. Every block and every table cell carries `start`/`end` character offsets
into `Document.text`, so that any value extracted later can point back at the
exact characters it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class UnsupportedFormat(Exception):
    """The file's format is not one plankb reads."""


class UnreadableDocument(Exception):
    """The file has a supported format but its content cannot be read."""


class NeedsOCR(UnreadableDocument):
    """The PDF has no text layer (a scan); it needs OCR before plankb can read it."""


@dataclass
class Cell:
    """One table cell. `text` is the cell's content with line breaks joined;
    `start`/`end` span the cell's content in `Document.text` (empty cells have
    start == end)."""

    text: str
    start: int
    end: int


@dataclass
class Paragraph:
    text: str
    start: int
    end: int
    page: int | None = None

    kind = "paragraph"


@dataclass
class Table:
    """A table as a grid of cells, rows top to bottom.

    Rows may have different lengths in the source; readers pad nothing, the
    table extractor decides how cells line up. `caption` is the title line
    above the table (e.g. `专栏2 “十三五”时期主要指标`), `unit_caption` the
    unit statement (e.g. `单位：人`) when there is one.
    """

    rows: list[list[Cell]]
    start: int
    end: int
    caption: str | None = None
    unit_caption: str | None = None
    page: int | None = None
    # page of each row, for tables that continue over a page break (PDF)
    row_pages: list[int] | None = None

    kind = "table"

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def grid(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


Block = Paragraph | Table


@dataclass
class Metadata:
    """What a document says about itself. Every field may be unknown (None)."""

    title: str | None = None
    city: str | None = None
    province: str | None = None
    doc_type: str | None = None  # five_year_plan, annual_plan, assessment, interpretation, other
    period: str | None = None  # 十三五 …
    year: int | None = None
    issued_date: str | None = None  # ISO date
    doc_number: str | None = None  # 文号
    issuer: str | None = None


@dataclass
class Document:
    path: str
    format: str  # txt, docx, pdf, html
    text: str
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    pages: int | None = None
    metadata: Metadata = field(default_factory=Metadata)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]
