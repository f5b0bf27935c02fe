"""The researcher's workbench on the seed corpus, through Datasette's
in-process client: Chinese full-text search from the table pages' search box
and JSON API (plankb/plugins/search.py over the index of db/search.py), the
source page of a value and the review page of a document
(plankb/plugins/source.py)."""

from __future__ import annotations

import asyncio
import doctest
import html
import json
import random
import re
import shutil
import sqlite3

import pytest

import db.search
import plankb.plugins.highlight
from db.search import match_expression, segment
from plankb.serve import DATABASE_NAME, make_datasette

NOT_IN_CORPUS = "量子计算"  # quantum computing


@pytest.fixture(scope="module")
def ds(built_db):
    return make_datasette(built_db)


@pytest.fixture(scope="module")
def conn(built_db):
    conn = sqlite3.connect(built_db)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def get(ds, path, **params):
    return asyncio.run(ds.client.get(path, params=params or None))


def search_ids(ds, table, **params):
    response = get(ds, f"/{DATABASE_NAME}/{table}.json", _shape="objects", _size="max", **params)
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["rows"]}


def ids_where(conn, sql, *params):
    return {row[0] for row in conn.execute(sql, params)}


def paragraphs_containing(conn, *terms):
    """The paragraphs in which every term occurs: what a search must find."""
    ids = ids_where(conn, "select id from paragraphs")
    for term in terms:
        if term.isdigit():  # numbers are whole tokens: 2020 does not match 32020
            pattern = re.compile(rf"(?<!\d){term}(?!\d)")
            ids &= {r["id"] for r in conn.execute("select id, text from paragraphs") if pattern.search(r["text"])}
        else:
            ids &= ids_where(conn, "select id from paragraphs where instr(text, ?)", term)
    return ids


def paragraph_with(conn, text):
    (row,) = conn.execute("select id from paragraphs where instr(text, ?)", [text]).fetchall()
    return row[0]


def test_search_modules_document_themselves():
    for module in (db.search, plankb.plugins.highlight):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


def test_segment_and_query_agree():
    assert segment("城镇新增就业175万人") == "城 镇 新 增 就 业 175 万 人"
    assert segment("２０２０年") == "2020 年"  # full-width digits are folded
    assert match_expression("２０２０") == match_expression("2020") == '"2020"'
    assert match_expression("  ") is None


# --- search ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,seed_sentence",
    [
        ("就业", "全年新增就业48万人"),  # Tianjin 2017 annual plan
        ("养老", "基本养老保险、失业保险、工伤保险参保人数分别达到1010万人"),  # Tianjin 14th interpretation
        ("城镇新增就业", "全市城镇新增就业175万人以上"),  # typed without spaces
        ("失业率", "城镇登记失业率控制在3.8%以内"),
        ("省", None),  # one character
    ],
)
def test_search_finds_exactly_the_paragraphs_that_contain_the_term(ds, conn, query, seed_sentence):
    expected = paragraphs_containing(conn, query)
    assert expected
    assert search_ids(ds, "paragraphs", _search=query) == expected
    if seed_sentence:
        assert paragraph_with(conn, seed_sentence) in expected


def test_search_for_a_phrase_needs_the_whole_phrase(ds, conn):
    # 城镇新增就业 is found where the words stand together, not wherever 城镇, 新增 and 就业 all occur.
    found = search_ids(ds, "paragraphs", _search="城镇新增就业")
    assert found < search_ids(ds, "paragraphs", _search="城镇 新增 就业")
    wuhan = paragraph_with(conn, "“十二五”期间，全市城镇新增就业 83.55 万人")
    zhoushan = paragraph_with(conn, "到“十三五”期末实现城镇新增就业达到5万人")
    assert {wuhan, zhoushan} <= found


def test_search_html_page(ds, conn):
    response = get(ds, f"/{DATABASE_NAME}/paragraphs", _search="养老")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert 'name="_search"' in page and 'value="养老"' in page  # the search box, filled in
    assert 'search matches "养老"' in page
    expected = paragraphs_containing(conn, "养老")
    shown = {int(i) for i in re.findall(rf'href="/{DATABASE_NAME}/paragraphs/(\d+)"', response.text)}
    assert shown == expected


