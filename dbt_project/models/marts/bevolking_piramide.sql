-- Population pyramid: men and women by 5-year age band (0-4 … 95+), counts and % of the
-- region's total, from 03759ned single years of age. Only aggregates by single year ("N jaar",
-- "105 jaar of ouder") are summed: "95 jaar of ouder" and 5-year groups would double count.
-- The embedded snapshot has no sex × age detail, so this table is empty in snapshot mode;
-- live CBS fills it for the focus province (slice `pyramid` in sources/registry.py).
with single_years as (
    select
        region_code, period,
        lower(geslacht_title) as geslacht,
        cast(regexp_extract(leeftijd_title, '^(\d+) jaar', 1) as integer) as leeftijd,
        bevolking_1_januari as personen, status, source_table, release_date
    from {{ ref('stg_cbs__bevolking') }}
    where in_pyramid and period_type = 'jaar'
      and (regexp_full_match(leeftijd_title, '\d+ jaar') or leeftijd_title = '105 jaar of ouder')
),
banded as (
    select region_code, period, geslacht,
        least(floor(leeftijd / 5) * 5, 95)::integer as leeftijdsgroep_start,
        sum(personen) as personen, any_value(status) as status,
        any_value(source_table) as source_table, max(release_date) as release_date
    from single_years
    group by all
)
select
    region_code, period, geslacht,
    case when leeftijdsgroep_start = 95 then '95+'
         else leeftijdsgroep_start || '-' || (leeftijdsgroep_start + 4) end as leeftijdsgroep,
    leeftijdsgroep_start,
    personen,
    100.0 * personen / sum(personen) over (partition by region_code, period) as aandeel_pct,
    status, source_table, release_date
from banded
