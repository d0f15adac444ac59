-- Live births and the total fertility rate (average number of children per woman) per region
-- and year (37201), as CBS publishes them.
select
    region_code,
    period,
    levend_geborenen,
    kindertal_per_vrouw,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__geboorte') }}
where period_type = 'jaar'
