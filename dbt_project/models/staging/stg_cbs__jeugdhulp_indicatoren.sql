-- Youth care in natura (% of young people) from 82972NED (2015–2020) and 85098NED (2021 on),
-- years and half-years, one row per table × region × period, each keeping its source table.
-- CBS leaves suppressed and unknown cells null (COROP rows are suppressed): they stay null.
{% for table_id in ['82972NED', '85098NED'] %}
select
    {{ cbs_region_period_columns(table_id) }},
    JongerenMetJeugdhulpInNatura_1 as jeugdhulp_in_natura_pct,
    JongerenMetJeugdhMetVerblInNat_2 as jeugdhulp_met_verblijf_pct,
    JongerenMetJeugdbescherming_3 as jeugdbescherming_pct,
    JeugdbeschEnJeugdhMetVerblInNat_4 as jeugdbescherming_met_verblijf_pct,
    JongerenMetJeugdreclassering_5 as jeugdreclassering_pct,
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
