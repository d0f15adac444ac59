-- Goods export per province and partner country from custom CBS files (partner 'Totaal' is the
-- province's total), one row per release × province × partner × year.
select * rename (waarde as export_goederen)
from ({{ custom_source_rows('export_partnerlanden', ['partnerland']) }})
