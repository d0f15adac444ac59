-- Young people with youth care (jeugdhulp, jeugdbescherming or jeugdreclassering), count and
-- %, years and half-years: 84134NED (2015–2020) and 85099NED (2021 on), one row per table ×
-- region × period. The total category is A045561 in 85099NED; in 84134NED its key is not
-- known offline, so it is chosen by its title there (as in sources/registry.py).
{% set tables = [
    ('84134NED', cbs_category_titled('84134NED', 'VormenVanJeugdzorg', 'JZ Totaal jeugdzorg')),
    ('85099NED', "trim(VormenVanJeugdzorg) = 'A045561'"),
] %}
{% for table_id, total_category in tables %}
select
    {{ cbs_region_period_columns(table_id) }},
    JongerenMetJeugdzorg_1 as jongeren_met_jeugdzorg,
    JongerenMetJeugdzorgRelatief_2 as jongeren_met_jeugdzorg_pct,
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
where {{ total_category }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
