"""`indicator_names`: every distinct indicator name as written, with how often
it occurs — the small table that lets a query find values by *part* of a name
without reading every value.

`name_raw like '%就业%'` can use no index: on a million values it reads every
row (or every entry of the `name_raw` index), about 0.1–1 s. The few thousand
distinct names are read in well under a millisecond, and the values with a
matching name are then found through the `name_raw` index:

    where iv.name_raw in (select name_raw from indicator_names where name_raw like '%' || :q || '%')

The canned query `indicator_across_cities` (metadata.yml) does this. The table
is derived from `indicator_values` at the end of a build, so it is always
complete and in step with the values.
"""

from __future__ import annotations

import sqlite_utils


def write_indicator_names(db: sqlite_utils.Database) -> None:
    """(Re)fill `indicator_names` from `indicator_values`."""
    with db.conn:
        db.execute("delete from indicator_names")
        db.execute(
            """
            insert into indicator_names (name_raw, n_values, n_documents)
            select name_raw, count(*), count(distinct document_id)
            from indicator_values
            group by name_raw
            order by name_raw
            """
        )
