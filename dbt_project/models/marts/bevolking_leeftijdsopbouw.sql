-- Age structure in the five bands all sources share (0–15, 15–25, 25–45, 45–65, 65+),
-- as persons and % of the region's population. 70072ned gives the provinces 1995–2019 (2000 is
-- the Trendweb reference year); KWB gives gemeenten and Nederland 2021–2024. COROP, woondeal
-- and province rows for KWB years are sums of their gemeenten, only when all are present.
with wide as (
    select region_code, period, leeftijd_0_15, leeftijd_15_25, leeftijd_25_45, leeftijd_45_65,
        leeftijd_65_plus, status, source_table, release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__regionale_kerncijfers') }}
    union all
    select region_code, period, leeftijd_0_15, leeftijd_15_25, leeftijd_25_45, leeftijd_45_65,
        leeftijd_65_plus, status, source_table, release_date, 'CBS-cijfer (KWB)'
    from {{ ref('stg_cbs__kwb') }}
),
long as (
    unpivot wide
    on leeftijd_0_15 as '0-15', leeftijd_15_25 as '15-25', leeftijd_25_45 as '25-45',
       leeftijd_45_65 as '45-65', leeftijd_65_plus as '65+'
    into name leeftijdsgroep value personen
),
membership as (
    select region_code as gemeente_code, unnest([corop_code, woondeal_code, provincie_code]) as parent_code
    from {{ ref('dim_region') }} where region_level = 'gemeente'
),
expected as (select parent_code, count(*) as n from membership where parent_code is not null group by 1),
aggregated as (
    select m.parent_code as region_code, l.period, l.leeftijdsgroep, sum(l.personen) as personen,
        any_value(l.status) as status, any_value(l.source_table) as source_table,
        max(l.release_date) as release_date, 'som van gemeenten' as method
    from long l join membership m on m.gemeente_code = l.region_code
    where l.method = 'CBS-cijfer (KWB)'
    group by 1, 2, 3
    having count(*) = (select n from expected e where e.parent_code = m.parent_code)
),
combined as (
    select region_code, period, leeftijdsgroep, personen, status, source_table, release_date, method
    from long
    union all
    select * from aggregated a
    where not exists (select 1 from long l where l.region_code = a.region_code and l.period = a.period)
)
select
    *,
    100.0 * personen / sum(personen) over (partition by region_code, period) as aandeel_pct
from combined
