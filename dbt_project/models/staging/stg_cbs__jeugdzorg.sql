-- 85099NED: young people with youth care (jeugdhulp, jeugdbescherming or jeugdreclassering),
-- count and %, years and half-years.
select
    {{ cbs_region_period_columns('85099NED') }},
    JongerenMetJeugdzorg_1 as jongeren_met_jeugdzorg,
    JongerenMetJeugdzorgRelatief_2 as jongeren_met_jeugdzorg_pct,
    '85099NED' as source_table,
    {{ cbs_release_date('85099NED') }} as release_date
from {{ source('raw', 'cbs_85099ned') }}
where trim(VormenVanJeugdzorg) = 'A045561'
