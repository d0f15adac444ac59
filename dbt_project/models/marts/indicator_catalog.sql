-- One row per indicator: what it means, its unit and sources (seed indicator_definitions).
-- `definitie` and `toelichting` are the Dutch texts researchers read (report, exports);
-- `definition` and `method_notes` the same in English, for the team.
select indicator_id, title, definitie, toelichting, definition, unit, decimalen, theme,
    source_kind, source_tables, peildatum, method_notes
from {{ ref('indicator_definitions') }}
