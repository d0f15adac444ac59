-- 82550NED: dwelling stock on 1 January of the period year (all types, all construction years).
{{ cbs_staged() }}
