-- Dwelling stock mutations per calendar year from 84903NED (2012–2022) and its successor
-- 86054NED (2020 on), one row per table × region × year, each keeping its source table and its
-- place in the series (series_order). The successor renumbers four measures; the registry gives
-- both the same names. The mart woningvoorraad_mutaties stitches the two into one series.
select * from ({{ cbs_staged() }})
where period_type = 'jaar'
