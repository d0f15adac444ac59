-- Share of households with an income at or around the social minimum (KWB), per gemeente and
-- Nederland. The period is the income year, which is the KWB edition year: CBS adds an
-- edition's income figures about two years after its first release (the 2022 edition's
-- Nederland figures equal CBS 83931NED's income of 2022; see the catalog). An edition whose
-- income columns CBS has not filled yet has no rows here; a gemeente CBS publishes no figure
-- for stays null. KWB has no provinces: CBS publishes no province figure for this measure.
with editions as (
    select
        region_code,
        period,
        period_type,
        huishoudens_rond_sociaal_minimum_pct,
        status,
        source_table,
        release_date
    from {{ ref('stg_cbs__kwb') }}
    qualify count(huishoudens_rond_sociaal_minimum_pct) over (partition by period) > 0
)
select e.*
from editions e
join {{ ref('dim_region') }} r using (region_code)
where r.region_level in ('land', 'gemeente')
