-- 85235NED: active passenger cars on 1 January, total and per 1,000 inhabitants.
{{ cbs_staged() }}
