-- Population on 1 January by sex and five-year age group from Eurostat's demo_r_pjangroup
-- (custom file bevolking_leeftijdsgroepen: CBS's figures as CBS supplies them to Eurostat),
-- one row per release × region × year × sex × age group.
select * rename (waarde as personen)
from ({{ custom_source_rows('bevolking_leeftijdsgroepen', ['geslacht', 'leeftijdsgroep']) }})
