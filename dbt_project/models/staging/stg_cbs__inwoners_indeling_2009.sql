-- 80860ned: inhabitants of every gemeente 1999–2009 on the boundaries of 2009, rounded to tens
-- (CBS's archived table; not the same count as 03759ned's population on 1 January).
{{ cbs_staged() }}
