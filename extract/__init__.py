"""extract: a `Document` in, its indicator values out.

    >>> from ingest import read_document
    >>> from extract import extract_values
    >>> values = extract_values(read_document("corpus/000_ea48af81f9ea94bf.txt"))  # doctest: +SKIP

Extractors never write anywhere: they return `IndicatorValue`s (and `Score`s
for assessment tables), each with the span of its number in `Document.text`.
"""

from extract.pipeline import (
    EXTRACTOR_VERSION,
    Extraction,
    extract_document,
    extract_values,
)
from extract.values import IndicatorValue, Quantity

__all__ = ["EXTRACTOR_VERSION", "Extraction", "IndicatorValue", "Quantity", "extract_document", "extract_values"]
