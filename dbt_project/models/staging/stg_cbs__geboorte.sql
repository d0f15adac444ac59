-- 37201: live births and the total fertility rate per region and year.
{{ cbs_staged() }}
