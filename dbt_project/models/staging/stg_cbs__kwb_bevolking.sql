-- Kerncijfers wijken en buurten: population on 1 January of the edition year, per gemeente and
-- Nederland. KWB has no period dimension: the edition year is the period.
{% set editions = [('85039NED', 2021), ('85318NED', 2022), ('85618NED', 2023), ('85984NED', 2024)] %}
{% for table_id, year in editions %}
select
    {{ cbs_region_code('WijkenEnBuurten') }} as region_code,
    '{{ year }}' as period,
    'jaar' as period_type,
    'onbekend' as status,
    AantalInwoners_5 as bevolking_totaal,
    k_0Tot15Jaar_8 as leeftijd_0_15,
    k_15Tot25Jaar_9 as leeftijd_15_25,
    k_25Tot45Jaar_10 as leeftijd_25_45,
    k_45Tot65Jaar_11 as leeftijd_45_65,
    k_65JaarOfOuder_12 as leeftijd_65_plus,
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
