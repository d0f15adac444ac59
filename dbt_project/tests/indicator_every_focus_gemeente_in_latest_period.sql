-- Every gemeente of the focus province has the core indicators in their latest period.
-- Rows: the indicator, the period and the gemeente that is missing.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
{% set every_gemeente = ['bevolking_totaal', 'woningvoorraad', 'huishoudens_totaal', 'nieuwbouw'] %}
with latest as (
    select indicator_id, max(period) as period from {{ ref('indicator_values') }}
    where indicator_id in {{ sql_list(every_gemeente) }} group by all
)
{{ focus_gemeenten_missing('latest', ['indicator_id', 'period']) }}
