-- 86006NED (live mode; empty in the embedded snapshot): private households with an income below
-- CBS's low-income threshold for at least one year, % of private households. Its category keys
-- are not known offline: the slice chooses the three categories by the titles of the StatLine
-- exports (sources/registry.py).
{{ cbs_staged() }}
