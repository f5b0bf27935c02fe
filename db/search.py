"""Chinese full-text search: the segmented copy of the text that the search
index holds, and the same segmentation applied to a query.

SQLite's tokenizers do not segment Chinese: `unicode61` takes a run of Han
characters up to the next punctuation mark as one token, so `就业` does not
find `实现更加充分更高质量就业`; `trigram` (SQLite >= 3.34) cannot find words of
one or two characters. So the index holds a copy of the text in which every
Han character stands apart (`城镇新增就业175万人` → `城 镇 新 增 就 业 175 万 人`),
and a query term becomes an FTS5 phrase of the same tokens
(`城镇新增就业` → `"城 镇 新 增 就 业"`): a phrase matches where its tokens
stand next to each other, so a term matches exactly where it occurs in the
text, whatever its length. Runs of digits and Latin letters stay whole tokens
(`2020` does not match `32020`; `3.8` is the phrase `3 8`).

Why not jieba words: a word index only finds a word where the segmenter cut
the indexed sentence the same way as the query, and it does not always. On the
seed corpus, of the paragraphs that contain a word of jieba's own dictionary,
a jieba `cut_for_search` index misses 310 of 14,737 (for example 11 of the 16
paragraphs with `保险制度`, 6 of 100 with `社会保障`), while a query typed
without spaces, segmented and ANDed, also finds paragraphs where its words
stand apart. Character phrases find exactly the paragraphs that contain the
term, need no dictionary, and index and query cannot disagree.

The index tables are contentless FTS5 tables (`content=''`, SQLite >= 3.9
with FTS5) named `<table>_fts`, whose rowid is the row's `id`: they hold only
the index, and are queried as
`rowid in (select rowid from paragraphs_fts where paragraphs_fts match ?)`
with `match_expression(query)` as the parameter.

    >>> segment("“十四五”时期，城镇新增就业175万人以上")
    '“ 十 四 五 ” 时 期 , 城 镇 新 增 就 业 175 万 人 以 上'
    >>> match_expression("城镇新增就业")
    '"城 镇 新 增 就 业"'
    >>> match_expression("失业率 2020")
    '"失 业 率" AND "2020"'
    >>> match_expression('"登记 失业率"  3.8%', column="evidence")
    'evidence : "登 记 失 业 率" AND evidence : "3.8%"'
    >>> match_expression("，。") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter

import sqlite_utils

# The index of each table: FTS column → the table's columns whose text it holds.
SEARCH_COLUMNS: dict[str, dict[str, list[str]]] = {
    "paragraphs": {"text": ["text"]},
    "indicator_values": {
        "name_raw": ["name_raw"],
        "evidence": ["evidence"],
        # What a value is about beyond its sentence, so that `失业率 2020` or
        # `养老 十三五` finds the values of that year or period.
        "labels": ["period", "year", "region", "parent_region", "section", "column_header", "unit_raw"],
    },
}

# Scripts written without spaces between words: Han (with 〇), kana.
_UNSPACED = re.compile(
    "([\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])"
)
# A query term: a quoted phrase (an unbalanced quote runs to the end) or a run of non-space.
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
_QUOTED_OR_UNSPACED = re.compile(r'"([^"]*)"|((?:' + _UNSPACED.pattern[1:-1] + ")+)")


def fts_table(table: str) -> str:
    """The name of a table's search index."""
    return f"{table}_fts"


def segment(text: str | None) -> str:
    """The text as the index holds it: NFKC-normalised (full-width digits and
    letters become ASCII), every Han character a token of its own."""
    return " ".join(_index_text(text).split())


def _index_text(text) -> str:
    """`segment` as the index is given it: the same tokens, with the spaces
    between them left as they fall (a tokenizer skips runs of spaces; this
    is the hottest part of indexing)."""
    if not text:
        return ""
    # Splitting on a captured Han character keeps each one as a piece of its
    # own: the same as substituting " \1 ", three times faster (no template).
    return " ".join(_UNSPACED.split(unicodedata.normalize("NFKC", str(text))))


