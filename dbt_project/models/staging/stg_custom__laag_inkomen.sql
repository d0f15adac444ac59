-- Private households with an income below CBS's low-income threshold (at least one year), %,
-- from the StatLine exports kept as a custom CBS file; one row per release × region × year.
select * rename (waarde as laag_inkomen_huishoudens_pct)
from ({{ custom_source_rows('laag_inkomen') }})
