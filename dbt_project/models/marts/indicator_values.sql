-- The contract every indicator writes into: one row per indicator × region × period.
-- A new indicator adds one entry to the list below (the mart and column it comes from) and one
-- row to seeds/indicator_definitions.csv (what it means); a test keeps the two in step.
-- `status` and `source` name other columns where a figure combines several tables.
{% set indicators = [
    {'id': 'bevolking_totaal', 'model': 'bevolking_per_jaar', 'value': 'bevolking'},
    {'id': 'bevolking_index_2002', 'model': 'bevolking_per_jaar', 'value': 'index_2002'},
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
    {'id': 'woondeal_voortgang_pct', 'model': 'woondeal_voortgang', 'value': 'voortgang_pct', 'period': 'jaar'},
    {'id': 'woondeal_benodigd_tempo', 'model': 'woondeal_voortgang', 'value': 'benodigd_tempo', 'period': 'jaar'},
    {'id': 'woondeal_doel', 'model': 'woondeal_voortgang', 'value': 'doel', 'period': 'jaar',
     'status': "'n.v.t.'", 'source': 'doel_versie', 'release_date': 'null',
     'where': 'gerealiseerd_cumulatief is not null'},
    {'id': 'woondeal_verwacht_lineair', 'model': 'woondeal_voortgang', 'value': 'verwacht_lineair', 'period': 'jaar',
     'status': "'n.v.t.'", 'source': 'doel_versie', 'release_date': 'null',
     'where': 'gerealiseerd_cumulatief is not null'},
] %}
with all_indicators as (
{% for i in indicators %}
    select
        '{{ i.id }}' as indicator_id,
        region_code,
        cast({{ i.get('period', 'period') }} as varchar) as period,
        'jaar' as period_type,
        {{ i.value }} as value,
        {{ i.get('status', 'status') }} as status,
        {{ i.get('source', 'source_table') }} as source_table,
        {{ i.get('release_date', 'release_date') }} as release_date
    from {{ ref(i.model) }}
    where {{ i.value }} is not null{% if i.where %} and {{ i.where }}{% endif %}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
)
select
    i.indicator_id,
    i.region_code,
    r.region_name,
    r.region_level,
    i.period,
    i.period_type,
    cast(i.value as double) as value,
    c.unit,
    i.status,
    i.source_table,
    cast(i.release_date as date) as release_date
from all_indicators i
join {{ ref('indicator_catalog') }} c using (indicator_id)
left join {{ ref('dim_region') }} r using (region_code)
