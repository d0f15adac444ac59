-- The labour market per gemeente, COROP region, province and Nederland and year (86088NED,
-- CBS's labour force survey, every person aged 15–75): labour force, unemployment and net
-- participation, as CBS estimates them. CBS publishes the counts in thousands: shown in persons,
-- so rounded to thousands. Survey estimates: gemeenten do not add up to their province, and
-- nothing is summed here.
select
    region_code,
    period,
    cast(round(beroepsbevolking_x1000 * 1000) as bigint) as beroepsbevolking,
    cast(round(werkzame_beroepsbevolking_x1000 * 1000) as bigint) as werkzame_beroepsbevolking,
    cast(round(werkloze_beroepsbevolking_x1000 * 1000) as bigint) as werkloze_beroepsbevolking,
    werkloosheid_pct,
    netto_arbeidsparticipatie_pct,
    status,
    source_table,
    release_date
from {{ ref('stg_cbs__arbeidsdeelname') }}
where period_type = 'jaar'
