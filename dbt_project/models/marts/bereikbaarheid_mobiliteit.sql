-- How far people travel, per region and year: km per person per day (84710NED, inhabitants
-- aged 6 or older; every trip, trips as car driver, commuting) and passenger cars per 1,000
-- inhabitants on 1 January (85235NED). Each figure keeps its own table's status and source.
with reizen as (
    select
        region_code,
        period,
        max(km_per_dag) filter (where in_alle_verplaatsingen) as km_per_dag,
        max(km_per_dag) filter (where in_als_autobestuurder) as km_per_dag_autobestuurder,
        max(km_per_dag) filter (where in_woon_werk) as km_per_dag_woon_werk,
        max(status) as status,
        max(source_table) as source_table,
        max(release_date) as release_date
    from {{ ref('stg_cbs__mobiliteit') }}
    where period_type = 'jaar'
    group by all
),
autos as (
    select region_code, period, personenautos, personenautos_per_1000_inwoners, status,
        source_table, release_date
    from {{ ref('stg_cbs__voertuigenpark') }}
    where period_type = 'jaar'
)
select
    region_code,
    period,
    r.km_per_dag,
    r.km_per_dag_autobestuurder,
    r.km_per_dag_woon_werk,
    r.status as reizen_status,
    r.source_table as reizen_source_table,
    r.release_date as reizen_release_date,
    a.personenautos,
    a.personenautos_per_1000_inwoners,
    a.status as autos_status,
    a.source_table as autos_source_table,
    a.release_date as autos_release_date
from reizen r
full join autos a using (region_code, period)
