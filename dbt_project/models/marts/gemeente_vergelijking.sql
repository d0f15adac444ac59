-- Each gemeente of the focus province against the province and Nederland, per indicator of the
-- themes where gemeenten are compared (macro compared_themes) that is not a count (shares,
-- averages, densities) and per period: the value, the province's and Nederland's value, the
-- difference with Nederland (in the indicator's unit; for % also as percentage points),
-- above/below, and the rank among the province's gemeenten (1 = highest).
-- A missing value stays null, gets no rank and does not shift the others' ranks. The province
-- value is null where CBS publishes none (KWB has no provinces; none is computed here).
{% set focus = focus_province() %}
with compared as (
    select v.*
    from {{ ref('indicator_values') }} v
    join {{ ref('indicator_catalog') }} c using (indicator_id)
    where c.theme in {{ sql_list(compared_themes()) }}
      and c.unit not in {{ sql_list(count_units()) }}
),
gemeenten as (
    select c.*
    from compared c
    join {{ ref('dim_region') }} r using (region_code)
    where r.region_level = 'gemeente' and r.provincie_code = '{{ focus }}'
)
select
    g.indicator_id,
    g.region_code,
    g.region_name,
    g.period,
    g.period_type,
    g.value,
    g.unit,
    p.value as provincie_value,
    n.value as nederland_value,
    -- Rounded to drop binary noise (6.5 − 3.9 = 2.5999999999999996) from exports.
    round(g.value - n.value, 6) as verschil_nederland,
    case when g.unit = '%' then round(g.value - n.value, 6) end as verschil_nederland_punten,
    case
        when g.value > n.value then 'boven'
        when g.value < n.value then 'onder'
        when g.value = n.value then 'gelijk'
    end as ten_opzichte_van_nederland,
    case when g.value is not null then rank() over (
        partition by g.indicator_id, g.period, g.period_type, g.value is null
        order by g.value desc) end as rang,
    count(g.value) over (partition by g.indicator_id, g.period, g.period_type)
        as aantal_gemeenten_met_waarde,
    g.status,
    g.source_table,
    g.release_date,
    g.method_break
from gemeenten g
left join compared p
    on p.indicator_id = g.indicator_id and p.period = g.period
    and p.period_type = g.period_type and p.region_code = '{{ focus }}'
left join compared n
    on n.indicator_id = g.indicator_id and n.period = g.period
    and n.period_type = g.period_type and n.region_code = 'NL01'
