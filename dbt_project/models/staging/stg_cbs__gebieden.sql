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
    cast(inwonertal as bigint) as inwonertal,
    source_table
from ({{ cbs_staged() }})
