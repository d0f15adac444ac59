-- Existing owner-occupied dwellings sold, per region and year or quarter: the average sale
-- price, the price index (2020 = 100), its change on a year earlier and the number sold.
-- Nederland, landsdelen and provinces from 85792NED (years and quarters), COROP regions from
-- 85819NED (quarters only); the two tables never hold the same region. Gemeenten from
-- 83625NED (years, average price only): it also repeats 85792NED's Nederland and provinces,
-- which are taken from 85792NED alone.
with prijsindex_tabellen as (
    select
        region_code,
        period,
        period_type,
        gemiddelde_verkoopprijs,
        prijsindex,
        prijsontwikkeling_jaar_pct,
        verkochte_woningen,
        status,
        source_table,
        release_date
    from {{ ref('stg_cbs__verkoopprijzen') }}
    where period_type in ('jaar', 'kwartaal')
),

gemeenten as (
    select
        g.region_code,
        g.period,
        g.period_type,
        g.gemiddelde_verkoopprijs,
        null::double as prijsindex,
        null::double as prijsontwikkeling_jaar_pct,
        null::double as verkochte_woningen,
        g.status,
        g.source_table,
        g.release_date
    from {{ ref('stg_cbs__verkoopprijzen_gemeenten') }} as g
    where g.period_type = 'jaar'
      and not exists (
          select 1 from prijsindex_tabellen as p where p.region_code = g.region_code
      )
)

select * from prijsindex_tabellen
union all
select * from gemeenten
