{#- dbt's persist_docs for DuckDB, with the Dutch description (`meta.omschrijving`) as the
    comment of each table and column: the warehouse's readers are Dutch, and the comment is what
    any SQL tool shows. Where a node has no Dutch text its English description is written.
    Same statements as dbt-duckdb's own (duckdb__alter_relation_comment/_column_comment). -#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
  {%- if for_relation and config.persist_relation_docs() -%}
    {%- set comment = model.meta.get('omschrijving') or model.description -%}
    {%- if comment -%}
      {%- do run_query(alter_relation_comment(relation, comment)) -%}
    {%- endif -%}
  {%- endif -%}
  {%- if for_columns and config.persist_column_docs() and model.columns -%}
    {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute="name") | list -%}
    {%- set dutch = {} -%}
    {%- for name, column in model.columns.items() -%}
      {%- set text = column.get('meta', {}).get('omschrijving') or column.get('description') -%}
      {%- if text -%}
        {%- do dutch.update({name: {'description': text, 'quote': column.get('quote')}}) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- set documented = validate_doc_columns(relation, dutch, existing) -%}
    {%- if documented -%}
      {%- do run_query(alter_column_comment(relation, documented)) -%}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}
