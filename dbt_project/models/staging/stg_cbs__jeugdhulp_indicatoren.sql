-- Youth care in natura (% of young people) from 82972NED (2015–2020) and 85098NED (2021 on),
-- years and half-years, one row per table × region × period, each keeping its source table.
-- CBS leaves suppressed and unknown cells null (COROP rows are suppressed): they stay null.
{{ cbs_staged() }}
