-- The regional economy per province and COROP region and year (85924NED, regional accounts):
-- GDP, GDP per inhabitant, economic growth (GDP volume change on the previous year, %) and
-- persons in work, as CBS publishes them; nothing is summed or derived here. CBS publishes
-- persons in work in thousands with one decimal: shown in persons, so rounded to hundreds.
select
    region_code,
    period,
    bbp_mln_euro,
    bbp_per_inwoner,
    bbp_volumegroei_pct,
    cast(round(werkzame_personen_x1000 * 1000) as bigint) as werkzame_personen,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__regionale_rekeningen') }}
where period_type = 'jaar'
