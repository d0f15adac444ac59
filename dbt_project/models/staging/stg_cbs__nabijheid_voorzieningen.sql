-- 80305ned: average road distance to the nearest GP practice, hospital, primary school,
-- motorway access and railway station, per region and year.
{{ cbs_staged() }}
