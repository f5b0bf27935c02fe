"""Shared fixtures (one per seed document, a database built from the corpus)
and checks."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"

SEEDS = {
    "tianjin_2017_annual_plan": "000_ea48af81f9ea94bf.txt",
    "tianjin_14th_interpretation": "001_404ff1416955840c.txt",
    "zhoushan_13th_plan": "002_435ca729410f1e66.txt",
    "wuhan_13th_plan": "003_46fcc39df94149c6.txt",
    "rugao_2021_assessment": "004_3e7897c2aae47fa4.txt",
}


def seed_path(key: str) -> Path:
    return CORPUS / SEEDS[key]


def assert_offsets_exact(doc) -> None:
    """Every paragraph and table cell of a read document is the slice of its
    text that its offsets span."""
    from ingest import Paragraph

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert doc.text[block.start : block.end] == block.text
        else:
            for row in block.rows:
                for cell in row:
                    assert doc.text[cell.start : cell.end] == cell.text


@pytest.fixture(scope="session")
def read_seed():
    from ingest import read_document

    cache = {}

    def read(key: str):
        if key not in cache:
            cache[key] = read_document(seed_path(key))
        return cache[key]

    return read


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The seed corpus built once for the whole test session."""
    from db import build

    path = tmp_path_factory.mktemp("db") / "plankb.db"
    report = build(CORPUS, path)
    assert not report.errors, report.errors
    return path
