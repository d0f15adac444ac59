-- The provinces' shares of the provinces' export add up to 100 % in every year.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
select period, sum(value) as total_pct
from {{ ref('indicator_values') }}
where indicator_id = 'export_goederen_aandeel_pct'
group by period
having abs(sum(value) - 100) > 0.001
