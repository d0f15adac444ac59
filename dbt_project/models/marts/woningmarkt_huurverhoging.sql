-- The average rent increase of 1 July per region and year (83162NED, %; Nederland, landsdelen,
-- provinces), with and without rent harmonisation.
select
    region_code,
    period,
    huurverhoging_pct,
    huurverhoging_zonder_harmonisatie_pct,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__huurverhoging') }}
where period_type = 'jaar'
