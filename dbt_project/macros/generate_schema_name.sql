{#- Use the folder's schema name as is (`staging`, `marts`): analysts query `marts.indicator_values`,
    not dbt's default `main_marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