def match_expression(query: str | None, column: str | None = None) -> str | None:
    """The FTS5 MATCH expression for a query typed in a search box: every term
    (separated by spaces; `"…"` keeps spaces inside a term) must occur as
    written, in `column` when given. None when the query has nothing to
    search for (only spaces or punctuation)."""
    phrases = []
    for quoted, bare in _TERM.findall(query or ""):
        tokens = segment(quoted or bare).replace('"', " ")
        if _has_token(tokens):
            phrase = '"' + " ".join(tokens.split()) + '"'
            phrases.append(f"{column} : {phrase}" if column else phrase)
    return " AND ".join(phrases) or None


def raw_match_expression(query: str) -> str:
    """An FTS5 query written by hand (`就业 OR 养老`, `name_raw : 失业率`,
    `NEAR(…)`) with its Chinese segmented: Han runs outside quotes become
    phrases, and quoted phrases are segmented inside.

    >>> raw_match_expression('就业 OR name_raw : 养老保险 NOT "登记失业率"')
    '"就 业" OR name_raw : "养 老 保 险" NOT "登 记 失 业 率"'
    """

    def replace(m: re.Match) -> str:
        quoted, run = m.groups()
        return '"' + segment(quoted if quoted is not None else run) + '"'

    return _QUOTED_OR_UNSPACED.sub(replace, query)


def _has_token(text: str) -> bool:
    # unicode61 keeps letters, numbers and private-use characters; the rest separates.
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in text)


def create_search_tables(db: sqlite_utils.Database) -> None:
    """(Re)create the empty search index of every table in SEARCH_COLUMNS."""
    for table, columns in SEARCH_COLUMNS.items():
        name = fts_table(table)
        db.execute(f"drop table if exists [{name}]")
        db.execute(f"create virtual table [{name}] using fts5({', '.join(f'[{c}]' for c in columns)}, content='')")


def row_values(columns: list[str]) -> Callable[[dict], tuple]:
    """A function giving the values of `columns` in a row (a dict) as a
    tuple, in that order (also the writer's `executemany` parameters)."""
    if len(columns) == 1:
        return lambda row: (row[columns[0]],)
    return itemgetter(*columns)


def _segment_fields(fields: tuple) -> str:
    """One index column's text: its fields (those not None) segmented and joined."""
    return " ".join([_index_text(field) for field in fields if field is not None])


# The fields of a value repeat from row to row (a sentence or table row holds
# several values; names, sections, years and units recur), so each column's
# fields are segmented once; paragraphs are long and rarely repeat.
_segment_short_fields = lru_cache(maxsize=4096)(_segment_fields)


def search_texts(table: str, rows: Iterable[dict]) -> list[tuple[str, ...]]:
    """What the index of `table` holds for each of `rows` (dicts with the
    table's searched columns): one segmented text per index column.

    A build computes them in the worker that extracted the document, beside
    the extraction, so that the one writer only inserts them."""
    getters = [row_values(columns) for columns in SEARCH_COLUMNS[table].values()]
    segment = _segment_fields if table == "paragraphs" else _segment_short_fields
    return [tuple(segment(get(row)) for get in getters) for row in rows]


def add_to_search(db: sqlite_utils.Database, table: str, ids: Iterable[int], texts: Iterable[tuple[str, ...]]) -> None:
    """Index the rows `ids` of `table`, whose `search_texts` are `texts`."""
    columns = SEARCH_COLUMNS[table]
    db.conn.executemany(
        f"insert into [{fts_table(table)}] (rowid, {', '.join(f'[{c}]' for c in columns)}) "
        f"values ({', '.join('?' * (len(columns) + 1))})",
        ((row_id, *row_texts) for row_id, row_texts in zip(ids, texts, strict=True)),
    )
