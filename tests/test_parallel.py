"""Parallel, incremental and distributed builds give the database of a plain
sequential build; the canned comparison queries use indexes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import db.cache
from db import BuildError, build
from db.parallel import MIN_PARALLEL_FILES, in_order
from plankb.cli import cli
from plankb.serve import make_datasette

from .conftest import CORPUS, ROOT, SEEDS

FORMATS_DIR = ROOT / "tests" / "fixtures" / "formats"
QUERIES = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["plankb"]["queries"]


def dump(path: Path) -> dict[str, list]:
    """The schema and every row of every real table (search index shadow
    tables included), in rowid order: two equal dumps are the same database."""
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute("select type, name, sql from sqlite_master order by type, name").fetchall()
        out = {}
        for name, sql in conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall():
            sql = (sql or "").upper()
            if sql.startswith("CREATE VIRTUAL"):
                continue
            order = "" if "WITHOUT ROWID" in sql else " order by rowid"  # a WITHOUT ROWID table is in key order
            out[name] = conn.execute(f"select * from [{name}]{order}").fetchall()
        out["sqlite_master"] = schema
        return out
    finally:
        conn.close()


def seed_corpus(path: Path) -> Path:
    path.mkdir()
    for name in SEEDS.values():
        shutil.copy(CORPUS / name, path / name)
    return path


@pytest.fixture
def mixed_corpus(tmp_path) -> Path:
    """Enough files of every format to start worker processes, a broken one,
    and a duplicate."""
    corpus = seed_corpus(tmp_path / "corpus")
    for name in ["001_404ff1416955840c.pdf", "merged_header.pdf"]:
        shutil.copy(FORMATS_DIR / name, corpus / name)
    for name in sorted(FORMATS_DIR.glob("0*.docx")) + sorted(FORMATS_DIR.glob("0*.html")):
        shutil.copy(name, corpus / f"fmt_{name.name}")
    (corpus / "sub").mkdir()
    shutil.copy(CORPUS / SEEDS["tianjin_14th_interpretation"], corpus / "sub" / "copy.txt")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    shutil.copy(CORPUS / "manifest.yml", corpus / "manifest.yml")
    assert len(list(corpus.rglob("*.*"))) > 2 * MIN_PARALLEL_FILES
    return corpus


def changed_text(path: Path) -> None:
    """Change one number of a text document (and so its bytes)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2017", "2017 ", 1) + "\n全年新增就业12万人。\n", encoding="utf-8")


# --- parallel --------------------------------------------------------------------------


def test_in_order_returns_results_in_submission_order_whatever_finishes_first():
    with ThreadPoolExecutor(4) as pool:
        def slow_first(i):
            time.sleep(0.05 * (5 - i))
            return i

        assert list(in_order((pool.submit(slow_first, i) for i in range(5)), window=3)) == [0, 1, 2, 3, 4]


def test_in_order_keeps_at_most_window_in_flight():
    submitted, returned = [], []

    class Done:
        def __init__(self, i):
            self.i = i

        def result(self):
            return self.i

    def futures():
        for i in range(20):
            submitted.append(i)
            assert len(submitted) - len(returned) <= 4
            yield Done(i)

    for i in in_order(futures(), window=4):
        returned.append(i)  # noqa: PERF402 - futures() checks the window as results are taken
    assert returned == list(range(20))


def test_parallel_build_gives_the_rows_of_a_sequential_build(mixed_corpus, tmp_path):
    sequential = build(mixed_corpus, tmp_path / "one.db", workers=1)
    parallel = build(mixed_corpus, tmp_path / "two.db", workers=2)
    assert sequential.documents == parallel.documents > 10
    assert [e.path for e in parallel.errors] == [e.path for e in sequential.errors] == ["broken.pdf"]
    assert parallel.duplicates == sequential.duplicates
    assert dump(tmp_path / "two.db") == dump(tmp_path / "one.db")


