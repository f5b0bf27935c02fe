"""DOCX reader (python-docx), and the text layout shared by the structured readers.

A Word body is a sequence of paragraphs (`w:p`) and tables (`w:tbl`); this
reader walks the body's XML children in order rather than python-docx's
`Document.paragraphs`/`tables`, which lose the interleaving. Tables are read
from the XML too: python-docx's `Table.rows[i].cells` repeats a merged cell at
every grid position it covers, and the extractor would count its value once per
position. Here a merge keeps its text in its top-left position and the positions
it covers are empty cells.

The second half of this module is the **common text layout** of the DOCX, PDF
and HTML readers (`lay_out`, `join_lines`, `grid_to_blocks`): the document text
is the blocks joined by newlines, a paragraph is one line, a table is one line
per row with its cells joined by tabs. The plain-text reader's tables look the
same, so the extractor sees the same thing whatever the source format, and every
cell's `start`/`end` spans its text in `Document.text` exactly.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ingest.document import Block, Document, Paragraph, UnreadableDocument
from ingest.layout import grid_to_blocks, join_lines, lay_out
from ingest.structure import attach_captions

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Containers whose children belong to the flow they sit in: content controls,
# custom XML, smart tags, tracked insertions.
TRANSPARENT = {_w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag"), _w("ins")}


def read(path: Path) -> Document:
    """Read a .docx file: paragraphs and tables in body order."""
    path = Path(path)
    body = docx_to_body(path)
    blocks = body_to_blocks(body)
    text, blocks = lay_out(blocks)
    return Document(path=str(path), format="docx", text=text, blocks=attach_captions(blocks))


def docx_to_body(path: Path) -> etree._Element:
    """The `w:body` element of a .docx, or `UnreadableDocument` saying why not."""
    import docx  # python-docx; imported here so the layout helpers need nothing but lxml

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise UnreadableDocument(f"{path}: not a readable .docx (corrupt or not a Word file): {e}") from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError among others
        if type(e).__name__ == "PackageNotFoundError" and path.is_file():
            raise UnreadableDocument(f"{path}: not a .docx: not a zip archive (truncated, or not a Word file)") from e
        raise UnreadableDocument(f"{path}: cannot open as .docx: {type(e).__name__}: {e}") from e
    return document.element.body


# --- body -----------------------------------------------------------------------


def body_to_blocks(container: etree._Element) -> list[Block]:
    """Paragraphs and tables of a body (or of a table cell), in order."""
    blocks: list[Block] = []
    for child in flow_children(container):
        if child.tag == _w("p"):
            text = p_to_text(child)
            if text:
                blocks.append(Paragraph(text, 0, 0))
        elif child.tag == _w("tbl"):
            blocks.extend(tbl_to_blocks(child))
    return blocks


def flow_children(element: etree._Element) -> Iterator[etree._Element]:
    """The children of an element, looking through content controls and the like."""
    for child in element:
        if child.tag in TRANSPARENT:
            yield from flow_children(child)
        else:
            yield child


def p_to_text(p: etree._Element) -> str:
    """A paragraph's text as one line: runs concatenated, line breaks joined.

    Deleted revisions (`w:delText`) and field codes (`w:instrText`) are not
    `w:t`, so they are left out by construction; the fallback copy of a text
    box (`mc:Fallback`) would double its text and is skipped.
    """
    pieces: list[str] = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
        if _inside(el, f"{{{MC}}}Fallback", p) or _inside(el, _w("del"), p):
            continue
        if el.tag == _w("t"):
            pieces.append(el.text or "")
        elif el.tag == _w("tab"):
            pieces.append(" ")
        elif el.tag == _w("noBreakHyphen"):
            pieces.append("-")
        else:
            pieces.append("\n")
    return join_lines("".join(pieces).split("\n"))


def _inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


# --- tables -----------------------------------------------------------------------


def tbl_to_blocks(tbl: etree._Element) -> list[Block]:
    """A Word table as a `Table`, or, for a one-cell layout table (a box around
    text), the blocks inside its cell."""
    rows = [list(row_cells(tr)) for tr in flow_children(tbl) if tr.tag == _w("tr")]
    tcs = [tc for row in rows for tc in row if tc is not None]
    if len(tcs) == 1:
        return body_to_blocks(tcs[0])
    return grid_to_blocks(tbl_to_grid(tbl))


def row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in flow_children(tr):
        if child.tag == _w("tc"):
            yield child


def tbl_to_grid(tbl: etree._Element) -> list[list[str]]:
    """The table's text grid with merges expanded: a merged cell's text in its
    top-left position, the positions it covers empty.

    Horizontal merges are `w:gridSpan`; vertical ones are `w:vMerge` (`restart`
    starts a merge, a bare `w:vMerge` continues it); `w:gridBefore`/`w:gridAfter`
    are grid columns a row leaves out.
    """
    grid: list[list[str]] = []
    for tr in flow_children(tbl):
        if tr.tag != _w("tr"):
            continue
        row: list[str] = [""] * _tr_property(tr, "gridBefore")
        for tc in row_cells(tr):
            span = max(1, _tc_property(tc, "gridSpan"))
            text = "" if _continues_merge(tc) else tc_to_text(tc)
            row.extend([text] + [""] * (span - 1))
        row.extend([""] * _tr_property(tr, "gridAfter"))
        grid.append(row)
    return grid


def tc_to_text(tc: etree._Element) -> str:
    """A cell's paragraphs (and any table nested in it) joined into one line."""
    lines: list[str] = []
    for child in flow_children(tc):
        if child.tag == _w("p"):
            lines.append(p_to_text(child))
        elif child.tag == _w("tbl"):
            lines.extend(cell for row in tbl_to_grid(child) for cell in row)
    return join_lines(lines)


def _continues_merge(tc: etree._Element) -> bool:
    for tag in ("vMerge", "hMerge"):  # hMerge: Word 95-style horizontal merge
        merge = tc.find(f"{_w('tcPr')}/{_w(tag)}")
        if merge is not None and merge.get(_w("val"), "continue") == "continue":
            return True
    return False


def _tc_property(tc: etree._Element, name: str) -> int:
    el = tc.find(f"{_w('tcPr')}/{_w(name)}")
    return _int(el.get(_w("val")) if el is not None else None)


def _tr_property(tr: etree._Element, name: str) -> int:
    el = tr.find(f"{_w('trPr')}/{_w(name)}")
    return _int(el.get(_w("val")) if el is not None else None, default=0)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
