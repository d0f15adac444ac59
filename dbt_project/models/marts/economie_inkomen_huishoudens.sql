-- Net disposable income of the household sector per province and year (85927NED, regional
-- accounts), in mln euro and in euro per inhabitant, as CBS publishes them.
select
    region_code,
    period,
    beschikbaar_inkomen_mln_euro,
    beschikbaar_inkomen_per_inwoner,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__inkomensrekening_huishoudens') }}
where period_type = 'jaar'
