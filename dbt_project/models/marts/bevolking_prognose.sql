-- The CBS/PBL regional population forecast 2023–2050 per region (85171NED) with its 67 %
-- forecast interval where CBS gives one (85173NED: Nederland, provinces, COROP regions and the
-- gemeenten of its collected part). CBS publishes thousands with one decimal: shown in persons,
-- so rounded to hundreds. A forecast, not an observation: the population actually counted on
-- 1 January is bevolking_per_jaar.
with prognose as (
    select region_code, period, bevolking_x1000, status, source_table, release_date
    from {{ ref('stg_cbs__bevolkingsprognose') }}
    where period_type = 'jaar'
),
interval as (
    select
        region_code,
        period,
        max(bevolking_x1000) filter (where in_ondergrens) as ondergrens_x1000,
        max(bevolking_x1000) filter (where in_bovengrens) as bovengrens_x1000,
        max(source_table) as source_table,
        max(release_date) as release_date
    from {{ ref('stg_cbs__bevolkingsprognose_interval') }}
    where period_type = 'jaar'
    group by all
)
select
    p.region_code,
    p.period,
    cast(round(p.bevolking_x1000 * 1000) as bigint) as bevolking_prognose,
    cast(round(i.ondergrens_x1000 * 1000) as bigint) as ondergrens,
    cast(round(i.bovengrens_x1000 * 1000) as bigint) as bovengrens,
    p.status,
    p.source_table,
    p.release_date,
    i.source_table as interval_source_table,
    i.release_date as interval_release_date
from prognose p
left join interval i using (region_code, period)
