-- 86088NED: labour force, unemployment and net participation per gemeente, COROP region,
-- province and Nederland (labour force survey), one row per region × year. Slice
-- (sources/registry.py): every person together, chosen by its title "Totaal personen".
{{ cbs_staged() }}
