-- 82900NED: dwelling stock on 1 January by ownership (all dwellings, occupied or not).
select
    {{ cbs_region_period_columns('82900NED') }},
    TotaleWoningvoorraad_1 as woningvoorraad,
    Koopwoningen_2 as koopwoningen,
    TotaalHuurwoningen_3 as huurwoningen,
    EigendomWoningcorporatie_4 as corporatiewoningen,
    EigendomOverigeVerhuurders_5 as overige_huurwoningen,
    EigendomOnbekend_6 as eigendom_onbekend,
    '82900NED' as source_table,
    {{ cbs_release_date('82900NED') }} as release_date
from {{ source('raw', 'cbs_82900ned') }}
where trim(StatusVanBewoning) = 'T001235'
