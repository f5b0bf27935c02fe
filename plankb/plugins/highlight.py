"""HTML for the source and review pages: document text with values marked,
and recovered tables with a cell marked. Pure functions: text and offsets in,
escaped `Markup` out.

    >>> text = "一、就业\\n全年新增就业48万人，城镇登记失业率控制在3.8%以内。\\n二、社保"
    >>> start = text.index("48万人")
    >>> evidence_span(text, start, start + 4, "全年新增就业48万人，城镇登记失业率控制在3.8%以内。")
    (5, 33)
    >>> print(mark_value(text, start, start + 4, 5, 33))
    一、就业
    <span class="evidence">全年新增就业<mark id="value">48万人</mark>，城镇登记失业率控制在3.8%以内。</span>
    二、社保
    >>> print(mark_in("3.8以内", "3.8"))
    <mark>3.8</mark>以内
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

SENTENCE_ENDS = "。！？!?；;\n"


@dataclass
class Mark:
    """One value to mark in a text: its span and how the mark looks."""

    start: int
    end: int
    anchor: str  # the element id, target of `#anchor` links
    css_class: str = ""
    title: str = ""
    href: str | None = None


def evidence_span(text: str, start: int, end: int, evidence: str | None = None) -> tuple[int, int]:
    """The span of the sentence or row that a value at text[start:end] stands
    in: the occurrence of `evidence` that contains it when there is one (prose
    values carry their sentence), else the text between the nearest sentence
    ends (table rows are lines of the text)."""
    evidence = (evidence or "").strip()
    if evidence:
        i = text.find(evidence, max(0, end - len(evidence)), start + len(evidence))
        if i != -1:
            return i, i + len(evidence)
    left = max(text.rfind(c, 0, start) for c in SENTENCE_ENDS) + 1
    ends = [j for j in (text.find(c, end) for c in SENTENCE_ENDS) if j != -1]
    right = min(ends) if ends else len(text)
    if right < len(text) and text[right] != "\n":
        right += 1  # keep the full stop, not the line break
    return left, right


def context_window(text: str, start: int, end: int, radius: int = 400) -> tuple[int, int]:
    """The part of the text to show around text[start:end]: about `radius`
    characters on each side, widened to whole lines when they are short."""
    left = text.rfind("\n", 0, max(0, start - radius)) + 1
    if start - left > 2 * radius:
        left = max(0, start - radius)
    right = text.find("\n", min(len(text), end + radius))
    if right == -1 or right - end > 2 * radius:
        right = min(len(text), end + radius)
    return left, right


def mark_value(text: str, start: int, end: int, evidence_start: int, evidence_end: int) -> Markup:
    """The text with the evidence span outlined and the value marked
    (`<mark id="value">`)."""
    evidence_start, evidence_end = min(evidence_start, start), max(evidence_end, end)
    return Markup(
        '{}<span class="evidence">{}<mark id="value">{}</mark>{}</span>{}'
    ).format(
        text[:evidence_start],
        text[evidence_start:start],
        text[start:end],
        text[end:evidence_end],
        text[evidence_end:],
    )


def mark_text(text: str, marks: list[Mark]) -> Markup:
    """The text with every mark as a `<mark id=anchor>`. Marks do not nest: a
    mark that overlaps an earlier one is cut to what is left of it, or, when
    nothing is, leaves only its anchor."""
    out: list[Markup] = []
    cursor = 0
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        start = min(max(m.start, cursor), len(text))
        end = min(m.end, len(text))
        out.append(escape(text[cursor:start]))
        cursor = start
        if end <= start:
            out.append(Markup('<span id="{}"></span>').format(m.anchor))
            continue
        inner = escape(text[start:end])
        if m.href:
            inner = Markup('<a href="{}">{}</a>').format(m.href, inner)
        out.append(Markup('<mark id="{}" class="{}" title="{}">{}</mark>').format(m.anchor, m.css_class, m.title, inner))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def mark_in(text: str | None, value_raw: str | None) -> Markup:
    """`text` with the first occurrence of `value_raw` marked; the whole text
    marked when it does not occur."""
    text = text or ""
    i = text.find(value_raw) if value_raw else -1
    if i == -1:
        return Markup("<mark>{}</mark>").format(text)
    return Markup("{}<mark>{}</mark>{}").format(text[:i], value_raw, text[i + len(value_raw):])


def table_html(cells: list[list[str | None]], row: int | None = None, col: int | None = None,
               value_raw: str | None = None) -> Markup:
    """A recovered table (`source_tables.cells`) as an HTML table; the row
    `row` is outlined (`id="source-row"`) and its cell `col` has the value
    marked."""
    out = [Markup('<table class="rows-and-columns source-table">')]
    for r, cells_row in enumerate(cells):
        out.append(Markup('<tr class="source-row" id="source-row">') if r == row else Markup("<tr>"))
        for c, cell in enumerate(cells_row):
            if r == row and c == col:
                out.append(Markup('<td class="source-cell">{}</td>').format(mark_in(cell, value_raw)))
            else:
                out.append(Markup("<td>{}</td>").format(cell if cell is not None else ""))
        out.append(Markup("</tr>"))
    out.append(Markup("</table>"))
    return Markup("").join(out)
