{#- The rows of a custom CBS file source (sources/custom.py), every release, with the release's
    title, publisher and publication as source_table and its publication date as release_date.
    `status` is 'geheim' where CBS withholds the figure (the value is null, never zero). -#}
{% macro custom_source_rows(source_id, extra_columns=[]) -%}
select
    e.region_code,
    {% for c in extra_columns %}e.{{ c }},
    {% endfor -%}
    cast(e.jaar as varchar) as period,
    'jaar' as period_type,
    e.waarde,
    case when e.status = 'geheim' then 'geheim' else 'onbekend' end as status,
    e.release,
    r.title || ' (' || r.publisher || ', ' || r.published || ')' as source_table,
    r.release_date
from {{ source('raw', 'custom_' ~ source_id) }} e
join {{ source('custom_metadata', 'custom_releases') }} r
    on r.source_id = '{{ source_id }}' and r.release = e.release
{%- endmacro %}
