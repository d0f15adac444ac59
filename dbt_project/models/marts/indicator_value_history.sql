-- Every value an indicator has had, one row each time it first appeared or changed: the memory
-- behind marts.indicator_revisions. A published value that is no longer in the warehouse gets a
-- row with an empty value and status 'verdwenen' (gone), so that it is listed as a revision too. Incremental on purpose: a run starts from a copy of the
-- published warehouse, adds the rows whose value or status differs from the last one recorded
-- (or that are new) and never deletes, so a figure CBS revises keeps its published past. A
-- warehouse built from nothing starts a new history.
{{ config(materialized='incremental') }}
with current_values as (
    select indicator_id, region_code, categorie, period, period_type, value, status,
        source_table, release_date
    from {{ ref('indicator_values') }}
)
{% if is_incremental() %}
, last_recorded as (
    select * from {{ this }}
    qualify row_number() over (
        partition by indicator_id, region_code, categorie, period, period_type
        order by recorded_at desc) = 1
)
select c.*, current_timestamp::timestamp as recorded_at
from current_values c
left join last_recorded l
    on l.indicator_id = c.indicator_id and l.region_code = c.region_code
    and l.categorie is not distinct from c.categorie and l.period = c.period
    and l.period_type = c.period_type
where l.indicator_id is null
    or l.value is distinct from c.value
    or l.status is distinct from c.status
union all
select l.indicator_id, l.region_code, l.categorie, l.period, l.period_type,
    null as value, 'verdwenen' as status, l.source_table, l.release_date,
    current_timestamp::timestamp as recorded_at
from last_recorded l
where l.status is distinct from 'verdwenen'
    and not exists (
        select 1 from current_values c
        where c.indicator_id = l.indicator_id and c.region_code = l.region_code
            and c.categorie is not distinct from l.categorie and c.period = l.period
            and c.period_type = l.period_type)
{% else %}
select c.*, current_timestamp::timestamp as recorded_at
from current_values c
{% endif %}
