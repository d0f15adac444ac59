-- 84710NED: trips and km per person per day (inhabitants aged 6 or older), per region and
-- year; slices alle_verplaatsingen, als_autobestuurder and woon_werk (chosen by title).
{{ cbs_staged() }}
