-- The contract every indicator writes into: one row per indicator × region × period.
-- A new indicator adds one CTE here and one row to seeds/indicator_catalog.csv.
with bevolking_totaal as (
    select 'bevolking_totaal' as indicator_id, region_code, period, 'jaar' as period_type,
        bevolking as value, status, source_table, release_date
    from {{ ref('bevolking_per_jaar') }}
),
bevolking_index_2002 as (
    select 'bevolking_index_2002', region_code, period, 'jaar', index_2002, status,
        source_table, release_date
    from {{ ref('bevolking_per_jaar') }}
    where index_2002 is not null
),
all_indicators as (
    select * from bevolking_totaal
    union all select * from bevolking_index_2002
)
select
    i.indicator_id,
    i.region_code,
    r.region_name,
    r.region_level,
    i.period,
    i.period_type,
    cast(i.value as double) as value,
    c.unit,
    i.status,
    i.source_table,
    i.release_date
from all_indicators i
join {{ ref('indicator_catalog') }} c using (indicator_id)
left join {{ ref('dim_region') }} r using (region_code)
