"""The spaCy pipeline that prose extraction runs on.

spaCy's Chinese models cannot be downloaded here, so the pipeline is
`spacy.blank("zh")` with its character segmenter (no dictionary to load, and
every character is a token, so any character span of the text is a span of
tokens) and rule-based components: the sentencizer with Chinese sentence-final
punctuation, and `plankb_quantities`, which marks the quantities of each
sentence as spans (`doc.spans["quantities"]`, each carrying its parsed
`Quantity` in `span._.quantity`).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.quantities import find_quantities

SENTENCE_FINAL = ["。", "；", ";", "！", "!", "？", "?"]

if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)


@Language.component("plankb_quantities")
def mark_quantities(doc: Doc) -> Doc:
    """Mark every quantity (number with unit or comparator) as a span."""
    spans = []
    for quantity in find_quantities(doc.text):
        span = doc.char_span(quantity.start, quantity.end, label="QUANTITY", alignment_mode="expand")
        if span is not None:
            span._.quantity = quantity
            spans.append(span)
    doc.spans["quantities"] = spans
    return doc


@cache
def prose_pipeline() -> Language:
    nlp = spacy.blank("zh")
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_FINAL})
    nlp.add_pipe("plankb_quantities")
    return nlp
