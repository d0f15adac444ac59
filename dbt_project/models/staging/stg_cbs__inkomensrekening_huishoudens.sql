-- 85927NED: net disposable income of households per province (regional accounts), one row
-- per region × year.
{{ cbs_staged() }}
