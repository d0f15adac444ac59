-- One row per indicator: what it means and its unit (lifecycle/indicators.yaml, through the
-- generated seed indicator_definitions), and the tables its published figures come from — taken
-- from the figures themselves, never typed by hand.
-- `definitie` and `toelichting` are the Dutch texts researchers read (report, exports);
-- `definition` and `method_notes` the same in English, for the team.
with cbs_tables as (
    select list(table_id) as table_ids from {{ source('cbs_metadata', 'cbs_table_infos') }}
),
sources as (
    -- "84903NED, 86054NED" (a figure combining CBS tables) counts as each table; another
    -- source's name (a custom file's title and publisher, which may hold ', ') stays whole.
    -- delivery/metadata.py (sources_of) tells CBS tables from other sources the same way.
    select indicator_id, string_agg(distinct source, ', ' order by source) as source_tables
    from {{ ref('indicator_values') }}, cbs_tables,
        unnest(case when list_has_all(table_ids, string_split(source_table, ', '))
            then string_split(source_table, ', ') else [source_table] end) as s(source)
    group by indicator_id
)
select d.indicator_id, d.title, d.definitie, d.toelichting, d.definition, d.unit, d.decimalen,
    d.theme, d.source_kind, coalesce(s.source_tables, 'nog geen cijfers') as source_tables,
    d.peildatum, d.method_notes
from {{ ref('indicator_definitions') }} d
left join sources s using (indicator_id)
