-- 83454NED: what each gemeente spent on youth care (total youth care, chosen by title), × 1,000
-- euro and per inhabitant, per year.
{{ cbs_staged() }}
