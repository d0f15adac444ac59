-- Dwelling stock mutations per region and calendar year: 84903NED (2012–2022) and 86054NED
-- (2020 on) stitched into one series — the successor wherever it has the year, each row naming
-- its table — plus the woondeal regions as the sum of their COROP regions.
-- voorraadverschil = eindstand − beginstand − saldo. CBS rounds every figure to a multiple of 5,
-- so it is a few units; larger only where a boundary changed (seed grenswijzigingen).
with stitched as (
    select region_code, period, beginstand, nieuwbouw, overige_toevoegingen, transformatie,
        woningsplitsing, sloop, overige_onttrekkingen, saldo, eindstand, status, source_table,
        release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__woningvoorraad_mutaties') }}
    where saldo is not null
    qualify row_number() over (
        partition by region_code, period order by series_order desc) = 1
),
woondeal as (
    {{ woondeal_sums('stitched', ['beginstand', 'nieuwbouw', 'overige_toevoegingen',
        'transformatie', 'woningsplitsing', 'sloop', 'overige_onttrekkingen', 'saldo',
        'eindstand']) }}
),
all_regions as (select * from stitched union all select * from woondeal)
select
    a.*,
    a.eindstand - a.beginstand - a.saldo as voorraadverschil,
    g.omschrijving as grenswijziging
from all_regions a
left join {{ ref('grenswijzigingen') }} g using (region_code, period)
