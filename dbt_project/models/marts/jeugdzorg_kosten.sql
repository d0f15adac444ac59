-- What each gemeente spent on youth care in a year (83454NED, realised costs of all youth care
-- under the Jeugdwet): in mln euro (CBS publishes × 1,000 euro) and in euro per inhabitant.
-- Gemeenten only: CBS publishes no province or Nederland rows, and none is summed here.
select
    region_code,
    period,
    gerealiseerde_kosten_x1000_euro / 1000.0 as gerealiseerde_kosten_mln_euro,
    gerealiseerde_kosten_per_inwoner,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__jeugdzorg_kosten') }}
where period_type = 'jaar'
