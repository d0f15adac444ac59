-- The housing shortage, two different things side by side and never under each other's name:
-- * our CBS proxy: private households minus dwellings on 1 January (absolute and % of the
--   stock) — indicative only: it ignores vacancy, hidden households (people who would form a
--   household of their own), households living in non-dwellings, and second homes;
-- * the ABF statistisch woningtekort, a reference figure published by others (seed
--   woningtekort_abf), which cannot be reproduced from open CBS tables.
with proxy as (
    select
        h.region_code,
        h.period,
        h.huishoudens_totaal as huishoudens,
        v.woningvoorraad,
        h.huishoudens_totaal - v.woningvoorraad as woningtekort_proxy,
        100.0 * (h.huishoudens_totaal - v.woningvoorraad) / v.woningvoorraad
            as woningtekort_proxy_pct,
        {{ cbs_status_of_parts(['h.status', 'v.status']) }} as status,
        h.source_table || ', ' || v.source_table as source_table,
        {{ cbs_release_of_parts(['h.release_date', 'v.release_date']) }} as release_date
    from {{ ref('huishoudens_per_jaar') }} h
    join {{ ref('woningvoorraad_per_jaar') }} v using (region_code, period)
)
select
    coalesce(p.region_code, abf.region_code) as region_code,
    coalesce(p.period, abf.period) as period,
    p.huishoudens,
    p.woningvoorraad,
    p.woningtekort_proxy,
    p.woningtekort_proxy_pct,
    p.status,
    p.source_table,
    p.release_date,
    abf.woningtekort as woningtekort_abf,
    abf.woningtekort_pct as woningtekort_abf_pct,
    abf.bron as woningtekort_abf_bron
from proxy p
full outer join {{ ref('woningtekort_abf') }} abf using (region_code, period)
