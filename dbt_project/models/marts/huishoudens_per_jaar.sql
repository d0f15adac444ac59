-- Private households on 1 January per region and year (71486ned), gemeenten the snapshot's
-- 71486ned lacks from KWB, woondeal regions as COROP sums; with the share of one-person
-- households and inhabitants per private household.
with cbs as (
    select region_code, period, huishoudens_totaal, eenpersoonshuishoudens, status,
        source_table, release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__huishoudens') }}
    where period_type = 'jaar' and huishoudens_totaal is not null
),
kwb_fill as (
    {{ kwb_fill('cbs', ['huishoudens_totaal', 'eenpersoonshuishoudens']) }}
),
base as (select * from cbs union all select * from kwb_fill),
woondeal as (
    {{ woondeal_sums('base', ['huishoudens_totaal', 'eenpersoonshuishoudens']) }}
),
all_regions as (select * from base union all select * from woondeal)
select
    h.region_code,
    h.period,
    h.huishoudens_totaal,
    h.eenpersoonshuishoudens,
    100.0 * h.eenpersoonshuishoudens / h.huishoudens_totaal as eenpersoonshuishoudens_pct,
    b.bevolking,
    -- Inhabitants (including people in institutions) per private household: slightly above
    -- CBS's "gemiddelde huishoudensgrootte", which counts persons in private households only.
    b.bevolking / h.huishoudens_totaal as huishoudensgrootte_gemiddeld,
    h.status,
    h.source_table,
    h.release_date,
    h.method,
    {{ cbs_status_of_parts(['h.status', 'b.status']) }} as huishoudensgrootte_status,
    h.source_table || ', ' || b.source_table as huishoudensgrootte_source_table,
    {{ cbs_release_of_parts(['h.release_date', 'b.release_date']) }}
        as huishoudensgrootte_release_date
from all_regions h
left join {{ ref('bevolking_per_jaar') }} b using (region_code, period)
