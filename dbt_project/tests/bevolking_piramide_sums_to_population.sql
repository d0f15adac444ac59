-- The pyramid's groups of a region and year sum to the population on 1 January that CBS
-- 03759ned publishes for it: the Eurostat extract (CBS's figures as supplied to Eurostat) and
-- the grouping of single years must both add up to the person. Rows: region, year and the
-- difference.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'bevolking_piramide'}}}) }}
with pyramid as (
    select region_code, period, sum(personen) as personen, any_value(source_table) as source_table
    from {{ ref('bevolking_piramide') }}
    group by all
)
select p.region_code, p.period, p.source_table, p.personen, b.bevolking,
    p.personen - b.bevolking as difference
from pyramid p
join {{ ref('bevolking_per_jaar') }} b using (region_code, period)
where b.source_table = '03759ned' and p.personen <> b.bevolking
