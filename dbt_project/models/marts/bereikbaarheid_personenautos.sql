-- Active passenger cars on 1 January per region (85235NED), in all and per 1,000 inhabitants.
select
    region_code,
    period,
    personenautos,
    personenautos_per_1000_inwoners,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__voertuigenpark') }}
where period_type = 'jaar'
