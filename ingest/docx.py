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

Word's **automatic numbering** ("一、", "（一）", "第一章", "1." made by Word from
`numbering.xml`, not typed) is not in the runs' text. `Numbering` renders each
numbered paragraph's label as Word shows it and the label is put in front of the
paragraph's text, in the body and in table cells alike, so that the extractor
finds the section headings it relies on. The label is part of the text before
the layout sets offsets, so offsets stay exact.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ingest.document import Block, Document, Paragraph, UnreadableDocument
from ingest.layout import WIDE, collapse_whitespace, grid_to_blocks, join_lines, lay_out
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
    body, numbering = docx_to_parts(path)
    blocks = body_to_blocks(body, numbering)
    text, blocks = lay_out(blocks)
    return Document(path=str(path), format="docx", text=text, blocks=attach_captions(blocks))


def docx_to_parts(path: Path) -> tuple[etree._Element, Numbering]:
    """The `w:body` element of a .docx and its paragraph numbering, or
    `UnreadableDocument` saying why not."""
    import docx  # python-docx; imported here so the layout helpers need nothing but lxml

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise UnreadableDocument(f"{path}: not a readable .docx (corrupt or not a Word file): {e}") from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError among others
        if type(e).__name__ == "PackageNotFoundError" and path.is_file():
            raise UnreadableDocument(f"{path}: not a .docx: not a zip archive (truncated, or not a Word file)") from e
        raise UnreadableDocument(f"{path}: cannot open as .docx: {type(e).__name__}: {e}") from e
    return document.element.body, Numbering(_related_element(document, "numbering"), _related_element(document, "styles"))


def _related_element(document, kind: str) -> etree._Element | None:
    """The XML of the document part related as `kind` (numbering, styles), if any."""
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.endswith("/" + kind):
            return getattr(rel.target_part, "element", None)
    return None


# --- body -----------------------------------------------------------------------


def body_to_blocks(container: etree._Element, numbering: Numbering | None = None) -> list[Block]:
    """Paragraphs and tables of a body (or of a table cell), in order."""
    blocks: list[Block] = []
    for child in flow_children(container):
        if child.tag == _w("p"):
            text = p_to_text(child, numbering)
            if text:
                blocks.append(Paragraph(text, 0, 0))
        elif child.tag == _w("tbl"):
            blocks.extend(tbl_to_blocks(child, numbering))
    return blocks


def flow_children(element: etree._Element) -> Iterator[etree._Element]:
    """The children of an element, looking through content controls and the like."""
    for child in element:
        if child.tag in TRANSPARENT:
            yield from flow_children(child)
        else:
            yield child


def p_to_text(p: etree._Element, numbering: Numbering | None = None) -> str:
    """A paragraph's text as one line: runs concatenated, line breaks joined,
    with its automatic number ("一、") in front when it has one.

    Deleted revisions (`w:delText`) and field codes (`w:instrText`) are not
    `w:t`, so they are left out by construction; the fallback copy of a text
    box (`mc:Fallback`) would double its text and is skipped. An empty numbered
    paragraph still counts (Word shows and counts its number) but stays empty.
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
    text = join_lines("".join(pieces).split("\n"))
    label, separator = numbering.label(p) if numbering is not None else ("", "")
    if not text or not label:
        return text
    return label + separator + text


def _inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


# --- tables -----------------------------------------------------------------------


def tbl_to_blocks(tbl: etree._Element, numbering: Numbering | None = None) -> list[Block]:
    """A Word table as a `Table`, or, for a one-cell layout table (a box around
    text), the blocks inside its cell."""
    rows = [list(row_cells(tr)) for tr in flow_children(tbl) if tr.tag == _w("tr")]
    tcs = [tc for row in rows for tc in row if tc is not None]
    if len(tcs) == 1:
        return body_to_blocks(tcs[0], numbering)
    return grid_to_blocks(tbl_to_grid(tbl, numbering))


def row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in flow_children(tr):
        if child.tag == _w("tc"):
            yield child


def tbl_to_grid(tbl: etree._Element, numbering: Numbering | None = None) -> list[list[str]]:
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
            text = "" if _continues_merge(tc) else tc_to_text(tc, numbering)
            row.extend([text] + [""] * (span - 1))
        row.extend([""] * _tr_property(tr, "gridAfter"))
        grid.append(row)
    return grid


def tc_to_text(tc: etree._Element, numbering: Numbering | None = None) -> str:
    """A cell's paragraphs (and any table nested in it) joined into one line."""
    lines: list[str] = []
    for child in flow_children(tc):
        if child.tag == _w("p"):
            lines.append(p_to_text(child, numbering))
        elif child.tag == _w("tbl"):
            lines.extend(cell for row in tbl_to_grid(child, numbering) for cell in row)
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


