"""HTML reader (lxml): the article of a web page, with its tables as grids.

Government sites publish plans as web pages: the article sits in a container
such as `<div class="TRS_Editor">` or `<div id="zoom">`, surrounded by
navigation, breadcrumbs, share buttons and a footer, often inside layout
tables. The reader decodes the page with the charset it declares (GB2312 pages
are decoded as GB18030, which they nearly always are in fact: GBK characters
such as 镕 or 喆 do not exist in GB2312), keeps the largest content container,
and turns its paragraphs and data tables into blocks laid out like every other
format (see `ingest.docx.lay_out`).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.html
from lxml import etree

from ingest.document import Block, Document, Paragraph, UnreadableDocument
from ingest.layout import collapse_whitespace, grid_to_blocks, join_lines, lay_out
from ingest.structure import attach_captions
from ingest.txt import looks_binary

# --- decoding ---------------------------------------------------------------------

BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
# `<meta charset="gb2312">` and `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Declared Chinese charsets all decode as their superset GB18030 (as browsers do for GBK).
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz"}
# Declared on Chinese pages by misconfigured servers; never trusted over detection.
SINGLE_BYTE_WESTERN = {"latin_1", "iso8859_1", "cp1252", "ascii"}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first kilobytes, or None.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    >>> declared_charset(b'<meta charset="UTF-8">')
    'UTF-8'
    """
    head = data[:8192]
    m = META_CHARSET.search(head) or XML_ENCODING.search(head)
    return m.group(1).decode("ascii") if m else None


