-- 03759ned: population on 1 January (and average population) by sex, age, marital status.
select
    trim(b.Geslacht) as geslacht_code,
    trim(b.Leeftijd) as leeftijd_code,
    leeftijd.title as leeftijd_title,
    trim(b.BurgerlijkeStaat) as burgerlijke_staat_code,
    {{ cbs_region_period_columns('03759ned', 'b.RegioS', 'b.Perioden') }},
    b.BevolkingOp1Januari_1 as bevolking_1_januari,
    b.GemiddeldeBevolking_2 as gemiddelde_bevolking,
    '03759ned' as source_table,
    {{ cbs_release_date('03759ned') }} as release_date
from {{ source('raw', 'cbs_03759ned') }} b
left join {{ source('cbs_metadata', 'cbs_dimension_categories') }} leeftijd
    on leeftijd.table_id = '03759ned' and leeftijd.dimension = 'Leeftijd'
    and leeftijd.key = b.Leeftijd
