"""The static Overijssel Ontcijferd report: Dutch pages the province could publish, offline.

`ontcijferd report --out DIR` builds it from the published warehouse (read-only): a front page
with headline cards, a page per theme with a few charts that each answer one question (and the
theme's full indicator list with downloads), maps of the gemeenten and provinces, a page per
gemeente, the warehouse's tables and the data-quality results. Pages come from the Jinja2
templates in `delivery/templates/` (one base layout, one template per page kind); charts from
`delivery/charts.py`; numbers from `delivery/formatting.py`. The Vega libraries and the
boundaries are written into the site (`assets/`), so the pages need no network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import duckdb
import jinja2
import pandas as pd

from delivery import charts
from delivery.export import DeliveryError
from delivery.formatting import VEGA_LOCALE, change, figure, number
from lifecycle.expectations import COUNT_UNITS

HERE = Path(__file__).resolve().parent
MANIFEST = HERE.parent / "dbt_project" / "target" / "manifest.json"
GEO_DIR = HERE / "geo"
# The boundary files and their credit line (delivery/geo/PROVENANCE.md).
BOUNDARY_FILES = {
    "gemeente_2025": "gemeente_2025.topojson",
    "provincie_2025": "provincie_2025.topojson",
}
MAP_CREDIT = (
    "Grenzen: CBS / Kadaster, CBS Gebiedsindelingen 2025 (PDOK), vereenvoudigd door cartomap/nl"
)
# The year Trendweb compares the population pyramid with ("from pyramid to mushroom").
PYRAMID_BASE_YEAR = "2000"

# file → (navigation title, page kind, theme in the catalog)
PAGES = {
    "index.html": ("Overijssel Ontcijferd", "front", None),
    "bevolking.html": ("Bevolking", "theme", "bevolking"),
    "wonen.html": ("Wonen", "theme", "wonen"),
    "jeugdhulp.html": ("Jeugdhulp", "theme", "jeugdhulp"),
    "armoede.html": ("Armoede", "theme", "armoede"),
    "export.html": ("Export", "theme", "export"),
    "kerncijfers.html": ("Kerncijfers per gemeente", "theme", "kerncijfers"),
    "gemeenten.html": ("Gemeenten", "gemeenten", None),
    "warehouse.html": ("Het warehouse", "warehouse", None),
    "datakwaliteit.html": ("Datakwaliteit", "datakwaliteit", None),
}
THEME_INTROS = {
    "bevolking": "Hoe groeit en vergrijst de bevolking van {focus}, naast Nederland?",
    "wonen": "Hoeveel woningen komen erbij, hoe groot is het tekort en hoe ver is de woondeal?",
    "jeugdhulp": "Hoeveel jongeren krijgen jeugdhulp, en welke gemeenten wijken af?",
    "armoede": "Hoeveel huishoudens leven van een laag inkomen, en waar?",
    "export": "Hoeveel goederen voeren de bedrijven in {focus} uit, naast de andere provincies?",
    "kerncijfers": "Hoe verhouden de gemeenten zich tot Nederland op wonen, inkomen, auto's, "
    "voorzieningen en dichtheid?",
}
# The headline cards of the front page: indicator and the page it links to.
HEADLINES = (
    ("bevolking_totaal", "bevolking.html"),
    ("aandeel_65_plus_pct", "bevolking.html"),
    ("woningvoorraad", "wonen.html"),
    ("woondeal_voortgang_pct", "wonen.html"),
    ("jeugdhulp_in_natura_pct", "jeugdhulp.html"),
    ("export_goederen", "export.html"),
)
STATUS_WORDS = {
    "definitief": "",
    "voorlopig": "Voorlopig cijfer: CBS kan het nog herzien.",
    "nader voorlopig": "Nader voorlopig cijfer: CBS kan het nog herzien.",
    "onbekend": "Status onbekend: de bron zegt niet of CBS dit cijfer al definitief heeft "
    "vastgesteld.",
    "n.v.t.": "",
    "geheim": "Geheim: CBS publiceert dit cijfer niet.",
}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1rem;
  color: #222; line-height: 1.45; }
nav a { margin-right: 1rem; } nav a[aria-current] { font-weight: bold; }
.intro { font-size: 1.1rem; } .lead { font-weight: 600; margin-bottom: .3rem; }
figure { margin: 2rem 0; } figcaption { font-size: .85rem; color: #444; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1.5rem; }
td, th { padding: .25rem .5rem; vertical-align: top; } th { text-align: left;
  border-bottom: 1px solid #999; } td.getal { text-align: right; white-space: nowrap; }
.note { color: #555; } .kaarten { display: grid; grid-template-columns: repeat(3, 1fr);
  gap: 1rem; } .kaart { border: 1px solid #ccc; border-radius: 6px; padding: .6rem .9rem; }
.kaart h2 { font-size: 1rem; margin: 0; } .kaart .waarde { font-size: 1.7rem; margin: .3rem 0; }
.kaart p { margin: .2rem 0; font-size: .9rem; } footer { font-size: .8rem; color: #555;
  border-top: 1px solid #ccc; margin-top: 2rem; }
"""


