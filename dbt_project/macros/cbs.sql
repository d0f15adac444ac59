{#- CBS code handling, the one place where keys, periods and statuses are parsed. -#}

{#- CBS keys are right-padded ('PV23  '); KWB keys Nederland as NL00 where other tables use NL01. -#}
{% macro cbs_region_code(column) -%}
    case when trim({{ column }}) = 'NL00' then 'NL01' else trim({{ column }}) end
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
    case lower(trim({{ column }}))
        when 'definitief' then 'definitief'
        when 'voorlopig' then 'voorlopig'
        when 'nader voorlopig' then 'nader voorlopig'
        else 'onbekend'
    end
{%- endmacro %}

{#- The CBS release date (TableInfos.Modified) of a raw table, null when the source lacks it. -#}
{% macro cbs_release_date(table_id) -%}
    (select try_cast(modified as date) from {{ source('cbs_metadata', 'cbs_table_infos') }}
     where table_id = '{{ table_id }}')
{%- endmacro %}

{#- Join the period status of a table's Perioden set. -#}
{% macro cbs_period_status(table_id, period_column) -%}
    (select {{ cbs_status('c.status') }} from {{ source('cbs_metadata', 'cbs_dimension_categories') }} c
     where c.table_id = '{{ table_id }}' and c.dimension = 'Perioden' and c.key = {{ period_column }})
{%- endmacro %}

{#- Whether a dimension key is the category CBS titles `title` in that table: for categories the
    registry chooses by title (Slice.category_titles), whose keys are not known offline. -#}
{% macro cbs_category_titled(table_id, dimension, title) -%}
    trim({{ dimension }}) in (select trim(c.key) from {{ source('cbs_metadata', 'cbs_dimension_categories') }} c
        where c.table_id = '{{ table_id }}' and c.dimension = '{{ dimension }}' and c.title = '{{ title }}')
{%- endmacro %}

{#- The columns every staging view of a region × period table starts with. -#}
{% macro cbs_region_period_columns(table_id, region_column='RegioS', period_column='Perioden') -%}
    {{ cbs_region_code(region_column) }} as region_code,
    {{ cbs_period(period_column) }} as period,
    {{ cbs_period_type(period_column) }} as period_type,
    coalesce({{ cbs_period_status(table_id, period_column) }}, 'onbekend') as status
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

{% macro cbs_status_of_parts(columns) -%}
    {%- set ranks = [] -%}
    {%- for c in columns %}{% do ranks.append(cbs_status_rank(c)) %}{% endfor -%}
    {{ cbs_status_from_rank('least(' ~ ranks | join(', ') ~ ')') }}
{%- endmacro %}
