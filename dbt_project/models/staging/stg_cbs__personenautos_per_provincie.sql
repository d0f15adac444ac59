-- 85237NED: active passenger cars on 1 January, all construction years; Nederland and the
-- provinces are columns of the table, turned into rows by cbs_staged (registry: region_columns).
{{ cbs_staged() }}
