-- Ageing per region and year, from the population pyramid's five-year groups (so from CBS
-- 03759ned or the Eurostat extract, whichever fed the pyramid): the shares aged 65+, 80+ and
-- under 20, the grey pressure (65+ per 100 aged 20–64) and the green pressure (under 20 per 100
-- aged 20–64), as CBS defines them, and double ageing (80+ as % of 65+). A year whose groups
-- are incomplete gives no figures: every group of both sexes must be present.
with per_year as (
    select
        region_code, period,
        count(*) as groepen,
        sum(personen) as bevolking,
        sum(personen) filter (where leeftijdsgroep_start >= 65) as leeftijd_65_plus,
        sum(personen) filter (where leeftijdsgroep_start >= 80) as leeftijd_80_plus,
        sum(personen) filter (where leeftijdsgroep_start < 20) as leeftijd_0_20,
        sum(personen) filter (where leeftijdsgroep_start between 20 and 60) as leeftijd_20_65,
        {{ cbs_status_from_rank('min(' ~ cbs_status_rank('status') ~ ')') }} as status,
        string_agg(distinct source_table, ', ' order by source_table) as source_table,
        max(release_date) as release_date
    from {{ ref('bevolking_piramide') }}
    group by region_code, period
)
select
    region_code,
    period,
    bevolking,
    leeftijd_65_plus,
    leeftijd_80_plus,
    leeftijd_0_20,
    leeftijd_20_65,
    100.0 * leeftijd_65_plus / bevolking as aandeel_65_plus_pct,
    100.0 * leeftijd_80_plus / bevolking as aandeel_80_plus_pct,
    100.0 * leeftijd_0_20 / bevolking as aandeel_jonger_dan_20_pct,
    100.0 * leeftijd_65_plus / leeftijd_20_65 as grijze_druk,
    100.0 * leeftijd_0_20 / leeftijd_20_65 as groene_druk,
    100.0 * leeftijd_80_plus / leeftijd_65_plus as dubbele_vergrijzing_pct,
    status,
    source_table,
    release_date
from per_year
-- 18 groups (0-4 … 80-84, 85+) × 2 sexes.
where groepen = 36
