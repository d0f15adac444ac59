-- Goods export per province and year from the latest release of the custom CBS files: the
-- value (€ million), growth on the year before, the share of the provinces' total and the rank.
-- The total is the sum of the provinces with a published figure: Flevoland is withheld by CBS
-- (status 'geheim'), so the shares are of the total without Flevoland. A withheld value stays
-- null, gets no rank and no share.
with latest as (
    select * from {{ ref('stg_custom__export_provincies') }}
    qualify release = max(release) over ()
),
totals as (
    select period, sum(export_goederen) as totaal_provincies,
        count(export_goederen) as provincies_met_cijfer
    from latest group by period
)
select
    l.region_code,
    l.period,
    l.period_type,
    l.export_goederen,
    100.0 * (l.export_goederen / lag(l.export_goederen) over w - 1) as groei_pct,
    100.0 * l.export_goederen / t.totaal_provincies as aandeel_pct,
    t.totaal_provincies,
    t.provincies_met_cijfer,
    case when l.export_goederen is not null then rank() over (
        partition by l.period, l.export_goederen is null order by l.export_goederen desc) end
        as rang,
    l.status,
    l.release,
    l.source_table,
    l.release_date
from latest l
join totals t using (period)
window w as (partition by l.region_code order by l.period)
