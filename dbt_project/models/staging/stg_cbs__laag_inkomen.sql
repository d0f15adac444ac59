-- 86006NED (live mode; empty in the embedded snapshot): private households with an income below
-- CBS's low-income threshold for at least one year, % of private households. Its category keys
-- are not known offline: the three categories are chosen by the titles of the StatLine exports
-- (sources/registry.py).
select
    {{ cbs_region_period_columns('86006NED') }},
    ParticuliereHuishoudensRelatief_4 as laag_inkomen_huishoudens_pct,
    '86006NED' as source_table,
    {{ cbs_release_date('86006NED') }} as release_date
from {{ source('raw', 'cbs_86006ned') }}
where {{ cbs_category_titled('86006NED', 'InkomensgrensHuishouden', 'Inkomen tot lage-inkomensgrens') }}
  and {{ cbs_category_titled('86006NED', 'DuurInkomenspositie', 'Ten minste 1 jaar') }}
  and {{ cbs_category_titled('86006NED', 'KenmerkenVanHuishoudens', 'Particuliere huishoudens') }}
