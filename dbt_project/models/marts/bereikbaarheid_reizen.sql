-- How far people travel per region and year (84710NED, inhabitants aged 6 or older): km per
-- person per day, every trip, as car driver and to and from work — one column per slice.
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
