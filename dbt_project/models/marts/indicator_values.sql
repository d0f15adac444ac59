-- The contract every indicator writes into: one row per indicator × region × period (×
-- categorie, e.g. the partner country, for the few indicators that have one).
-- A new indicator is one entry in lifecycle/indicators.yaml (what it means, the mart and column
-- it comes from); `ontcijferd prepare` generates the macro indicator_entries read here.
-- `method_break` marks the first period after a change of source table that
-- reference.reeksovergangen (from the registry's series links) declares a break, and the year a
-- region's territory changed (reference.grenswijzigingen); an undeclared change of source
-- leaves it null (a blocking check then names the rows).
{% set indicators = indicator_entries() %}
with all_indicators as (
{% for i in indicators %}
    select
        '{{ i.id }}' as indicator_id,
        region_code,
        {{ i.get('categorie', 'null') }} as categorie,
        cast({{ i.get('period', 'period') }} as varchar) as period,
        {{ i.get('period_type', "'jaar'") }} as period_type,
        {{ i.value }} as value,
        {{ i.get('status', 'status') }} as status,
        {{ i.get('source', 'source_table') }} as source_table,
        {{ i.get('release_date', 'release_date') }} as release_date
    from {{ ref(i.model) }}
    where {{ 'true' if i.nulls else i.value ~ ' is not null' }}{% if i.where %} and {{ i.where }}{% endif %}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
),
sequenced as (
    select *, lag(source_table) over (
        partition by indicator_id, region_code, categorie, period_type order by period)
        as previous_source
    from all_indicators
),
-- A change of source is either the same statistic continued or a method break, as declared
-- in reference.reeksovergangen (generated from the registry's series links); the rule, for
-- sources that combine tables too, is the macro source_change_breaks (macros/series.sql).
judged as (
    {{ source_change_breaks('sequenced', ref('reeksovergangen')) }}
)
select
    i.indicator_id,
    i.region_code,
    r.region_name,
    r.region_level,
    i.categorie,
    i.period,
    i.period_type,
    cast(i.value as double) as value,
    c.unit,
    i.status,
    i.source_table,
    cast(i.release_date as date) as release_date,
    -- A change of territory (reference.grenswijzigingen) breaks every series of the region in
    -- that year, as a change to a table with another definition does.
    case when g.region_code is not null then true
         when i.previous_source is null or i.previous_source = i.source_table then false
         else j.method_break end as method_break
from sequenced i
join {{ ref('indicator_definitions') }} c using (indicator_id)
left join {{ ref('dim_region') }} r using (region_code)
left join {{ ref('grenswijzigingen') }} g
    on g.region_code = i.region_code and g.period = i.period and i.period_type = 'jaar'
left join judged j
    on j.indicator_id = i.indicator_id and j.region_code = i.region_code
    and j.categorie is not distinct from i.categorie and j.period_type = i.period_type
    and j.period = i.period
