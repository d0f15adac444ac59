-- Goods export per province and partner country from custom CBS files (partner 'Totaal' is the
-- province's total), one row per release × province × partner × year.
select
    e.region_code,
    e.partnerland,
    cast(e.jaar as varchar) as period,
    e.waarde as export_goederen,
    case when e.status = 'geheim' then 'geheim' else 'onbekend' end as status,
    e.release,
    r.title || ' (' || r.publisher || ', ' || r.published || ')' as source_table,
    r.release_date
from {{ source('raw', 'custom_export_partnerlanden') }} e
join {{ source('custom_metadata', 'custom_releases') }} r
    on r.source_id = 'export_partnerlanden' and r.release = e.release
