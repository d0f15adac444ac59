{#- Woondeal regions are our own grouping of COROP regions (seed woondeal_regions). Their
    figures are the sums of the COROP rows of `relation`, only where every member COROP region
    has a row; a sum with a missing part stays null, never a partial total. Output columns:
    region_code, the group columns, the summed columns, status, source_table, release_date,
    method — the shape the marts union with their CBS rows. -#}
{% macro woondeal_sums(relation, sum_columns, group_columns=['period']) -%}
    select
        w.woondeal_code as region_code,
        {% for g in group_columns %}c.{{ g }},{% endfor %}
        {% for s in sum_columns %}
        case when count(c.{{ s }}) = count(*) then sum(c.{{ s }}) end as {{ s }},{% endfor %}
        {{ cbs_status_from_rank('min(' ~ cbs_status_rank('c.status') ~ ')') }} as status,
        string_agg(distinct c.source_table, ', ' order by c.source_table) as source_table,
        {{ cbs_release_of_rows('c.release_date') }} as release_date,
        'som van COROP-gebieden' as method
    from {{ relation }} c
    join {{ ref('woondeal_regions') }} w on w.corop_code = c.region_code
    group by w.woondeal_code{% for g in group_columns %}, c.{{ g }}{% endfor %}
    having count(*) = (select count(*) from {{ ref('woondeal_regions') }} m
                       where m.woondeal_code = w.woondeal_code)
{%- endmacro %}

{#- KWB rows for the gemeenten (and years) a CBS table lacks — e.g. a truncated export in the
    embedded snapshot. KWB publishes the same register figures: equal for every Overijssel
    gemeente, a few units apart for a handful elsewhere (tests compare them); `method` and
    `source_table` say which rows came from KWB. Same column shape as woondeal_sums. -#}
{% macro kwb_fill(cbs_relation, kwb_columns) -%}
    select
        k.region_code,
        k.period,
        {% for c in kwb_columns %}k.{{ c }},{% endfor %}
        k.status,
        k.source_table,
        k.release_date,
        'CBS-cijfer (KWB)' as method
    from {{ ref('stg_cbs__kwb') }} k
    where k.{{ kwb_columns[0] }} is not null
      and not exists (select 1 from {{ cbs_relation }} c
                      where c.region_code = k.region_code and c.period = k.period)
{%- endmacro %}

{#- The configured focus province, a var the run passes (lifecycle/dbt_run.py: dbt_vars). -#}
{% macro focus_province() -%}
    {{ return(var('focus_province', 'PV23')) }}
{%- endmacro %}

{#- Themes whose gemeenten are compared with the province and Nederland period by period
    (marts.gemeente_vergelijking; the test that no focus gemeente is missing a period). -#}
{% macro compared_themes() -%}
    {{ return(['jeugdhulp', 'armoede', 'kerncijfers', 'arbeid']) }}
{%- endmacro %}

{#- A SQL list of quoted strings: ('a', 'b'). -#}
{% macro sql_list(values) -%}
    ({% for v in values %}{{ sql_string(v) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The focus province's gemeenten that have no row in indicator_values for a combination of
    `columns` (e.g. indicator_id and period) that `expected` lists: one row per combination and
    missing gemeente. -#}
{% macro focus_gemeenten_missing(expected, columns) -%}
select {% for c in columns %}e.{{ c }}, {% endfor %}r.region_code, r.region_name
from {{ expected }} e cross join {{ ref('dim_region') }} r
where r.region_level = 'gemeente' and r.provincie_code = '{{ focus_province() }}'
  and not exists (
      select 1 from {{ ref('indicator_values') }} v
      where v.region_code = r.region_code
        {%- for c in columns %} and v.{{ c }} = e.{{ c }}{% endfor %})
{%- endmacro %}
