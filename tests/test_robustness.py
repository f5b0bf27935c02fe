"""Bad input never breaks a build or loses data; a killed build leaves the
previous database; the published site is read-only.

Every bad file is built beside the same good files (a text seed with tables and
a DOCX with prose), and the test asserts both the error recorded for the bad
file (path, stage, type, a message that says what is wrong) and that the good
files' documents and values are exactly those of a build of the good files
alone.
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from db import build
from db.builder import remove_stale_temp_files
from extract import extract_document
from extract import prose as prose_module
from extract.prose import paragraph_to_sentences
from ingest import Document, Paragraph, Table, read_document
from ingest.document import Cell
from ingest.metadata import detect_metadata
from ingest.traditional import (
    TABLE_PATH,
    document_to_simplified,
    looks_traditional,
    to_simplified,
)
from plankb.cli import cli

from .conftest import CORPUS, ROOT, SEEDS

FORMATS = ROOT / "tests" / "fixtures" / "formats"
TRADITIONAL = ROOT / "tests" / "fixtures" / "traditional"
GOOD = {
    "good/annual_plan.txt": CORPUS / SEEDS["tianjin_2017_annual_plan"],
    "good/interpretation.docx": FORMATS / "001_404ff1416955840c.docx",
}
SEED_PLAN_DOCX = FORMATS / "000_ea48af81f9ea94bf.docx"
SEED_PLAN_PDF = FORMATS / "000_ea48af81f9ea94bf.pdf"


def rows(db_path, sql, *params) -> list[dict]:
    conn = sqlite3.connect(f"{Path(db_path).as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def value_rows(db_path) -> list[dict]:
    """Every value with its document's path, without the ids that depend on
    which other files were built."""
    found = rows(
        db_path,
        "select d.source_file, v.* from indicator_values v join documents d on d.id = v.document_id "
        "order by d.source_file, v.id",
    )
    return [{k: v for k, v in r.items() if k not in ("id", "document_id", "table_id")} for r in found]


def document_rows(db_path) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows(db_path, "select * from documents order by source_file")]


def make_corpus(root: Path, extra: dict[str, bytes] | None = None) -> Path:
    corpus = root / "corpus"
    for name, source in GOOD.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, corpus / name)
    for name, data in (extra or {}).items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_bytes(data)
    return corpus


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """The good files built alone."""
    root = tmp_path_factory.mktemp("good")
    report = build(make_corpus(root), root / "plankb.db")
    assert report.documents == 2 and not report.errors
    return root / "plankb.db"


# --- bad files ----------------------------------------------------------------------


def junk(n: int = 4096, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def rezip(source: Path, change) -> bytes:
    """A copy of a .docx (a zip) with `change(name, data)` applied to each
    member; a member is left out where it returns None."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = change(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
    return out.getvalue()


def overwrite_middle(data: bytes, seed: int = 1) -> bytes:
    """`data` with every 97th byte of its middle third replaced by noise."""
    rng, out = random.Random(seed), bytearray(data)
    for i in range(len(out) // 3, 2 * len(out) // 3, 97):
        out[i] = rng.randrange(256)
    return bytes(out)


EMPTY_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document '
    b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
)

