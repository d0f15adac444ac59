-- Kerncijfers wijken en buurten: population and private households on 1 January of the edition
-- year, and % households at or around the social minimum (income over the edition year), per
-- gemeente and Nederland. KWB has no period dimension: the edition year is the period.
-- Column keys differ per edition (sources/registry.py lists them); here they get one name.
{% set editions = [
    ('85039NED', 2021, {'huishoudens_totaal': 'HuishoudensTotaal_28', 'eenpersoonshuishoudens': 'Eenpersoonshuishoudens_29',
        'huishoudens_rond_sociaal_minimum_pct': 'HuishOnderOfRondSociaalMinimum_79'}),
    ('85318NED', 2022, {'huishoudens_totaal': 'HuishoudensTotaal_28', 'eenpersoonshuishoudens': 'Eenpersoonshuishoudens_29',
        'huishoudens_rond_sociaal_minimum_pct': 'HuishOnderOfRondSociaalMinimum_79'}),
    ('85618NED', 2023, {'huishoudens_totaal': 'HuishoudensTotaal_29', 'eenpersoonshuishoudens': 'Eenpersoonshuishoudens_30',
        'huishoudens_rond_sociaal_minimum_pct': 'HuishOnderOfRondSociaalMinimum_85'}),
    ('85984NED', 2024, {'huishoudens_totaal': 'HuishoudensTotaal_29', 'eenpersoonshuishoudens': 'Eenpersoonshuishoudens_30',
        'huishoudens_rond_sociaal_minimum_pct': 'HuishOnderOfRondSociaalMinimum_90'}),
] %}
{% for table_id, year, columns in editions %}
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
    {% for name, key in columns.items() %}{{ key }} as {{ name }},
    {% endfor -%}
    '{{ table_id }}' as source_table,
    {{ cbs_release_date(table_id) }} as release_date
from {{ source('raw', 'cbs_' ~ table_id | lower) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
