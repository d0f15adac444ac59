-- 85036NED: average WOZ value of all dwellings (slice alle_woningen, chosen by title), × 1,000
-- euro, every region level, per WOZ reference year.
{{ cbs_staged() }}
