-- Dwelling stock on 1 January by ownership (82900NED), counts and shares of the stock;
-- woondeal regions as the sum of their COROP regions. The shares leave out "eigendom onbekend",
-- so they add up to a little under 100%.
with cbs as (
    select region_code, period, woningvoorraad, koopwoningen, corporatiewoningen,
        overige_huurwoningen, eigendom_onbekend, status, source_table, release_date,
        'CBS-cijfer' as method
    from {{ ref('stg_cbs__woningvoorraad_eigendom') }}
    where period_type = 'jaar' and woningvoorraad is not null
),
woondeal as (
    {{ woondeal_sums('cbs', ['woningvoorraad', 'koopwoningen', 'corporatiewoningen',
                             'overige_huurwoningen', 'eigendom_onbekend']) }}
),
all_regions as (select * from cbs union all select * from woondeal)
select
    region_code,
    period,
    woningvoorraad,
    koopwoningen,
    corporatiewoningen,
    overige_huurwoningen,
    eigendom_onbekend,
    100.0 * koopwoningen / woningvoorraad as koop_pct,
    100.0 * corporatiewoningen / woningvoorraad as corporatie_pct,
    100.0 * overige_huurwoningen / woningvoorraad as overige_huur_pct,
    status,
    source_table,
    release_date,
    method
from all_regions
