{#- A text as an SQL string literal (quotes doubled); none as a null. For text from this
    project's own YAML and registry, never from outside. -#}
{% macro sql_string(text) -%}
    {%- if text is none -%}null::varchar{%- else -%}'{{ text | replace("'", "''") }}'{%- endif -%}
{%- endmacro %}
