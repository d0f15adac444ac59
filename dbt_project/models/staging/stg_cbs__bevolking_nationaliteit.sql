-- 85644NED: population on 1 January by sex, age and nationality, every gemeente 2014 on.
-- Slice (sources/registry.py): the totals of every breakdown.
{{ cbs_staged() }}
