-- Active passenger cars on 1 January per region (85235NED), in all and per 1,000 inhabitants.
-- A year 85235NED does not have yet comes from 85237NED, which counts the same cars (its
-- 2019–2024 equal 85235NED's, tests/e2e/test_bereikbaarheid.py) but publishes no figure per
-- 1,000 inhabitants: that stays empty rather than being computed here.
with voertuigenpark as (
    select
        region_code,
        period,
        personenautos,
        personenautos_per_1000_inwoners,
        status,
        source_table,
        release_date
    from {{ ref('stg_cbs__voertuigenpark') }}
    where period_type = 'jaar'
),

volgende_jaren as (
    select
        a.region_code,
        a.period,
        a.personenautos,
        null::double as personenautos_per_1000_inwoners,
        a.status,
        a.source_table,
        a.release_date
    from {{ ref('stg_cbs__personenautos_per_provincie') }} as a
    where a.period_type = 'jaar'
      and not exists (
          select 1 from voertuigenpark as v
          where v.region_code = a.region_code and v.period = a.period
      )
)

select * from voertuigenpark
union all
select * from volgende_jaren
