-- Youth care in natura per region and period (years and half-years), % of young people:
-- 82972NED (2015–2020) and 85098NED (2021 on) one after the other (they do not overlap), each
-- row naming its table; indicator_values flags the change of table as a method break. Cells
-- CBS leaves empty (a share suppressed for a small gemeente, unknown values) stay null. A region
-- for which a table has no figure at all (the COROP regions in 82972NED: CBS publishes youth
-- care per gemeente, province and Nederland) gets no rows: rows of nulls only would look like
-- figures missing by accident; the export lists the region as not available.
select
    region_code, period, period_type, jeugdhulp_in_natura_pct, jeugdhulp_met_verblijf_pct,
    jeugdbescherming_pct, jeugdbescherming_met_verblijf_pct, jeugdreclassering_pct, status,
    source_table, release_date
from {{ ref('stg_cbs__jeugdhulp_indicatoren') }}
where period_type in ('jaar', 'halfjaar')
qualify count(coalesce(jeugdhulp_in_natura_pct, jeugdhulp_met_verblijf_pct, jeugdbescherming_pct,
        jeugdbescherming_met_verblijf_pct, jeugdreclassering_pct))
    over (partition by region_code, source_table) > 0
