-- A gemeente's or COROP region's population (focus province) that jumps by more than 5 % from
-- one 1 January to the next has changed territory, not grown: the change must be declared in
-- seeds/grenswijzigingen.csv (with its reason), so that every series of the region breaks there
-- (indicator_values.method_break) and no index or growth is read across it unmarked. Checked
-- from 2010 on, the years every gemeente has figures for: the changes before (1997–2005) are
-- listed by hand, and the scale benchmark's SYNTHETIC split gemeenten (bench/scale.py) repeat
-- those old jumps under codes the list cannot know. Rows: the region, the year and the change.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
with series as (
    select v.region_code, v.region_name, v.period, v.value,
        lag(v.value) over (partition by v.region_code order by v.period) as previous_value
    from {{ ref('indicator_values') }} v
    join {{ ref('dim_region') }} r using (region_code)
    where v.indicator_id = 'bevolking_totaal' and v.period_type = 'jaar'
      and r.region_level in ('gemeente', 'corop') and r.provincie_code = '{{ focus_province() }}'
)
select s.region_code, s.region_name, s.period, s.previous_value, s.value,
    round(100 * (s.value - s.previous_value) / s.previous_value, 1) as change_pct
from series s
left join {{ ref('grenswijzigingen') }} g using (region_code, period)
where abs(s.value - s.previous_value) > 0.05 * s.previous_value and g.region_code is null
  and s.period >= '2010'
