-- Gemeenten are compared per period: every focus gemeente has a row (its value may be null
-- when CBS publishes none) in every period its theme's source covers. Rows: the indicator, the
-- period and the gemeente that is missing.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
with periods as (
    select distinct v.indicator_id, v.period, v.period_type
    from {{ ref('indicator_values') }} v
    join {{ ref('indicator_catalog') }} c using (indicator_id)
    where c.theme in {{ sql_list(compared_themes()) }} and v.region_level = 'gemeente'
)
{{ focus_gemeenten_missing('periods', ['indicator_id', 'period', 'period_type']) }}
