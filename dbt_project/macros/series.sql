{#- Whether each change of source in a series is a method break, as declared in `links`
    (reference.reeksovergangen: van_tabel, naar_tabel, zelfde_definitie). `changes` has a row per
    period whose source_table differs from previous_source, with the series' keys. A source is
    one or more tables separated by ', ' (a figure combining tables; a total since 2022 may add
    this year's table to last year's), compared as sets: every table that came in must continue
    one that was there, every table that went must be continued by one that is, each by a
    declared link. method_break: true where any of those links is a break, false where none is,
    null where a table came or went undeclared; false for the same tables in another order.
    One row per change.
    Unit-tested with SYNTHETIC series in tests/unit/test_dbt_macros.py. -#}
{% macro source_change_breaks(changes, links) %}
with parts as (
    select indicator_id, region_code, categorie, period_type, period,
        string_split(previous_source, ', ') as van, string_split(source_table, ', ') as naar
    from {{ changes }}
    where previous_source <> source_table
),
changed_tables as (
    -- each table in one of the two sources only, and whether it came in or went
    select p.*, t.tabel, list_contains(p.naar, t.tabel) as came_in
    from parts p, unnest(list_distinct(list_concat(p.van, p.naar))) t(tabel)
    where list_contains(p.van, t.tabel) <> list_contains(p.naar, t.tabel)
),
per_table as (
    select t.indicator_id, t.region_code, t.categorie, t.period_type, t.period, t.tabel,
        bool_or(o.zelfde_definitie is not null) as declared,
        bool_or(not o.zelfde_definitie) as breaks
    from changed_tables t
    left join {{ links }} o on case when t.came_in
        then o.naar_tabel = t.tabel and list_contains(t.van, o.van_tabel)
        else o.van_tabel = t.tabel and list_contains(t.naar, o.naar_tabel) end
    group by all
)
select p.indicator_id, p.region_code, p.categorie, p.period_type, p.period,
    -- no table came or went (the same tables reordered): no per_table row, no break
    case when bool_and(coalesce(t.declared, true)) then coalesce(bool_or(t.breaks), false) end
        as method_break
from parts p
left join per_table t
    on t.indicator_id = p.indicator_id and t.region_code = p.region_code
    and t.categorie is not distinct from p.categorie and t.period_type = p.period_type
    and t.period = p.period
group by all
{% endmacro %}
