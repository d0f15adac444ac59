-- 37230ned: components of population change per region and year.
{{ cbs_staged() }}
