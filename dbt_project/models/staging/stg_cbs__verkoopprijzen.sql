-- 85792NED (Nederland, landsdelen, provinces; years and quarters) and 85819NED (COROP regions,
-- quarters): existing owner-occupied dwellings sold, price index, average price. One row per
-- table × region × period; the two tables hold different regions.
{{ cbs_staged() }}
