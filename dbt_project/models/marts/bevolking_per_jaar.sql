-- Population on 1 January per region and year, with the growth index 2002 = 100.
with cbs_totals as (
    select region_code, period, bevolking_1_januari as bevolking, status, source_table,
        release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__bevolking') }}
    where in_totals and period_type = 'jaar'
      and bevolking_1_januari is not null
),
-- KWB only fills the gemeenten the snapshot's 03759ned lacks (see macro kwb_fill).
kwb_fill as (
    {{ kwb_fill('cbs_totals', ['bevolking_totaal']) }}
),
base as (select * from cbs_totals union all select * from kwb_fill),
woondeal as (
    {{ woondeal_sums('base', ['bevolking']) }}
),
all_regions as (select * from base union all select * from woondeal)
select
    a.region_code,
    a.period,
    a.bevolking,
    100.0 * a.bevolking / base_2002.bevolking as index_2002,
    a.status,
    a.source_table,
    a.release_date,
    a.method
from all_regions a
left join all_regions base_2002
    on base_2002.region_code = a.region_code and base_2002.period = '2002'
