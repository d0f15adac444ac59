-- The contract every indicator writes into: one row per indicator × region × period (×
-- categorie, e.g. the partner country, for the few indicators that have one).
-- A new indicator adds one entry to the list below (the mart and column it comes from) and one
-- row to seeds/indicator_definitions.csv (what it means); a test keeps the two in step.
-- `status` and `source` name other columns where a figure combines several tables; `nulls`
-- keeps the rows where CBS publishes a period but no value (suppressed or unknown): they stay
-- null, never zero. `method_break` marks the first period after a change of source table that
-- reference.reeksovergangen (from the registry's series links) declares a break; an undeclared
-- change leaves it null (a blocking check then names the rows).
{% set indicators = [
    {'id': 'bevolking_totaal', 'model': 'bevolking_per_jaar', 'value': 'bevolking'},
    {'id': 'bevolking_index_2002', 'model': 'bevolking_per_jaar', 'value': 'index_2002'},
    {'id': 'aandeel_65_plus_pct', 'model': 'bevolking_vergrijzing', 'value': 'aandeel_65_plus_pct'},
    {'id': 'aandeel_80_plus_pct', 'model': 'bevolking_vergrijzing', 'value': 'aandeel_80_plus_pct'},
    {'id': 'aandeel_jonger_dan_20_pct', 'model': 'bevolking_vergrijzing', 'value': 'aandeel_jonger_dan_20_pct'},
    {'id': 'grijze_druk', 'model': 'bevolking_vergrijzing', 'value': 'grijze_druk'},
    {'id': 'groene_druk', 'model': 'bevolking_vergrijzing', 'value': 'groene_druk'},
    {'id': 'dubbele_vergrijzing_pct', 'model': 'bevolking_vergrijzing', 'value': 'dubbele_vergrijzing_pct'},
    {'id': 'woningvoorraad', 'model': 'woningvoorraad_per_jaar', 'value': 'woningvoorraad'},
    {'id': 'woningvoorraad_koop_pct', 'model': 'woningvoorraad_eigendom', 'value': 'koop_pct'},
    {'id': 'woningvoorraad_corporatie_pct', 'model': 'woningvoorraad_eigendom', 'value': 'corporatie_pct'},
    {'id': 'woningvoorraad_overige_huur_pct', 'model': 'woningvoorraad_eigendom', 'value': 'overige_huur_pct'},
    {'id': 'huishoudens_totaal', 'model': 'huishoudens_per_jaar', 'value': 'huishoudens_totaal'},
    {'id': 'eenpersoonshuishoudens_pct', 'model': 'huishoudens_per_jaar', 'value': 'eenpersoonshuishoudens_pct'},
    {'id': 'huishoudensgrootte_gemiddeld', 'model': 'huishoudens_per_jaar', 'value': 'huishoudensgrootte_gemiddeld',
     'status': 'huishoudensgrootte_status', 'source': 'huishoudensgrootte_source_table'},
    {'id': 'nieuwbouw', 'model': 'woningvoorraad_mutaties', 'value': 'nieuwbouw'},
    {'id': 'netto_toevoeging', 'model': 'woningvoorraad_mutaties', 'value': 'saldo'},
    {'id': 'sloop', 'model': 'woningvoorraad_mutaties', 'value': 'sloop'},
    {'id': 'woningtekort_proxy', 'model': 'woningtekort', 'value': 'woningtekort_proxy'},
    {'id': 'woningtekort_proxy_pct', 'model': 'woningtekort', 'value': 'woningtekort_proxy_pct'},
    {'id': 'woningtekort_abf', 'model': 'woningtekort', 'value': 'woningtekort_abf',
     'status': "'n.v.t.'", 'source': 'woningtekort_abf_bron', 'release_date': 'null'},
    {'id': 'woningtekort_abf_pct', 'model': 'woningtekort', 'value': 'woningtekort_abf_pct',
     'status': "'n.v.t.'", 'source': 'woningtekort_abf_bron', 'release_date': 'null'},
    {'id': 'woondeal_gerealiseerd_cumulatief', 'model': 'woondeal_voortgang', 'value': 'gerealiseerd_cumulatief', 'period': 'jaar'},
    {'id': 'woondeal_nieuwbouw_cumulatief', 'model': 'woondeal_voortgang', 'value': 'nieuwbouw_cumulatief', 'period': 'jaar'},
    {'id': 'woondeal_bruto_toevoeging', 'model': 'woondeal_voortgang', 'value': 'bruto_toevoeging', 'period': 'jaar'},
    {'id': 'woondeal_bruto_toevoeging_cumulatief', 'model': 'woondeal_voortgang', 'value': 'bruto_toevoeging_cumulatief', 'period': 'jaar'},
    {'id': 'woondeal_voortgang_pct', 'model': 'woondeal_voortgang', 'value': 'voortgang_pct', 'period': 'jaar'},
    {'id': 'woondeal_benodigd_tempo', 'model': 'woondeal_voortgang', 'value': 'benodigd_tempo', 'period': 'jaar'},
    {'id': 'woondeal_doel', 'model': 'woondeal_voortgang', 'value': 'doel', 'period': 'jaar',
     'status': "'n.v.t.'", 'source': 'doel_versie', 'release_date': 'null',
     'where': 'gerealiseerd_cumulatief is not null'},
    {'id': 'woondeal_verwacht_lineair', 'model': 'woondeal_voortgang', 'value': 'verwacht_lineair', 'period': 'jaar',
     'status': "'n.v.t.'", 'source': 'doel_versie', 'release_date': 'null',
     'where': 'gerealiseerd_cumulatief is not null'},
    {'id': 'jeugdhulp_in_natura_pct', 'model': 'jeugdhulp_per_periode', 'value': 'jeugdhulp_in_natura_pct', 'period_type': 'period_type', 'nulls': true},
    {'id': 'jeugdhulp_met_verblijf_pct', 'model': 'jeugdhulp_per_periode', 'value': 'jeugdhulp_met_verblijf_pct', 'period_type': 'period_type', 'nulls': true},
    {'id': 'jeugdbescherming_pct', 'model': 'jeugdhulp_per_periode', 'value': 'jeugdbescherming_pct', 'period_type': 'period_type', 'nulls': true},
    {'id': 'jeugdreclassering_pct', 'model': 'jeugdhulp_per_periode', 'value': 'jeugdreclassering_pct', 'period_type': 'period_type', 'nulls': true},
    {'id': 'jongeren_met_jeugdzorg', 'model': 'jeugdzorg_per_periode', 'value': 'jongeren_met_jeugdzorg', 'period_type': 'period_type', 'nulls': true},
    {'id': 'laag_inkomen_huishoudens_pct', 'model': 'armoede_laag_inkomen', 'value': 'laag_inkomen_huishoudens_pct'},
    {'id': 'huishoudens_rond_sociaal_minimum_pct', 'model': 'armoede_sociaal_minimum', 'value': 'huishoudens_rond_sociaal_minimum_pct', 'nulls': true},
    {'id': 'export_goederen', 'model': 'export_per_provincie', 'value': 'export_goederen', 'nulls': true},
    {'id': 'export_goederen_groei_pct', 'model': 'export_per_provincie', 'value': 'groei_pct'},
    {'id': 'export_goederen_aandeel_pct', 'model': 'export_per_provincie', 'value': 'aandeel_pct'},
    {'id': 'export_aandeel_partner_pct', 'model': 'export_partnerlanden', 'value': 'aandeel_pct', 'categorie': 'partnerland'},
    {'id': 'export_aandeel_partner_referentie_pct', 'model': 'export_partners_referentie', 'value': 'aandeel_pct',
     'categorie': 'partnerland', 'status': "'n.v.t.'", 'source': 'bron', 'release_date': 'null'},
    {'id': 'geboorten', 'model': 'bevolking_geboorte', 'value': 'levend_geborenen'},
    {'id': 'kindertal_per_vrouw', 'model': 'bevolking_geboorte', 'value': 'kindertal_per_vrouw'},
    {'id': 'bevolkingsprognose', 'model': 'bevolking_prognose', 'value': 'bevolking_prognose'},
    {'id': 'bevolkingsprognose_ondergrens', 'model': 'bevolking_prognose', 'value': 'ondergrens',
     'source': 'interval_source_table', 'release_date': 'interval_release_date'},
    {'id': 'bevolkingsprognose_bovengrens', 'model': 'bevolking_prognose', 'value': 'bovengrens',
     'source': 'interval_source_table', 'release_date': 'interval_release_date'},
    {'id': 'verkoopprijs_gemiddeld', 'model': 'woningmarkt_verkoopprijzen', 'value': 'gemiddelde_verkoopprijs', 'period_type': 'period_type'},
    {'id': 'prijsindex_koopwoningen', 'model': 'woningmarkt_verkoopprijzen', 'value': 'prijsindex', 'period_type': 'period_type'},
    {'id': 'prijsontwikkeling_koopwoningen_pct', 'model': 'woningmarkt_verkoopprijzen', 'value': 'prijsontwikkeling_jaar_pct', 'period_type': 'period_type'},
    {'id': 'verkochte_woningen', 'model': 'woningmarkt_verkoopprijzen', 'value': 'verkochte_woningen', 'period_type': 'period_type'},
    {'id': 'woz_waarde_gemiddeld', 'model': 'woningmarkt_woz', 'value': 'woz_waarde_gemiddeld'},
    {'id': 'huurverhoging_pct', 'model': 'woningmarkt_huurverhoging', 'value': 'huurverhoging_pct'},
    {'id': 'jeugdzorg_kosten', 'model': 'jeugdzorg_kosten', 'value': 'gerealiseerde_kosten_mln_euro', 'nulls': true},
    {'id': 'jeugdzorg_kosten_per_inwoner', 'model': 'jeugdzorg_kosten', 'value': 'gerealiseerde_kosten_per_inwoner', 'nulls': true},
    {'id': 'afstand_huisartsenpraktijk', 'model': 'bereikbaarheid_voorzieningen', 'value': 'afstand_huisartsenpraktijk'},
    {'id': 'afstand_ziekenhuis', 'model': 'bereikbaarheid_voorzieningen', 'value': 'afstand_ziekenhuis'},
    {'id': 'afstand_basisschool', 'model': 'bereikbaarheid_voorzieningen', 'value': 'afstand_basisschool'},
    {'id': 'afstand_oprit_hoofdverkeersweg', 'model': 'bereikbaarheid_voorzieningen', 'value': 'afstand_oprit_hoofdverkeersweg'},
    {'id': 'afstand_treinstation', 'model': 'bereikbaarheid_voorzieningen', 'value': 'afstand_treinstation'},
    {'id': 'reisafstand_per_dag', 'model': 'bereikbaarheid_reizen', 'value': 'km_per_dag'},
    {'id': 'reisafstand_autobestuurder_per_dag', 'model': 'bereikbaarheid_reizen', 'value': 'km_per_dag_autobestuurder'},
    {'id': 'reisafstand_woon_werk_per_dag', 'model': 'bereikbaarheid_reizen', 'value': 'km_per_dag_woon_werk'},
    {'id': 'personenautos_per_1000_inwoners', 'model': 'bereikbaarheid_personenautos', 'value': 'personenautos_per_1000_inwoners'},
    {'id': 'bbp_mln_euro', 'model': 'economie_per_jaar', 'value': 'bbp_mln_euro'},
    {'id': 'bbp_per_inwoner', 'model': 'economie_per_jaar', 'value': 'bbp_per_inwoner'},
    {'id': 'economische_groei_pct', 'model': 'economie_per_jaar', 'value': 'bbp_volumegroei_pct'},
    {'id': 'werkzame_personen', 'model': 'economie_per_jaar', 'value': 'werkzame_personen'},
    {'id': 'toegevoegde_waarde_groei_pct', 'model': 'economie_groei_per_bedrijfstak', 'value': 'toegevoegde_waarde_groei_pct', 'categorie': 'bedrijfstak'},
    {'id': 'beschikbaar_inkomen_per_inwoner', 'model': 'economie_inkomen_huishoudens', 'value': 'beschikbaar_inkomen_per_inwoner'},
    {'id': 'beroepsbevolking', 'model': 'arbeid_per_jaar', 'value': 'beroepsbevolking'},
    {'id': 'werkloosheid_pct', 'model': 'arbeid_per_jaar', 'value': 'werkloosheid_pct'},
    {'id': 'netto_arbeidsparticipatie_pct', 'model': 'arbeid_per_jaar', 'value': 'netto_arbeidsparticipatie_pct'},
] %}
{#- The KWB gemeente themes: one row kind each in kerncijfers_gemeenten. -#}
{% for kenmerk in kwb_themes() %}
    {% do indicators.append({'id': kenmerk, 'model': 'kerncijfers_gemeenten', 'value': 'value',
                             'where': "kenmerk = '" ~ kenmerk ~ "'", 'nulls': true}) %}
{% endfor %}
with all_indicators as (
{% for i in indicators %}
    select
        '{{ i.id }}' as indicator_id,
        region_code,
        {{ i.get('categorie', 'null') }} as categorie,
        cast({{ i.get('period', 'period') }} as varchar) as period,
        {{ i.get('period_type', "'jaar'") }} as period_type,
        {{ i.value }} as value,
        {{ i.get('status', 'status') }} as status,
        {{ i.get('source', 'source_table') }} as source_table,
        {{ i.get('release_date', 'release_date') }} as release_date
    from {{ ref(i.model) }}
    where {{ 'true' if i.nulls else i.value ~ ' is not null' }}{% if i.where %} and {{ i.where }}{% endif %}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
),
sequenced as (
    select *, lag(source_table) over (
        partition by indicator_id, region_code, categorie, period_type order by period)
        as previous_source
    from all_indicators
),
-- A change of source (compared table by table where a figure combines tables) is either the
-- same statistic continued or a method break, as declared in reference.reeksovergangen (generated from the registry's series links).
source_changes as (
    select indicator_id, region_code, categorie, period_type, period,
        unnest(string_split(previous_source, ', ')) as van_tabel,
        unnest(string_split(source_table, ', ')) as naar_tabel
    from sequenced
    where previous_source <> source_table
),
judged as (
    select c.indicator_id, c.region_code, c.categorie, c.period_type, c.period,
        case when bool_and(c.van_tabel = c.naar_tabel or o.van_tabel is not null)
             then bool_or(not o.zelfde_definitie) end as method_break
    from source_changes c
    left join {{ ref('reeksovergangen') }} o using (van_tabel, naar_tabel)
    group by all
)
select
    i.indicator_id,
    i.region_code,
    r.region_name,
    r.region_level,
    i.categorie,
    i.period,
    i.period_type,
    cast(i.value as double) as value,
    c.unit,
    i.status,
    i.source_table,
    cast(i.release_date as date) as release_date,
    case when i.previous_source is null or i.previous_source = i.source_table then false
         else j.method_break end as method_break
from sequenced i
join {{ ref('indicator_catalog') }} c using (indicator_id)
left join {{ ref('dim_region') }} r using (region_code)
left join judged j
    on j.indicator_id = i.indicator_id and j.region_code = i.region_code
    and j.categorie is not distinct from i.categorie and j.period_type = i.period_type
    and j.period = i.period