def charset_to_codec(charset: str) -> str | None:
    """The Python codec to decode a declared charset with, or None if unknown.

    >>> charset_to_codec("GB2312"), charset_to_codec("x-gbk"), charset_to_codec("utf8")
    ('gb18030', 'gb18030', 'utf-8')
    """
    name = charset.strip().lower()
    if name in ("x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "euc-cn", "cp936", "windows-936"):
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in GB_FAMILY else codec


def bytes_to_text(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, then UTF-8 if the bytes are valid UTF-8, then the
    declared charset, then detection.

    Valid UTF-8 wins over a declaration because pages re-saved as UTF-8 often
    keep a stale `charset=gb2312`, while GBK text that happens to be valid
    UTF-8 does not occur beyond a few characters. (The reverse check cannot
    work: GB18030 decodes almost any bytes without error.)

    >>> bytes_to_text('<meta charset="gb2312"><p>朱镕基</p>'.encode("gbk"))[1]
    'gb18030'
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    codec = charset_to_codec(declared) if declared else None
    if codec and codec not in SINGLE_BYTE_WESTERN:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            return data.decode(codec, errors="replace"), codec
    return detect_and_decode(data)


def detect_and_decode(data: bytes) -> tuple[str, str]:
    """Decode a page that declares nothing usable: GB18030 if it fits (the
    usual case for Chinese pages), else charset-normalizer's guess."""
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return data.decode("gb18030", errors="replace"), "gb18030"
    return str(best), best.encoding


# --- main content -------------------------------------------------------------------

NOISE_TAGS = {
    "script", "style", "noscript", "template", "iframe", "nav", "aside", "form",
    "select", "button", "input", "textarea", "object", "embed", "svg", "canvas", "map",
}  # fmt: skip
# Page-level header/footer; inside an <article> they hold the title and date.
PAGE_PARTS = {"header", "footer"}
NOISE_NAME = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|side-bar|toolbar", re.IGNORECASE)
CONTENT_NAME = re.compile(r"content|article|trs_editor|zoom|detail|main|zw|text", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# The largest named container must hold this share of the page's text to be
# trusted as the article; else the whole (cleaned) body is read.
MIN_CONTENT_SHARE = 0.25


def read(path: Path) -> Document:
    """Read an HTML page: its main content as paragraphs and tables."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableDocument(f"{path}: cannot read file: {e.strerror or e}") from e
    text, encoding = bytes_to_text(data)
    if looks_binary(text):
        raise UnreadableDocument(f"{path}: binary content, not a web page (is the file a renamed archive or image?)")
    root = text_to_tree(text, path)
    drop_noise(root)
    blocks = element_to_blocks(main_content(root))
    text, blocks = lay_out(blocks)
    return Document(path=str(path), format="html", text=text, blocks=attach_captions(blocks), encoding=encoding)


def text_to_tree(text: str, path: Path) -> etree._Element:
    # lxml refuses str input that carries an XML encoding declaration.
    text = XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise UnreadableDocument(f"{path}: empty page")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise UnreadableDocument(f"{path}: cannot parse as HTML: {e}") from e


def _name(el: etree._Element) -> str:
    return f"{el.get('id', '')} {el.get('class', '')}"


def is_noise(el: etree._Element) -> bool:
    """Navigation, page header/footer, scripts, share bars, hidden elements."""
    tag = el.tag.lower()
    if tag in NOISE_TAGS:
        return True
    if tag in PAGE_PARTS and next(el.iterancestors("article"), None) is None:
        return True
    if tag in ("html", "body"):
        return False
    if el.get("hidden") is not None or HIDDEN_STYLE.search(el.get("style", "")):
        return True
    name = _name(el)
    if NOISE_NAME.search(name) and not CONTENT_NAME.search(name):
        # A wrapper named after its menu may still hold the article.
        return not any(CONTENT_NAME.search(_name(d)) for d in el.iterdescendants() if isinstance(d.tag, str))
    return False


def drop_noise(root: etree._Element) -> None:
    """Remove noise elements and comments from the tree (their tail text stays)."""
    for comment in root.xpath("//comment() | //processing-instruction()"):
        _drop(comment)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and is_noise(el):
            _drop(el)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _text_size(el: etree._Element) -> int:
    return len(re.sub(r"\s+", "", el.text_content()))


def main_content(root: etree._Element) -> etree._Element:
    """The largest content container (`TRS_Editor`, `zoom`, `article` …), or the body."""
    body = root.find("body")
    if body is None:
        body = root
    candidates = [
        el
        for el in body.iter()
        if isinstance(el.tag, str) and (el.tag in ("article", "main") or CONTENT_NAME.search(_name(el)))
    ]
    if not candidates:
        return body
    best = max(candidates, key=_text_size)
    return best if _text_size(best) >= MIN_CONTENT_SHARE * _text_size(body) else body


# --- blocks ------------------------------------------------------------------------

# Elements that start a new line; everything else is inline.
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "main", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "hr", "header", "footer", "body", "tr", "td", "th", "caption",
}  # fmt: skip


def element_to_lines(el: etree._Element, on_table=None) -> list[str | list[Block]]:
    """The lines of an element: `<br>` and block elements end a line.

    Tables inside are handed to `on_table`, whose blocks are returned in place
    (a list among the strings); without it a table's cells count as lines.
    """
    out: list[str | list[Block]] = []
    line: list[str] = []

    def flush() -> None:
        text = collapse_whitespace("".join(line))
        if text:
            out.append(text)
        line.clear()

    def walk(node: etree._Element) -> None:
        if node.text:
            line.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                if tag == "br":
                    flush()
                elif tag == "table" and on_table is not None:
                    flush()
                    out.append(on_table(child))
                elif tag in BLOCK_TAGS or tag == "table":
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)
            if child.tail:
                line.append(child.tail)

    walk(el)
    flush()
    return out


def element_to_blocks(el: etree._Element) -> list[Block]:
    """Paragraphs (one per line) and tables of a content element, in order."""
    blocks: list[Block] = []
    for item in element_to_lines(el, on_table=table_to_blocks):
        if isinstance(item, str):
            blocks.append(Paragraph(item, 0, 0))
        else:
            blocks.extend(item)
    return blocks


def table_rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag == "tr")
    return rows


def row_cells(tr: etree._Element) -> list[etree._Element]:
    return [td for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]


def is_layout_table(table: etree._Element) -> bool:
    """A table used for page layout: a single cell, or cells holding tables."""
    cells = [td for tr in table_rows(table) for td in row_cells(tr)]
    return len(cells) <= 1 or any(td.find(".//table") is not None for td in cells)


def table_to_blocks(table: etree._Element) -> list[Block]:
    """A data table as a grid (with its `<caption>` as the paragraph before it);
    a layout table as the blocks of its cells."""
    if is_layout_table(table):
        blocks: list[Block] = []
        for tr in table_rows(table):
            for td in row_cells(tr):
                blocks.extend(element_to_blocks(td))
        return blocks
    caption = table.find("caption")
    before = [Paragraph(text, 0, 0) for text in element_to_lines(caption)] if caption is not None else []
    return before + grid_to_blocks(table_to_grid(table))


def table_to_grid(table: etree._Element) -> list[list[str]]:
    """The text grid of a table with rowspan/colspan expanded: a spanning cell's
    text in its top-left position, the positions it covers empty."""
    rows = table_rows(table)
    taken: set[tuple[int, int]] = set()
    texts: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in row_cells(tr):
            while (r, c) in taken:
                c += 1
            rowspan = _span(td.get("rowspan"), limit=len(rows) - r, zero=len(rows) - r)
            colspan = _span(td.get("colspan"), limit=1000, zero=1)
            texts[(r, c)] = td_to_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
            width = max(width, c)
    width = max([width] + [c + 1 for (_, c) in taken])
    return [[texts.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def td_to_text(td: etree._Element) -> str:
    """A cell's lines (`<br>`, `<p>`) joined into one."""
    return join_lines(line for line in element_to_lines(td) if isinstance(line, str))


def _span(value: str | None, limit: int, zero: int) -> int:
    """A rowspan/colspan attribute as a count, at most `limit`; `0` means
    `zero` (rowspan=0 spans to the end of the table) and junk means 1."""
    digits = re.sub(r"[^\d]", "", value or "")
    n = int(digits) if digits else 1
    return max(1, min(n if n > 0 else zero, limit))
