-- 85173NED: the lower and upper bound of the forecast's 67 % interval (slices ondergrens and
-- bovengrens, chosen by title), × 1,000.
{{ cbs_staged() }}
