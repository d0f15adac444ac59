-- Young people with youth care (jeugdhulp, jeugdbescherming or jeugdreclassering), count and
-- %, years and half-years: 84134NED (2015–2020) and 85099NED (2021 on), one row per table ×
-- region × period. Both keep only their total category (slice totaal_jeugdzorg; in 84134NED
-- chosen by its title, its key being unknown offline).
{{ cbs_staged() }}
