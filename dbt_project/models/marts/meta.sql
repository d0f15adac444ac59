-- The warehouse explained in itself: every public table (marts, reference) and each of its
-- columns with its Dutch description (`meta.omschrijving` in the dbt YAML, also written into
-- the file as DuckDB comments by persist_docs), and for a column that feeds indicators their
-- ids and units. A view, so any SQL tool (DuckDB 1.4 too) can read it.
{{ config(materialized='view') }}
{%- set rows = [] -%}
{%- set feeds = [] -%}
{%- if execute -%}
{%- for node in graph.nodes.values()
    if node.resource_type in ('model', 'seed') and node.schema in ('marts', 'reference') -%}
{%- do rows.append([node.schema, node.name, none, node.meta.get('omschrijving', '')]) -%}
{%- for column in node.columns.values() -%}
{%- do rows.append([node.schema, node.name, column.name, column.meta.get('omschrijving', '')]) -%}
{%- endfor -%}
{%- endfor -%}
{%- for i in indicator_entries() -%}
{%- do feeds.append([i.model, i.value, i.id]) -%}
{%- endfor -%}
{%- endif %}
with descriptions as (
    select * from (values
    {%- for row in rows %}
        ({{ sql_string(row[0]) }}, {{ sql_string(row[1]) }}, {{ sql_string(row[2]) }}, {{ sql_string(row[3]) }})
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    ) as t(schema_naam, tabel, kolom, omschrijving)
),
feeds as (
    select * from (values
    {%- for feed in feeds %}
        ({{ sql_string(feed[0]) }}, {{ sql_string(feed[1]) }}, {{ sql_string(feed[2]) }})
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    ) as t(tabel, kolom, indicator_id)
),
units as (
    select f.tabel, f.kolom,
        string_agg(distinct c.unit, ' / ' order by c.unit) as eenheid,
        string_agg(f.indicator_id, ', ' order by f.indicator_id) as indicatoren
    from feeds f
    join {{ ref('indicator_catalog') }} c using (indicator_id)
    group by all
)
select d.schema_naam, d.tabel, d.kolom, d.omschrijving, u.eenheid, u.indicatoren
from descriptions d
left join units u on d.schema_naam = 'marts' and u.tabel = d.tabel and u.kolom = d.kolom
