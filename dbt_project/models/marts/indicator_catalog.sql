-- One row per indicator: what it means and its unit (lifecycle/indicators.yaml, through the
-- generated seed indicator_definitions), and the tables its published figures come from — taken
-- from the figures themselves, never typed by hand.
-- `definitie` and `toelichting` are the Dutch texts researchers read (report, exports);
-- `definition` and `method_notes` the same in English, for the team.
with cbs_tables as (
    select list(table_id) as table_ids from {{ source('cbs_metadata', 'cbs_table_infos') }}
),
figures as (
    -- "84903NED, 86054NED" (a figure combining CBS tables) counts as each table; the parts
    -- that are not CBS tables, joined again, are one other source: a custom file's title and
    -- publisher (which may hold ', '), or the Woondeal beside the CBS table a progress figure
    -- divides. delivery/metadata.py (sources_of) tells the sources apart the same way, for
    -- any selection of rows; a test checks both agree on every indicator.
    select indicator_id,
        list_filter(parts, lambda part: list_contains(table_ids, part)) as cbs_parts,
        nullif(array_to_string(
            list_filter(parts, lambda part: not list_contains(table_ids, part)), ', '), '')
            as other_source
    from (select distinct indicator_id, string_split(source_table, ', ') as parts
          from {{ ref('indicator_values') }}), cbs_tables
),
sources as (
    select distinct indicator_id, true as from_cbs, unnest(cbs_parts) as source from figures
    union
    select distinct indicator_id, false, other_source from figures where other_source is not null
),
named as (
    -- CBS tables first, by id ("71486ned, 82550NED"), then every other source by its name,
    -- each set off by '; ' as its name may hold commas.
    select indicator_id, nullif(concat_ws('; ',
            string_agg(source, ', ' order by source) filter (where from_cbs),
            string_agg(source, '; ' order by source) filter (where not from_cbs)), '')
        as source_tables
    from sources
    group by indicator_id
)
select d.indicator_id, d.title, d.definitie, d.toelichting, d.definition, d.unit, d.decimalen,
    d.theme, d.source_kind, coalesce(s.source_tables, 'nog geen cijfers') as source_tables,
    d.peildatum, d.method_notes
from {{ ref('indicator_definitions') }} d
left join named s using (indicator_id)
