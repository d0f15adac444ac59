-- Goods export per province from the custom CBS files, one row per release × province × year.
-- `status` is 'geheim' where CBS withholds the figure (the value is null, never zero).
select
    e.region_code,
    cast(e.jaar as varchar) as period,
    'jaar' as period_type,
    e.waarde as export_goederen,
    case when e.status = 'geheim' then 'geheim' else 'onbekend' end as status,
    e.release,
    r.title || ' (' || r.publisher || ', ' || r.published || ')' as source_table,
    r.release_date
from {{ source('raw', 'custom_export_provincies') }} e
join {{ source('custom_metadata', 'custom_releases') }} r
    on r.source_id = 'export_provincies' and r.release = e.release
