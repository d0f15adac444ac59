-- 83625NED: the average sale price of existing owner-occupied dwellings per year for
-- Nederland, provinces and gemeenten (no index, no number sold). Its Nederland and province
-- rows equal 85792NED's; the mart takes only the regions 85792NED and 85819NED do not hold.
{{ cbs_staged() }}
