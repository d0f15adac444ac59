-- Young people with youth care (jeugdhulp, jeugdbescherming or jeugdreclassering) per region
-- and period, count and %, from 84134NED (2015–2020) and 85099NED (2021 on); the change of
-- table is flagged as a method break in marts.indicator_values (reference.reeksovergangen (generated from the registry's series links)).
select
    region_code, period, period_type, jongeren_met_jeugdzorg, jongeren_met_jeugdzorg_pct,
    status, source_table, release_date
from {{ ref('stg_cbs__jeugdzorg') }}
where period_type in ('jaar', 'halfjaar')
