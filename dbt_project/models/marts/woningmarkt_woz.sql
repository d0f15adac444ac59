-- The average WOZ value of all dwellings per region and WOZ year (85036NED, × 1,000 euro; every
-- region level). 85036NED is the WOZ source for every region: the KWB editions carry the same
-- figure per gemeente (2 cells of 2023 differ by 1, a later revision in 85036NED), so KWB's
-- column is not loaded.
select region_code, period, woz_waarde_gemiddeld, status, source_table, release_date
from {{ ref('stg_cbs__woz_waarde') }}
where period_type = 'jaar'
