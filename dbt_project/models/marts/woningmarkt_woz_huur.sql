-- The value and rent of dwellings per region and year: the average WOZ value of all dwellings
-- per WOZ year (85036NED, × 1,000 euro; every region level) and the
-- average rent increase of 1 July (83162NED, %; Nederland, landsdelen, provinces). 85036NED is
-- the WOZ source for every region: the KWB editions carry the same figure per gemeente
-- (2 cells of 2023 differ by 1, a later revision in 85036NED), so KWB's is not used.
with woz as (
    select region_code, period, woz_waarde_gemiddeld, status, source_table, release_date
    from {{ ref('stg_cbs__woz_waarde') }}
    where period_type = 'jaar'
),
huur as (
    select region_code, period, huurverhoging_pct, huurverhoging_zonder_harmonisatie_pct,
        status, source_table, release_date
    from {{ ref('stg_cbs__huurverhoging') }}
    where period_type = 'jaar'
)
select
    region_code,
    period,
    w.woz_waarde_gemiddeld,
    w.status as woz_status,
    w.source_table as woz_source_table,
    w.release_date as woz_release_date,
    h.huurverhoging_pct,
    h.huurverhoging_zonder_harmonisatie_pct,
    h.status as huur_status,
    h.source_table as huur_source_table,
    h.release_date as huur_release_date
from woz w
full join huur h using (region_code, period)
