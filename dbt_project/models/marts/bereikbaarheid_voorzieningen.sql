-- How near services are, per region and year (80305ned): the average distance by road from
-- inhabitants' homes to the nearest GP practice, hospital, primary school, motorway access
-- and railway station, as CBS publishes them.
select
    region_code,
    period,
    afstand_huisartsenpraktijk,
    afstand_ziekenhuis,
    afstand_basisschool,
    afstand_oprit_hoofdverkeersweg,
    afstand_treinstation,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__nabijheid_voorzieningen') }}
where period_type = 'jaar'