def period_words(period: str) -> str:
    """A period as a reader writes it: 2024 → 2024, 2024H1 → 1e halfjaar 2024."""
    m = re.fullmatch(r"(\d{4})H([12])", period)
    if m:
        return f"{m.group(2)}e halfjaar {m.group(1)}"
    return period


def _sources(frame: pd.DataFrame) -> str:
    """'CBS, tabel 82550NED, 71486ned' for StatLine tables; other sources by their full name."""
    tables, others = set(), set()
    for source in frame["source_table"].dropna().unique():
        parts = source.split(", ")
        if all(re.fullmatch(r"\d{5}(ned|NED)", p) for p in parts):
            tables.update(parts)
        else:
            others.add(source)
    named = [f"CBS, tabel {', '.join(sorted(tables))}"] if tables else []
    return "; ".join(named + sorted(others))


@dataclass
class Page:
    file: str
    title: str
    kind: str
    root: str = ""
    charts: dict[str, dict] = field(default_factory=dict)
    chart_list: list[dict] = field(default_factory=list)
    context: dict = field(default_factory=dict)

    @property
    def uses_geo(self) -> bool:
        return charts.BOUNDARIES in json.dumps(self.charts)


class Report:
    def __init__(self, con, out_dir: Path, focus: str, quality_file: Path | None) -> None:
        self.con, self.out_dir, self.focus, self.quality_file = con, out_dir, focus, quality_file
        self.focus_name = self._one(
            "select region_name from marts.dim_region where region_code = ?", focus
        )
        self.gemeenten = con.execute(
            "select region_code, region_name, corop_code, woondeal_code from marts.dim_region "
            "where region_level = 'gemeente' and provincie_code = ? order by region_name",
            [focus],
        ).df()
        self.catalog = (
            con.execute("select * from marts.indicator_catalog").df().set_index("indicator_id")
        )
        self.generated = dt.date.today().strftime("%-d-%-m-%Y")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        (out_dir / "cijfers").mkdir(parents=True, exist_ok=True)
        (out_dir / "gemeenten").mkdir(exist_ok=True)

    def _one(self, sql: str, *params):
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    # --- data -------------------------------------------------------------------------------

    def values(self, indicator: str, regions: list[str] | None = None, yearly: bool = True):
        """An indicator's rows with a value, with its precision (`decimalen`) for formatting."""
        return self.con.execute(
            "select v.*, c.decimalen from marts.indicator_values v "
            "join marts.indicator_catalog c using (indicator_id) where indicator_id = $i "
            "and ($r is null or list_contains($r, region_code)) and value is not null "
            "and (not $y or period_type = 'jaar') order by region_code, period",
            {"i": indicator, "r": regions, "y": yearly},
        ).df()

    def compared(self, indicator: str) -> pd.DataFrame:
        """The focus gemeenten in the latest year with any value (null values kept)."""
        return self.con.execute(
            "select g.*, c.decimalen from marts.gemeente_vergelijking g "
            "join marts.indicator_catalog c using (indicator_id) where indicator_id = $i "
            "and period_type = 'jaar' and period = (select max(period) from "
            "marts.gemeente_vergelijking where indicator_id = $i and period_type = 'jaar' "
            "and value is not null) order by region_name",
            {"i": indicator},
        ).df()

    def decimals(self, indicator: str) -> int | None:
        """The indicator's own precision from the catalog; None = its unit's default."""
        value = self.catalog.loc[indicator, "decimalen"]
        return None if pd.isna(value) else int(value)

    def title(self, indicator: str) -> str:
        return self.catalog.loc[indicator, "title"]

    def unit(self, indicator: str) -> str:
        return self.catalog.loc[indicator, "unit"]

    # --- charts -----------------------------------------------------------------------------

    def chart(
        self,
        page: Page,
        name: str,
        chart: alt.TopLevelMixin,
        frame: pd.DataFrame,
        *,
        lead: str,
        caption: str,
    ) -> None:
        """A chart with its lead question, a caption saying what is drawn, the sources and a
        CSV of exactly the figures drawn."""
        page.charts[name] = chart.to_dict()
        csv = f"cijfers/{name}.csv"
        frame.to_csv(self.out_dir / csv, index=False)
        statuses = sorted({s for s in frame.get("status", pd.Series()).dropna()})
        marked = [s for s in statuses if s in charts.NOT_FINAL]
        not_final = (
            f"Niet definitief (open of lichter getekend): cijfers met status {', '.join(marked)}."
            if marked
            else ""
        )
        page.chart_list.append(
            {
                "name": name,
                "lead": lead,
                "caption": caption,
                "sources": _sources(frame),
                "not_final": not_final,
                "csv": page.root + csv,
            }
        )

    def gemeente_counts(self, indicator: str) -> pd.DataFrame:
        """A count per focus gemeente in the latest year with values (not in
        gemeente_vergelijking, which compares shares and averages only): every gemeente, null
        where it has no figure, no Nederland reference."""
        return self.con.execute(
            "select r.region_code, r.region_name, v.indicator_id, coalesce(v.period, l.period) "
            "as period, v.value, c.unit, v.status, v.source_table, c.decimalen, "
            "null::double as nederland_value, null::double as provincie_value "
            "from marts.dim_region r cross join (select max(period) as period from "
            "marts.indicator_values where indicator_id = $i and region_level = 'gemeente' "
            "and value is not null) l "
            "join marts.indicator_catalog c on c.indicator_id = $i "
            "left join marts.indicator_values v on v.indicator_id = $i "
            "and v.region_code = r.region_code and v.period = l.period "
            "where r.region_level = 'gemeente' and r.provincie_code = $f order by r.region_name",
            {"i": indicator, "f": self.focus},
        ).df()

    def map_of(self, page: Page, indicator: str, lead: str, name: str | None = None) -> None:
        counts = self.unit(indicator) in COUNT_UNITS
        frame = self.gemeente_counts(indicator) if counts else self.compared(indicator)
        if frame.empty or frame["value"].notna().sum() == 0:
            page.context.setdefault("notes", []).append(
                f"Nog geen cijfers per gemeente voor {self.title(indicator)}."
            )
            return
        period = frame["period"].iloc[0]
        nederland = frame["nederland_value"].dropna()
        reference = float(nederland.iloc[0]) if len(nederland) else None
        unit = self.unit(indicator)
        links = "gemeenten/{code}.html" if page.root == "" else "{code}.html"
        chart = charts.choropleth(
            frame,
            f"{self.title(indicator)}, {period_words(period)}",
            unit,
            "gemeente_2025",
            reference,
            links=links,
        )
        self.chart(
            page,
            name or f"kaart_{indicator}",
            chart,
            frame,
            lead=lead,
            caption=f"Kaart van de {len(frame)} gemeenten van {self.focus_name}, in vier "
            + (
                "klassen (kwartielen; een aantal hangt ook af van de grootte van de gemeente)"
                if reference is None
                else "klassen rond de waarde van Nederland (in de legenda)"
            )
            + "; grijs: geen gegevens. Klik op een gemeente voor haar pagina. Eenheid: "
            + unit
            + ". "
            + MAP_CREDIT
            + ".",
        )

    def ranking_of(self, page: Page, indicator: str, lead: str) -> None:
        frame = self.compared(indicator).dropna(subset=["value"])
        if frame.empty:
            return
        unit = self.unit(indicator)
        period = frame["period"].iloc[0]
        has_province = frame["provincie_value"].notna().any()
        self.chart(
            page,
            f"rang_{indicator}",
            charts.ranking(frame, f"{self.title(indicator)}, {period_words(period)}", unit),
            frame,
            lead=lead,
            caption="Elke gemeente met een cijfer, hoogste boven; stippellijn: Nederland"
            + (
                "; doorgetrokken lijn: " + self.focus_name
                if has_province
                else "; CBS publiceert hiervan geen provinciecijfer"
            )
            + f". Eenheid: {unit}.",
        )

    def trend_of(
        self,
        page: Page,
        indicator: str,
        regions: list[str],
        lead: str,
        caption: str,
        zero: bool = False,
    ) -> None:
        frame = self.values(indicator, regions)
        if frame.empty:
            return
        unit = self.unit(indicator)
        if frame["period"].nunique() <= 2:
            chart = charts.bars_by_period(frame, self.title(indicator), unit, "region_name")
        else:
            chart = charts.trend(frame, self.title(indicator), unit, zero=zero)
        self.chart(
            page,
            f"reeks_{indicator}",
            chart,
            frame,
            lead=lead,
            caption=caption + f" Eenheid: {unit}.",
        )

    # --- pages ------------------------------------------------------------------------------

    def indicator_rows(self, theme: str) -> list[dict]:
        """Per catalog indicator of the theme: the latest period with the focus or Nederland,
        both values in Dutch notation, and a CSV with every row of the indicator."""
        rows = []
        for indicator, entry in (
            self.catalog[self.catalog["theme"] == theme].sort_values("title").iterrows()
        ):
            every = self.con.execute(
                "select * from marts.indicator_values where indicator_id = ? "
                "order by region_code, period",
                [indicator],
            ).df()
            csv = f"cijfers/{indicator}.csv"
            every.to_csv(self.out_dir / csv, index=False)
            shown = every[every["region_code"].isin([self.focus, "NL01"]) & every["value"].notna()]
            if shown.empty:
                latest, focus_value, nl_value, status = "–", "geen gegevens", "geen gegevens", ""
            else:
                yearly = shown[shown["period_type"] == "jaar"]
                shown = yearly if not yearly.empty else shown
                latest = shown["period"].max()
                at = shown[shown["period"] == latest]
                focus_value, nl_value = (
                    self._cell(at, region, entry["unit"], self.decimals(indicator))
                    for region in (self.focus, "NL01")
                )
                status = ", ".join(sorted(set(at["status"])))
            rows.append(
                {
                    "title": entry["title"],
                    "definition": entry["definitie"],
                    "period": period_words(latest),
                    "focus": focus_value,
                    "nederland": nl_value,
                    "status": status,
                    "sources": entry["source_tables"],
                    "csv": csv,
                }
            )
        return rows

    @staticmethod
    def _cell(rows: pd.DataFrame, region: str, unit: str, decimals: int | None) -> str:
        """One region's figure for a table cell; an indicator per category (partner country)
        has several, which the CSV lists."""
        own = rows[rows["region_code"] == region]
        if own.empty:
            return "geen cijfer"
        if len(own) > 1:
            return f"{len(own)} categorieën (zie CSV)"
        return figure(own["value"].iloc[0], unit, decimals)

    def render(self, page: Page) -> Path:
        template = f"{page.kind}.html.j2"  # one template per page kind
        navigation = [{"file": f, "title": t} for f, (t, _, _) in PAGES.items()]
        html = self.env.get_template(template).render(
            title=page.title,
            file=page.file,
            root=page.root,
            navigation=navigation,
            generated=self.generated,
            charts=page.charts,
            chart_list=page.chart_list,
            uses_geo=page.uses_geo,
            map_credit=MAP_CREDIT,
            vega_locale=VEGA_LOCALE,
            focus_name=self.focus_name,
            n_gemeenten=len(self.gemeenten),
            notes=page.context.pop("notes", []),
            **page.context,
        )
        path = self.out_dir / page.file
        path.write_text(html, encoding="utf-8")
        return path

    def front(self) -> Page:
        page = Page("index.html", "Overijssel Ontcijferd", "front")
        cards = []
        for indicator, link in HEADLINES:
            frame = self.values(indicator, [self.focus])
            if frame.empty:
                continue
            unit, entry = self.unit(indicator), self.catalog.loc[indicator]
            latest, previous = frame.iloc[-1], (frame.iloc[-2] if len(frame) > 1 else None)
            moment = (
                f"op 1 januari {latest['period']}"
                if str(entry["peildatum"]).startswith("1 januari")
                else f"over {period_words(latest['period'])}"
            )
            changed = (
                f"{change(latest['value'] - previous['value'], unit, self.decimals(indicator))} "
                "ten opzichte van "
                f"{period_words(previous['period'])}"
                if previous is not None
                else "geen eerdere periode om mee te vergelijken"
            )
            theme_title = PAGES[link][0]
            cards.append(
                {
                    "title": entry["title"],
                    "value": figure(latest["value"], unit, self.decimals(indicator)),
                    "period_text": f"{self.focus_name}, {moment}",
                    "change_text": changed,
                    "status_text": STATUS_WORDS.get(latest["status"], ""),
                    "link": link,
                    "theme_title": theme_title,
                }
            )
        latest_period = self._one(
            "select max(period) from marts.indicator_values where period_type = 'jaar' "
            "and region_code = ? and value is not null",
            self.focus,
        )
        themes = [
            {"file": f, "title": f"{t}: {THEME_INTROS[theme].format(focus=self.focus_name)}"}
            for f, (t, kind, theme) in PAGES.items()
            if kind == "theme"
        ]
        page.context.update(cards=cards, latest_period=latest_period, themes=themes)
        return page

    def theme(self, file: str, title: str, theme: str) -> Page:
        page = Page(file, title, "theme")
        focus, nl = self.focus, "NL01"
        builder = getattr(self, f"_{theme}")
        builder(page, focus, nl)
        page.context.update(
            intro=THEME_INTROS[theme].format(focus=self.focus_name),
            indicators=self.indicator_rows(theme),
        )
        return page

    def _bevolking(self, page: Page, focus: str, nl: str) -> None:
        self.trend_of(
            page,
            "bevolking_index_2002",
            [focus, nl],
            lead=f"Groeit {self.focus_name} even snel als Nederland?",
            caption="De bevolking op 1 januari als index van 2002 (2002 = 100), zodat regio's "
            "van verschillende grootte op één as passen; de as begint niet bij nul.",
        )
        self.trend_of(
            page,
            "bevolking_totaal",
            [focus],
            lead=f"Hoeveel inwoners heeft {self.focus_name}?",
            caption=f"Het aantal inwoners van {self.focus_name} op 1 januari; de as begint niet "
            "bij nul.",
        )
        frame = self.con.execute(
            "select p.*, r.region_name from marts.bevolking_piramide p join marts.dim_region r "
            "using (region_code) where region_code in ($f, 'NL01') and period in ($base, "
            "(select max(period) from marts.bevolking_piramide where region_code = $f)) "
            "order by region_code, period, geslacht, leeftijdsgroep_start",
            {"f": focus, "base": PYRAMID_BASE_YEAR},
        ).df()
        own = frame[frame["region_code"] == focus]
        if own.empty:
            page.context.setdefault("notes", []).append(
                "Geen bevolkingspiramide: noch CBS 03759ned noch het Eurostat-bestand heeft de "
                f"bevolking naar geslacht en leeftijd voor {self.focus_name}."
            )
        else:
            latest = own["period"].max()
            comparison = frame[(frame["region_code"] == nl) & (frame["period"] == latest)]
            self.chart(
                page,
                "piramide",
                charts.pyramid(own, PYRAMID_BASE_YEAR, comparison),
                own,
                lead=f"Hoe is de bevolking opgebouwd, nu en in {PYRAMID_BASE_YEAR}?",
                caption=f"Mannen links, vrouwen rechts, per vijfjaarsgroep als % van de hele "
                f"bevolking: {latest} als vlakken, {PYRAMID_BASE_YEAR} als zwarte omlijning, "
                f"Nederland {latest} als grijze stippellijn.",
            )
        self.trend_of(
            page,
            "grijze_druk",
            [focus, nl],
            lead=f"Vergrijst {self.focus_name} sneller dan Nederland?",
            caption="Het aantal 65-plussers per 100 personen van 20 tot 65 jaar op 1 januari; "
            "de as begint niet bij nul.",
        )

    def _wonen(self, page: Page, focus: str, nl: str) -> None:
        self.trend_of(
            page,
            "woningtekort_proxy_pct",
            [focus, nl],
            lead="Hoeveel huishoudens zijn er meer dan woningen?",
            caption="Onze CBS-proxy: huishoudens min woningen op 1 januari, als % van de "
            "woningvoorraad. Dit is niet het statistisch woningtekort; dat staat in de grafiek "
            "hieronder als referentie.",
            zero=True,
        )
        self.trend_of(
            page,
            "woningtekort_abf_pct",
            [focus, nl],
            lead="Wat zegt het statistisch woningtekort van ABF Research?",
            caption="Referentiecijfer: het statistisch woningtekort zoals ABF Research het voor "
            "het ministerie van BZK publiceert (niet door dit warehouse berekend), met het "
            "beleidsdoel van 2 %.",
        )
        deal = self.con.execute(
            "select region_code, region_name, jaar as period, gerealiseerd_cumulatief, "
            "verwacht_lineair, status, source_table from marts.woondeal_voortgang "
            "where region_level <> 'gemeente' and gerealiseerd_cumulatief is not null "
            "qualify jaar = max(jaar) over () order by region_name"
        ).df()
        if not deal.empty:
            period = str(deal["period"].iloc[0])
            long = pd.concat(
                [
                    deal.assign(
                        period=f"gerealiseerd t/m {period}", value=deal["gerealiseerd_cumulatief"]
                    ),
                    deal.assign(
                        period=f"verwacht op het rechte pad, eind {period}",
                        value=deal["verwacht_lineair"],
                        status="n.v.t.",
                    ),
                ]
            ).assign(unit="woningen")
            self.chart(
                page,
                "woondeal",
                charts.bars_by_period(
                    long,
                    "Woondeal: netto toegevoegde woningen sinds 2022",
                    "woningen",
                    "region_name",
                    legend_title="reeks",
                ),
                long.drop(columns=["gerealiseerd_cumulatief", "verwacht_lineair"]),
                lead="Hoe ver is de woondeal van zijn pad naar het doel in 2030?",
                caption="Per woondealregio de netto toegevoegde woningen sinds 1 januari 2022 "
                "(CBS), naast waar een recht pad naar het doel voor 2030 zou staan.",
            )
        self.map_of(
            page,
            "woondeal_gerealiseerd_cumulatief",
            lead="Waar komen de woningen van de woondeal bij?",
        )

    def _jeugdhulp(self, page: Page, focus: str, nl: str) -> None:
        self.map_of(page, "jeugdhulp_in_natura_pct", lead="Welke gemeenten wijken af op jeugdhulp?")
        self.ranking_of(page, "jeugdhulp_in_natura_pct", lead="Hoe verhouden de gemeenten zich?")
        self.trend_of(
            page,
            "jeugdhulp_in_natura_pct",
            [focus, nl],
            lead="Neemt de jeugdhulp toe?",
            caption="Jongeren met jeugdhulp in natura als % van alle jongeren tot 18 jaar, per "
            "jaar. Vanaf 2021 een nieuwe CBS-tabel met een gewijzigd woonplaatsbeginsel: de lijn "
            "is daar onderbroken.",
        )

    def _armoede(self, page: Page, focus: str, nl: str) -> None:
        page.context.setdefault("notes", []).append(
            "Elke armoedemaat is een eigen indicator met een eigen definitie; ze worden nooit "
            "tot één reeks aan elkaar gezet. De nieuwe armoedegrens (CBS 86131NED/86132NED) "
            "ontbreekt nog."
        )
        self.map_of(
            page,
            "huishoudens_rond_sociaal_minimum_pct",
            lead="Waar leven de meeste huishoudens rond het sociaal minimum?",
        )
        self.ranking_of(
            page,
            "huishoudens_rond_sociaal_minimum_pct",
            lead="Hoe verhouden de gemeenten zich?",
        )
        self.trend_of(
            page,
            "laag_inkomen_huishoudens_pct",
            [focus, nl],
            lead="Hoeveel huishoudens hebben een laag inkomen?",
            caption="Particuliere huishoudens met een inkomen onder de lage-inkomensgrens (ten "
            "minste een jaar), als % van alle particuliere huishoudens.",
        )

    def _export(self, page: Page, focus: str, nl: str) -> None:
        frame = self.values("export_goederen")
        frame = frame[frame["region_level"] == "provincie"]
        if frame.empty:
            return
        latest = frame["period"].max()
        at = frame[frame["period"] == latest].copy()
        every_province = self.con.execute(
            "select region_code, region_name from marts.dim_region where region_level = 'provincie'"
        ).df()
        shown = every_province.merge(at, on=["region_code", "region_name"], how="left")
        shown["unit"] = "mln euro"
        shown["period"] = latest
        self.chart(
            page,
            "kaart_export",
            charts.choropleth(
                shown,
                f"Uitvoer van goederen per provincie, {latest}",
                "mln euro",
                "provincie_2025",
                None,
                links=None,
            ),
            shown,
            lead="Welke provincies voeren het meest uit?",
            caption="Kaart van de 12 provincies in vier klassen (kwartielen); grijs: geen "
            "gegevens (Flevoland: geheim, CBS publiceert het cijfer niet). Eenheid: mln euro. "
            + MAP_CREDIT
            + ".",
        )
        self.trend_of(
            page,
            "export_goederen",
            [focus],
            lead=f"Hoe ontwikkelt de export van {self.focus_name} zich?",
            caption=f"Uitvoer van goederen door vestigingen in {self.focus_name}.",
            zero=True,
        )

    def _kerncijfers(self, page: Page, focus: str, nl: str) -> None:
        page.context.setdefault("notes", []).append(
            "Uit de Kerncijfers wijken en buurten (KWB) van CBS, per gemeente en voor Nederland; "
            "het jaar is het KWB-editiejaar. KWB geeft geen provinciecijfers en het warehouse "
            "berekent er geen: een gemiddelde van gemeenten zou elke gemeente even zwaar laten "
            "wegen."
        )
        for indicator in (
            self.catalog[self.catalog["theme"] == "kerncijfers"].sort_values("title").index
        ):
            self.map_of(
                page,
                indicator,
                lead=f"{self.title(indicator)}: welke gemeenten wijken af van Nederland?",
            )

    def gemeenten_index(self) -> Page:
        page = Page("gemeenten.html", "Gemeenten", "gemeenten")
        population = (
            self.con.execute(
                "select region_code, value, period from marts.indicator_values "
                "where indicator_id = 'bevolking_totaal' and value is not null "
                "qualify period = max(period) over (partition by region_code)"
            )
            .df()
            .set_index("region_code")
        )
        rows = []
        for g in self.gemeenten.itertuples():
            at = population.loc[g.region_code] if g.region_code in population.index else None
            rows.append(
                {
                    "name": g.region_name,
                    "link": f"gemeenten/{g.region_code}.html",
                    "population": figure(at["value"], "personen") if at is not None else "–",
                    "period": f"1 januari {at['period']}" if at is not None else "",
                }
            )
        self.chart(
            page,
            "kaart_gemeenten",
            charts.locator(self.gemeenten, "", "gemeente_2025", "gemeenten/{code}.html").properties(
                title=f"De gemeenten van {self.focus_name}"
            ),
            self.gemeenten.assign(status="n.v.t.", source_table="86059NED"),
            lead="Waar ligt welke gemeente?",
            caption="Klik op een gemeente voor haar pagina. " + MAP_CREDIT + ".",
        )
        page.context.update(gemeenten=rows)
        return page

    def gemeente(self, code: str) -> Page:
        g = self.gemeenten.set_index("region_code").loc[code]
        page = Page(f"gemeenten/{code}.html", g["region_name"], "gemeente", root="../")
        rows = self.con.execute(
            "select v.*, c.title, c.definitie, c.decimalen from marts.gemeente_vergelijking v "
            "join marts.indicator_catalog c using (indicator_id) "
            "where v.region_code = ? and v.period_type = 'jaar' and v.value is not null "
            "qualify v.period = max(v.period) over (partition by v.indicator_id) "
            "order by c.theme, c.title",
            [code],
        ).df()
        population = self.values("bevolking_totaal", [code, self.focus, "NL01"])
        headline = []
        if not population.empty:
            latest = population[population["region_code"] == code]["period"].max()
            at = population[population["period"] == latest].set_index("region_code")["value"]
            headline.append(
                {
                    "title": "Bevolking op 1 januari",
                    "definition": self.catalog.loc["bevolking_totaal", "definitie"],
                    "period": latest,
                    "value": figure(at.get(code), "personen"),
                    "provincie": figure(at.get(self.focus), "personen"),
                    "nederland": figure(at.get("NL01"), "personen"),
                    "rank": "",
                    "status": population[
                        (population["region_code"] == code) & (population["period"] == latest)
                    ]["status"].iloc[0],
                }
            )
        for r in rows.itertuples():
            headline.append(
                {
                    "title": r.title,
                    "definition": r.definitie,
                    "period": period_words(r.period),
                    "value": figure(r.value, r.unit, r.decimalen),
                    "provincie": figure(r.provincie_value, r.unit, r.decimalen)
                    if pd.notna(r.provincie_value)
                    else "geen provinciecijfer",
                    "nederland": figure(r.nederland_value, r.unit, r.decimalen),
                    "rank": f"{int(r.rang)}e van {int(r.aantal_gemeenten_met_waarde)}"
                    if pd.notna(r.rang)
                    else "",
                    "status": r.status,
                }
            )
        relative = rows[rows["nederland_value"].fillna(0) != 0].assign(
            afwijking=lambda f: (f["value"] - f["nederland_value"]) / f["nederland_value"].abs()
        )
        differences = [
            {
                "title": r.title,
                "value": figure(r.value, r.unit, r.decimalen),
                "nederland": figure(r.nederland_value, r.unit, r.decimalen),
                "period": period_words(r.period),
                "direction": f"{number(abs(r.afwijking) * 100)} % "
                + ("hoger" if r.afwijking > 0 else "lager"),
            }
            for r in relative.reindex(
                relative["afwijking"].abs().sort_values(ascending=False).index
            )
            .head(5)
            .itertuples()
        ]
        self.chart(
            page,
            f"ligging_{code}",
            charts.locator(self.gemeenten, code, "gemeente_2025", "{code}.html").properties(
                title=f"{g['region_name']} in {self.focus_name}"
            ),
            self.gemeenten.assign(status="n.v.t.", source_table="86059NED"),
            lead=f"Waar ligt {g['region_name']}?",
            caption="Klik op een andere gemeente voor haar pagina. " + MAP_CREDIT + ".",
        )
        corop = self._one(
            "select region_name from marts.dim_region where region_code = ?", g["corop_code"]
        )
        woondeal = (
            self._one(
                "select region_name from marts.dim_region where region_code = ?", g["woondeal_code"]
            )
            if g["woondeal_code"]
            else None
        )
        page.context.update(
            name=g["region_name"],
            headline=headline,
            differences=differences,
            corop_name=f"COROP-gebied {corop}",
            woondeal_name=woondeal,
        )
        return page

    def warehouse(self) -> Page:
        """Every public table (marts, reference) and column, described in Dutch from the dbt
        YAML (`meta.omschrijving` beside each English `description`)."""
        page = Page("warehouse.html", "Het warehouse: tabellen en kolommen", "warehouse")
        manifest = json.loads(MANIFEST.read_text())
        documented = {
            (n["schema"], n["name"]): n
            for n in manifest["nodes"].values()
            if n["resource_type"] in ("model", "seed") and n["schema"] in ("marts", "reference")
        }
        columns = self.con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns where table_schema in ('marts', 'reference') "
            "order by table_schema, table_name, ordinal_position"
        ).df()
        tables = []
        for (schema, table), cols in columns.groupby(["table_schema", "table_name"], sort=True):
            node = documented.get((schema, table), {})
            described = node.get("columns", {})
            tables.append(
                {
                    "id": f"{schema}.{table}",
                    "title": f"{schema}.{table}",
                    "description": _dutch(node),
                    "note": "",
                    "header": ["kolom", "type", "betekenis"],
                    "rows": [
                        [c, t, _dutch(described.get(c, {}))]
                        for c, t in zip(cols["column_name"], cols["data_type"], strict=True)
                    ],
                }
            )
        page.context.update(tables=tables)
        return page

    def datakwaliteit(self) -> Page:
        """The Great Expectations results of the last run (sources/config.py: quality_file)."""
        page = Page("datakwaliteit.html", "Datakwaliteit", "datakwaliteit")
        tables = []
        if self.quality_file is not None and self.quality_file.is_file():
            recorded = json.loads(self.quality_file.read_text(encoding="utf-8"))
            for suite, result in sorted(recorded.items()):
                outcomes = result["outcomes"]
                met = sum(o["success"] for o in outcomes)
                tables.append(
                    {
                        "id": suite,
                        "title": f"marts.{suite}",
                        "description": f"{result['description']}.",
                        "note": f"{met} van {len(outcomes)} verwachtingen voldaan; gecontroleerd "
                        f"{_checked_at(result['checked_at'])} (run {result['run_id']}).",
                        "header": [
                            "kolom",
                            "regel",
                            "voor rijen",
                            "resultaat",
                            "afwijkende waarden",
                        ],
                        "rows": [
                            [
                                o["column"] or "",
                                EXPECTATION_WORDS.get(o["expectation"], o["expectation"])
                                + _limits_in_words(o),
                                o["condition"] or "alle rijen",
                                "voldaan" if o["success"] else "NIET voldaan",
                                o["examples"],
                            ]
                            for o in outcomes
                        ],
                    }
                )
        page.context.update(tables=tables)
        return page


