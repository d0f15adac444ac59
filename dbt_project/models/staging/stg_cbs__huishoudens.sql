-- 71486ned: private households on 1 January of the period year (every age of the reference
-- person).
{{ cbs_staged() }}
