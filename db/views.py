"""Comparison tables: targets beside achieved values, fulfilment, plan-to-plan
changes and yearly averages, for comparing cities without writing SQL.

    >>> write_comparison_tables(sqlite_utils.Database("plankb.db"))   # doctest: +SKIP

They are derived from `indicator_values` at the end of a build and stored as
tables with indexes, not views: as views, every request grouped all values
again (over 3 s, Datasette's limit, on a million values); stored, a query for
one indicator or city reads its few rows through an index. The published
database is immutable, so they cannot go stale.

Every table is built on linked values only (`indicator_id` not null): a value
whose name is not linked to a canonical indicator cannot be compared across
documents. The same statement repeated in a document (a table and the prose
beside it, or two tables) is one fact: values with the same city, indicator,
kind, period, year, region, unit and number are merged, and their ids are kept
in `target_value_ids` / `actual_value_ids`. Two different numbers for the same
target stay two rows, so that a conflict shows.

`comparison`    one row per city × indicator × period/year × region × unit:
                the target and the actual side by side, and for flows the
                yearly average (a five-year figure divided by the period's
                length; an annual figure as it is).
`fulfilment`    the rows of `comparison` with both a target and an actual:
                actual/target and whether the target was met: from below
                for a `<=` target, and for an indicator whose lower values
                are better (`direction: lower` in the lexicon: unemployment
                rates) unless its target says `>=`.
`plan_changes`  the five-year targets of one city and indicator for the 12th,
                13th and 14th plan periods side by side, with their changes.

This module needs nothing but the database (no extractors), so the tests can
create the tables on a small hand-made database.
"""

from __future__ import annotations

# Plan periods: 十五 is 2001–2005, and every period after it five years on
# (十一五 2006–2010 … 十九五 2046–2050).
_NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
PLAN_PERIODS: list[tuple[str, int, int]] = [
    (f"十{_NUMERALS[n - 10]}五", 2001 + 5 * (n - 10), 2005 + 5 * (n - 10)) for n in range(10, 20)
]
_PERIODS_SQL = ", ".join(f"('{label}', {first}, {last})" for label, first, last in PLAN_PERIODS)

# A stated value's comparison key; char(31) (unit separator) cannot occur in text.
_KEY = (
    "coalesce(d.city, '') || char(31) || iv.indicator_id || char(31) || coalesce(iv.period, '')"
    " || char(31) || coalesce(iv.year, '') || char(31) || coalesce(iv.region, '') || char(31) || coalesce(iv.unit, '')"
)

COMPARISON = f"""
with plan_periods(label, first_year, last_year) as (values {_PERIODS_SQL}),
stated as (
  select
    {_KEY} as key,
    d.city, iv.indicator_id, iv.kind, iv.period, iv.year, iv.region, iv.unit,
    iv.value, iv.value_max,
    case when max(iv.comparator = '<=') then '<='
         when max(iv.comparator = '>=') then '>='
         when max(iv.comparator = '~') then '~'
         else '=' end as comparator,
    json_group_array(iv.id) as value_ids,
    min(iv.id) as first_id
  from indicator_values iv
  join documents d on d.id = iv.document_id
  where iv.indicator_id is not null and iv.kind in ('target', 'actual')
  group by key, iv.kind, iv.value, iv.value_max
),
keys as (
  select key, city, indicator_id, period, year, region, unit, min(first_id) as first_id
  from stated
  group by key
),
placed as (
  select
    k.*,
    coalesce(p.label, py.label) as plan_period,
    coalesce(p.last_year - p.first_year + 1, 5) as period_years,
    k.period is not null and (k.year is null or k.year = p.last_year) as is_five_year
  from keys k
  left join plan_periods p on p.label = k.period
  left join plan_periods py on k.period is null and k.year between py.first_year and py.last_year
)
select
  k.city,
  c.name_en as city_en,
  k.indicator_id,
  i.name_zh as indicator_zh,
  i.name_en as indicator_en,
  i.measure,
  case when k.is_five_year then 'five_year' else 'annual' end as scope,
  k.period,
  k.plan_period,
  k.year,
  k.region,
  t.value as target,
  t.value_max as target_max,
  t.comparator as target_comparator,
  a.value as actual,
  k.unit,
  case when i.measure = 'flow' then
    case when k.is_five_year then round(t.value / k.period_years, 2) else t.value end
  end as target_per_year,
  case when i.measure = 'flow' then
    case when k.is_five_year then round(a.value / k.period_years, 2) else a.value end
  end as actual_per_year,
  t.value_ids as target_value_ids,
  a.value_ids as actual_value_ids
from placed k
left join stated t on t.key = k.key and t.kind = 'target'
left join stated a on a.key = k.key and a.kind = 'actual'
left join indicators i on i.id = k.indicator_id
left join cities c on c.name_zh = k.city
order by k.city, k.indicator_id, k.year, k.region is not null, k.region, k.first_id
"""

