"""Shared structure recovery for all readers: table captions and unit captions.

Every reader produces paragraphs and tables in body order; the title line above
a table (`专栏2 “十三五”时期主要指标`, `2017年度新增就业人数分区计划表`) and
its unit statement (`单位：人`) are ordinary paragraphs in the source. This
module moves them onto the table they describe.
"""

from __future__ import annotations

import re

from ingest.document import Block, Paragraph, Table

# `单位：人`, `单位: 万人`, `（单位：万元）`; the unit is what follows the colon.
UNIT_CAPTION = re.compile(r"[（(]?\s*单\s*位\s*[:：]\s*([^\s）)　]+)\s*[）)]?")
# A caption names a table (表, 专栏, 指标, 计划, 分解, 一览) and is short.
CAPTION_WORDS = re.compile(r"表|专栏|指标|分解|一览|计划|任务|情况")
MAX_CAPTION_LENGTH = 60


def find_unit_caption(text: str) -> str | None:
    """The unit of a `单位：人` statement, or None.

    >>> find_unit_caption("单位：人")
    '人'
    >>> find_unit_caption("（单位：万人）")
    '万人'
    >>> find_unit_caption("城镇新增就业人数") is None
    True
    """
    m = UNIT_CAPTION.search(text)
    return m.group(1) if m else None


def looks_like_caption(text: str) -> bool:
    text = text.strip()
    return (
        0 < len(text) <= MAX_CAPTION_LENGTH
        and not text.endswith(("。", "；", ";", "："))
        and bool(CAPTION_WORDS.search(text))
    )


def attach_captions(blocks: list[Block]) -> list[Block]:
    """Set `caption` and `unit_caption` of each table from the paragraphs just
    before it (up to two: a title line and a unit line, in either order).

    The paragraphs stay in the block list: they are also text of the document.
    """
    for i, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        for j in (i - 1, i - 2):
            if j < 0 or not isinstance(blocks[j], Paragraph):
                break
            text = blocks[j].text.strip()
            if block.unit_caption is None and find_unit_caption(text):
                block.unit_caption = find_unit_caption(text)
                continue
            if block.caption is None and looks_like_caption(text):
                block.caption = text
            break
    return blocks
