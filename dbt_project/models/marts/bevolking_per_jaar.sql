-- Population on 1 January per region and year, with the growth index 2002 = 100.
-- One figure per region and year, from the first source that has it (`priority`):
--   1. CBS 03759ned, the population on 1 January;
--   2. CBS 84910NED (2010–2022) and then 85644NED (2014 on), the same count for every gemeente
--      (the snapshot's 03759ned stops at gemeenten after "Ga…"; in 2014 the two differ by a
--      few persons in some regions, and 84910NED agrees with 03759ned);
--   3. CBS 80860ned, the inhabitants 1999–2009 of the gemeenten 03759ned lacks, on the
--      boundaries of 2009 and rounded to tens: another count, so the step to 2010 is a
--      declared method break (sources/registry.py);
--   4. KWB, for the gemeenten (and years) none of these have (kwb_fill);
--   5. 37230ned, the population at the start of January, for a year CBS has not yet published
--      in 03759ned (1 January 2025): the same BRP count, provisional;
--   6. Gebieden in Nederland, each gemeente's provisional inhabitants on 1 January of the
--      edition year, for gemeenten the warehouse holds a population series for.
-- `source_table` and `method` say which one was used; nothing is interpolated.
with cbs_totals as (
    select region_code, period, bevolking_1_januari as bevolking, status, source_table,
        release_date, 'CBS-cijfer' as method
    from {{ ref('stg_cbs__bevolking') }}
    where in_totals and period_type = 'jaar'
      and bevolking_1_januari is not null
),
every_gemeente as (
    select region_code, period, bevolking_1_januari as bevolking, status, source_table,
        release_date, 'CBS-cijfer' as method,
        case source_table when '84910NED' then 1 else 2 end as table_order
    from {{ ref('stg_cbs__bevolking_migratieachtergrond') }}
    where period_type = 'jaar' and bevolking_1_januari is not null
    union all
    select region_code, period, bevolking_1_januari, status, source_table, release_date,
        'CBS-cijfer', 2
    from {{ ref('stg_cbs__bevolking_nationaliteit') }}
    where period_type = 'jaar' and bevolking_1_januari is not null
),
indeling_2009 as (
    select region_code, period, inwoners as bevolking, status, source_table, release_date,
        'CBS-cijfer (indeling 2009, afgerond op tientallen)' as method
    from {{ ref('stg_cbs__inwoners_indeling_2009') }}
    where period_type = 'jaar' and inwoners is not null
),
kwb_fill as (
    {{ kwb_fill('cbs_totals', ['bevolking_totaal']) }}
),
start_of_january as (
    select region_code, substr(period, 1, 4) as period, bevolking_begin as bevolking, status,
        source_table, release_date, 'CBS-cijfer (begin januari)' as method
    from {{ ref('stg_cbs__bevolkingsontwikkeling') }}
    where period_type = 'maand' and period like '%M01' and bevolking_begin is not null
),
held as (
    select region_code from cbs_totals
    union select region_code from every_gemeente
    union select region_code from kwb_fill
),
gebieden as (
    select g.gemeente_code as region_code, cast(g.edition_year as varchar) as period,
        g.inwonertal as bevolking, g.status, g.source_table, g.release_date,
        'CBS-cijfer (Gebieden in Nederland)' as method
    from {{ ref('stg_cbs__gebieden') }} g
    where g.inwonertal is not null and g.gemeente_code in (select region_code from held)
),
candidates as (
    select *, 1 as priority from cbs_totals
    union all select * exclude (table_order), 1 + table_order from every_gemeente
    union all select *, 4 from indeling_2009
    union all select *, 5 from kwb_fill
    union all select *, 6 from start_of_january
    union all select *, 7 from gebieden
),
base as (
    select * exclude (priority) from candidates
    qualify row_number() over (partition by region_code, period order by priority) = 1
),
woondeal as (
    {{ woondeal_sums('base', ['bevolking']) }}
),
all_regions as (select * from base union all select * from woondeal)
select
    a.region_code,
    a.period,
    a.bevolking,
    100.0 * a.bevolking / base_2002.bevolking as index_2002,
    a.status,
    a.source_table,
    a.release_date,
    a.method
from all_regions a
left join all_regions base_2002
    on base_2002.region_code = a.region_code and base_2002.period = '2002'
