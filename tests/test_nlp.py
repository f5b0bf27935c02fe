"""The spaCy pipeline of prose extraction: its run tokenizer, sentences and
quantity spans (extract/nlp.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import extract.nlp as nlp_module
from extract.nlp import SENTENCE_FINAL, prose_pipeline
from extract.quantities import find_quantities
from ingest import read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

TEXTS = [
    "全年扶持3万人创业，带动12万人就业。",
    "城镇登记失业率控制在3.9%以内；新增就业49.5万人。",
    "“十三五”期末的 16.5万人增加到 21.2万人。”下一句！",
    "累计9887余万元，推出39.05万个工作岗位,共有23095家单位设摊招聘",
    "报销比例达到50-55%，覆盖1,000人 以上",
    "１２万人和ABC123项",
    "  \n\t",
    "没有数字的一句话",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_give_back_the_text(text):
    doc = prose_pipeline()(text)
    assert doc.text == text
    assert "".join(token.text for token in doc) == text


@pytest.mark.parametrize("text", TEXTS)
def test_every_quantity_is_a_span_of_whole_tokens(text):
    doc = prose_pipeline()(text)
    expected = [(q.start, q.end, q.value) for q in find_quantities(text)]
    spans = doc.spans["quantities"]
    assert [(s.start_char, s.end_char, s._.quantity.value) for s in spans] == expected


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_final_marks_are_tokens_of_their_own(text):
    doc = prose_pipeline()(text)
    for token in doc:
        assert not (len(token.text) > 1 and any(mark in token.text for mark in SENTENCE_FINAL)), token.text


def test_sentences_end_after_final_marks_and_closing_quotes():
    doc = prose_pipeline()("第一句话。”第二句；第三句！第四句")
    assert [s.text for s in doc.sents] == ["第一句话。”", "第二句；", "第三句！", "第四句"]


def test_runs_are_fewer_tokens_than_characters():
    text = (CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0]).read_text(encoding="utf-8")[:5000]
    assert len(prose_pipeline().make_doc(text)) < len(text) / 3


def test_seed_quantities_all_become_spans():
    """Over every paragraph of the seed corpus, no quantity is lost to token alignment."""
    for path in sorted(CORPUS.glob("*.txt")):
        for paragraph in read_document(path).paragraphs:
            doc = prose_pipeline()(paragraph.text)
            assert len(doc.spans["quantities"]) == len(find_quantities(paragraph.text)), paragraph.text


def test_vocabulary_is_bounded(monkeypatch):
    monkeypatch.setattr(nlp_module, "MAX_LEXEMES", 50)
    first = prose_pipeline()
    first("，".join(f"词{chr(0x4E00 + i)}语" for i in range(100)))
    assert len(first.vocab) > 50
    second = prose_pipeline()
    assert second is not first
    assert len(second.vocab) <= 50
    doc = second("新增就业12万人。")
    assert [s.text for s in doc.spans["quantities"]] == ["12万人"]
