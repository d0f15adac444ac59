-- 85427NED (live mode; empty in the embedded snapshot): Dutch exports of goods per partner
-- country, all goods, € million.
select
    trim(h.Landen) as land_code,
    land.title as land,
    {{ cbs_period('h.Perioden') }} as period,
    {{ cbs_period_type('h.Perioden') }} as period_type,
    coalesce({{ cbs_period_status('85427NED', 'h.Perioden') }}, 'onbekend') as status,
    h.TotaleUitvoerwaarde_2 as export_goederen,
    '85427NED' as source_table,
    {{ cbs_release_date('85427NED') }} as release_date
from {{ source('raw', 'cbs_85427ned') }} h
left join {{ source('cbs_metadata', 'cbs_dimension_categories') }} land
    on land.table_id = '85427NED' and land.dimension = 'Landen' and land.key = h.Landen
where trim(h.SITC) = 'T001082'
