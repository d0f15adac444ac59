-- A reference figure published by others (ABF, Trendweb) and our CBS-based figures never share
-- an indicator id: rows of 'referentie' indicators come from a reference seed, and only those.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
select v.indicator_id, v.region_code, v.period, v.source_table, c.source_kind
from {{ ref('indicator_values') }} v join {{ ref('indicator_catalog') }} c using (indicator_id)
where (c.source_kind = 'referentie') != (v.source_table in (
    select bron from {{ ref('woningtekort_abf') }}
    union all select bron from {{ ref('export_partners_referentie') }}))
