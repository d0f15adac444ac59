-- 37230ned: components of population change per region and year.
select
    {{ cbs_region_period_columns('37230ned') }},
    BevolkingAanHetBeginVanDePeriode_1 as bevolking_begin,
    LevendGeborenKinderen_2 as levend_geborenen,
    Overledenen_3 as overledenen,
    VestigingVanuitEenAndereGemeente_5 as vestiging_uit_andere_gemeente,
    Immigratie_6 as immigratie,
    VertrekNaarAndereGemeente_8 as vertrek_naar_andere_gemeente,
    EmigratieInclusiefAdmCorrecties_9 as emigratie,
    OverigeCorrecties_10 as overige_correcties,
    Bevolkingsgroei_11 as bevolkingsgroei,
    BevolkingAanHetEindeVanDePeriode_15 as bevolking_einde,
    '37230ned' as source_table,
    {{ cbs_release_date('37230ned') }} as release_date
from {{ source('raw', 'cbs_37230ned') }}
