-- The age bands of a region and year add up to 100 %.
{{ config(store_failures=true) }}
select region_code, period, sum(aandeel_pct) as total_pct
from {{ ref('bevolking_leeftijdsopbouw') }}
group by all
having abs(sum(aandeel_pct) - 100) > 0.001
