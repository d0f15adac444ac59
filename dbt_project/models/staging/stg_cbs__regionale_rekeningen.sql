-- 85924NED: GDP, its volume growth and persons in work per province and COROP region
-- (regional accounts), one row per region × year.
{{ cbs_staged() }}