# --- automatic numbering ------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level (`w:lvl`) of a numbering definition.

    `restart` is the level index below which a paragraph restarts this level's
    count: by default any higher level (`restart == ilvl`), with
    `w:lvlRestart` a chosen one, 0 for never. `legal` (`w:isLgl`) shows every
    level's number in decimal. `suffix` is what follows the label: Word's
    default tab, a space, or nothing.
    """

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None
    restart: int = 0
    legal: bool = False
    suffix: str = "tab"


class Numbering:
    """The automatic numbers of a document's paragraphs, counted as Word counts them.

    A paragraph is numbered by `w:pPr/w:numPr` (`w:numId` and `w:ilvl`), or by
    its paragraph style's `w:numPr`, or the style it is based on. A `w:num`
    points at a `w:abstractNum` and may override a level's start
    (`w:startOverride`) or the whole level. Counters are kept per abstract
    numbering, so lists that share one continue each other's count; a level
    restarts when a higher level advances. Call `label` for each paragraph in
    document order: it advances the counters.
    """

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None = None):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.level_styles: dict[str, dict[str, int]] = {}  # abstractNumId → style id → ilvl (w:lvl/w:pStyle)
        self.nums: dict[str, str] = {}  # numId → abstractNumId
        self.level_overrides: dict[tuple[str, int], Level] = {}
        self.start_overrides: dict[tuple[str, int], int] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # id → numId, ilvl, basedOn
        self.default_style: str | None = None
        self.counters: dict[str, dict[int, int]] = {}
        self.overridden: set[tuple[str, int]] = set()
        if styles is not None:
            self._read_styles(styles)
        if numbering is not None:
            self._read_numbering(numbering)

    def _read_styles(self, styles: etree._Element) -> None:
        for style in styles.iter(_w("style")):
            style_id = style.get(_w("styleId"))
            if style_id is None:
                continue
            num_id, ilvl = _num_pr(style.find(_w("pPr")))
            based_on = style.find(_w("basedOn"))
            self.styles[style_id] = (num_id, ilvl, based_on.get(_w("val")) if based_on is not None else None)
            if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true", "on"):
                self.default_style = style_id

    def _read_numbering(self, numbering: etree._Element) -> None:
        links: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        for abstract in numbering.iter(_w("abstractNum")):
            abstract_id = abstract.get(_w("abstractNumId"))
            self.abstracts[abstract_id] = {}
            self.level_styles[abstract_id] = {}
            for lvl in abstract.iter(_w("lvl")):
                ilvl = _int(lvl.get(_w("ilvl")), default=0)
                self.abstracts[abstract_id][ilvl] = lvl_to_level(lvl, ilvl)
                p_style = _val(lvl.find(_w("pStyle")))
                if p_style is not None:
                    self.level_styles[abstract_id][p_style] = ilvl
            link = _val(abstract.find(_w("numStyleLink")))
            if link is not None:
                links[abstract_id] = link
        for num in numbering.iter(_w("num")):
            num_id = num.get(_w("numId"))
            abstract_id = _val(num.find(_w("abstractNumId")))
            if num_id is None or abstract_id is None:
                continue
            self.nums[num_id] = abstract_id
            for override in num.iter(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), default=0)
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    self.level_overrides[(num_id, ilvl)] = lvl_to_level(lvl, ilvl)
                start = _val(override.find(_w("startOverride")))
                if start is not None:
                    self.start_overrides[(num_id, ilvl)] = _int(start, default=0)
        # A list defined by a numbering style (w:numStyleLink) takes its levels
        # from the abstract numbering of the num that style names.
        for abstract_id, style_id in links.items():
            linked_num = self.styles.get(style_id, (None, None, None))[0]
            target = self.nums.get(linked_num) if linked_num is not None else None
            if target is not None and target != abstract_id and self.abstracts.get(target):
                self.abstracts[abstract_id] = self.abstracts[target]
                self.level_styles[abstract_id] = self.level_styles.get(target, {})

    def numbering_of(self, p: etree._Element) -> tuple[str, int] | None:
        """The `(numId, ilvl)` a paragraph is numbered with, or None."""
        p_pr = p.find(_w("pPr"))
        num_id, ilvl = _num_pr(p_pr)
        style_id = _val(p_pr.find(_w("pStyle"))) if p_pr is not None else None
        style_id = style_id or self.default_style
        seen: set[str] = set()
        current = style_id
        while current is not None and current not in seen and (num_id is None or ilvl is None):
            seen.add(current)
            style_num, style_ilvl, based_on = self.styles.get(current, (None, None, None))
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
            current = based_on
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        if ilvl is None:  # a level linked to the paragraph's style, else the first
            ilvl = self.level_styles.get(self.nums[num_id], {}).get(style_id or "", 0)
        return num_id, ilvl

    def level(self, num_id: str, ilvl: int) -> Level | None:
        override = self.level_overrides.get((num_id, ilvl))
        if override is not None:
            return override
        return self.abstracts.get(self.nums[num_id], {}).get(ilvl)

    def label(self, p: etree._Element) -> tuple[str, str]:
        """The paragraph's rendered number ("一、", "（二）", "1.2") and the
        separator to put between it and the text; ("", "") when it has none.
        Advances the counters."""
        numbered = self.numbering_of(p)
        if numbered is None:
            return "", ""
        num_id, ilvl = numbered
        level = self.level(num_id, ilvl)
        if level is None:
            return "", ""
        counters = self.counters.setdefault(self.nums[num_id], {})
        if (num_id, ilvl) in self.start_overrides and (num_id, ilvl) not in self.overridden:
            self.overridden.add((num_id, ilvl))
            counters[ilvl] = self.start_overrides[(num_id, ilvl)]
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = level.start
        for deeper in [k for k in counters if k > ilvl]:
            deeper_level = self.level(num_id, deeper)
            if deeper_level is None or ilvl < deeper_level.restart:
                del counters[deeper]
        label = self.render(num_id, level, counters)
        if not label:
            return "", ""
        wide_end = re.match(f"[{WIDE}]", label[-1]) is not None
        separator = "" if level.suffix == "nothing" or wide_end else " "
        return label, separator

    def render(self, num_id: str, level: Level, counters: dict[int, int]) -> str:
        """The level's `w:lvlText` with each `%n` replaced by level n-1's number."""
        if level.text is None or level.fmt == "bullet":
            return ""

        def number(match: re.Match) -> str:
            ilvl = int(match.group(1)) - 1
            shown = self.level(num_id, ilvl) or Level()
            value = counters.get(ilvl, shown.start)
            fmt = "decimal" if level.legal and shown.fmt not in ("none", "bullet") else shown.fmt
            return format_number(value, fmt) or ""

        if level.fmt != "none" and format_number(1, level.fmt) is None:
            return ""  # a format this reader does not know: no label rather than a wrong one
        return collapse_whitespace(re.sub(r"%([1-9])", number, level.text))


def lvl_to_level(lvl: etree._Element, ilvl: int) -> Level:
    """A `w:lvl` element as a `Level`."""
    fmt_el = lvl.find(_w("numFmt"))
    if fmt_el is None:  # Word 2010 writes custom formats in mc:AlternateContent with a fallback
        fmt_el = lvl.find(f"{{{MC}}}AlternateContent/{{{MC}}}Fallback/{_w('numFmt')}")
    restart = _val(lvl.find(_w("lvlRestart")))
    legal = lvl.find(_w("isLgl"))
    return Level(
        start=_int(_val(lvl.find(_w("start"))), default=0 if lvl.find(_w("start")) is not None else 1),
        fmt=_val(fmt_el) or "decimal",
        text=_val(lvl.find(_w("lvlText"))),
        restart=ilvl if restart is None else _int(restart, default=ilvl),
        legal=legal is not None and legal.get(_w("val"), "true") not in ("0", "false", "off"),
        suffix=_val(lvl.find(_w("suff"))) or "tab",
    )


def _num_pr(p_pr: etree._Element | None) -> tuple[str | None, int | None]:
    """`w:numId` and `w:ilvl` of a `w:pPr`'s `w:numPr`, each None when absent."""
    num_pr = p_pr.find(_w("numPr")) if p_pr is not None else None
    if num_pr is None:
        return None, None
    ilvl = _val(num_pr.find(_w("ilvl")))
    return _val(num_pr.find(_w("numId"))), (_int(ilvl, default=0) if ilvl is not None else None)


