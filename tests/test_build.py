"""End-to-end: corpus → database, atomic builds, bad files, evaluation, CLI."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from db import build
from db.schema import TABLES
from plankb.cli import cli
from plankb.evaluate import evaluate

from .conftest import CORPUS, GOLD, SEEDS


def rows(db_path, sql, *params):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_build_writes_every_table_of_the_schema(built_db):
    names = {r["name"] for r in rows(built_db, "select name from sqlite_master where type = 'table'")}
    assert set(TABLES) <= names
    assert rows(built_db, "select count(*) as n from documents")[0]["n"] == 5
    assert rows(built_db, "select count(*) as n from indicator_values")[0]["n"] > 900
    assert rows(built_db, "select count(*) as n from indicators")[0]["n"] > 50
    assert rows(built_db, "select count(*) as n from source_tables")[0]["n"] >= 10


def test_every_value_points_at_its_text(built_db):
    values = rows(
        built_db,
        "select v.value_raw, v.char_start, v.char_end, d.text from indicator_values v join documents d on d.id = v.document_id",
    )
    for v in values:
        span = v["text"][v["char_start"] : v["char_end"]]
        number = re.search(r"\d+(\.\d+)?", v["value_raw"]).group()
        assert number in span, (v["value_raw"], span)


def test_documents_carry_detected_metadata(built_db):
    docs = {d["source_file"]: d for d in rows(built_db, "select * from documents")}
    tianjin = docs[SEEDS["tianjin_2017_annual_plan"]]
    assert (tianjin["city"], tianjin["city_en"], tianjin["doc_type"], tianjin["year"]) == ("天津市", "Tianjin", "annual_plan", 2017)
    assert tianjin["doc_number"] == "津人社局发〔2017〕30号"
    wuhan = docs[SEEDS["wuhan_13th_plan"]]
    assert (wuhan["city"], wuhan["doc_type"], wuhan["period"]) == ("武汉市", "five_year_plan", "十三五")


def test_build_without_manifest_detects_metadata(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in SEEDS.values():
        shutil.copy(CORPUS / name, corpus / name)
    report = build(corpus, tmp_path / "plankb.db")
    assert report.documents == 5 and not report.errors
    docs = rows(tmp_path / "plankb.db", "select source_file, city, doc_type, period from documents order by source_file")
    assert [d["city"] for d in docs] == ["天津市", "天津市", "舟山市", "武汉市", "如皋市"]
    assert [d["doc_type"] for d in docs] == ["annual_plan", "interpretation", "five_year_plan", "five_year_plan", "assessment"]


def test_broken_files_are_recorded_and_the_rest_is_built(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEEDS["tianjin_2017_annual_plan"], corpus / "good.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.pdf").write_bytes(b"\x00\x01garbage" * 100)
    (corpus / "junk.docx").write_bytes(b"not a zip file at all")
    (corpus / "notes.xyz").write_text("ignored: not a supported format")
    report = build(corpus, tmp_path / "plankb.db")
    assert report.documents == 1
    errors = {e.path: e for e in report.errors}
    assert set(errors) == {"empty.txt", "junk.pdf", "junk.docx"}
    assert "empty" in errors["empty.txt"].message
    recorded = rows(tmp_path / "plankb.db", "select path, stage, error_type, message from ingest_errors order by path")
    assert [r["path"] for r in recorded] == ["empty.txt", "junk.docx", "junk.pdf"]
    assert all(r["stage"] == "read" and r["message"] for r in recorded)
    assert rows(tmp_path / "plankb.db", "select count(*) as n from indicator_values")[0]["n"] == 214


def test_same_document_under_two_names_is_one_document(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEEDS["tianjin_14th_interpretation"], corpus / "a.txt")
    shutil.copy(CORPUS / SEEDS["tianjin_14th_interpretation"], corpus / "b.txt")
    report = build(corpus, tmp_path / "plankb.db")
    docs = rows(tmp_path / "plankb.db", "select source_file, other_paths from documents")
    assert report.documents == 1 and len(docs) == 1
    assert docs[0]["source_file"] == "a.txt" and "b.txt" in docs[0]["other_paths"]


def test_failed_build_leaves_the_previous_database(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEEDS["tianjin_14th_interpretation"], corpus / "a.txt")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path)
    before = db_path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("db.builder.write_record", explode)
    with pytest.raises(RuntimeError):
        build(corpus, db_path)
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob(".plankb.db.*"))


def test_two_builds_give_identical_rows(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    build(CORPUS, first)
    build(CORPUS, second)
    sql = "select * from indicator_values order by id"
    assert rows(first, sql) == rows(second, sql)


def test_extraction_meets_the_accuracy_bar_on_the_seeds(built_db):
    result = evaluate(built_db, GOLD)
    overall = result.overall
    assert overall.precision >= 0.97
    assert overall.recall >= 0.95
    assert all(d.recall >= 0.90 for d in result.documents)
    assert overall.kind_ok / overall.matched >= 0.95
    assert overall.year_ok / overall.matched >= 0.95


def test_cli_build_and_eval(tmp_path):
    runner = CliRunner()
    db_path = tmp_path / "plankb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(CORPUS), "--db", str(db_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "5 documents" in result.output
    result = runner.invoke(cli, ["eval", "--gold", str(GOLD), "--db", str(db_path), "--no-rebuild", "--no-details"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^overall\s+975\b", result.output, re.M)


def test_cli_reports_a_missing_corpus(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--corpus", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0
    assert "corpus folder not found" in result.output


def test_cli_strict_stops_at_the_first_bad_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(tmp_path / "x.db"), "--strict", "-q"])
    assert result.exit_code != 0
    assert "empty.txt" in result.output
