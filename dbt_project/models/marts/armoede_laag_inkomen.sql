-- Share of private households with a low income (below CBS's low-income threshold, at least
-- one year). One measure, two deliveries, never mixed in one series:
-- - live mode: 86006NED, the table CBS maintains, for every region in scope;
-- - otherwise (the embedded snapshot): the latest release of the three StatLine exports kept as
--   a custom file, for Nederland and the provinces. The exports also hold eleven gemeenten (an
--   alphabetical selection, only Almelo from Overijssel); they stay in raw.custom_laag_inkomen
--   but are not published: a gemeente comparison needs all of them.
with cbs_table as (
    select
        region_code, period, period_type, laag_inkomen_huishoudens_pct, status, source_table,
        release_date
    from {{ ref('stg_cbs__laag_inkomen') }}
    where period_type = 'jaar'
),
exports as (
    select
        s.region_code, s.period, s.period_type, s.laag_inkomen_huishoudens_pct, s.status,
        s.source_table, s.release_date
    from {{ ref('stg_custom__laag_inkomen') }} s
    join {{ ref('dim_region') }} r using (region_code)
    where r.region_level in ('land', 'provincie')
    qualify s.release = max(s.release) over ()
)
select * from cbs_table
union all
select * from exports
where not exists (select 1 from cbs_table)
