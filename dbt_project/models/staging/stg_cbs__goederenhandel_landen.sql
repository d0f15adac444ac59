-- 85427NED (live mode; empty in the embedded snapshot): Dutch exports of goods per partner
-- country, all goods (slice alle_goederen), € million.
select
    landen_code as land_code,
    landen_title as land,
    period,
    period_type,
    status,
    export_goederen,
    source_table,
    release_date
from ({{ cbs_staged() }})
