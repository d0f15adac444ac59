-- Stock identity: begin stock + net change = end stock per region and year, within CBS's
-- rounding (figures rounded to multiples of 5; up to 25 seen for Nederland in 84903NED), except
-- boundary changes listed in the seed grenswijzigingen.
{{ config(store_failures=true) }}
select region_code, period, beginstand, saldo, eindstand, voorraadverschil, source_table
from {{ ref('woningvoorraad_mutaties') }}
where grenswijziging is null and abs(voorraadverschil) > 25
