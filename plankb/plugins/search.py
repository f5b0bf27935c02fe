"""Chinese full-text search from Datasette's search box (`?_search=`) and its
JSON API, over the segmented indexes that `db/search.py` builds.

How: a `filters_from_request` hook. For a table with a plankb index
(`<table>_fts`, contentless), it segments the query as the index was
segmented (`db.search.match_expression`) and adds the where clause
`rowid in (select rowid from <table>_fts where <table>_fts match :query)`;
it also tells the page to show the search box, which Datasette does not do by
itself: Datasette only recognises an FTS table that names the table as its
`content=`, and a contentless index names none. So Datasette's own search
(which would send the query unsegmented) never touches these tables, and it
still serves a table indexed the usual way.

The alternatives were worse. Redefining Datasette's `escape_fts()` SQL
function would change it for every database and query on the site; an index
with `content="paragraphs"` whose text differs from the table's is one that
FTS5's `rebuild` and `integrity-check` silently break.

Supported like Datasette's own search: `?_search=` (all indexed columns),
`?_search_<column>=` (one column), and `?_searchmode=raw` (FTS5 syntax such as
`就业 OR 养老`, with the Chinese segmented). In SQL, the function
`plankb_match(query)` gives the MATCH expression of a query:

    select * from paragraphs where rowid in (
      select rowid from paragraphs_fts where paragraphs_fts match plankb_match('城镇新增就业'))
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest

from db.search import fts_table, match_expression, raw_match_expression


@hookimpl
def prepare_connection(conn):
    conn.create_function("plankb_match", 1, match_expression, deterministic=True)


# Run after Datasette's own search filter so that `supports_search` set here
# is not overwritten by its False.
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    async def inner():
        searches = {
            key: request.args[key]
            for key in request.args
            if key == "_search" or (key.startswith("_search_") and key != "_searchmode")
        }
        db = datasette.get_database(database)
        index = await _plankb_index(db, table)
        if index is None:
            return None
        # An FTS5 table also has hidden columns named after itself and `rank`.
        columns = [c for c in await db.table_columns(index) if c not in (index, "rank")]
        if "_search" in searches:
            searches = {"_search": searches["_search"]}
        raw = request.args.get("_searchmode") == "raw"
        where, params, descriptions = [], {}, []
        for i, (key, query) in enumerate(searches.items()):
            column = key[len("_search_"):] if key != "_search" else None
            if column is not None and column not in columns:
                raise BadRequest(f"Cannot search by column {column!r}: the search index of {table} has {', '.join(columns)}")
            if not query.strip():
                continue
            if raw:
                expression = raw_match_expression(query if column is None else f"{column} : ({query})")
            else:
                expression = match_expression(query, column)
            if expression is None:  # nothing searchable, such as punctuation only
                where.append("0")
            else:
                where.append(f"rowid in (select rowid from {escape_sqlite(index)} where {escape_sqlite(index)} match :plankb_search_{i})")
                params[f"plankb_search_{i}"] = expression
            descriptions.append(f'search {"column " + repr(column) + " " if column else ""}matches "{query}"')
        last = next(reversed(searches.values()), "")
        return FilterArguments(where, params, descriptions, {"supports_search": True, "search": last})

    return inner


async def _plankb_index(db, table: str) -> str | None:
    """The name of the table's plankb search index, None when it has none."""
    if table is None:
        return None
    name = fts_table(table)
    rows = await db.execute(
        "select sql from sqlite_master where name = :name and type = 'table'", {"name": name}
    )
    sql = (rows.first() or [""])[0] or ""
    compact = sql.replace(" ", "").lower()
    return name if "usingfts5" in compact and "content=''" in compact else None
