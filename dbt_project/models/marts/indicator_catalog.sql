-- One row per indicator: what it means, its unit and sources (seed indicator_definitions).
select indicator_id, title, definition, unit, theme, source_kind, source_tables, peildatum,
    method_notes
from {{ ref('indicator_definitions') }}
