-- Existing owner-occupied dwellings sold, per region and year or quarter: the average sale
-- price, the price index (2020 = 100), its change on a year earlier and the number sold.
-- Nederland, landsdelen and provinces from 85792NED (years and quarters), COROP regions from
-- 85819NED (quarters only); the two tables never hold the same region.
select
    region_code,
    period,
    period_type,
    gemiddelde_verkoopprijs,
    prijsindex,
    prijsontwikkeling_jaar_pct,
    verkochte_woningen,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__verkoopprijzen') }}
where period_type in ('jaar', 'kwartaal')
