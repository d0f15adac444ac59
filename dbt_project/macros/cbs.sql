{#- CBS code handling, the one place where keys, periods and statuses are parsed. -#}

{#- CBS keys are right-padded ('PV23  '). `aliases` maps a table's own key onto ours (KWB keys
    Nederland as NL00 where other tables use NL01; registry: region_key_aliases). -#}
{% macro cbs_region_code(column, aliases={}) -%}
    {%- if aliases -%}
    case trim({{ column }}){% for cbs, ours in aliases.items() %} when '{{ cbs }}' then '{{ ours }}'{% endfor %} else trim({{ column }}) end
    {%- else -%}
    trim({{ column }})
    {%- endif -%}
{%- endmacro %}

{#- Period key → text label: 2024JJ00 → 2024, 2024HJ01 → 2024H1, 2024KW01 → 2024Q1,
    2024MM01 → 2024M01. Unknown forms are kept as the key, with period_type 'onbekend'. -#}
{% macro cbs_period(column) -%}
    case substr(trim({{ column }}), 5, 2)
        when 'JJ' then substr(trim({{ column }}), 1, 4)
        when 'HJ' then substr(trim({{ column }}), 1, 4) || 'H' || cast(cast(substr(trim({{ column }}), 7, 2) as integer) as varchar)
        when 'KW' then substr(trim({{ column }}), 1, 4) || 'Q' || cast(cast(substr(trim({{ column }}), 7, 2) as integer) as varchar)
        when 'MM' then substr(trim({{ column }}), 1, 4) || 'M' || substr(trim({{ column }}), 7, 2)
        else trim({{ column }})
    end
{%- endmacro %}

{% macro cbs_period_type(column) -%}
    case substr(trim({{ column }}), 5, 2)
        when 'JJ' then 'jaar'
        when 'HJ' then 'halfjaar'
        when 'KW' then 'kwartaal'
        when 'MM' then 'maand'
        else 'onbekend'
    end
{%- endmacro %}

{#- CBS Perioden.Status → our status; a missing status is 'onbekend', never assumed final. -#}
{% macro cbs_status(column) -%}
    case replace(lower({{ column }}), ' ', '')
        when 'definitief' then 'definitief'
        when 'voorlopig' then 'voorlopig'
        when 'nadervoorlopig' then 'nader voorlopig'
        else 'onbekend'
    end
{%- endmacro %}

{#- The date CBS published a table: its TableInfos.Modified ("2025-06-26T02:00:00") as a date;
    null when the source lacks it (the embedded snapshot). The one place the date is read. -#}
{% macro cbs_modified_date(column) -%}
    try_cast({{ column }} as date)
{%- endmacro %}

{#- The CBS release date of a raw table (for each of its rows). -#}
{% macro cbs_release_date(table_id) -%}
    (select {{ cbs_modified_date('modified') }} from {{ source('cbs_metadata', 'cbs_table_infos') }}
     where table_id = '{{ table_id }}')
{%- endmacro %}

{#- Join the period status of a table's Perioden set. -#}
{% macro cbs_period_status(table_id, period_column) -%}
    (select {{ cbs_status('c.status') }} from {{ source('cbs_metadata', 'cbs_dimension_categories') }} c
     where c.table_id = '{{ table_id }}' and c.dimension = 'Perioden' and c.key = {{ period_column }})
{%- endmacro %}

{#- Whether a dimension key is a category CBS titles one of `titles` in that table: for
    categories the registry chooses by title (Slice.category_titles), whose keys are not known
    offline. -#}
{% macro cbs_category_titled(table_id, dimension, titles, column) -%}
    trim({{ column }}) in (select trim(c.key) from {{ source('cbs_metadata', 'cbs_dimension_categories') }} c
        where c.table_id = '{{ table_id }}' and c.dimension = '{{ dimension }}'
          and c.title in ({% for t in titles %}{{ sql_string(t) }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{#- The rows of a slice (registry: Slice): the categories it keeps, by key or by title. -#}
{% macro cbs_slice_condition(table_id, slice) -%}
    {%- set conditions = [] -%}
    {%- for dimension, codes in slice.codes.items() -%}
        {%- do conditions.append("trim(r." ~ dimension ~ ") in ('" ~ codes | join("', '") ~ "')") -%}
    {%- endfor -%}
    {%- for dimension, titles in slice.titles.items() -%}
        {%- do conditions.append(cbs_category_titled(table_id, dimension, titles, 'r.' ~ dimension)) -%}
    {%- endfor -%}
    {{ conditions | join(' and ') if conditions else 'true' }}
{%- endmacro %}

{#- A staging view's rows: every table the registry reads into this view (CbsTable.staging_model),
    measures under their registry names, other dimensions as <name>_code and <name>_title, the
    region, period and status columns, one in_<slice> flag per slice where a table has more than
    one, the source table, its release date and its place in the series (series_order: 0 for
    the first table, higher for successors). Generated from sources/registry.py by `ontcijferd
    prepare` (macro cbs_registry): a new edition of a table needs no SQL. -#}
{% macro cbs_staged(model_name=none) -%}
{%- set registry = cbs_registry() -%}
{%- set name = model_name or model.name -%}
{%- set union = namespace(first=true) -%}
{%- for table_id in registry.models[name] -%}
{%- set t = registry.tables[table_id] -%}
{#- A table with its regions as columns gives one select per region column. -#}
{%- for region_column, column_region in (t.region_columns or [[none, none]]) %}
{% if not union.first %}union all by name{% endif %}{% set union.first = false %}
select
    {%- for dimension, column in t.dimensions %}
    trim(r.{{ dimension }}) as {{ column }}_code,
    (select c.title from {{ source('cbs_metadata', 'cbs_dimension_categories') }} c
     where c.table_id = '{{ table_id }}' and c.dimension = '{{ dimension }}' and c.key = r.{{ dimension }}) as {{ column }}_title,
    {%- endfor %}
    {%- if t.region_dimension %}
    {{ cbs_region_code('r.' ~ t.region_dimension, t.region_aliases) }} as region_code,
    {%- elif column_region %}
    '{{ column_region }}' as region_code,
    {%- endif %}
    {%- if t.period_dimension %}
    {{ cbs_period('r.' ~ t.period_dimension) }} as period,
    {{ cbs_period_type('r.' ~ t.period_dimension) }} as period_type,
    coalesce({{ cbs_period_status(table_id, 'r.' ~ t.period_dimension) }}, 'onbekend') as status,
    {%- else %}
    '{{ t.reference_period }}' as period,
    'jaar' as period_type,
    '{{ t.reference_status or 'onbekend' }}' as status,
    {%- endif %}
    {%- if t.slices | length > 1 %}
    {%- for s in t.slices %}
    {{ cbs_slice_condition(table_id, s) }} as in_{{ s.name }},
    {%- endfor %}
    {%- endif %}
    {%- for key, column in t.measures if region_column in (none, key) %}
    {% if key in t.text_measures %}trim(r.{{ key }}){% else %}r.{{ key }}{% endif %} as {{ column }},
    {%- endfor %}
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date,
    {{ t.series_order }} as series_order
from {{ source('raw', t.source) }} r
where {% for s in t.slices %}({{ cbs_slice_condition(table_id, s) }}){% if not loop.last %} or {% endif %}{% endfor %}
{%- endfor %}
{%- endfor %}
{%- endmacro %}

{#- The status of a figure computed from several CBS figures is the least final of its parts:
    onbekend < voorlopig < nader voorlopig < definitief. Statuses are ranked so that the least
    final one can be taken with least() across columns, min() across rows or min() over a
    window. 'n.v.t.' (policy targets, reference figures) ranks as final: it never makes a CBS
    figure look less final. -#}
{% macro cbs_status_rank(column) -%}
    case {{ column }} when 'definitief' then 3 when 'n.v.t.' then 3 when 'nader voorlopig' then 2
        when 'voorlopig' then 1 else 0 end
{%- endmacro %}

{% macro cbs_status_from_rank(expression) -%}
    case {{ expression }} when 3 then 'definitief' when 2 then 'nader voorlopig'
        when 1 then 'voorlopig' else 'onbekend' end
{%- endmacro %}

{#- The CBS release date of a figure computed from several CBS figures: the newest of theirs
    (the figure exists only since then), unknown where one of them is. Across columns
    (cbs_release_of_parts), or across rows, grouped or over a window (`over`). -#}
{% macro cbs_release_of_parts(columns) -%}
    case when {% for c in columns %}{{ c }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
        then greatest({{ columns | join(', ') }}) end
{%- endmacro %}

{% macro cbs_release_of_rows(column, over='') -%}
    case when count({{ column }}){{ over }} = count(*){{ over }} then max({{ column }}){{ over }} end
{%- endmacro %}

{% macro cbs_status_of_parts(columns) -%}
    {%- set ranks = [] -%}
    {%- for c in columns %}{% do ranks.append(cbs_status_rank(c)) %}{% endfor -%}
    {{ cbs_status_from_rank('least(' ~ ranks | join(', ') ~ ')') }}
{%- endmacro %}
