-- 03759ned: population on 1 January (and average population) by sex, age and marital status.
-- Slices (sources/registry.py): in_totals (every sex, age and marital status), in_pyramid (men
-- and women by single year of age).
{{ cbs_staged() }}
