-- One row per CBS table the warehouse holds: its title, the date CBS published it and where it
-- was loaded from. The report's captions and every export's toelichting take a table's date
-- from here, so it is read from TableInfos in one place (macros/cbs.sql).
select table_id, title, {{ cbs_modified_date('modified') }} as release_date, source_mode, loaded_at
from {{ source('cbs_metadata', 'cbs_table_infos') }}
