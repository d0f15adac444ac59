"""What each theme page shows: per theme a few charts, each under the question it answers
(the population's, with its pyramid and forecast, in population.py; the chart kinds are in
chart_kinds.py; the page frame and its indicator table in themes.py)."""

from __future__ import annotations

import pandas as pd

from delivery.formatting import shown_unit
from delivery.report import charts
from delivery.report.chart_kinds import map_of, ranking_of, trend_of, without_figures
from delivery.report.data import NEDERLAND, ReportData
from delivery.report.page import Page
from delivery.report.population import population_chapter


def _wonen(data: ReportData, page: Page) -> None:
    trend_of(
        data,
        page,
        "woningtekort_proxy_pct",
        [data.focus, NEDERLAND],
        lead="Hoeveel huishoudens zijn er meer dan woningen?",
        caption="Onze CBS-proxy: huishoudens min woningen op 1 januari, als % van de "
        "woningvoorraad. Dit is niet het statistisch woningtekort; dat staat in de grafiek "
        "hieronder als referentie.",
        zero=True,
    )
    trend_of(
        data,
        page,
        "woningtekort_abf_pct",
        [data.focus, NEDERLAND],
        lead="Wat zegt het statistisch woningtekort van ABF Research?",
        caption="Referentiecijfer: het statistisch woningtekort zoals ABF Research het voor "
        "het ministerie van BZK publiceert (niet door dit warehouse berekend), met het "
        "beleidsdoel van 2 %.",
    )
    deal = data.woondeal_progress()
    if not deal.empty:
        period = str(deal["period"].iloc[0])
        # The target and the path to it are the woondeal's figures, not CBS's.
        woondeal = {"status": "n.v.t.", "source_table": deal["doel_versie"]}
        long = pd.concat(
            [
                deal.assign(
                    period=f"gerealiseerd t/m {period}", value=deal["gerealiseerd_cumulatief"]
                ),
                deal.assign(
                    period=f"verwacht op het rechte pad, eind {period}",
                    value=deal["verwacht_lineair"],
                    **woondeal,
                ),
                deal.assign(period="doel voor 2030", value=deal["doel"], **woondeal),
            ]
        ).assign(unit="woningen")
        page.add_chart(
            "woondeal",
            charts.bars_by_period(
                long,
                "Woondeal: netto toegevoegde woningen sinds 2022",
                "woningen",
                "region_name",
                legend_title="reeks",
            ),
            long.drop(
                columns=["gerealiseerd_cumulatief", "verwacht_lineair", "doel", "doel_versie"]
            ),
            lead="Hoe ver is de woondeal van zijn pad naar het doel in 2030?",
            caption="Per woondealregio de netto toegevoegde woningen sinds 1 januari 2022 "
            "(CBS: het saldo van 86054NED; een jaar dat die tabel nog niet heeft, het verschil "
            "van de woningvoorraad op 1 januari uit 82550NED), naast waar een recht pad naar het "
            "doel voor 2030 zou staan en dat doel zelf. De woondealmonitor van de provincie telt "
            "bruto (vóór sloop); die telling met CBS-cijfers staat in de tabel hieronder.",
        )
    map_of(
        data,
        page,
        "woondeal_gerealiseerd_cumulatief",
        lead="Waar komen de woningen van de woondeal bij?",
    )
    trend_of(
        data,
        page,
        "verkoopprijs_gemiddeld",
        [data.focus, NEDERLAND],
        lead="Hoe duur is een koophuis geworden?",
        caption="De gemiddelde prijs van de verkochte bestaande koopwoningen per jaar (CBS "
        "85792NED, uit de registratie van het Kadaster); per kwartaal en per COROP-gebied in de "
        "CSV. Een gemiddelde beweegt mee met wat er verkocht is; de prijsindex corrigeert "
        "daarvoor.",
        zero=True,
    )
    map_of(
        data,
        page,
        "verkoopprijs_gemiddeld",
        lead="Waar zijn koophuizen het duurst?",
    )


def _jeugdhulp(data: ReportData, page: Page) -> None:
    map_of(data, page, "jeugdhulp_in_natura_pct", lead="Welke gemeenten wijken af op jeugdhulp?")
    ranking_of(data, page, "jeugdhulp_in_natura_pct", lead="Hoe verhouden de gemeenten zich?")
    map_of(
        data,
        page,
        "jeugdzorg_kosten_per_inwoner",
        lead="Wat geven de gemeenten per inwoner uit aan jeugdzorg?",
    )
    trend_of(
        data,
        page,
        "jeugdhulp_in_natura_pct",
        [data.focus, NEDERLAND],
        lead="Neemt de jeugdhulp toe?",
        caption="Jongeren met jeugdhulp in natura als % van alle jongeren tot 18 jaar, per "
        "jaar. Vanaf 2021 een nieuwe CBS-tabel met een gewijzigd woonplaatsbeginsel: de lijn "
        "is daar onderbroken.",
    )