# name → (content, error type, what the message must say)
BAD_FILES = {
    "empty.txt": (lambda: b"", "UnreadableDocument", r"^empty file$"),
    "blank_lines.txt": (lambda: b"\r\n  \n\t\n", "UnreadableDocument", r"^empty file$"),
    "junk.txt": (junk, "UnreadableDocument", r"not text in any known encoding|binary content"),
    "zeros.txt": (lambda: bytes(2000), "UnreadableDocument", r"binary content, not text"),
    "junk.pdf": (junk, "UnreadableDocument", r"corrupt or not a PDF"),
    "junk.docx": (junk, "UnreadableDocument", r"not a \.docx: not a zip archive"),
    "junk.html": (junk, "UnreadableDocument", r"binary content, not a web page"),
    "empty.docx": (lambda: b"", "UnreadableDocument", r"not a \.docx: not a zip archive"),
    "empty.pdf": (lambda: b"", "UnreadableDocument", r"corrupt or not a PDF"),
    "truncated.docx": (
        lambda: SEED_PLAN_DOCX.read_bytes()[: SEED_PLAN_DOCX.stat().st_size // 2],
        "UnreadableDocument",
        r"not a zip archive \(truncated",
    ),
    "truncated.pdf": (
        lambda: SEED_PLAN_PDF.read_bytes()[: SEED_PLAN_PDF.stat().st_size // 2],
        "UnreadableDocument",
        r"corrupt or not a PDF",
    ),
    "truncated_end.pdf": (
        lambda: SEED_PLAN_PDF.read_bytes()[:-200],
        "UnreadableDocument",
        r"corrupt or not a PDF",
    ),
    "corrupt_xml.docx": (
        lambda: rezip(SEED_PLAN_DOCX, lambda n, d: d[: len(d) // 2] if n == "word/document.xml" else d),
        "UnreadableDocument",
        r"not a readable \.docx \(corrupt",
    ),
    "no_body.docx": (
        lambda: rezip(SEED_PLAN_DOCX, lambda n, d: None if n == "word/document.xml" else d),
        "UnreadableDocument",
        r"not a readable \.docx.*word/document\.xml",
    ),
    "corrupt_zip.docx": (
        lambda: overwrite_middle(SEED_PLAN_DOCX.read_bytes()),
        "UnreadableDocument",
        r"not a readable \.docx \(corrupt",
    ),
    "corrupt_stream.pdf": (
        lambda: overwrite_middle(SEED_PLAN_PDF.read_bytes()),
        "UnreadableDocument",
        r"cannot read PDF content|corrupt or not a PDF",
    ),
    "empty_body.docx": (
        lambda: rezip(SEED_PLAN_DOCX, lambda n, d: EMPTY_BODY if n == "word/document.xml" else d),
        "UnreadableDocument",
        r"no text in the docx file",
    ),
    "empty_page.html": (lambda: b"<html><body><div></div></body></html>", "UnreadableDocument", r"no text in the html file"),
    "encrypted.pdf": (
        lambda: (FORMATS / "encrypted.pdf").read_bytes(),
        "UnreadableDocument",
        r"encrypted PDF \(needs a password\)",
    ),
    "scanned.pdf": (
        lambda: (FORMATS / "scanned.pdf").read_bytes(),
        "NeedsOCR",
        r"no text layer .*run OCR",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_recorded_and_the_good_files_are_built(tmp_path, good_build, name):
    content, error_type, message = BAD_FILES[name]
    path = f"bad/{name}"
    corpus = make_corpus(tmp_path, {path: content()})
    db_path = tmp_path / "plankb.db"
    report = build(corpus, db_path)
    assert [(e.path, e.stage, e.error_type) for e in report.errors] == [(path, "read", error_type)]
    assert re.search(message, report.errors[0].message), report.errors[0].message
    assert str(tmp_path) not in report.errors[0].message  # the reason, not the path again
    recorded = rows(db_path, "select path, stage, error_type, message from ingest_errors")
    assert recorded == [{"path": path, "stage": "read", "error_type": error_type, "message": report.errors[0].message}]
    assert report.documents == 2
    assert document_rows(db_path) == document_rows(good_build)
    assert value_rows(db_path) == value_rows(good_build)


def test_a_failing_extractor_is_recorded_with_its_stage(tmp_path, good_build, monkeypatch):
    import db.builder

    real = db.builder.extract_document

    def extract_or_fail(document, metadata):
        if document.path.startswith("bad/"):
            raise ValueError("cannot handle this table")
        return real(document, metadata)

    monkeypatch.setattr(db.builder, "extract_document", extract_or_fail)
    corpus = make_corpus(tmp_path, {"bad/odd.txt": (CORPUS / SEEDS["wuhan_13th_plan"]).read_bytes()})
    report = build(corpus, tmp_path / "plankb.db")
    assert [(e.path, e.stage, e.error_type, e.message) for e in report.errors] == [
        ("bad/odd.txt", "extract", "ValueError", "cannot handle this table")
    ]
    assert value_rows(tmp_path / "plankb.db") == value_rows(good_build)


def test_cli_exits_1_and_lists_the_failed_files(tmp_path, good_build):
    corpus = make_corpus(tmp_path, {"bad/junk.pdf": junk(), "bad/empty.txt": b""})
    db_path = tmp_path / "plankb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "-q"])
    assert result.exit_code == 1, result.output
    assert "Built" in result.output and "2 documents" in result.output
    assert "2 file(s) failed (see the ingest_errors table)" in result.output
    assert "bad/empty.txt: read: UnreadableDocument: empty file" in result.output
    assert re.search(r"bad/junk\.pdf: read: UnreadableDocument: corrupt or not a PDF", result.output)
    assert value_rows(db_path) == value_rows(good_build)


def test_cli_strict_fails_and_keeps_the_previous_database(tmp_path):
    corpus = make_corpus(tmp_path)
    db_path = tmp_path / "plankb.db"
    assert CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "-q"]).exit_code == 0
    before = db_path.read_bytes()
    (corpus / "bad").mkdir()
    (corpus / "bad" / "junk.docx").write_bytes(junk())
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "-q", "--strict"])
    assert result.exit_code == 1
    assert "bad/junk.docx: read failed: UnreadableDocument" in result.output
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob(".plankb.db.*"))


def test_same_document_under_two_names_is_one_document_with_both_paths(tmp_path, good_build):
    corpus = make_corpus(tmp_path, {"copies/annual_plan (1).txt": GOOD["good/annual_plan.txt"].read_bytes()})
    db_path = tmp_path / "plankb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 duplicate file(s) recorded as other paths of the same document" in result.output
    docs = rows(db_path, "select source_file, other_paths from documents where other_paths is not null")
    # files are read in path order: the copy comes first and names the document
    assert docs == [{"source_file": "copies/annual_plan (1).txt", "other_paths": '["good/annual_plan.txt"]'}]
    assert rows(db_path, "select count(*) as n from documents")[0]["n"] == 2
    good_values = value_rows(good_build)
    values = value_rows(db_path)
    assert len(values) == len(good_values)  # not counted twice
    renamed = [{**v, "source_file": "good/annual_plan.txt" if v["source_file"].startswith("copies/") else v["source_file"]}
               for v in values]
    key = lambda v: (v["source_file"], v["char_start"], v["name_raw"])
    assert sorted(renamed, key=key) == sorted(good_values, key=key)


def test_document_without_values_is_built_and_listed_in_the_summary(tmp_path, good_build):
    notice = "关于做好春节期间值班工作的通知\n各区人力资源和社会保障局：\n请认真做好值班工作，遇有重要情况及时报告。\n"
    corpus = make_corpus(tmp_path, {"notice.txt": notice.encode("utf-8")})
    db_path = tmp_path / "plankb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 document(s) without any value: notice.txt" in result.output
    assert rows(db_path, "select n_values, text from documents where source_file = 'notice.txt'") == [
        {"n_values": 0, "text": notice}
    ]
    assert value_rows(db_path) == value_rows(good_build)


# --- encodings and traditional characters ------------------------------------------------

ENCODED_SEEDS = ["tianjin_2017_annual_plan", "tianjin_14th_interpretation", "rugao_2021_assessment"]


def extraction_of(path: Path):
    document = read_document(path)
    metadata = detect_metadata(document.text)
    return document, metadata, extract_document(document, metadata)


@pytest.fixture(scope="module")
def utf8_extractions():
    return {key: extraction_of(CORPUS / SEEDS[key]) for key in ENCODED_SEEDS}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("key", ENCODED_SEEDS)
def test_other_encodings_give_the_utf8_values(tmp_path, utf8_extractions, key, encoding):
    text = (CORPUS / SEEDS[key]).read_text(encoding="utf-8")
    path = tmp_path / f"{key}.{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    document, metadata, extraction = extraction_of(path)
    utf8_document, utf8_metadata, utf8_extraction = utf8_extractions[key]
    assert document.text == utf8_document.text
    assert metadata == utf8_metadata
    assert extraction.values == utf8_extraction.values and extraction.values
    assert extraction.scores == utf8_extraction.scores


TRADITIONAL_FIXTURES = sorted(p.name for p in TRADITIONAL.glob("*.txt"))


def test_traditional_fixtures_are_traditional():
    assert len(TRADITIONAL_FIXTURES) == 3
    for name in TRADITIONAL_FIXTURES:
        text = (TRADITIONAL / name).read_text(encoding="utf-8")
        assert "發展" in text or "實" in text or "業" in text
        assert text != (CORPUS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", TRADITIONAL_FIXTURES)
def test_traditional_document_gives_the_values_of_its_simplified_twin(name):
    document, metadata, extraction = extraction_of(TRADITIONAL / name)
    twin_document, twin_metadata, twin_extraction = extraction_of(CORPUS / name)
    assert document.text == twin_document.text  # converted character for character
    assert document.blocks == twin_document.blocks
    assert metadata == twin_metadata and metadata.city
    assert extraction.values == twin_extraction.values and extraction.values
    assert extraction.scores == twin_extraction.scores


def test_traditional_document_in_a_build(tmp_path, good_build):
    name = TRADITIONAL_FIXTURES[0]
    corpus = make_corpus(tmp_path, {f"traditional/{name}": (TRADITIONAL / name).read_bytes()})
    db_path = tmp_path / "plankb.db"
    report = build(corpus, db_path)
    assert not report.errors and report.documents == 3
    values = value_rows(db_path)
    assert [v for v in values if v["source_file"].startswith("good/")] == value_rows(good_build)
    twin = extraction_of(CORPUS / name)[2].values
    converted = [v for v in values if v["source_file"].startswith("traditional/")]
    assert [(v["name_raw"], v["value"], v["unit"], v["char_start"]) for v in converted] == [
        (v.name_raw, v.value, v.unit, v.char_start) for v in twin
    ]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_simplified_seeds_do_not_look_traditional(key):
    text = (CORPUS / SEEDS[key]).read_text(encoding="utf-8")
    assert not looks_traditional(text)
    assert read_document(CORPUS / SEEDS[key]).text == text.replace("\r\n", "\n")


def test_traditional_detection_and_conversion():
    assert looks_traditional("到2020年，城鎮新增就業人數達到50萬人，城鎮登記失業率控制在4%以內。")
    assert not looks_traditional("到2020年，城镇新增就业人数达到50万人。")
    assert not looks_traditional("12345 %%% abc")
    assert not looks_traditional("")
    # a simplified document quoting a traditional name stays as it is
    assert not looks_traditional("城镇新增就业人数达到50万人，" * 20 + "臺灣")
    assert to_simplified("單位：萬人") == "单位：万人"


def test_conversion_table_is_one_character_for_one():
    lines = [ln for ln in TABLE_PATH.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    assert lines[0] == "traditional\tsimplified\ttraditional_only"
    assert "OpenCC" in TABLE_PATH.read_text(encoding="utf-8")[:1000]  # the source note
    pairs = [ln.split("\t") for ln in lines[1:]]
    assert len(pairs) > 3000
    assert all(len(t) == 1 and len(s) == 1 and t != s and flag in ("0", "1") for t, s, flag in pairs)
    traditional = "".join(t for t, _, _ in pairs)
    assert len(to_simplified(traditional)) == len(traditional)


def test_converted_document_of_another_format_gets_its_captions_again():
    # A unit statement in traditional characters (單位) is found once converted.
    text = "單位：萬人\n區\t新增就業\n和平區\t4"
    table = Table(
        rows=[[Cell("區", 6, 7), Cell("新增就業", 8, 12)], [Cell("和平區", 13, 16), Cell("4", 17, 18)]],
        start=6,
        end=18,
    )
    document = Document(path="x.docx", format="docx", text=text, blocks=[Paragraph("單位：萬人", 0, 5), table])
    converted = document_to_simplified(document)
    assert converted.text == "单位：万人\n区\t新增就业\n和平区\t4"
    assert converted.blocks[0].text == "单位：万人"
    assert converted.tables[0].unit_caption == "万人"
    for row in converted.tables[0].rows:
        for cell in row:
            assert converted.text[cell.start : cell.end] == cell.text


# --- a very long line -----------------------------------------------------------------------


def long_line(size: int) -> bytes:
    """A seed's prose with its line breaks removed, repeated to `size` bytes."""
    prose = (CORPUS / SEEDS["zhoushan_13th_plan"]).read_text(encoding="utf-8").replace("\n", "")
    data = (prose * (size // len(prose.encode("utf-8")) + 1)).encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8")


def check_long_line_build(tmp_path, size: int, limit_s: float):
    corpus = make_corpus(tmp_path, {"long/one_line.txt": long_line(size)})
    db_path = tmp_path / "plankb.db"
    started = time.perf_counter()
    report = build(corpus, db_path)
    elapsed = time.perf_counter() - started
    assert not report.errors and report.documents == 3
    assert elapsed < limit_s, f"a {size / 1e6:.0f} MB line took {elapsed:.0f} s"
    [document] = rows(db_path, "select id, text from documents where source_file = 'long/one_line.txt'")
    values = rows(db_path, "select value_raw, char_start, char_end from indicator_values where document_id = ?", document["id"])
    assert len(values) > size / 1000
    text = document["text"]
    assert all(re.search(r"\d+", v["value_raw"]).group() in text[v["char_start"] : v["char_end"]] for v in values)
    return db_path


def test_a_long_line_builds_in_linear_time(tmp_path, good_build):
    # Before the extractor went through long paragraphs in pieces, a 1.5 MB
    # line took about a minute (quadratic: 1 MB 25 s); it now takes seconds.
    db_path = check_long_line_build(tmp_path, 1_500_000, limit_s=40)
    assert value_rows(db_path)[: len(value_rows(good_build))] == value_rows(good_build)


@pytest.mark.skipif(not os.environ.get("PLANKB_SLOW_TESTS"), reason="50 MB line: about 2 minutes; set PLANKB_SLOW_TESTS=1")
def test_a_fifty_megabyte_line_builds(tmp_path):
    check_long_line_build(tmp_path, 50 * 1024 * 1024, limit_s=600)


def test_long_paragraph_in_pieces_gives_the_same_sentences(monkeypatch):
    prose = (CORPUS / SEEDS["zhoushan_13th_plan"]).read_text(encoding="utf-8").replace("\n", "")
    paragraph = Paragraph(prose, 10, 10 + len(prose))
    whole = paragraph_to_sentences(paragraph)
    for size in (1000, 1500, 2500, 4000):  # different cuts, each piece longer than a sentence
        monkeypatch.setattr(prose_module, "MAX_PIECE", size)
        assert len(prose_module._pieces(prose)) > len(prose) / size
        assert paragraph_to_sentences(paragraph) == whole, size
    monkeypatch.setattr(prose_module, "MAX_PIECE", 50)  # pieces cut inside sentences
    assert [s.start for s in paragraph_to_sentences(paragraph)] == sorted(s.start for s in paragraph_to_sentences(paragraph))


# --- killed builds ----------------------------------------------------------------------------

COPIES = 2  # the seeds this many times over: a build of a second or two


def build_command(corpus: Path, db_path: Path) -> list[str]:
    # --no-cache: every run builds the whole database again (an unchanged
    # corpus would otherwise be found up to date and nothing written)
    return [sys.executable, "-m", "plankb.cli", "build", "--corpus", str(corpus), "--db", str(db_path), "-q", "--no-cache"]


def processes_in_session(sid: int) -> list[int]:
    """The processes of a session (Linux /proc): a build and its workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def wait_for_no_processes(sid: int, timeout_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while (left := processes_in_session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def database_state(db_path: Path) -> tuple[str, list[dict], list[dict]]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        check = conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()
    return check, rows(db_path, "select * from documents order by id"), rows(db_path, "select * from indicator_values order by id")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_builds_leave_the_previous_database(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(COPIES):
        for name in SEEDS.values():
            # one byte more per copy: the copies are not duplicates of each other
            (corpus / f"{copy}_{name}").write_bytes((CORPUS / name).read_bytes() + b"\n" * (copy + 1))
    db_path = tmp_path / "plankb.db"
    started = time.perf_counter()
    subprocess.run(build_command(corpus, db_path), cwd=ROOT, check=True, capture_output=True)
    duration = time.perf_counter() - started
    state = database_state(db_path)
    assert state[0] == "ok" and len(state[1]) == COPIES * len(SEEDS)

    rng = random.Random(2017)
    killed = []
    for _ in range(8):
        process = subprocess.Popen(
            build_command(corpus, db_path), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)  # the build only: its worker processes must end by themselves
        process.wait()
        killed.append(process.pid)
        if Path("/proc/self/stat").exists():
            orphans = wait_for_no_processes(process.pid)
            for pid in orphans:  # clean up before failing
                os.kill(pid, signal.SIGKILL)
            assert not orphans, "worker processes outlived the killed build"
        # the database is the previous one (or, killed after the move, an identical new one)
        assert database_state(db_path) == state
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".plankb.db.")]
        assert all(re.fullmatch(r"\.plankb\.db\.\d+\.tmp(-journal)?", n) for n in leftovers), leftovers

    # A temporary file of a killed build is never taken for the database, and
    # the next build removes it.
    stale = tmp_path / f".plankb.db.{killed[0]}.tmp"
    stale.write_bytes(b"half a database")
    subprocess.run(build_command(corpus, db_path), cwd=ROOT, check=True, capture_output=True)
    assert database_state(db_path) == state
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".plankb.db.")]


def test_stale_temp_files_are_removed_and_running_builds_kept(tmp_path):
    db_path = tmp_path / "plankb.db"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = int(finished.stdout)
    alive = os.getppid()
    files = {
        "dead": tmp_path / f".plankb.db.{dead}.tmp",
        "dead_journal": tmp_path / f".plankb.db.{dead}.tmp-journal",
        "alive": tmp_path / f".plankb.db.{alive}.tmp",
        "alive_but_idle": tmp_path / f".plankb.db.{alive}.tmp-journal",
        "own": tmp_path / f".plankb.db.{os.getpid()}.tmp",
        "other_database": tmp_path / f".other.db.{dead}.tmp",
        "not_a_build": tmp_path / ".plankb.db.notes.tmp",
    }
    for path in files.values():
        path.write_bytes(b"x")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(files["alive_but_idle"], (day_ago, day_ago))
    removed = remove_stale_temp_files(db_path)
    assert sorted(removed) == sorted([files["dead"], files["dead_journal"], files["alive_but_idle"]])
    assert {k for k, p in files.items() if p.exists()} == {"alive", "own", "other_database", "not_a_build"}


# --- determinism ---------------------------------------------------------------------------------

MIXED = [
    "000_ea48af81f9ea94bf.docx", "000_ea48af81f9ea94bf.html", "000_ea48af81f9ea94bf.pdf",
    "001_404ff1416955840c.docx", "001_404ff1416955840c.html", "001_404ff1416955840c.pdf",
    "004_3e7897c2aae47fa4.docx", "004_3e7897c2aae47fa4.html",
    "merged_header.docx", "merged_header.html", "merged_header.pdf", "table_over_page_break.pdf",
    "running_header_footer.pdf", "cjk_cleanup.pdf", "gbk_declared_gb2312.html", "encrypted.pdf", "scanned.pdf",
]  # fmt: skip


def all_rows(db_path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        # build_info may say when and where the build ran; everything else must be equal
        return {t: sorted(conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables if t != "build_info"}
    finally:
        conn.close()


def test_mixed_format_builds_give_identical_rows(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in MIXED:
        shutil.copy(FORMATS / name, corpus / name)
    shutil.copy(CORPUS / SEEDS["wuhan_13th_plan"], corpus / SEEDS["wuhan_13th_plan"])
    shutil.copy(TRADITIONAL / TRADITIONAL_FIXTURES[0], corpus / f"traditional_{TRADITIONAL_FIXTURES[0]}")
    first = build(corpus, tmp_path / "first.db")
    second = build(corpus, tmp_path / "second.db")
    assert {e.path for e in first.errors} == {"encrypted.pdf", "scanned.pdf"}
    assert set(first.by_format) == {"docx", "html", "pdf", "txt"}
    assert (first.documents, first.values) == (second.documents, second.values)
    one, two = all_rows(tmp_path / "first.db"), all_rows(tmp_path / "second.db")
    assert one == two
    assert len(one["indicator_values"]) == first.values > 1000


# --- the published site --------------------------------------------------------------------------


def test_serve_binds_to_localhost_by_default():
    import inspect

    from plankb.serve import serve_database

    host = next(p for p in cli.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"
    assert inspect.signature(serve_database).parameters["host"].default == "127.0.0.1"


@pytest.fixture(scope="module")
def site(good_build):
    from plankb.serve import make_datasette

    return make_datasette(good_build)


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_site_is_immutable_with_a_time_limit_and_no_write_plugins(site):
    from plankb.serve import DATABASE_NAME

    database = site.databases[DATABASE_NAME]
    assert database.is_mutable is False
    assert 0 < site.setting("sql_time_limit_ms") <= 10_000
    assert site.setting("max_returned_rows") <= 10_000
    plugins = [p["name"] for p in get(site, "/-/plugins.json").json()]
    assert not [p for p in plugins if re.search(r"write|insert|upload|edit|auth|import|graphql", p, re.IGNORECASE)], plugins


def test_site_stops_a_query_that_runs_too_long(site):
    from plankb.serve import DATABASE_NAME

    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    started = time.perf_counter()
    response = get(site, f"/{DATABASE_NAME}.json?sql={quote(endless)}")
    assert time.perf_counter() - started < 30
    assert response.status_code >= 400
    assert "too long" in response.text or "interrupted" in response.text
