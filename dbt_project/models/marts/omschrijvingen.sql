-- The Dutch description of every public table (marts, reference) and of each of its columns,
-- from the dbt YAML (`meta.omschrijving` beside each English `description`), so the warehouse
-- explains itself: the report's warehouse page and any SQL tool read them from here.
{%- set rows = [] -%}
{%- if execute -%}
{%- for node in graph.nodes.values()
    if node.resource_type in ('model', 'seed') and node.schema in ('marts', 'reference') -%}
{%- do rows.append([node.schema, node.name, none, node.meta.get('omschrijving', '')]) -%}
{%- for column in node.columns.values() -%}
{%- do rows.append([node.schema, node.name, column.name, column.meta.get('omschrijving', '')]) -%}
{%- endfor -%}
{%- endfor -%}
{%- endif %}
select * from (values
{%- for row in rows %}
    ({{ sql_string(row[0]) }}, {{ sql_string(row[1]) }}, {{ sql_string(row[2]) }}, {{ sql_string(row[3]) }})
    {%- if not loop.last %},{% endif %}
{%- endfor %}
) as t(schema_naam, tabel, kolom, omschrijving)