def _armoede(data: ReportData, page: Page) -> None:
    page.note(
        "Elke armoedemaat is een eigen indicator met een eigen definitie; ze worden nooit "
        "tot één reeks aan elkaar gezet."
    )
    waiting = data.waiting_for_live_cbs()
    if waiting:
        page.note(
            "Nog niet in dit warehouse: "
            + "; ".join(f"{indicator} (CBS-tabel {table})" for indicator, table in waiting)
            + ". Deze cijfers komen alleen van live CBS; ze worden pas geladen als de "
            "sleutels van die tabellen met het commando ontcijferd check-live zijn gecontroleerd "
            "en vastgelegd."
        )
    map_of(
        data,
        page,
        "huishoudens_rond_sociaal_minimum_pct",
        lead="Waar leven de meeste huishoudens rond het sociaal minimum?",
    )
    ranking_of(
        data, page, "huishoudens_rond_sociaal_minimum_pct", lead="Hoe verhouden de gemeenten zich?"
    )
    trend_of(
        data,
        page,
        "laag_inkomen_huishoudens_pct",
        [data.focus, NEDERLAND],
        lead="Hoeveel huishoudens hebben een laag inkomen?",
        caption="Particuliere huishoudens met een inkomen onder de lage-inkomensgrens (ten "
        "minste een jaar), als % van alle particuliere huishoudens.",
    )


def _export(data: ReportData, page: Page) -> None:
    # Every row, also those without a figure: a province CBS withholds is said to be.
    frame = data.every_value("export_goederen")
    frame = frame[frame["region_level"] == "provincie"]
    if frame["value"].isna().all():
        return
    latest = frame.loc[frame["value"].notna(), "period"].max()
    at = frame[frame["period"] == latest]
    shown = data.provinces().merge(at, on=["region_code", "region_name"], how="left")
    unit = data.unit("export_goederen")
    shown["unit"] = unit
    shown["period"] = latest
    page.add_chart(
        "kaart_export",
        charts.choropleth(
            shown,
            f"Uitvoer van goederen per provincie, {latest}",
            unit,
            "provincie_2025",
            None,
            links=None,
        ),
        shown,
        lead="Welke provincies voeren het meest uit?",
        caption=f"Kaart van de {len(shown)} provincies in vier klassen (kwartielen); grijs: "
        "geen gegevens"
        + without_figures(shown, data.provinces())
        + f". Eenheid: {shown_unit(unit)}. "
        + charts.MAP_CREDIT
        + ".",
    )
    trend_of(
        data,
        page,
        "export_goederen",
        [data.focus],
        lead=f"Hoe ontwikkelt de export van {data.focus_name} zich?",
        caption=f"Uitvoer van goederen door vestigingen in {data.focus_name}.",
        zero=True,
    )


def _economie(data: ReportData, page: Page) -> None:
    page.note(
        "Uit de regionale rekeningen van CBS (tabellen 85924NED en 85927NED): per provincie en "
        "COROP-gebied, niet per gemeente. CBS herziet deze cijfers elk jaar; de laatste jaren "
        "zijn voorlopig."
    )
    trend_of(
        data,
        page,
        "economische_groei_pct",
        [data.focus, NEDERLAND],
        lead=f"Groeit de economie van {data.focus_name} even hard als die van Nederland?",
        caption="De volumegroei van het bruto binnenlands product ten opzichte van het jaar "
        "ervoor: de groei zonder prijsveranderingen. Onder nul krimpt de economie.",
        zero=True,
    )
    sectors = data.values("toegevoegde_waarde_groei_pct", [data.focus, NEDERLAND])
    if not sectors.empty:
        latest = sectors["period"].max()
        shown = sectors[sectors["period"] == latest].assign(period=lambda f: f["region_name"])
        page.add_chart(
            "groei_bedrijfstakken",
            charts.bars_by_period(
                shown,
                f"Groei van de toegevoegde waarde per bedrijfstak, {latest} (%)",
                "%",
                "categorie",
                legend_title="regio",
            ),
            shown,
            lead="Welke bedrijfstakken groeiden, en welke krompen?",
            caption="De volumegroei van de bruto toegevoegde waarde per bedrijfstak ten "
            "opzichte van het jaar ervoor (CBS 85926NED). Alleen de bedrijfstakken die in de "
            "ingebouwde gegevens compleet zijn; bouw en diensten ontbreken, dus ze tellen niet "
            "op tot het geheel.",
        )
    trend_of(
        data,
        page,
        "bbp_per_inwoner",
        [data.focus, NEDERLAND],
        lead="Hoeveel wordt er per inwoner verdiend?",
        caption="Het bruto binnenlands product per inwoner in lopende prijzen (niet gecorrigeerd "
        "voor inflatie); pendel verhoogt het waar veel mensen werken die elders wonen.",
        zero=True,
    )


