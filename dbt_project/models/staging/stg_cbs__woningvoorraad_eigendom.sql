-- 82900NED: dwelling stock on 1 January by ownership (all dwellings, occupied or not).
{{ cbs_staged() }}
