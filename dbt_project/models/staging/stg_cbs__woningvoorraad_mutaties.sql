-- Dwelling stock mutations per calendar year from 84903NED (2012–2022) and its successor
-- 86054NED (2020 on), one row per table × region × year, each keeping its source table.
-- 84903NED numbers some measures differently (registry: measure_renames); the names here are
-- the same for both. The mart woningvoorraad_mutaties stitches the two into one series.
{% set tables = [
    ('84903NED', {'sloop': 'Sloop_17', 'overige_onttrekkingen': 'TotaalOverigeOnttrekkingen_18',
                  'saldo': 'SaldoVoorraad_30', 'eindstand': 'EindstandVoorraad_31'}),
    ('86054NED', {'sloop': 'Sloop_15', 'overige_onttrekkingen': 'TotaalOverigeOnttrekkingen_16',
                  'saldo': 'SaldoVoorraad_26', 'eindstand': 'EindstandVoorraad_27'}),
] %}
{% for table_id, renumbered in tables %}
select
    {{ cbs_region_period_columns(table_id) }},
    BeginstandVoorraad_1 as beginstand,
    Nieuwbouw_2 as nieuwbouw,
    TotaalOverigeToevoegingen_3 as overige_toevoegingen,
    Transformatie_6 as transformatie,
    Woningsplitsing_8 as woningsplitsing,
    {{ renumbered['sloop'] }} as sloop,
    {{ renumbered['overige_onttrekkingen'] }} as overige_onttrekkingen,
    {{ renumbered['saldo'] }} as saldo,
    {{ renumbered['eindstand'] }} as eindstand,
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
where {{ cbs_period_type('Perioden') }} = 'jaar'
{% if not loop.last %}union all{% endif %}
{% endfor %}
