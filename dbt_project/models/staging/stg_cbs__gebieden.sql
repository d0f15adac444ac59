-- Gebieden in Nederland: gemeente → COROP, landsdeel, provincie, one row per edition × gemeente.
{% set editions = [('85385NED', 2023), ('85755NED', 2024), ('86059NED', 2025)] %}
{% for table_id, year in editions %}
select
    {{ year }} as edition_year,
    trim(RegioS) as gemeente_code,
    trim(Naam_2) as gemeente_name,
    trim(Code_10) as corop_code,
    trim(Naam_11) as corop_name,
    trim(Code_26) as landsdeel_code,
    trim(Naam_27) as landsdeel_name,
    trim(Code_28) as provincie_code,
    trim(Naam_29) as provincie_name,
    cast(Inwonertal_56 as bigint) as inwonertal,
    '{{ table_id }}' as source_table
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
