"""The population chapter of the report: growth against Nederland, the number of inhabitants,
the pyramid now and in 2000 (as Trendweb compares it), ageing, births and the CBS/PBL forecast
beside the population counted."""

from __future__ import annotations

import pandas as pd

from delivery.report import charts
from delivery.report.chart_kinds import trend_of
from delivery.report.data import NEDERLAND, ReportData
from delivery.report.page import Page

# The year Trendweb compares the population pyramid with ("from pyramid to mushroom").
PYRAMID_BASE_YEAR = "2000"


def population_chapter(data: ReportData, page: Page) -> None:
    focus, name = data.focus, data.focus_name
    trend_of(
        data,
        page,
        "bevolking_index_2002",
        [focus, NEDERLAND],
        lead=f"Groeit {name} even snel als Nederland?",
        caption="De bevolking op 1 januari als index van 2002 (2002 = 100), zodat regio's "
        "van verschillende grootte op één as passen; de as begint niet bij nul.",
    )
    trend_of(
        data,
        page,
        "bevolking_totaal",
        [focus],
        lead=f"Hoeveel inwoners heeft {name}?",
        caption=f"Het aantal inwoners van {name} op 1 januari; de as begint niet bij nul.",
    )
    frame = data.pyramids(PYRAMID_BASE_YEAR)
    own = frame[frame["region_code"] == focus]
    if own.empty:
        page.note(
            "Geen bevolkingspiramide: noch CBS 03759ned noch het Eurostat-bestand heeft de "
            f"bevolking naar geslacht en leeftijd voor {name}."
        )
    else:
        latest = own["period"].max()
        comparison = frame[(frame["region_code"] == NEDERLAND) & (frame["period"] == latest)]
        page.add_chart(
            "piramide",
            charts.pyramid(own, PYRAMID_BASE_YEAR, comparison),
            own,
            lead=f"Hoe is de bevolking opgebouwd, nu en in {PYRAMID_BASE_YEAR}?",
            caption=f"Mannen links, vrouwen rechts, per vijfjaarsgroep als % van de hele "
            f"bevolking: {latest} als vlakken, {PYRAMID_BASE_YEAR} als zwarte omlijning, "
            f"Nederland {latest} als grijze stippellijn.",
        )
    trend_of(
        data,
        page,
        "grijze_druk",
        [focus, NEDERLAND],
        lead=f"Vergrijst {name} sneller dan Nederland?",
        caption="Het aantal 65-plussers per 100 personen van 20 tot 65 jaar op 1 januari; "
        "de as begint niet bij nul.",
    )
    trend_of(
        data,
        page,
        "kindertal_per_vrouw",
        [focus, NEDERLAND],
        lead="Krijgen vrouwen minder kinderen?",
        caption="Het gemiddeld aantal kinderen per vrouw bij de vruchtbaarheid naar leeftijd "
        "van het jaar (CBS 37201); de as begint niet bij nul.",
    )
    _forecast(data, page)


def _forecast(data: ReportData, page: Page) -> None:
    """The population counted so far and the CBS/PBL forecast with its 67 % interval, as lines
    named for what they are."""
    series = {
        "bevolking_totaal": "geteld (CBS)",
        "bevolkingsprognose": "prognose CBS/PBL",
        "bevolkingsprognose_ondergrens": "ondergrens 67%-interval",
        "bevolkingsprognose_bovengrens": "bovengrens 67%-interval",
    }
    frames = [
        data.values(indicator, [data.focus]).assign(reeks=label)
        for indicator, label in series.items()
    ]
    if frames[1].empty:
        page.note(f"Geen bevolkingsprognose van CBS/PBL voor {data.focus_name}.")
        return
    counted = frames[0][frames[0]["period"] >= "2010"]
    frame = pd.concat([counted, *frames[1:]], ignore_index=True).drop(columns="method_break")
    forecast = frames[1]["period"]  # the edition's years, as the figures give them
    page.add_chart(
        "prognose",
        charts.trend(
            frame,
            f"Bevolking van {data.focus_name}: geteld en voorspeld",
            "personen",
            series="reeks",
        ),
        frame,
        lead=f"Hoeveel inwoners krijgt {data.focus_name} tot {forecast.max()}?",
        caption=f"De regionale bevolkingsprognose {forecast.min()}–{forecast.max()} van CBS en "
        "PBL (85171NED), met het interval waarbinnen de bevolking met een kans van twee op drie "
        "valt (85173NED), naast de bevolking die op 1 januari is geteld. Dit is niet de "
        f"prognose van de provincie zelf; ook {forecast.min()} is in de prognose een "
        "voorspelling. De as begint niet bij nul.",
    )
