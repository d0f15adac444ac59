-- 70072ned: population by sex and age band (the snapshot has the provinces, 1995–2019), in the
-- five bands all age sources share.
select
    region_code,
    period,
    period_type,
    status,
    bevolking_totaal,
    mannen,
    vrouwen,
    leeftijd_0_5 + leeftijd_5_10 + leeftijd_10_15 as leeftijd_0_15,
    leeftijd_15_20 + leeftijd_20_25 as leeftijd_15_25,
    leeftijd_25_45,
    leeftijd_45_65,
    leeftijd_65_80 + leeftijd_80_plus as leeftijd_65_plus,
    source_table,
    release_date
from ({{ cbs_staged() }})
