-- One row per indicator: what it means, its unit and sources (seed indicator_catalog).
select indicator_id, title, definition, unit, theme, source_tables, method_notes
from {{ ref('indicator_definitions') }}
