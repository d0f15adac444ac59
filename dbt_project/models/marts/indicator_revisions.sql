-- Every published value that changed between two releases: old and new value and status, with
-- both CBS release dates. CBS revises figures (provisional → definitive); a number someone
-- already published never changes silently.
with sequenced as (
    select *,
        lag(value) over w as old_value,
        lag(status) over w as old_status,
        lag(release_date) over w as old_release_date,
        lag(recorded_at) over w as old_recorded_at,
        row_number() over w as version
    from {{ ref('indicator_value_history') }}
    window w as (
        partition by indicator_id, region_code, categorie, period, period_type
        order by recorded_at)
)
select
    indicator_id,
    region_code,
    categorie,
    period,
    period_type,
    old_value,
    value as new_value,
    value - old_value as change,
    old_status,
    status as new_status,
    old_release_date,
    release_date as new_release_date,
    source_table,
    old_recorded_at as old_published_at,
    recorded_at as new_published_at
from sequenced
where version > 1
