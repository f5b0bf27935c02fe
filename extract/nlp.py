"""The spaCy pipeline that prose extraction runs on.

spaCy's Chinese models cannot be downloaded here, so the pipeline is
`spacy.blank("zh")` with a run tokenizer (below) and rule-based components:
the sentencizer with Chinese sentence-final punctuation, and
`plankb_quantities`, which marks the quantities of each sentence as spans
(`doc.spans["quantities"]`, each carrying its parsed `Quantity` in
`span._.quantity`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.quantities import find_quantities
from extract.values import Quantity

SENTENCE_FINAL = ["。", "；", ";", "！", "!", "？", "?"]
# A run of whitespace, of digits, of letters (Han or Latin), or one other
# character (punctuation).
TOKEN = re.compile(r"\s+|\d+|[^\W\d_]+|.", re.DOTALL)

if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)


class RunTokenizer:
    """Tokens are runs of letters, of digits and of whitespace, and single
    punctuation marks, cut where a quantity starts or ends.

    spaCy's zh character segmenter makes every character a token, and building
    those tokens was the largest cost of extraction; runs are a fifth as many.
    The boundaries that matter still fall between tokens: each sentence-final
    mark is a token of its own for the sentencizer, and every quantity (`3万人`
    in `扶持3万人创业`) is a whole number of tokens for `plankb_quantities`.
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        quantities = quantities_in(text)
        # Runs are found between quantity boundaries, so none crosses one.
        cuts = sorted({0, len(text), *(i for quantity in quantities for i in (quantity.start, quantity.end))})
        words = [word for start, end in pairwise(cuts) for word in TOKEN.findall(text, start, end)]
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        # For `plankb_quantities`: `doc.text` would join every token again.
        doc.user_data["quantities"] = quantities
        return doc


@lru_cache(maxsize=4)
def quantities_in(text: str) -> tuple[Quantity, ...]:
    """`find_quantities`, remembered for the last few texts: the tokenizer and
    `plankb_quantities` both need the quantities of the same text."""
    return tuple(find_quantities(text))


@Language.component("plankb_quantities")
def mark_quantities(doc: Doc) -> Doc:
    """Mark every quantity (number with unit or comparator) as a span."""
    spans = []
    quantities = doc.user_data["quantities"] if "quantities" in doc.user_data else quantities_in(doc.text)
    for quantity in quantities:
        span = doc.char_span(quantity.start, quantity.end, label="QUANTITY")
        if span is not None:
            span._.quantity = quantity
            spans.append(span)
    doc.spans["quantities"] = spans
    return doc


# Lexemes the pipeline's vocabulary may hold before it is made anew (in 30
# ms). Every distinct run of text becomes one (measured: about 700 bytes), so
# without a bound a long build's memory would grow with the corpus.
MAX_LEXEMES = 20_000


def prose_pipeline() -> Language:
    """The pipeline; a fresh one once the vocabulary passes `MAX_LEXEMES`."""
    nlp = _pipeline()
    if len(nlp.vocab) > MAX_LEXEMES:
        _pipeline.cache_clear()
        nlp = _pipeline()
    return nlp


@cache
def _pipeline() -> Language:
    nlp = spacy.blank("zh")
    nlp.tokenizer = RunTokenizer(nlp.vocab)
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_FINAL})
    nlp.add_pipe("plankb_quantities")
    return nlp
