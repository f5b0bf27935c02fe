"""ingest: read a file of any supported format into a `Document`.

    >>> from ingest import read_document
    >>> doc = read_document("corpus/000_ea48af81f9ea94bf.txt")   # doctest: +SKIP

One module per format (`txt`, `docx`, `pdf`, `html`), each with
`read(path) -> Document`; `read_document` picks the reader by content.
"""

from ingest.dispatch import SUPPORTED_SUFFIXES, read_document, sniff_format
from ingest.document import (
    Cell,
    Document,
    Metadata,
    NeedsOCR,
    Paragraph,
    Table,
    UnreadableDocument,
    UnsupportedFormat,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Cell",
    "Document",
    "Metadata",
    "NeedsOCR",
    "Paragraph",
    "Table",
    "UnreadableDocument",
    "UnsupportedFormat",
    "read_document",
    "sniff_format",
]
