-- 71486ned: private households on 1 January of the period year (every age of the reference
-- person).
select
    {{ cbs_region_period_columns('71486ned') }},
    TotaalParticuliereHuishoudens_1 as huishoudens_totaal,
    Eenpersoonshuishouden_2 as eenpersoonshuishoudens,
    TotaalMeerpersoonshuishoudens_3 as meerpersoonshuishoudens,
    '71486ned' as source_table,
    {{ cbs_release_date('71486ned') }} as release_date
from {{ source('raw', 'cbs_71486ned') }}
where trim(LeeftijdReferentiepersoon) = '10000'