def _limits_in_words(outcome: dict) -> str:
    """An expectation's limits as a Dutch reader writes them: '(van 0 tot en met 100)'."""
    low, high, allowed = outcome.get("minimum"), outcome.get("maximum"), outcome.get("allowed")
    if allowed:
        return f" ({', '.join(map(str, allowed))})"
    if low is not None and high is not None:
        return f" (van {number(low)} tot en met {number(high)})"
    if low is not None:
        return f" (minstens {number(low)})"
    if high is not None:
        return f" (hoogstens {number(high)})"
    return f" ({outcome['bounds']})" if outcome.get("bounds") else ""


def _checked_at(stamp: str) -> str:
    """An ISO time stamp (UTC) as '26-11-2026 17:50 (UTC)'."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.strftime("%-d-%-m-%Y %H:%M") + " (UTC)"


def _dutch(node: dict) -> str:
    """The Dutch description of a documented table or column (meta.omschrijving)."""
    return (node.get("meta") or {}).get("omschrijving", "")


# Great Expectations' expectation types in words.
EXPECTATION_WORDS = {
    "expect_column_values_to_be_in_set": "alleen toegestane waarden",
    "expect_column_values_to_not_be_null": "nooit leeg",
    "expect_column_values_to_be_between": "binnen de grenzen",
}
# Marks a folder as an earlier report, which a new report may overwrite.
REPORT_MARKER = ".ontcijferd-rapport"


def check_report_folder(out_dir: Path) -> None:
    """The report goes into a new or empty folder, or over an earlier report; never over a file
    or into a folder holding something else."""
    if out_dir.exists() and not out_dir.is_dir():
        raise DeliveryError(f"--out {out_dir} is a file, not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / REPORT_MARKER).exists():
        raise DeliveryError(
            f"--out {out_dir} holds files that are not an earlier report; choose a new or "
            "empty folder"
        )


def _write_assets(out_dir: Path) -> None:
    import vl_convert

    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    (assets / "rapport.css").write_text(STYLE, encoding="utf-8")
    boundaries = {
        name: json.loads((GEO_DIR / file).read_text(encoding="utf-8"))
        for name, file in BOUNDARY_FILES.items()
    }
    (assets / "grenzen.js").write_text(
        f"// {MAP_CREDIT}\nconst GRENZEN = {json.dumps(boundaries, separators=(',', ':'))};\n",
        encoding="utf-8",
    )


def build_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    focus: str = "PV23",
    quality_file: Path | None = None,
) -> list[Path]:
    check_report_folder(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / REPORT_MARKER).write_text("Gemaakt door `ontcijferd report`.\n", encoding="utf-8")
    _write_assets(out_dir)
    report = Report(con, out_dir, focus, quality_file)
    pages = [report.front()]
    pages += [report.theme(f, t, theme) for f, (t, kind, theme) in PAGES.items() if kind == "theme"]
    pages += [report.gemeenten_index(), report.warehouse(), report.datakwaliteit()]
    pages += [report.gemeente(code) for code in report.gemeenten["region_code"]]
    return [report.render(page) for page in pages]
