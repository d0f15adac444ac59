-- Gebieden in Nederland: gemeente → COROP, landsdeel, provincie, one row per edition × gemeente
-- (every edition in sources/registry.py; the edition year is the period).
select
    cast(period as integer) as edition_year,
    region_code as gemeente_code,
    gemeente_name,
    corop_code,
    corop_name,
    landsdeel_code,
    landsdeel_name,
    provincie_code,
    provincie_name,
    -- Inhabitants on 1 January of the edition year: CBS's provisional count (status).
    cast(inwonertal as bigint) as inwonertal,
    status,
    source_table,
    release_date
from ({{ cbs_staged() }})
