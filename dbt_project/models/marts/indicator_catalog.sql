-- One row per indicator: what it means and its unit (lifecycle/indicators.yaml, through the
-- generated seed indicator_definitions), and the tables its published figures come from — taken
-- from the figures themselves, never typed by hand.
-- `definitie` and `toelichting` are the Dutch texts researchers read (report, exports);
-- `definition` and `method_notes` the same in English, for the team.
with sources as (
    -- "84903NED, 86054NED" (a figure combining tables) counts as each table; another source's
    -- name (a custom file's title, a publisher) stays whole.
    select indicator_id, string_agg(distinct source, ', ' order by source) as source_tables
    from {{ ref('indicator_values') }},
        unnest(case when regexp_full_match(source_table, '[0-9]{5}[A-Za-z]*(, [0-9]{5}[A-Za-z]*)*')
            then string_split(source_table, ', ') else [source_table] end) as s(source)
    group by indicator_id
)
select d.indicator_id, d.title, d.definitie, d.toelichting, d.definition, d.unit, d.decimalen,
    d.theme, d.source_kind, coalesce(s.source_tables, 'nog geen cijfers') as source_tables,
    d.peildatum, d.method_notes
from {{ ref('indicator_definitions') }} d
left join sources s using (indicator_id)
