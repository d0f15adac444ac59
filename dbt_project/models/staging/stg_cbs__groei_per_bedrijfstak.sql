-- 85926NED: volume change of gross value added per sector, region and year; one slice per
-- sector (chosen by title): in_alle_activiteiten, in_landbouw, in_delfstoffenwinning,
-- in_nijverheid_en_energie, in_industrie.
{{ cbs_staged() }}
