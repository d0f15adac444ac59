-- Woondeal progress, one row per region × year 2022–2030: the woondeal chart (cumulative net
-- additions per region against the straight path to the target) is one query on this table.
-- Regions: the gemeenten of the woondeal regions, WD01/WD02 and the province of the deal.
-- Counting starts 1 January 2022; the province counts net additions (CBS SaldoVoorraad), new
-- build is shown apart. A year 86054NED does not have yet takes the net addition as the change
-- of the dwelling stock between two 1 Januaries (82550NED: 2024 from the stock of 1 January
-- 2025); `methode` says which, and the registry declares the change of table as a method
-- break. Beside the net figure, the gross additions as the province's woondeal monitor counts
-- them (new build, transformation and splitting, before demolition), from CBS's figures.
-- Targets are the latest version of seed woondeal_doelen; the original 2022 target stays
-- beside it. Years without CBS figures keep only the target and the path.
with doelen as (
    select region_code, doel, year(cast(telt_vanaf as date)) as eerste_jaar,
        year(cast(telt_tot_en_met as date)) as laatste_jaar, omschrijving
    from {{ ref('woondeal_doelen') }}
    where versie = (select max(versie) from {{ ref('woondeal_doelen') }})
),
oorspronkelijk as (
    select region_code, doel from {{ ref('woondeal_doelen') }}
    where versie = (select min(versie) from {{ ref('woondeal_doelen') }})
),
looptijd as (select min(eerste_jaar) as eerste_jaar, max(laatste_jaar) as laatste_jaar from doelen),
regions as (
    select region_code, region_name, region_level, woondeal_code
    from {{ ref('dim_region') }}
    where (woondeal_code is not null and region_level in ('gemeente', 'woondeal'))
       or region_code in (select region_code from doelen)
),
grid as (
    select r.*, jaar
    from regions r
    cross join looptijd l
    cross join range(l.eerste_jaar, l.laatste_jaar + 1) as t(jaar)
),
per_jaar as (
    select
        g.*,
        coalesce(m.saldo, nu.woningvoorraad - vorig.woningvoorraad) as netto_toevoeging,
        case when m.saldo is not null then 'saldo (' || m.source_table || ')'
             when nu.woningvoorraad - vorig.woningvoorraad is not null
             then 'voorraadverschil (' || nu.source_table || ')' end as methode,
        m.nieuwbouw,
        m.nieuwbouw + m.transformatie + m.woningsplitsing as bruto_toevoeging,
        case when m.saldo is not null then m.status else nu.status end as status,
        case when m.saldo is not null then m.source_table else nu.source_table end
            as source_table,
        case when m.saldo is not null then m.release_date else nu.release_date end
            as release_date
    from grid g
    left join {{ ref('woningvoorraad_mutaties') }} m
        on m.region_code = g.region_code and m.period = cast(g.jaar as varchar)
    left join {{ ref('woningvoorraad_per_jaar') }} vorig
        on vorig.region_code = g.region_code and vorig.period = cast(g.jaar as varchar)
    left join {{ ref('woningvoorraad_per_jaar') }} nu
        on nu.region_code = g.region_code and nu.period = cast(g.jaar + 1 as varchar)
),
realised as (
    select
        j.*,
        -- a cumulative total only when every year since the start has a figure
        case when count(j.netto_toevoeging) over w = j.jaar - l.eerste_jaar + 1
             then sum(j.netto_toevoeging) over w end as gerealiseerd_cumulatief,
        case when count(j.nieuwbouw) over w = j.jaar - l.eerste_jaar + 1
             then sum(j.nieuwbouw) over w end as nieuwbouw_cumulatief,
        case when count(j.bruto_toevoeging) over w = j.jaar - l.eerste_jaar + 1
             then sum(j.bruto_toevoeging) over w end as bruto_toevoeging_cumulatief,
        {{ cbs_status_from_rank('min(' ~ cbs_status_rank('j.status') ~ ') over w') }}
            as status_cumulatief,
        -- a total since the start holds every year's figure: it names every year's table
        array_to_string(list_sort(list_distinct(list(j.source_table) over w)), ', ')
            as source_table_cumulatief,
        -- and exists since the newest of their releases
        {{ cbs_release_of_rows('j.release_date', ' over w') }} as release_date_cumulatief
    from per_jaar j
    cross join looptijd l
    window w as (partition by j.region_code order by j.jaar)
)

select
    r.region_code,
    r.region_name,
    r.region_level,
    r.woondeal_code,
    r.jaar,
    r.netto_toevoeging,
    r.methode,
    r.nieuwbouw,
    r.bruto_toevoeging,
    r.gerealiseerd_cumulatief,
    r.nieuwbouw_cumulatief,
    r.bruto_toevoeging_cumulatief,
    d.doel,
    o.doel as doel_oorspronkelijk,
    d.omschrijving as doel_versie,
    -- where a straight line from 0 on 1 January of the first year to the target at the end of
    -- the last year stands at the end of this year
    d.doel * (r.jaar - d.eerste_jaar + 1) / (d.laatste_jaar - d.eerste_jaar + 1)
        as verwacht_lineair,
    100.0 * r.gerealiseerd_cumulatief / d.doel as voortgang_pct,
    -- homes a year needed from next year on to reach the target by the end of the last year
    case when r.jaar < d.laatste_jaar
         then (d.doel - r.gerealiseerd_cumulatief) / (d.laatste_jaar - r.jaar) end
        as benodigd_tempo,
    case when r.gerealiseerd_cumulatief is not null then r.status_cumulatief end as status,
    r.source_table,
    r.source_table_cumulatief,
    -- progress and pace divide the total since the start by the target: their sources are its
    -- CBS tables and the Woondeal, in the ', '-separated form indicator_values compares
    r.source_table_cumulatief || ', ' || d.omschrijving as voortgang_source_table,
    r.release_date,
    r.release_date_cumulatief
from realised r
left join doelen d using (region_code)
left join oorspronkelijk o using (region_code)