def _val(el: etree._Element | None) -> str | None:
    return el.get(_w("val")) if el is not None else None


# --- number formats ----------------------------------------------------------------

CHINESE_DIGITS = "〇一二三四五六七八九"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


def format_number(n: int, fmt: str) -> str | None:
    """A list number as Word shows it in the `w:numFmt` `fmt`; None for a
    bullet or a format this reader does not know.

    >>> format_number(21, "chineseCounting"), format_number(4, "upperRoman"), format_number(28, "lowerLetter")
    ('二十一', 'IV', 'bb')
    >>> format_number(3, "decimalEnclosedCircle"), format_number(3, "bullet")
    ('③', None)
    """
    if fmt in ("decimal", "decimalHalfWidth"):
        return str(n)
    if fmt == "none":
        return ""
    if n < 0:
        return None
    if n > 9999 and fmt in ("upperRoman", "lowerRoman", "upperLetter", "lowerLetter"):
        return str(n)  # a corrupt start value must not make a label of a thousand letters
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_counting(n)
    if fmt == "chineseLegalSimplified":
        return chinese_counting(n, legal=True)
    if fmt == "japaneseCounting":
        return japanese_counting(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand"):
        return "".join(CHINESE_DIGITS[int(d)] for d in str(n))
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n) if n > 0 else str(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        if n <= 0:
            return str(n)
        letter = chr(ord("A" if fmt == "upperLetter" else "a") + (n - 1) % 26)
        return letter * ((n - 1) // 26 + 1)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _enclosed(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "ideographEnclosedCircle":
        return chr(0x3220 + n - 1) if 1 <= n <= 10 else _enclosed(n)
    if fmt == "ideographTraditional":
        return HEAVENLY_STEMS[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return EARTHLY_BRANCHES[n - 1] if 1 <= n <= 12 else str(n)
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return None


def chinese_counting(n: int, legal: bool = False) -> str:
    """A number in Chinese counting (cn2an): 十, 十一, 二十, 一百零五, 一万零二十;
    `legal` in financial capitals (壹拾壹).

    >>> [chinese_counting(n) for n in (1, 10, 11, 20, 105, 110, 10020)]
    ['一', '十', '十一', '二十', '一百零五', '一百一十', '一万零二十']
    """
    if n == 0:
        return CHINESE_DIGITS[0]
    if n >= 10**8:
        return str(n)
    import cn2an  # 0.1 s to import; only numbered Word documents need it

    return cn2an.an2cn(n, "up" if legal else "low")


def japanese_counting(n: int) -> str:
    """Japanese counting: like Chinese but with no 零 and no 一 before 十, 百, 千.

    >>> [japanese_counting(n) for n in (10, 11, 101, 1000, 2345)]
    ['十', '十一', '百一', '千', '二千三百四十五']
    """
    if n == 0:
        return CHINESE_DIGITS[0]
    if n >= 10**8:
        return str(n)
    out = ""
    high, low = divmod(n, 10000)
    for part, suffix in ((high, "万"), (low, "")):
        if not part:
            continue
        for place in range(3, -1, -1):
            digit = part // 10**place % 10
            if digit == 0:
                continue
            if place == 0 or digit > 1:
                out += CHINESE_DIGITS[digit]
            out += "十百千"[place - 1] if place else ""
        out += suffix
    return out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ROMAN:
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _enclosed(n: int) -> str:
    """①…⑳, ㉑…㉟, ㊱…㊿; beyond fifty a plain number."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)
