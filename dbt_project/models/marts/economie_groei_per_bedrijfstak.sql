-- Economic growth per sector, region and year (85926NED): the volume change of gross value
-- added on the previous year, %, as CBS publishes it; one row per sector, named in Dutch.
select
    region_code,
    period,
    case
        when in_alle_activiteiten then 'Alle economische activiteiten'
        when in_landbouw then 'Landbouw, bosbouw en visserij'
        when in_delfstoffenwinning then 'Delfstoffenwinning'
        when in_nijverheid_en_energie then 'Nijverheid (geen bouw) en energie'
        when in_industrie then 'Industrie'
    end as bedrijfstak,
    toegevoegde_waarde_groei_pct,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__groei_per_bedrijfstak') }}
where period_type = 'jaar'
