-- 84910NED: population on 1 January by sex, age, migration background and generation, every
-- gemeente 2010–2022. Slice (sources/registry.py): the totals of every breakdown.
{{ cbs_staged() }}
