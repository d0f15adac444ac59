-- Components of population change per region and year (37230ned): natural growth, domestic
-- and foreign migration. Saldo's are computed here so every chart uses the same definition.
-- One status per figure: a year's end population is the next 1 January's population, so a
-- year whose next January is (nader) voorlopig is as provisional as that figure
-- (marts.indicator_values gives 1 January 2025 as voorlopig: so is the end of 2024 here).
with years as (
    select * from {{ ref('stg_cbs__bevolkingsontwikkeling') }} where period_type = 'jaar'
),
next_january as (
    select region_code, cast(cast(left(period, 4) as integer) - 1 as varchar) as period,
        status as status_einde
    from {{ ref('stg_cbs__bevolkingsontwikkeling') }}
    where period_type = 'maand' and period like '%M01'
)
select
    y.region_code,
    y.period,
    y.levend_geborenen,
    y.overledenen,
    y.levend_geborenen - y.overledenen as natuurlijke_aanwas,
    y.vestiging_uit_andere_gemeente,
    y.vertrek_naar_andere_gemeente,
    y.vestiging_uit_andere_gemeente - y.vertrek_naar_andere_gemeente as binnenlands_migratiesaldo,
    y.immigratie,
    y.emigratie,
    y.immigratie - y.emigratie as buitenlands_migratiesaldo,
    y.overige_correcties,
    y.bevolkingsgroei,
    y.bevolking_begin,
    y.bevolking_einde,
    case
        when 'voorlopig' in (y.status, n.status_einde) then 'voorlopig'
        when 'nader voorlopig' in (y.status, n.status_einde) then 'nader voorlopig'
        else y.status
    end as status,
    y.source_table,
    y.release_date
from years y
left join next_january n using (region_code, period)
