-- Population pyramid: men and women by five-year age group (0-4 … 80-84 and the open top
-- group 85+), counts and % of the region's total, per region and year. Two sources, one shape:
--   * CBS 03759ned, single years of age (live mode: the focus province and Nederland), grouped
--     here. Only single years ("N jaar", "105 jaar of ouder") are summed: "95 jaar of ouder" and
--     CBS's own age groups would double count;
--   * Eurostat demo_r_pjangroup (custom file, latest release: CBS's figures as supplied to
--     Eurostat, Overijssel and Nederland 1990–2024), already in these groups.
-- Where 03759ned has a region and year it wins for that whole year, so the groups of one year
-- never mix sources; `source_table` says which was used. The top group is 85+ because
-- Eurostat's is; a test holds every row to these groups.
{% set top_group_start = 85 %}
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
cbs as (
    select region_code, period, geslacht,
        least(floor(leeftijd / 5) * 5, {{ top_group_start }})::integer as leeftijdsgroep_start,
        sum(personen) as personen, any_value(status) as status,
        any_value(source_table) as source_table, max(release_date) as release_date
    from single_years
    group by all
),
eurostat as (
    select e.region_code, e.period, e.geslacht,
        cast(regexp_extract(e.leeftijdsgroep, '^\d+') as integer) as leeftijdsgroep_start,
        e.personen, e.status, e.source_table, e.release_date
    from {{ ref('stg_custom__bevolking_leeftijdsgroepen') }} e
    where not exists (
        select 1 from cbs c where c.region_code = e.region_code and c.period = e.period)
    qualify e.release = max(e.release) over ()
),
combined as (
    select * from cbs
    union all by name
    select * from eurostat
)
select
    region_code, period, geslacht,
    case when leeftijdsgroep_start = {{ top_group_start }} then '{{ top_group_start }}+'
         else leeftijdsgroep_start || '-' || (leeftijdsgroep_start + 4) end as leeftijdsgroep,
    leeftijdsgroep_start,
    personen,
    100.0 * personen / sum(personen) over (partition by region_code, period) as aandeel_pct,
    status, source_table, release_date
from combined
