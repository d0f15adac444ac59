-- Components of population change per region and year (37230ned): natural growth, domestic
-- and foreign migration. Saldo's are computed here so every chart uses the same definition.
select
    region_code,
    period,
    levend_geborenen,
    overledenen,
    levend_geborenen - overledenen as natuurlijke_aanwas,
    vestiging_uit_andere_gemeente,
    vertrek_naar_andere_gemeente,
    vestiging_uit_andere_gemeente - vertrek_naar_andere_gemeente as binnenlands_migratiesaldo,
    immigratie,
    emigratie,
    immigratie - emigratie as buitenlands_migratiesaldo,
    overige_correcties,
    bevolkingsgroei,
    bevolking_begin,
    bevolking_einde,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__bevolkingsontwikkeling') }}
where period_type = 'jaar'
