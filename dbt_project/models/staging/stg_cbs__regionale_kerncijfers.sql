-- 70072ned: population by sex and age band (the snapshot has the provinces, 1995–2019).
select
    {{ cbs_region_period_columns('70072ned') }},
    TotaleBevolking_1 as bevolking_totaal,
    Mannen_2 as mannen,
    Vrouwen_3 as vrouwen,
    JongerDan5Jaar_4 + k_5Tot10Jaar_5 + k_10Tot15Jaar_6 as leeftijd_0_15,
    k_15Tot20Jaar_7 + k_20Tot25Jaar_8 as leeftijd_15_25,
    k_25Tot45Jaar_9 as leeftijd_25_45,
    k_45Tot65Jaar_10 as leeftijd_45_65,
    k_65Tot80Jaar_11 + k_80JaarOfOuder_12 as leeftijd_65_plus,
    '70072ned' as source_table,
    {{ cbs_release_date('70072ned') }} as release_date
from {{ source('raw', 'cbs_70072ned') }}