def test_search_for_a_word_not_in_the_corpus_finds_nothing(ds, conn):
    assert not paragraphs_containing(conn, NOT_IN_CORPUS)
    assert search_ids(ds, "paragraphs", _search=NOT_IN_CORPUS) == set()
    assert search_ids(ds, "indicator_values", _search=NOT_IN_CORPUS) == set()
    page = get(ds, f"/{DATABASE_NAME}/paragraphs", _search=NOT_IN_CORPUS)
    assert page.status_code == 200
    assert not re.findall(rf'href="/{DATABASE_NAME}/paragraphs/\d+"', page.text)


def test_punctuation_alone_finds_nothing(ds):
    assert search_ids(ds, "paragraphs", _search="，。") == set()


def test_mixed_query_needs_every_term(ds, conn):
    assert search_ids(ds, "paragraphs", _search="就业 2020") == paragraphs_containing(conn, "就业", "2020")
    assert paragraphs_containing(conn, "就业", "2020")
    assert search_ids(ds, "paragraphs", _search="失业率 2020") == paragraphs_containing(conn, "失业率", "2020")


def test_mixed_query_on_values_finds_the_year(ds, conn):
    # A value's year and period are searchable with its name and evidence.
    found = search_ids(ds, "indicator_values", _search="失业率 2020")
    expected = ids_where(conn, "select id from indicator_values where instr(name_raw, '失业率') and year = 2020")
    assert expected and expected <= found
    for row in conn.execute(f"select * from indicator_values where id in ({','.join(map(str, found))})"):
        assert "失业率" in row["name_raw"] + row["evidence"]
        assert "2020" in f"{row['evidence']} {row['year']}"


def test_search_values_html_links_each_value_to_its_source(ds):
    response = get(ds, f"/{DATABASE_NAME}/indicator_values", _search="失业率")
    assert response.status_code == 200
    assert re.search(r'<a href="/-/source/\d+"[^>]*>[^<]*%', response.text)


def test_search_one_column(ds, conn):
    found = search_ids(ds, "indicator_values", _search_name_raw="失业率")
    assert found == ids_where(conn, "select id from indicator_values where instr(name_raw, '失业率')")
    response = get(ds, f"/{DATABASE_NAME}/indicator_values.json", _search_nothing="失业率")
    assert response.status_code == 400
    assert "name_raw" in response.json()["error"]


def test_raw_search_mode(ds, conn):
    found = search_ids(ds, "paragraphs", _search="就业 OR 养老", _searchmode="raw")
    assert found == paragraphs_containing(conn, "就业") | paragraphs_containing(conn, "养老")


def test_match_function_for_sql(ds, conn):
    sql = (
        "select count(*) as n from paragraphs where rowid in"
        " (select rowid from paragraphs_fts where paragraphs_fts match plankb_match(:q))"
    )
    response = get(ds, f"/{DATABASE_NAME}.json", sql=sql, q="城镇新增就业", _shape="array")
    assert response.json() == [{"n": len(paragraphs_containing(conn, "城镇新增就业"))}]


def test_search_indexes_are_hidden(ds):
    tables = get(ds, f"/{DATABASE_NAME}.json").json()["tables"]
    hidden = {t["name"] for t in tables if t["hidden"]}
    assert {"paragraphs_fts", "indicator_values_fts"} <= hidden


# --- the source page --------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_source_page_marks_the_value_as_written(ds, conn, seed):
    ids = [r[0] for r in conn.execute("select id from indicator_values order by id")]
    value_id = random.Random(seed).choice(ids)
    value = conn.execute(
        "select v.*, substr(d.text, v.char_start + 1, v.char_end - v.char_start) as as_written"
        " from indicator_values v join documents d on d.id = v.document_id where v.id = ?",
        [value_id],
    ).fetchone()
    response = get(ds, f"/-/source/{value_id}")
    assert response.status_code == 200
    assert value["as_written"] == value["value_raw"]
    assert f'<mark id="value">{html.escape(value["as_written"])}</mark>' in response.text
    assert '<span class="evidence">' in response.text  # its sentence or row, scrolled into view
    assert html.escape(value["name_raw"]) in response.text
    assert f'href="/-/review/{value["document_id"]}#v{value_id}"' in response.text


def test_source_page_of_a_table_cell_shows_the_table(ds, conn):
    value = conn.execute(
        "select * from indicator_values where table_id is not null order by id limit 1 offset 50"
    ).fetchone()
    cells = conn.execute("select cells from source_tables where id = ?", [value["table_id"]]).fetchone()[0]
    response = get(ds, f"/-/source/{value['id']}")
    assert response.status_code == 200
    table = response.text[response.text.index('<table class="rows-and-columns source-table">'):]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)
    assert len(rows) == len(json.loads(cells))
    marked_row = rows[value["row_index"]]
    marked_cell = re.findall(r"<td[^>]*>(.*?)</td>", marked_row, re.DOTALL)[value["col_index"]]
    assert f"<mark>{html.escape(value['value_raw'])}</mark>" in marked_cell
    assert '<tr class="source-row" id="source-row">' in table


