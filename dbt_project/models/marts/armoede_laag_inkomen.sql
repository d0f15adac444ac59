-- Share of private households with a low income (below CBS's low-income threshold, at least
-- one year), latest release, for Nederland and the provinces. The exports also hold eleven
-- gemeenten (an alphabetical selection, only Almelo from Overijssel); they stay in
-- raw.custom_laag_inkomen but are not published: a gemeente comparison needs all of them.
select
    s.region_code,
    s.period,
    s.period_type,
    s.laag_inkomen_huishoudens_pct,
    s.status,
    s.source_table,
    s.release_date
from {{ ref('stg_custom__laag_inkomen') }} s
join {{ ref('dim_region') }} r using (region_code)
where r.region_level in ('land', 'provincie')
qualify s.release = max(s.release) over ()
