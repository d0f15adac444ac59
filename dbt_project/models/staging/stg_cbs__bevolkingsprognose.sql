-- 85171NED: the CBS/PBL regional population forecast 2023–2050 (regions of 2021), × 1,000.
-- Slice (sources/registry.py): every age and both sexes, chosen by title.
{{ cbs_staged() }}