def test_values_link_to_their_source(ds, conn):
    page = get(ds, f"/{DATABASE_NAME}/indicator_values", _sort="id", _size="10").text
    linked = {int(i) for i in re.findall(r'href="/-/source/(\d+)"', page)}
    assert linked == ids_where(conn, "select id from indicator_values order by id limit 10")
    row_page = get(ds, f"/{DATABASE_NAME}/indicator_values/1").text
    assert 'href="/-/source/1"' in row_page
    query = get(ds, f"/{DATABASE_NAME}/document_values", document_id="1").text
    assert 'href="/-/source/1"' in query


# --- the review page ---------------------------------------------------------------


def test_review_page_lists_every_value_of_the_document(ds, conn):
    response = get(ds, "/-/review/1")
    assert response.status_code == 200
    values = conn.execute("select id, value_raw from indicator_values where document_id = 1").fetchall()
    assert values
    for value in values:
        assert f'id="row-v{value["id"]}"' in response.text  # in the list
        assert re.search(rf'<mark id="v{value["id"]}"[^>]*><a href="#row-v{value["id"]}">{re.escape(html.escape(value["value_raw"]))}</a></mark>', response.text)
    others = ids_where(conn, "select id from indicator_values where document_id != 1")
    assert not any(f'id="row-v{i}"' in response.text for i in others)
    documents = get(ds, f"/{DATABASE_NAME}/documents").text
    assert 'href="/-/review/1"' in documents


def test_review_page_lists_values_not_located_apart(built_db, tmp_path, conn):
    path = tmp_path / "plankb.db"
    shutil.copy(built_db, path)
    value = conn.execute("select * from indicator_values where document_id = 2 order by id limit 1").fetchone()
    with sqlite3.connect(path) as edit:
        edit.execute("update indicator_values set char_start = null, char_end = null where id = ?", [value["id"]])
    ds = make_datasette(path)
    page = get(ds, "/-/review/2").text
    unlocated = page[page.index('id="unlocated"'):]
    assert f'id="row-v{value["id"]}"' in unlocated
    assert f'<mark id="v{value["id"]}"' not in page
    assert f"<mark>{html.escape(value['value_raw'])}</mark>" in unlocated  # marked in its evidence
    source = get(ds, f"/-/source/{value['id']}").text
    assert "could not be located" in source
    assert f"<mark>{html.escape(value['value_raw'])}</mark>" in source


@pytest.mark.parametrize("path", ["/-/source/999999", "/-/review/999", "/-/source/abc", "/-/review/abc"])
def test_pages_are_not_found_for_unknown_ids(ds, path):
    assert get(ds, path).status_code == 404


@pytest.mark.parametrize("text", [
    "“十四五”时期，城镇新增就业175万人以上",
    "城镇登记失业率控制在３．８％以内（２０２０年）",
    "GDP增长6.5%  左右\t\n养老保险",
    "",
    "12 | 参加工伤保险人数 | 万人 | 395",
])
def test_the_index_holds_the_tokens_a_query_is_segmented_into(text):
    assert db.search._index_text(text).split() == segment(text).split()


def test_the_writer_indexes_the_same_when_a_record_brings_no_search_texts(built_db, tmp_path, monkeypatch):
    """Workers segment the text for the index; a record without it (from an
    older build cache) is segmented by the writer, with the same result."""
    import db.builder as builder
    from db import build

    from .conftest import CORPUS

    real = builder.file_to_record

    def without_search_texts(*args, **kwargs):
        record = real(*args, **kwargs)
        record.search = {}
        return record

    monkeypatch.setattr(builder, "file_to_record", without_search_texts)
    path = tmp_path / "plankb.db"
    build(CORPUS, path)
    for table in ("paragraphs", "indicator_values"):
        for term in ("就业", "养老保险", "2020"):
            sql = f"select rowid from {table}_fts where {table}_fts match ? order by rowid"
            expected = sqlite3.connect(built_db).execute(sql, [match_expression(term)]).fetchall()
            assert expected and sqlite3.connect(path).execute(sql, [match_expression(term)]).fetchall() == expected