def test_parallel_build_in_a_process_with_threads(mixed_corpus, tmp_path):
    """Worker processes come from a fork server when threads run (forking a
    threaded process can deadlock); the rows are the same."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        build(mixed_corpus, tmp_path / "threads.db", workers=2)
    finally:
        stop.set()
    build(mixed_corpus, tmp_path / "one.db", workers=1)
    assert dump(tmp_path / "threads.db") == dump(tmp_path / "one.db")


def test_parallel_strict_build_stops_at_the_broken_file(mixed_corpus, tmp_path):
    db_path = tmp_path / "strict.db"
    with pytest.raises(BuildError, match="broken.pdf"):
        build(mixed_corpus, db_path, workers=2, strict=True)
    assert not db_path.exists()


def test_workers_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        build(CORPUS, tmp_path / "x.db", workers=0)


# --- incremental -----------------------------------------------------------------------


def test_incremental_rebuild_reads_only_changed_files_and_equals_a_full_rebuild(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    first = build(corpus, db_path, cache=True)
    assert first.reused == 0 and db.cache.cache_path(db_path).is_file()
    changed = corpus / SEEDS["tianjin_2017_annual_plan"]
    changed_text(changed)

    from db import builder

    real_read = builder.read_document
    read = []

    def read_only_the_changed_file(path):
        read.append(Path(path).name)
        if Path(path).name != changed.name:
            raise AssertionError(f"{path} is unchanged and must come from the cache")
        return real_read(path)

    monkeypatch.setattr(builder, "read_document", read_only_the_changed_file)
    report = build(corpus, db_path, cache=True)
    assert read == [changed.name]
    assert (report.reused, report.documents, report.errors) == (4, 5, [])
    monkeypatch.setattr(builder, "read_document", real_read)
    build(corpus, tmp_path / "full.db", cache=False)
    assert dump(db_path) == dump(tmp_path / "full.db")
    assert "全年新增就业12万人" in sqlite3.connect(db_path).execute("select group_concat(evidence) from indicator_values").fetchone()[0]


def test_nothing_changed_leaves_the_database_as_it_is(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    first = build(corpus, db_path, cache=True)
    before = db_path.stat()
    monkeypatch.setattr("db.builder.read_document", lambda path: pytest.fail(f"{path} was read"))
    report = build(corpus, db_path, cache=True)
    assert report.up_to_date and (report.documents, report.values) == (first.documents, first.values)
    after = db_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_nothing_changed_with_relative_paths(tmp_path, monkeypatch):
    # `plankb.db` and `corpus` as a user types them, from the working directory
    seed_corpus(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    first = build("corpus", "plankb.db", cache=True)
    report = build("corpus", "plankb.db", cache=True)
    assert report.up_to_date and report.values == first.values
    assert make_datasette(Path("plankb.db")) is not None  # the site opens it by a relative path too


def test_touched_file_is_confirmed_by_its_hash_not_read_again(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    touched = corpus / SEEDS["wuhan_13th_plan"]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    monkeypatch.setattr("db.builder.read_document", lambda path: pytest.fail(f"{path} was read"))
    report = build(corpus, db_path, cache=True)
    assert not report.up_to_date and report.reused == 5


def test_renamed_and_removed_files(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    (corpus / SEEDS["wuhan_13th_plan"]).rename(corpus / "renamed.txt")
    (corpus / SEEDS["rugao_2021_assessment"]).unlink()
    monkeypatch.setattr("db.builder.read_document", lambda path: pytest.fail(f"{path} was read"))
    report = build(corpus, db_path, cache=True)
    assert (report.reused, report.documents) == (4, 4)
    monkeypatch.undo()
    build(corpus, tmp_path / "full.db")
    assert dump(db_path) == dump(tmp_path / "full.db")


def test_failed_files_are_cached_too(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    db_path = tmp_path / "plankb.db"
    first = build(corpus, db_path, cache=True)
    changed_text(corpus / SEEDS["tianjin_14th_interpretation"])
    report = build(corpus, db_path, cache=True)
    assert [e.path for e in report.errors] == [e.path for e in first.errors] == ["empty.txt"]
    assert report.reused == 5
    with pytest.raises(BuildError, match="empty.txt"):
        build(corpus, db_path, cache=True, strict=True)


def test_extractor_data_change_reextracts_every_document(tmp_path, monkeypatch):
    assert ROOT / "extract" / "data" / "indicators.yml" in db.cache.source_files(db.cache.EXTRACTOR_SOURCES)
    assert ROOT / "ingest" / "data" / "cities.csv" in db.cache.source_files(db.cache.EXTRACTOR_SOURCES)
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text("words: [就业]\n", encoding="utf-8")
    monkeypatch.setattr(db.cache, "EXTRACTOR_SOURCES", [*db.cache.EXTRACTOR_SOURCES, lexicon])
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    assert build(corpus, db_path, cache=True).up_to_date
    lexicon.write_text("words: [就业, 养老]\n", encoding="utf-8")
    report = build(corpus, db_path, cache=True)
    assert not report.up_to_date and report.reused == 0 and report.documents == 5


def test_extractor_change_extracts_again_without_reading_again(tmp_path, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    for name in ["001_404ff1416955840c.pdf", "002_435ca729410f1e66.docx"]:
        shutil.copy(FORMATS_DIR / name, corpus / f"fmt_{name}")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    changed_text(corpus / SEEDS["wuhan_13th_plan"])
    monkeypatch.setattr(db.cache, "extractor_version", lambda: "a lexicon changed")
    from db import builder

    real_read = builder.read_document
    read = []
    monkeypatch.setattr(builder, "read_document", lambda path: read.append(Path(path).name) or real_read(path))
    report = build(corpus, db_path, cache=True)
    assert read == [SEEDS["wuhan_13th_plan"]]  # the changed file only: the others are extracted from what was read last time
    assert (report.reused, report.unread, report.documents, report.errors) == (0, 6, 7, [])
    build(corpus, tmp_path / "full.db", cache=False)
    assert dump(db_path) == dump(tmp_path / "full.db")


def test_reader_change_reads_every_file_again(tmp_path, monkeypatch):
    reader_data = tmp_path / "reader.tsv"
    reader_data.write_text("a\tb\n", encoding="utf-8")
    monkeypatch.setattr(db.cache, "READER_SOURCES", [*db.cache.READER_SOURCES, reader_data])
    monkeypatch.setattr(db.cache, "EXTRACTOR_SOURCES", [*db.cache.EXTRACTOR_SOURCES, reader_data])
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    reader_data.write_text("a\tc\n", encoding="utf-8")
    from db import builder

    real_read = builder.read_document
    read = []
    monkeypatch.setattr(builder, "read_document", lambda path: read.append(Path(path).name) or real_read(path))
    report = build(corpus, db_path, cache=True)
    assert sorted(read) == sorted(SEEDS.values()) and (report.reused, report.unread) == (0, 0)


def test_parallel_rebuild_after_an_extractor_change_equals_a_full_rebuild(mixed_corpus, tmp_path, monkeypatch):
    db_path = tmp_path / "plankb.db"
    first = build(mixed_corpus, db_path, cache=True, workers=2)
    monkeypatch.setattr(db.cache, "extractor_version", lambda: "a lexicon changed")
    report = build(mixed_corpus, db_path, cache=True, workers=2)
    # every file read without error is extracted again from its document; the broken one is tried again
    assert report.unread == len(list(mixed_corpus.rglob("*.*"))) - 2 and report.reused == 0  # less the manifest and broken.pdf
    assert [e.path for e in report.errors] == [e.path for e in first.errors]
    build(mixed_corpus, tmp_path / "full.db")
    assert dump(db_path) == dump(tmp_path / "full.db")


def test_extractor_version_change_reextracts_every_document(tmp_path, monkeypatch):
    from extract import EXTRACTOR_VERSION

    assert db.cache.extractor_version() == EXTRACTOR_VERSION
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    monkeypatch.setattr(db.cache, "extractor_version", lambda: EXTRACTOR_VERSION + "-next")
    report = build(corpus, db_path, cache=True)
    assert report.reused == 0 and report.documents == 5


def test_manifest_entry_change_reextracts_that_file_only(tmp_path):
    corpus = seed_corpus(tmp_path / "corpus")
    manifest = corpus / "manifest.yml"
    manifest.write_text(f"- file: {SEEDS['wuhan_13th_plan']}\n  city_en: Wuhan\n", encoding="utf-8")
    db_path = tmp_path / "plankb.db"
    build(corpus, db_path, cache=True)
    manifest.write_text(f"- file: {SEEDS['wuhan_13th_plan']}\n  city_en: Wu-han\n", encoding="utf-8")
    report = build(corpus, db_path, cache=True)
    assert report.reused == 4
    conn = sqlite3.connect(db_path)
    assert conn.execute("select city_en from documents where source_file = ?", (SEEDS["wuhan_13th_plan"],)).fetchone() == ("Wu-han",)


def test_a_damaged_cache_is_started_afresh(tmp_path):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    db.cache.cache_path(db_path).write_bytes(b"not a database at all" * 100)
    report = build(corpus, db_path, cache=True)
    assert report.documents == 5 and report.reused == 0
    assert build(corpus, db_path, cache=True).up_to_date


def test_a_cache_of_an_older_layout_is_started_afresh(tmp_path):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    old = sqlite3.connect(db.cache.cache_path(db_path))
    old.executescript(
        "create table files (path text primary key, size integer not null, mtime_ns integer not null,"
        " sha256 text, key text not null, blob blob not null);"
        "create table meta (name text primary key, value text); insert into meta values ('schema', '1');"
    )
    old.close()
    report = build(corpus, db_path, cache=True)
    assert report.documents == 5 and report.reused == 0
    assert build(corpus, db_path, cache=True).up_to_date


def test_cli_builds_in_parallel_and_then_finds_nothing_to_do(tmp_path):
    corpus = seed_corpus(tmp_path / "corpus")
    db_path = tmp_path / "plankb.db"
    runner = CliRunner()
    args = ["build", "--corpus", str(corpus), "--db", str(db_path), "-q"]
    result = runner.invoke(cli, [*args, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "5 documents" in result.output
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    changed_text(corpus / SEEDS["rugao_2021_assessment"])
    result = runner.invoke(cli, args)
    assert "4 file(s) unchanged" in result.output
    result = runner.invoke(cli, [*args, "--no-cache"])
    assert result.exit_code == 0 and "unchanged" not in result.output


def test_cli_rejects_workers_with_a_scheduler(tmp_path):
    result = CliRunner().invoke(
        cli, ["build", "--corpus", str(CORPUS), "--db", str(tmp_path / "x.db"), "--workers", "2", "--scheduler", "tcp://x:1"]
    )
    assert result.exit_code != 0 and "exclude each other" in result.output


# --- Dask ---------------------------------------------------------------------------------


def test_dask_local_cluster_gives_the_rows_of_the_local_build(mixed_corpus, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
    ) as cluster:
        report = build(mixed_corpus, tmp_path / "dask.db", scheduler=cluster.scheduler_address)
    build(mixed_corpus, tmp_path / "local.db", workers=1)
    assert report.documents > 10 and [e.path for e in report.errors] == ["broken.pdf"]
    assert dump(tmp_path / "dask.db") == dump(tmp_path / "local.db")


# --- the canned comparison queries -----------------------------------------------------------


@pytest.mark.parametrize("name", ["indicator_across_cities", "city_targets_for_period", "document_values"])
def test_canned_query_reads_values_through_an_index(built_db, name):
    """No plan step reads every value (`SCAN iv`, with or without an index):
    on a million values that is the difference between ~1 s and ~10 ms."""
    params = {p: "x" for p in QUERIES[name]["params"]}
    conn = sqlite3.connect(built_db)
    plan = [row[3] for row in conn.execute("explain query plan " + QUERIES[name]["sql"], params)]
    assert not [step for step in plan if step.startswith("SCAN iv")], plan


@pytest.mark.parametrize("indicator", ["城镇新增就业", "urban_new_employment", "失业率", "养老保险", "新增", ""])
def test_indicator_across_cities_finds_what_a_full_scan_finds(built_db, indicator):
    """The query looks names up in indicator_names; it finds the values that
    `name_raw like` over every value finds."""
    conn = sqlite3.connect(built_db)
    expected = conn.execute(
        "select iv.document_id, iv.name_raw, iv.kind, iv.year, iv.value from indicator_values iv "
        "left join indicators i on i.id = iv.indicator_id "
        "where iv.indicator_id = ?1 or iv.name_raw like '%' || ?1 || '%' or i.name_zh like '%' || ?1 || '%'",
        (indicator,),
    ).fetchall()
    got = conn.execute(
        f"select document_id, name_raw, kind, year, value from ({QUERIES['indicator_across_cities']['sql']})",
        {"indicator": indicator},
    ).fetchall()
    assert expected and sorted(got) == sorted(expected)


def test_indicator_names_lists_every_distinct_name(built_db):
    conn = sqlite3.connect(built_db)
    assert conn.execute("select count(*), sum(n_values) from indicator_names").fetchone() == conn.execute(
        "select count(distinct name_raw), count(*) from indicator_values"
    ).fetchone()


@pytest.mark.parametrize("document_id", ["1", "3", SEEDS["wuhan_13th_plan"]])
def test_document_values_by_id_or_path(built_db, document_id):
    conn = sqlite3.connect(built_db)
    expected = conn.execute(
        "select count(*) from indicator_values iv join documents d on d.id = iv.document_id "
        "where iv.document_id = ?1 or d.source_file = ?1",
        (document_id,),
    ).fetchone()[0]
    got = conn.execute(QUERIES["document_values"]["sql"], {"document_id": document_id}).fetchall()
    assert len(got) == expected > 0
