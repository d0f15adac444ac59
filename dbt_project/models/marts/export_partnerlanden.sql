-- Share of each partner country in goods export, per region and year: provinces from the
-- latest release of the custom partner files (against the province's 'Totaal' row), Nederland
-- from 85427NED (live mode, against its all-countries total). Empty until a partner file or
-- live CBS data is there.
with provinces as (
    select p.region_code, p.partnerland, p.period, p.export_goederen, t.export_goederen as totaal,
        p.status, p.source_table, p.release_date
    from {{ ref('stg_custom__export_partnerlanden') }} p
    join {{ ref('stg_custom__export_partnerlanden') }} t
        on t.region_code = p.region_code and t.period = p.period and t.release = p.release
        and t.partnerland = 'Totaal'
    where p.partnerland <> 'Totaal'
    qualify p.release = max(p.release) over ()
),
nederland as (
    select 'NL01' as region_code, c.land as partnerland, c.period, c.export_goederen,
        t.export_goederen as totaal, c.status, c.source_table, c.release_date
    from {{ ref('stg_cbs__goederenhandel_landen') }} c
    join {{ ref('stg_cbs__goederenhandel_landen') }} t
        on t.period = c.period and t.land like 'Totaal%'
    where c.period_type = 'jaar' and c.land not like 'Totaal%'
)
select *, 100.0 * export_goederen / totaal as aandeel_pct
from (select * from provinces union all select * from nederland)
