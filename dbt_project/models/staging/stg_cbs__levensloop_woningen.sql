-- 86098NED (live mode; empty in the embedded snapshot): new build and stock of dwellings per
-- month and year. Months of the running year give the newest CBS new-build figures.
select
    {{ cbs_region_period_columns('86098NED') }},
    NieuwbouwTotaal_6 as nieuwbouw,
    SaldoVoorraad_21 as saldo,
    EindstandVoorraad_22 as eindstand,
    '86098NED' as source_table,
    {{ cbs_release_date('86098NED') }} as release_date
from {{ source('raw', 'cbs_86098ned') }}
where trim(Gebruiksfunctie) = 'A045364'
