-- A series that changes source table must say whether that is a method break:
-- reference.reeksovergangen (from the registry's series links) declares each change; an
-- undeclared one leaves method_break null. Rows: the indicator, region, period and new table.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
select indicator_id, region_code, period, source_table
from {{ ref('indicator_values') }}
where method_break is null
