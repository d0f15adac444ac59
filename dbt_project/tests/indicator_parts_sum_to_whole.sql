-- Parts sum to their whole where every part is present: gemeenten to their COROP region,
-- woondeal region and province, COROP regions to the province (focus province; dwellings sold
-- per quarter too). Each failing row names the parts' and the whole's CBS tables. Flows from
-- 84903NED/86054NED are rounded by CBS to multiples of 5 (≤ 2.5 off per figure), the woondeal
-- cumulations add that up per year since 2022. Rows: the whole, the period, the difference,
-- and the parts to look at first: those whose change since their previous period is largest
-- (a part typed wrong or moved to another region jumps; the others change as usual).
-- Parts from a table the registry declares another count than the whole's (a series link with
-- zelfde_definitie false, e.g. 80860ned's inhabitants on the boundaries of 2009 beside
-- 03759ned's COROP regions) are not summed against it: they need not add up.
{{ config(store_failures=true, meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
{#- Which indicators add up: `parts_add_up` in lifecycle/indicators.yaml. -#}
{% set additive = parts_add_up() %}
with links as (
    select r.region_code, r.region_level as part_level, parent.code as whole_code
    from {{ ref('dim_region') }} r
    cross join unnest(case r.region_level
        when 'gemeente' then [r.corop_code, r.woondeal_code, r.provincie_code]
        when 'corop' then [r.provincie_code] end) as parent(code)
    where r.provincie_code = '{{ focus_province() }}' and parent.code is not null
),
expected as (
    select whole_code, part_level, count(*) as n_expected from links group by all
),
sums as (
    select v.indicator_id, l.whole_code, l.part_level, v.period,
        sum(v.value) as parts_sum, count(*) as n_parts
    from {{ ref('indicator_values') }} v join links l using (region_code)
    where v.indicator_id in {{ sql_list(additive) }}
    group by all
),
part_tables as (
    select v.indicator_id, l.whole_code, l.part_level, v.period,
        unnest(string_split(v.source_table, ', ')) as tabel
    from {{ ref('indicator_values') }} v join links l using (region_code)
    where v.indicator_id in {{ sql_list(additive) }}
),
other_counts as (
    select van_tabel as tabel, naar_tabel as other_tabel
    from {{ ref('reeksovergangen') }} where not zelfde_definitie
    union
    select naar_tabel, van_tabel from {{ ref('reeksovergangen') }} where not zelfde_definitie
),
compared as (
    select s.indicator_id, s.whole_code as region_code, s.part_level, s.period,
        s.parts_sum, w.value as whole_value, s.parts_sum - w.value as difference,
        w.source_table as whole_source_table,
        case
            when s.indicator_id in {{ sql_list(rounded_flows()) }} then 2.5 * (s.n_parts + 1)
            when s.indicator_id like 'woondeal_%'
                then 2.5 * (s.n_parts + 1) * (cast(s.period as integer) - 2021)
            else 0 end as rounding
    from sums s
    join expected e using (whole_code, part_level)
    join {{ ref('indicator_values') }} w on w.indicator_id = s.indicator_id
        and w.region_code = s.whole_code and w.period = s.period
    where s.n_parts = e.n_expected
      and not exists (
          select 1 from part_tables t join other_counts o using (tabel)
          where t.indicator_id = s.indicator_id and t.whole_code = s.whole_code
            and t.part_level = s.part_level and t.period = s.period
            and o.other_tabel in (select unnest(string_split(w.source_table, ', '))))
),
failing as (
    select * from compared where abs(difference) > rounding
),
previous as (
    select indicator_id, region_code, region_name, period, value, source_table,
        lag(period) over series as previous_period,
        lag(value) over series as previous_value
    from {{ ref('indicator_values') }}
    where indicator_id in {{ sql_list(additive) }}
    window series as (partition by indicator_id, region_code, categorie, period_type
        order by period)
),
parts as (
    select f.indicator_id, f.region_code, f.period, f.part_level,
        array_to_string(list(
            p.region_code || ' ' || p.region_name || ': '
            || coalesce(
                (case when p.value >= p.previous_value then '+' else '' end)
                || cast(round(p.value - p.previous_value) as bigint) || ' since '
                || p.previous_period,
                'no previous period')
            order by abs(p.value - p.previous_value) / nullif(abs(p.previous_value), 0)
                desc nulls last)[1:3], '; ') as largest_changes_among_parts,
        array_to_string(list(distinct p.source_table order by p.source_table), ', ')
            as parts_source_tables
    from failing f
    join links l on l.whole_code = f.region_code and l.part_level = f.part_level
    join previous p on p.indicator_id = f.indicator_id and p.region_code = l.region_code
        and p.period = f.period
    group by all
)
select f.*, p.parts_source_tables, p.largest_changes_among_parts,
    case when p.parts_source_tables = f.whole_source_table
        then 'check these parts in their CBS table (raw.cbs_<id>); a change of boundaries is '
            || 'declared in reference.grenswijzigingen'
        -- Two CBS tables, published apart: they can disagree in a period one of them revised.
        else 'the parts come from ' || p.parts_source_tables || ', the whole from '
            || f.whole_source_table || ': check these parts in their CBS tables and compare '
            || 'the tables for this period (CBS may have revised one without the other); a '
            || 'change of boundaries is declared in reference.grenswijzigingen' end as what_to_do
from failing f
left join parts p using (indicator_id, region_code, period, part_level)
