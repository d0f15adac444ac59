-- Goods export per province from the custom CBS files, one row per release × province × year.
select * rename (waarde as export_goederen)
from ({{ custom_source_rows('export_provincies') }})