FULFILMENT = """
with directed as (
  select
    c.*,
    case
      when c.target_comparator = '<=' then 'at_most'
      when c.target_comparator = '>=' then 'at_least'
      when i.direction = 'lower' then 'at_most'
      else 'at_least'
    end as direction
  from comparison c
  left join indicators i on i.id = c.indicator_id
  where c.target is not null and c.actual is not null
)
select
  city,
  city_en,
  indicator_id,
  indicator_zh,
  indicator_en,
  measure,
  scope,
  period,
  plan_period,
  year,
  region,
  target,
  target_comparator,
  actual,
  unit,
  round(actual / target, 4) as fulfilment_ratio,
  direction,
  case when direction = 'at_most' then actual <= target else actual >= target end as met,
  case
    when direction = 'at_most' then
      case when actual <= target then '达标 / met' else '未达标 / not met' end
    when actual > target then '超额完成 / exceeded'
    when actual = target then '完成 / met'
    else '未完成 / not met'
  end as status,
  target_value_ids,
  actual_value_ids
from directed
"""

PLAN_CHANGES = """
with five_year as (
  select city, city_en, indicator_id, indicator_zh, indicator_en, measure, unit, period,
         max(target) as target, max(actual) as actual
  from comparison
  where scope = 'five_year' and region is null
  group by city, indicator_id, unit, period
),
wide as (
  select
    city,
    max(city_en) as city_en,
    indicator_id,
    max(indicator_zh) as indicator_zh,
    max(indicator_en) as indicator_en,
    max(measure) as measure,
    unit,
    max(case when period = '十二五' then target end) as target_12th,
    max(case when period = '十二五' then actual end) as actual_12th,
    max(case when period = '十三五' then target end) as target_13th,
    max(case when period = '十三五' then actual end) as actual_13th,
    max(case when period = '十四五' then target end) as target_14th,
    max(case when period = '十四五' then actual end) as actual_14th
  from five_year
  group by city, indicator_id, unit
)
select
  *,
  target_13th - target_12th as change_12th_to_13th,
  round(100.0 * (target_13th - target_12th) / target_12th, 1) as change_12th_to_13th_pct,
  target_14th - target_13th as change_13th_to_14th,
  round(100.0 * (target_14th - target_13th) / target_13th, 1) as change_13th_to_14th_pct
from wide
where coalesce(target_12th, target_13th, target_14th) is not null
order by city, indicator_id
"""

# In creation order: a table is derived from the tables before it.
COMPARISON_TABLES: dict[str, str] = {
    "comparison": COMPARISON,
    "fulfilment": FULFILMENT,
    "plan_changes": PLAN_CHANGES,
}

# For the canned queries and the filters of the table pages.
COMPARISON_INDEXES: list[tuple[str, list[str]]] = [
    ("comparison", ["indicator_id", "region", "city"]),
    ("comparison", ["city", "plan_period"]),
    ("fulfilment", ["city", "plan_period"]),
    ("fulfilment", ["indicator_id"]),
    ("plan_changes", ["city", "indicator_id"]),
    ("plan_changes", ["indicator_id"]),
]


def write_comparison_tables(db) -> None:
    """(Re)create every comparison table of `db` (a sqlite_utils.Database)
    from its values, with its indexes. Rows are stored in the order of the
    table's query, which is the order a table page shows."""
    with db.conn:
        for name, sql in COMPARISON_TABLES.items():
            for (kind,) in db.execute("select type from sqlite_master where name = ? and type in ('table', 'view')", [name]).fetchall():
                db.execute(f"drop {kind} [{name}]")  # a database from before these were tables holds views
            db.execute(f"create table [{name}] as {sql.strip()}")
        for table, columns in COMPARISON_INDEXES:
            db[table].create_index(columns, if_not_exists=True)
