"""The extraction flow: document → context → blocks → values."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.context import DocumentContext
from extract.linking import link_in_context
from extract.prose import heading_kind, heading_level, is_heading, paragraph_to_values
from extract.tables import Score, table_to_values
from extract.values import IndicatorValue
from ingest.document import Document, Metadata, Table

# Bump when a change to the extractor changes its output: incremental builds
# re-extract every document extracted by another version.
EXTRACTOR_VERSION = "1"


@dataclass
class Extraction:
    values: list[IndicatorValue] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)


def metadata_to_context(metadata: Metadata) -> DocumentContext:
    return DocumentContext(doc_type=metadata.doc_type, period=metadata.period, year=metadata.year)


def default_kind(context: DocumentContext) -> str | None:
    # Annual plans, assessments and interpretations state goals unless a
    # section or sentence says otherwise; a five-year plan's sections decide.
    return None if context.doc_type == "five_year_plan" else "target"


def extract_document(document: Document, metadata: Metadata | None = None) -> Extraction:
    context = metadata_to_context(metadata or document.metadata)
    out = Extraction()
    section_kinds: dict[int, str | None] = {}
    table_index = 0
    for block in document.blocks:
        if isinstance(block, Table):
            values, scores = table_to_values(block, table_index, context)
            out.values.extend(values)
            out.scores.extend(scores)
            table_index += 1
            continue
        if is_heading(block.text):
            level = heading_level(block.text)
            section_kinds = {k: v for k, v in section_kinds.items() if k < level}
            section_kinds[level] = heading_kind(block.text.split("。")[0])
        kinds = [k for _, k in sorted(section_kinds.items()) if k]
        section_kind = kinds[-1] if kinds else default_kind(context)
        out.values.extend(paragraph_to_values(block, context, section_kind))
    link_values(document, out.values)
    return out


def link_values(document: Document, values: list[IndicatorValue]) -> None:
    """Set each value's canonical indicator, using its parent row or the text
    before it (in prose the sentences before it, in a table the cell it stands
    in) when its own name is too bare to link."""
    for value in values:
        before = ""
        if value.char_start is not None:
            window = document.text[max(0, value.char_start - 200) : value.char_start]
            if value.source == "prose":
                before = window
            else:  # `退休人员及时纳入社区管理，社区管理率100%`: the cell's own words
                before = window[max(window.rfind(mark) for mark in "\t\n|") + 1 :]
        value.indicator_id = link_in_context(value.name_raw, value.unit, before, value.parent_name)


def extract_values(document: Document, metadata: Metadata | None = None) -> list[IndicatorValue]:
    return extract_document(document, metadata).values
