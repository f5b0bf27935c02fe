"""Documents written in traditional characters, read as simplified.

The extractors' lexicons, cue words and patterns are in simplified characters.
A document in traditional characters (發展, 萬人, 以內) is converted character
by character with the table in `data/traditional_to_simplified.tsv` (from
OpenCC, see its header): one character for one, so every offset into the text
stays valid and values point at the same characters as before.

    >>> looks_traditional("城鎮新增就業人數達到50萬人")
    True
    >>> to_simplified("城鎮新增就業人數達到50萬人")
    '城镇新增就业人数达到50万人'
    >>> looks_traditional("城镇新增就业人数达到50万人")
    False
"""

from __future__ import annotations

import csv
import dataclasses
import re
from functools import cache
from pathlib import Path

from ingest.document import Document, Paragraph, Table
from ingest.structure import attach_captions

TABLE_PATH = Path(__file__).resolve().parent / "data" / "traditional_to_simplified.tsv"
# A text is in traditional characters when more than this share of its Han
# characters exist only in traditional writing. Simplified documents score 0
# (a quoted name may add a little); traditional ones about a third.
TRADITIONAL_SHARE = 0.1
# The share is measured on the text's beginning (a few pages): a document
# keeps one script.
SAMPLE_CHARS = 10_000
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@cache
def _tables() -> tuple[dict[int, int], frozenset[str]]:
    """(traditional → simplified translation, the traditional-only characters)."""
    with TABLE_PATH.open(encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    convert = {ord(r["traditional"]): ord(r["simplified"]) for r in rows}
    only = frozenset(r["traditional"] for r in rows if r["traditional_only"] == "1")
    return convert, only


def looks_traditional(text: str) -> bool:
    """True when the text is written in traditional characters."""
    sample = text[:SAMPLE_CHARS]
    han = sum(map(len, HAN_RUN.findall(sample)))
    if not han:
        return False
    traditional = sum(map(_tables()[1].__contains__, sample))
    return traditional / han > TRADITIONAL_SHARE


def to_simplified(text: str) -> str:
    """The text with every traditional character replaced by its simplified
    one; same length, character for character."""
    return text.translate(_tables()[0])


def document_to_simplified(document: Document) -> Document:
    """The document with its text and every paragraph, cell and caption in
    simplified characters (offsets unchanged).

    Structure recovery looks for simplified cue words (`单位：`, `说明`,
    `附件`), so it runs again on the converted blocks: a text file's blocks
    come from its text alone and are recovered anew; the other formats' table
    captions are attached anew.
    """
    text = to_simplified(document.text)
    if document.format == "txt":
        from ingest.txt import text_to_document

        recovered = text_to_document(text, document.path, document.encoding)
        return dataclasses.replace(document, text=text, blocks=recovered.blocks)
    blocks = [_block_to_simplified(b) for b in document.blocks]
    return dataclasses.replace(document, text=text, blocks=attach_captions(blocks))


def _block_to_simplified(block: Paragraph | Table) -> Paragraph | Table:
    if isinstance(block, Paragraph):
        return dataclasses.replace(block, text=to_simplified(block.text))
    return dataclasses.replace(
        block,
        rows=[[dataclasses.replace(c, text=to_simplified(c.text)) for c in row] for row in block.rows],
        caption=None,
        unit_caption=None,
    )
