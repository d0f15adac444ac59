-- The gemeente themes of Kerncijfers wijken en buurten (KWB), one row per theme (`kenmerk`,
-- macro kwb_themes) × gemeente or Nederland × edition; the edition year is the period (what
-- each column's reference date is, per edition: indicator_catalog).
-- KWB publishes no province or COROP figures, and none is computed: an average of gemeente
-- values would weigh Staphorst like Enschede, and the totals a correct province figure needs
-- (land area, total income, dwellings by ownership) are not among the loaded columns.
-- An edition in which CBS has not filled a column yet (income and the supermarket distance in
-- the 2024 edition) gives that theme no rows; a gemeente without a figure stays null.
with kwb as (
    select k.*
    from {{ ref('stg_cbs__kwb') }} k
    join {{ ref('dim_region') }} r using (region_code)
    where r.region_level in ('land', 'gemeente')
),
long as (
{% for kenmerk in kwb_themes() %}
    select '{{ kenmerk }}' as kenmerk, region_code, period, period_type,
        cast({{ kenmerk }} as double) as value, status, source_table, release_date
    from kwb
    {% if not loop.last %}union all{% endif %}
{% endfor %}
)
select * from long
qualify count(value) over (partition by kenmerk, period) > 0
