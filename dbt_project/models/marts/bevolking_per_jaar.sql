-- Population on 1 January per region and year, with the growth index 2002 = 100.
with cbs_totals as (
    select region_code, period, bevolking_1_januari as bevolking, status, source_table,
        release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__bevolking') }}
    where geslacht_code = 'T001038' and leeftijd_code = '10000'
      and burgerlijke_staat_code = 'T001019' and period_type = 'jaar'
      and bevolking_1_januari is not null
),
-- KWB equals 03759ned where both exist; it only fills gemeenten the snapshot's 03759ned lacks.
kwb_fill as (
    select k.region_code, k.period, k.bevolking_totaal, k.status, k.source_table,
        k.release_date, 'CBS-cijfer (KWB)'
    from {{ ref('stg_cbs__kwb_bevolking') }} k
    where k.bevolking_totaal is not null
      and not exists (select 1 from cbs_totals c
                      where c.region_code = k.region_code and c.period = k.period)
),
base as (select * from cbs_totals union all select * from kwb_fill),
woondeal_parts as (select woondeal_code, count(*) as n_corop from {{ ref('woondeal_regions') }} group by 1),
woondeal as (
    select w.woondeal_code as region_code, b.period, sum(b.bevolking) as bevolking,
        case when count(distinct b.status) = 1 then any_value(b.status) else 'onbekend' end,
        string_agg(distinct b.source_table, ', '), max(b.release_date),
        'som van COROP-gebieden'
    from base b join {{ ref('woondeal_regions') }} w on w.corop_code = b.region_code
    group by w.woondeal_code, b.period
    having count(*) = (select n_corop from woondeal_parts p where p.woondeal_code = w.woondeal_code)
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
