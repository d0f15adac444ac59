-- Dwelling stock on 1 January per region and year (82550NED, all dwelling types and
-- construction years); woondeal regions as the sum of their COROP regions.
with cbs as (
    select region_code, period, woningvoorraad, status, source_table, release_date,
        'CBS-cijfer' as method
    from {{ ref('stg_cbs__woningvoorraad') }}
    where period_type = 'jaar' and woningvoorraad is not null
),
woondeal as (
    {{ woondeal_sums('cbs', ['woningvoorraad']) }}
),
all_regions as (select * from cbs union all select * from woondeal)
select
    a.region_code,
    a.period,
    a.woningvoorraad,
    s.gemiddelde_oppervlakte_m2,
    a.status,
    a.source_table,
    a.release_date,
    a.method
from all_regions a
left join {{ ref('stg_cbs__woningvoorraad') }} s using (region_code, period)