def _arbeid(data: ReportData, page: Page) -> None:
    page.note(
        "Uit de Enquête beroepsbevolking van CBS (tabel 86088NED): schattingen uit een "
        "steekproef. Cijfers van kleine gemeenten hebben een ruime marge en schommelen van jaar "
        "tot jaar door toeval; vergelijk gemeenten daarom liever over meer jaren."
    )
    map_of(data, page, "werkloosheid_pct", lead="In welke gemeenten is de werkloosheid hoger?")
    ranking_of(data, page, "werkloosheid_pct", lead="Hoe verhouden de gemeenten zich?")
    trend_of(
        data,
        page,
        "werkloosheid_pct",
        [data.focus, NEDERLAND],
        lead="Daalt de werkloosheid?",
        caption="Werklozen als % van de beroepsbevolking (15 tot 75 jaar), jaargemiddelde.",
        zero=True,
    )
    trend_of(
        data,
        page,
        "netto_arbeidsparticipatie_pct",
        [data.focus, NEDERLAND],
        lead="Werken er meer mensen?",
        caption="De werkzame beroepsbevolking als % van alle inwoners van 15 tot 75 jaar; de "
        "as begint niet bij nul.",
    )


def _bereikbaarheid(data: ReportData, page: Page) -> None:
    gemeenten = data.gemeente_values("afstand_ziekenhuis")
    missing = sorted(gemeenten.loc[gemeenten["value"].isna(), "region_name"])
    if missing:
        page.note(
            "Geen afstanden in de ingebouwde gegevens voor "
            + ", ".join(missing)
            + ": de verzamelde CBS-export (80305ned) houdt eerder op; live CBS heeft ze wel."
        )
    map_of(data, page, "afstand_ziekenhuis", lead="Hoe ver is het naar het ziekenhuis?")
    trend_of(
        data,
        page,
        "afstand_huisartsenpraktijk",
        [data.focus, NEDERLAND],
        lead="Blijft de huisarts dichtbij?",
        caption="De gemiddelde afstand over de weg van de woning tot de dichtstbijzijnde "
        "huisartsenpraktijk (CBS 80305ned).",
        zero=True,
    )
    trend_of(
        data,
        page,
        "reisafstand_per_dag",
        [data.focus, NEDERLAND],
        lead="Hoeveel kilometer reist een inwoner per dag?",
        caption="Afgelegde afstand per persoon van 6 jaar of ouder per dag, alle "
        "verplaatsingen (CBS 84710NED, onderzoek Onderweg in Nederland: een schatting uit een "
        "steekproef; 2020 en 2021 zijn coronajaren).",
        zero=True,
    )
    # What the captions say of the years follows the figures: a new CBS release changes it.
    cars = data.values("personenautos", [data.focus])
    relative = data.values("personenautos_per_1000_inwoners", [data.focus])["period"]
    relative_until = relative.max() if len(relative) else None  # None: no chart is drawn
    newer = sorted(p for p in cars["period"] if relative_until and p > relative_until)
    trend_of(
        data,
        page,
        "personenautos_per_1000_inwoners",
        [data.focus, NEDERLAND],
        lead="Hoeveel auto's zijn er?",
        caption="Actieve personenauto's per 1.000 inwoners op 1 januari, berekend door CBS "
        f"(85235NED, tot en met {relative_until}"
        + (
            f": voor {' en '.join(newer)} heeft CBS nog geen cijfer per 1.000 inwoners gepubliceerd"
            if newer
            else ""
        )
        + "); de as begint niet bij nul.",
    )
    counted_elsewhere = sorted(cars.loc[cars["source_table"] == "85237NED", "period"])
    trend_of(
        data,
        page,
        "personenautos",
        [data.focus],
        lead=f"Hoeveel auto's staan er in {data.focus_name} ingeschreven?",
        caption="Actieve personenauto's op 1 januari (CBS 85235NED"
        + (
            f"; 1 januari {' en '.join(counted_elsewhere)} uit CBS 85237NED, dat dezelfde auto's "
            "telt"
            if counted_elsewhere
            else ""
        )
        + ").",
        zero=True,
    )


def _kerncijfers(data: ReportData, page: Page) -> None:
    page.note(
        "Uit de Kerncijfers wijken en buurten (KWB) van CBS, per gemeente en voor Nederland; "
        "het jaar is het KWB-editiejaar. KWB geeft geen provinciecijfers en het warehouse "
        "berekent er geen: een gemiddelde van gemeenten zou elke gemeente even zwaar laten "
        "wegen. De WOZ-waarde komt uit CBS-tabel 85036NED, die ook de provincie geeft."
    )
    for indicator in data.theme_indicators("kerncijfers").index:
        map_of(
            data,
            page,
            indicator,
            lead=f"{data.title(indicator)}: welke gemeenten wijken af van Nederland?",
        )


THEMES = {
    "bevolking": population_chapter,
    "wonen": _wonen,
    "jeugdhulp": _jeugdhulp,
    "armoede": _armoede,
    "export": _export,
    "economie": _economie,
    "arbeid": _arbeid,
    "bereikbaarheid": _bereikbaarheid,
    "kerncijfers": _kerncijfers,
}
