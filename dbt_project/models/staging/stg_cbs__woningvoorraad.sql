-- 82550NED: dwelling stock on 1 January of the period year (all types, all construction years).
select
    {{ cbs_region_period_columns('82550NED') }},
    BeginstandWoningvoorraad_1 as woningvoorraad,
    GemiddeldeOppervlakte_2 as gemiddelde_oppervlakte_m2,
    '82550NED' as source_table,
    {{ cbs_release_date('82550NED') }} as release_date
from {{ source('raw', 'cbs_82550ned') }}
where trim(Woningtype) = 'T001100' and trim(Bouwjaarklasse) = 'T001018'
