-- 86098NED (live mode; empty in the embedded snapshot): new build and stock of dwellings per
-- month and year. Months of the running year give the newest CBS new-build figures.
{{ cbs_staged() }}
