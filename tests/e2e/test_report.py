"""The static report, built from the end-to-end warehouse and opened in headless Chromium
(Debian's package, /usr/bin/chromium): every page opens without console errors or warnings,
every chart and map drew marks, no legend or axis label is cut off, numbers read in Dutch
notation. Screenshots of every page go to test-output/report/ (never a tracked file)."""

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from delivery.cli import EXIT_EMPTY, EXIT_OK, main
from delivery.report.charts import MAP_CREDIT
from delivery.report.page import EXPLANATION_CSV
from delivery.report.pages import PAGES
from tests.conftest import REPO_ROOT, reliability_row

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "test-output" / "report"
OVERIJSSEL_GEMEENTEN = 25
# A few gemeente pages in the browser (all 25 are checked as files below).
GEMEENTE_PAGES = ["gemeenten/GM0193.html", "gemeenten/GM0153.html", "gemeenten/GM1896.html"]
# Numbers in English notation: 1,189,033 or 18,000,000 (thousands comma) and 12.5 (decimal point).
ENGLISH_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(,\d{3})+(?![\d,])")
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])")


@pytest.fixture(scope="module")
def site(warehouse_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
        assert main(["report", "--out", str(out)]) == EXIT_OK
    return out


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Text elements of a chart whose box leaves the chart's SVG, or that Vega shortened with "…".
CUT_OFF_TEXT = """
(chart) => {
  const svg = chart.querySelector('svg');
  if (!svg) return ['no svg'];
  const box = svg.getBoundingClientRect();
  const cut = [];
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width === 0) continue;
    if (t.textContent.includes('…')) cut.push('shortened: ' + t.textContent);
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
        r.bottom > box.bottom + 1) cut.push('outside the chart: ' + t.textContent);
  }
  return cut;
}
"""


@pytest.mark.parametrize("page_file", [*PAGES, *GEMEENTE_PAGES])
def test_page_renders_in_dutch_without_console_messages(site, browser, page_file):
    page = browser.new_page(viewport={"width": 1050, "height": 900})
    messages, requests = [], []
    page.on(
        "console",
        lambda m: (
            messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: messages.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site / page_file).as_uri())
    charts = page.locator("div.chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator("svg path, svg rect").first.wait_for(timeout=10_000)
        marks = chart.locator(
            "svg g.mark-symbol path, svg g.mark-rect path, svg g.mark-line path, "
            "svg g.mark-shape path"
        )
        assert marks.count() > 0, f"{page_file}: chart {i} drew no marks"
        assert chart.evaluate(CUT_OFF_TEXT) == [], f"{page_file}: chart {i}"
    shot = SCREENSHOTS / f"{page_file.replace('/', '_')}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    text = page.locator("body").inner_text()
    page.close()
    assert messages == []
    assert all(url.startswith("file://") for url in requests)  # offline: nothing fetched
    readable = text.replace("CC BY 4.0", "")
    assert not ENGLISH_THOUSANDS.findall(readable), page_file
    assert not ENGLISH_DECIMAL.findall(readable), page_file


def test_the_report_is_dutch_and_sourced(site):
    for page_file in [*PAGES, *GEMEENTE_PAGES]:
        text = (site / page_file).read_text(encoding="utf-8")
        assert '<html lang="nl">' in text
        assert text.count("Bron: ") >= text.count('class="chart"'), page_file
        if "grenzen.js" in text:
            assert MAP_CREDIT in text
    # Births come from CBS 37201 (an id without NED); the age groups from Eurostat: the page's
    # footer names Eurostat beside CBS.
    bevolking = (site / "bevolking.html").read_text(encoding="utf-8")
    assert "Bron: CBS, tabel 37201." in bevolking
    footer = bevolking[bevolking.index("<footer>") :]
    assert "Bron: CBS (CC BY 4.0); Bevolking op 1 januari naar" in footer
    assert "(Eurostat, Eurostat-download van " in footer
    arbeid = (site / "arbeid.html").read_text(encoding="utf-8")
    assert "· Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd ·" in arbeid  # CBS only
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "Rapport gemaakt op " in front and "1.195.792" in front  # Overijssel, 1 January 2025
    assert "Voorlopig cijfer: CBS kan het nog herzien." in front
    assert (
        "bevolking, wonen, jeugdhulp, armoede, export, economie, arbeid, bereikbaarheid en de "
        "kerncijfers van de 25 gemeenten" in " ".join(front.split())
    )
    # Each card names its source; Eurostat's (the age groups) is named in the footer too.
    assert "Bron: CBS, tabel 03759ned, 37230ned. CBS-publicatiedatum: onbekend.</p>" in front
    # Woondeal progress: CBS's homes against the Woondeal's target, both named.
    progress = "Bron: CBS, tabel 82550NED, 86054NED; Woondeal Overijssel (herzien april 2025)."
    assert f"{progress} CBS-publicatiedatum: onbekend.</p>" in front
    assert "(Eurostat, Eurostat-download van " in front[front.index("<footer>") :]
    assert "+6.759 ten opzichte van 2024" in front  # 1,195,792 − 1,189,033
    # The state of the data is the newest observed year, not the forecast's 2050.
    assert "de nieuwste is 2025 (prognoses en beleidsdoelen niet\nmeegeteld)" in front
    for link in ("bevolking.html", "gemeenten.html", "warehouse.html", "datakwaliteit.html"):
        assert f'href="{link}"' in front
    armoede = (site / "armoede.html").read_text(encoding="utf-8")
    assert "Nog niet in dit warehouse: " in armoede
    assert "nieuwe armoedegrens (CBS/SCP/Nibud), % (CBS-tabel 86131NED)" in armoede
    assert "Kerncijfers wijken en buurten 2025, % (CBS-tabel 86165NED)" in armoede


def test_theme_pages_tell_their_story_with_few_charts(site):
    expected = {
        "bevolking.html": [
            "reeks_bevolking_index_2002",
            "piramide",
            "reeks_grijze_druk",
            "reeks_kindertal_per_vrouw",
            "prognose",
        ],
        "wonen.html": [
            "reeks_woningtekort_proxy_pct",
            "woondeal",
            "kaart_woondeal_gerealiseerd_cumulatief",
            "reeks_verkoopprijs_gemiddeld",
            "kaart_verkoopprijs_gemiddeld",
        ],
        "jeugdhulp.html": [
            "kaart_jeugdhulp_in_natura_pct",
            "rang_jeugdhulp_in_natura_pct",
            "kaart_jeugdzorg_kosten_per_inwoner",
        ],
        "armoede.html": ["kaart_huishoudens_rond_sociaal_minimum_pct"],
        "export.html": ["kaart_export"],
        "economie.html": [
            "reeks_economische_groei_pct",
            "groei_bedrijfstakken",
            "reeks_bbp_per_inwoner",
        ],
        "arbeid.html": [
            "kaart_werkloosheid_pct",
            "rang_werkloosheid_pct",
            "reeks_werkloosheid_pct",
        ],
        "bereikbaarheid.html": [
            "kaart_afstand_ziekenhuis",
            "reeks_afstand_huisartsenpraktijk",
            "reeks_personenautos",
        ],
        "kerncijfers.html": ["kaart_woz_waarde_gemiddeld", "kaart_inkomen_per_inwoner"],
    }
    for page_file, names in expected.items():
        text = (site / page_file).read_text(encoding="utf-8")
        assert text.count('class="chart"') <= 8, page_file  # a story, not every indicator
        for name in names:
            assert f'id="{name}"' in text and f'href="cijfers/{name}.csv"' in text, name
            assert (site / "cijfers" / f"{name}.csv").stat().st_size > 0
        # The full list stays reachable: a table with every indicator of the theme and a CSV.
        assert "Alle indicatoren van dit thema" in text
    wonen = (site / "wonen.html").read_text(encoding="utf-8")
    assert "Dit is niet het statistisch woningtekort" in wonen
    # A method break (jeugdhulp 2020 → 2021) starts a new line segment; never one line.
    assert '"reeksdeel": 1' in (site / "jeugdhulp.html").read_text(encoding="utf-8")
    # The index chart does not start at zero.
    bevolking = (site / "bevolking.html").read_text(encoding="utf-8")
    assert '"scale": {"zero": false}' in bevolking
    # A gemeente missing from the source is named, not drawn as if it had a figure; a distance
    # map is in quartiles without the note that belongs to counts.
    bereikbaarheid = (site / "bereikbaarheid.html").read_text(encoding="utf-8")
    assert "Geen afstanden in de ingebouwde gegevens voor Zwolle" in bereikbaarheid
    assert "klassen (kwartielen)" in bereikbaarheid
    assert "hangt ook af van de grootte" not in bereikbaarheid
    # Cars on 1 January 2025 come from 85237NED (provinces as columns); CBS has no figure per
    # 1,000 inhabitants for 2025 yet, and the caption says so rather than computing one.
    cars = (site / "cijfers" / "reeks_personenautos.csv").read_text(encoding="utf-8-sig")
    assert ";PV23;Overijssel;provincie;;2025;jaar;632485;auto's;onbekend;;85237NED;" in cars
    # A download's columns are an export's, in the same order.
    assert cars.splitlines()[0] == (
        "indicator;regiocode;regio;regioniveau;categorie;periode;soort periode;waarde;eenheid;"
        "status;methodebreuk;bron;publicatiedatum"
    )
    assert "voor 2025 heeft CBS nog geen cijfer per 1.000 inwoners" in bereikbaarheid
    # Sale prices per gemeente come from a truncated export: the map's caption names the 13
    # gemeenten without a figure (Zwolle among them), not the 12 that have one.
    caption = wonen.split('id="kaart_verkoopprijs_gemiddeld"', 1)[1].split("Eenheid:", 1)[0]
    assert "Kaart van de 25 gemeenten" in caption and "Zwolle" in caption
    assert "Oldenzaal" in caption and "Deventer" not in caption
    # The forecast is named for what it is, beside what was counted.
    for words in (
        "prognose CBS/PBL",
        "geteld (CBS)",
        "ondergrens 67%-interval",
        "niet de prognose van de provincie",
    ):
        assert words in bevolking, words


def test_downloads_are_the_figures_researchers_read(site, warehouse_path, tmp_path):
    """Every download of the report is what `ontcijferd export --format csv-nl` writes: Dutch
    headers, each figure with the decimals CBS publishes (7,0, not 7), in the unit shown (WOZ
    in euros); an indicator's download is byte for byte its export."""
    from delivery.readable import DUTCH_HEADERS

    downloads = sorted(set((site / "cijfers").glob("*.csv")) - {site / EXPLANATION_CSV})
    assert len(downloads) > 200
    for path in downloads:
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
        assert set(header) <= set(DUTCH_HEADERS.values()), (path.name, header)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
        for indicator in ("werkloosheid_pct", "woz_waarde_gemiddeld"):
            args = ["export", indicator, "--format", "csv-nl", "--out", str(tmp_path)]
            assert main(args) == EXIT_OK
            exported = tmp_path / f"{indicator}_excel-nl.csv"
            assert exported.read_bytes() == (site / "cijfers" / f"{indicator}.csv").read_bytes()
    lines = (site / "cijfers" / "werkloosheid_pct.csv").read_text(encoding="utf-8-sig")
    # Noord-Overijssel's unemployment in 2015 is 7.0 %, written as CBS writes it.
    assert "werkloosheid_pct;CR10;Noord-Overijssel;corop;;2015;jaar;7,0;%;" in lines
    # A chart's download: a gemeente beside the province and Nederland, in the shown unit.
    with (site / "cijfers" / "kaart_woz_waarde_gemiddeld.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    zwolle = next(r for r in rows if r["regiocode"] == "GM0193")
    assert (zwolle["waarde"], zwolle["waarde Nederland"], zwolle["eenheid"]) == (
        "355000",
        "379000",
        "euro",
    )


def test_every_download_links_its_toelichting(site, warehouse):
    """Beside every download the report links one toelichting, as `ontcijferd export --format
    csv-nl` writes one beside its file: per indicator its title, definition and sources, what
    each status means, each CBS table's release date, and which indicators have no figures."""
    with (site / EXPLANATION_CSV).open(encoding="utf-8-sig") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows[0] == ["onderwerp", "veld", "toelichting"]
    said = {(subject, field): words for subject, field, words in rows[1:]}
    catalog = warehouse.execute(
        "select indicator_id, title, definitie, source_tables from marts.indicator_catalog"
    ).fetchall()
    for indicator, title, definition, source_tables in catalog:
        assert said[(indicator, "titel")] == title
        assert said[(indicator, "definitie")] == definition
        assert said[(indicator, "brontabellen")] == source_tables
    without_rows = {
        indicator
        for (indicator,) in warehouse.execute(
            "select indicator_id from marts.indicator_catalog except "
            "select indicator_id from marts.indicator_values"
        ).fetchall()
    }
    told = {words.split()[0] for (subject, _), words in said.items() if subject == "geen gegevens"}
    assert told == without_rows
    assert said[("status", "voorlopig")].startswith("voorlopig CBS-cijfer")
    assert said[("CBS-publicatiedatum", "82550NED")]  # the woningvoorraad's table
    assert said[("indeling", "")].startswith("de cijfers van het rapport")
    # Every page with a download links the toelichting, from its own folder.
    without_downloads = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "download>Download de cijfers" in text or "download>CSV</a>" in text:
            root = "../" * (len(page.relative_to(site).parts) - 1)
            assert f'href="{root}{EXPLANATION_CSV}" download>toelichting</a>' in text, page
        else:
            without_downloads.add(page.name)
    assert without_downloads == {"index.html", "warehouse.html", "datakwaliteit.html"}


def _specs(site, page_file) -> dict:
    text = (site / page_file).read_text(encoding="utf-8")
    return json.loads(text.split("const specs = ", 1)[1].split(";\nconst locale", 1)[0])


def test_maps_mark_nederland_and_missing_gemeenten(site):
    spec = _specs(site, "jeugdhulp.html")["kaart_jeugdhulp_in_natura_pct"]
    legend = spec["encoding"]["color"]
    assert legend["legend"]["title"].startswith("Nederland: ")
    assert legend["scale"]["domain"][-1] == "geen gegevens"
    rows = next(v for v in spec["datasets"].values() if isinstance(v, list))
    assert len(rows) == OVERIJSSEL_GEMEENTEN
    assert all(r["pagina"].startswith("gemeenten/GM") for r in rows)  # links to the pages
    tooltips = {t["title"] for t in spec["encoding"]["tooltip"]}
    assert tooltips == {"regio", "periode", "waarde", "status"}
    export = _specs(site, "export.html")["kaart_export"]
    provinces = next(v for v in export["datasets"].values() if isinstance(v, list))
    flevoland = next(r for r in provinces if r["region_code"] == "PV24")
    # withheld by CBS, never zero, and said so in the tooltip, the caption and the CSV
    assert (flevoland["klasse"], flevoland["status"]) == ("geen gegevens", "geheim")
    page = (site / "export.html").read_text(encoding="utf-8")
    assert "grijs: geen gegevens (geheim, CBS publiceert het cijfer niet: Flevoland)." in page
    with (site / "cijfers" / "kaart_export.csv").open(encoding="utf-8-sig") as file:
        rows = {row["regio"]: row for row in csv.DictReader(file, delimiter=";")}
    assert (rows["Flevoland"]["waarde"], rows["Flevoland"]["status"]) == ("", "geheim")


def test_the_pyramid_draws_the_latest_year_against_2000_men_left(site, browser):
    """Overijssel's pyramid: 18 groups × men and women for 2024 as bars and for 2000 as
    outlines; its CSV holds exactly those rows, from the Eurostat file."""
    # CSV for Dutch Excel: BOM, `;`, decimal comma.
    with (site / "cijfers" / "piramide.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    assert {r["periode"] for r in rows} == {"2000", "2024"} and len(rows) == 72
    assert sum(int(r["personen"]) for r in rows if r["periode"] == "2024") == 1_189_033
    assert all(re.fullmatch(r"\d+,\d", r["aandeel (%)"]) for r in rows)  # one decimal
    spec = _specs(site, "bevolking.html")["piramide"]
    data = [r for v in spec["datasets"].values() for r in v]
    men = [r["positie"] for r in data if r.get("geslacht") == "mannen"]
    assert men and all(x < 0 for x in men)  # drawn to the left
    page = browser.new_page(viewport={"width": 1050, "height": 900})
    page.goto((site / "bevolking.html").as_uri())
    bars = page.locator("#piramide svg g.mark-rect path")
    bars.first.wait_for(timeout=10_000)
    assert bars.count() == 72
    page.close()


def test_every_gemeente_has_a_page_linked_from_the_maps(site):
    pages = sorted((site / "gemeenten").glob("GM*.html"))
    assert len(pages) == OVERIJSSEL_GEMEENTEN
    zwolle = (site / "gemeenten" / "GM0193.html").read_text(encoding="utf-8")
    assert "<h1>Zwolle</h1>" in zwolle and "133.830" in zwolle  # 1 January 2025
    # WOZ 2024, Zwolle and Nederland; no-break spaces between a number and its unit
    assert "€\u00a0355.000" in zwolle and "€\u00a0379.000" in zwolle
    assert ">53\u00a0%<" in zwolle and ">57\u00a0%<" in zwolle  # KWB's whole percentages
    assert "Waar Zwolle het meest afwijkt van Nederland" in zwolle
    # Each key figure names the table it comes from.
    assert "<th>bron (cijfer van Zwolle)</th>" in zwolle
    assert "<td>onbekend</td><td>CBS, tabel 86088NED</td></tr>" in zwolle  # arbeid, 2024
    # Development over time beside the province and Nederland, with its own CSV per gemeente.
    for indicator in ("bevolking_index_2002", "woningvoorraad", "jeugdhulp_in_natura_pct"):
        assert f'id="GM0193_{indicator}"' in zwolle, indicator
        assert (site / "cijfers" / f"GM0193_{indicator}.csv").is_file()
    # The gemeenten nearest in population are named, and shares differ in percentage points.
    assert "Vergelijkbaar in inwonertal: Enschede, Deventer, Hengelo" in zwolle
    differences = zwolle.split("Waar Zwolle het meest afwijkt van Nederland")[1]
    assert "procentpunt hoger" in differences or "procentpunt lager" in differences
    assert not re.search(r"\d,\d\u00a0% tegen [^(]*\(\d+\u00a0% (hoger|lager)", differences)
    index = (site / "gemeenten.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="gemeenten/(GM\d{4})\.html"', index))
    assert len(linked) == OVERIJSSEL_GEMEENTEN  # from the list and the map's table view


def test_the_warehouse_page_documents_every_public_table_and_column(site, warehouse):
    text = (site / "warehouse.html").read_text(encoding="utf-8")
    tables = warehouse.execute(
        "select distinct table_schema || '.' || table_name from information_schema.columns "
        "where table_schema in ('marts', 'reference')"
    ).fetchall()
    for (table,) in tables:
        assert f'id="{table}"' in text
    assert "waar in de eerste periode nadat de reeks overging" in text  # method_break, in Dutch
    assert "<td></td></tr>" not in text  # every column has a description


def test_the_datakwaliteit_page_shows_the_last_runs_expectations(site):
    text = (site / "datakwaliteit.html").read_text(encoding="utf-8")
    # The end-to-end run's Great Expectations results, every expectation met.
    assert "marts.indicator_values" in text and "marts.bevolking_piramide" in text
    assert "7 van 7 verwachtingen voldaan" in text
    assert "3 van 3 verwachtingen voldaan" in text
    assert "NIET voldaan" not in text
    # The rows a rule holds for, in Dutch rather than as code.
    assert "bevolking_index_2002 van samengestelde regio&#39;s (geen gemeenten)" in text
    assert "binnen de grenzen (van 0 tot en met 30.000.000)" in text  # limits in Dutch


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("page_file", [*PAGES, *GEMEENTE_PAGES])
def test_every_page_fits_a_phone(site, browser, page_file):
    """At 390 px no page is wider than the screen, every chart, map and legend lies inside it
    (nothing cut off or shortened), wide tables scroll inside the page, no console message."""
    page = browser.new_page(viewport=PHONE)
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else 0)
    page.goto((site / page_file).as_uri())
    charts = page.locator("div.chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator("svg path, svg rect").first.wait_for(timeout=10_000)
        box = chart.locator("svg").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (page_file, i)
        assert chart.evaluate(CUT_OFF_TEXT) == [], f"{page_file}: chart {i}"
    width = page.evaluate("document.documentElement.scrollWidth")
    shot = SCREENSHOTS / "390px" / f"{page_file.replace('/', '_')}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert width <= PHONE["width"], f"{page_file} is {width} px wide on a 390 px screen"
    assert messages == []


@pytest.mark.parametrize("page_file", [f for f, (_, kind, _) in PAGES.items() if kind == "theme"])
def test_theme_pages_print_on_a4_without_navigation(site, browser, page_file):
    page = browser.new_page()
    page.goto((site / page_file).as_uri())
    charts = page.locator("div.chart svg")
    if charts.count():
        charts.first.wait_for(timeout=10_000)
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    assert not page.locator("details.tabelweergave").first.is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # A4 (595 × 842 points), a few pages a theme: not one page per chart, not dozens.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d* 84[12]", pdf), page_file
    assert 1 <= pages <= 14, f"{page_file}: {pages} printed pages"


def test_charts_have_dutch_accessible_names_and_table_views(site, browser):
    page = browser.new_page(viewport={"width": 1050, "height": 900})
    page.goto((site / "bevolking.html").as_uri())
    page.locator("div.chart svg").first.wait_for(timeout=10_000)
    # The accessible name is the Dutch description (title and latest figures), not Vega's
    # "Vega visualization".
    named = page.get_by_role("img", name=re.compile(r"^Bevolking op 1 januari\. 2025: "))
    assert named.count() == 1
    assert "Overijssel 1.195.792" in named.get_attribute("aria-label")
    assert page.get_by_role("img", name="Vega visualization").count() == 0
    labels = page.locator(".chart-naam").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert labels and all(label and "Vega" not in label for label in labels)
    page.goto((site / "jeugdhulp.html").as_uri())
    # Every gemeente of the map is in its table view, a link reachable by keyboard.
    view = page.locator("#kaart_jeugdhulp_in_natura_pct").locator(
        "xpath=ancestor::figure//details[contains(@class, 'tabelweergave')]"
    )
    view.locator("summary").click()
    links = view.locator("a[href^='gemeenten/GM']")
    assert links.count() == OVERIJSSEL_GEMEENTEN
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "SUMMARY")
    header = view.locator("th").all_inner_texts()
    assert header == ["regio", "periode", "waarde", "status"]
    page.close()


def _saved_image(page, chart: str, image_format: str) -> bytes:
    with page.expect_download() as download:
        page.click(f"button[data-grafiek='{chart}'][data-formaat='{image_format}']")
    assert download.value.suggested_filename == f"{chart}.{image_format}"
    return Path(download.value.path()).read_bytes()


def test_a_chart_saves_as_an_image_with_title_and_credit(site, browser):
    """A researcher takes a chart or a map into a publication: the image carries what the
    page's caption says beside it — sources, boundaries, what is not final — in Dutch."""
    page = browser.new_page(accept_downloads=True)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((site / "bevolking.html").as_uri())
    page.wait_for_selector("#reeks_bevolking_totaal svg")
    svg = _saved_image(page, "reeks_bevolking_totaal", "svg").decode("utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "Bevolking op 1 januari" in words  # the chart's own title
    assert "1.200.000" in words  # an axis in Dutch notation
    assert (
        "Bron: CBS, tabel 03759ned, 37230ned; bewerking Overijssel Ontcijferd. "
        "CBS-publicatiedatum: onbekend. Niet definitief (open of lichter getekend): cijfers met "
        "status voorlopig." in words
    )
    page.goto((site / "wonen.html").as_uri())
    page.wait_for_selector("#kaart_woondeal_gerealiseerd_cumulatief svg")
    svg = _saved_image(page, "kaart_woondeal_gerealiseerd_cumulatief", "svg").decode("utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    # 2022–2023 from 86054NED, 2024 from 82550NED: the total since 2022 names both tables
    credit = "Bron: CBS, tabel 82550NED, 86054NED; bewerking Overijssel Ontcijferd."
    assert f"{credit} {MAP_CREDIT}." in words
    assert svg.count("<path") > OVERIJSSEL_GEMEENTEN  # every gemeente drawn
    png = _saved_image(page, "kaart_woondeal_gerealiseerd_cumulatief", "png")
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width >= 2 * 640  # twice the image width: sharp in print
    assert errors == []
    page.close()


def test_a_gemeente_chart_reads_as_its_table_and_names_what_is_missing(site, browser):
    """CBS gives an average income in thousands of euros (27,9); the chart's axis reads euros
    (27.900) as its table, tooltip and files do. CBS publishes no province figure of it, and the
    caption says so rather than naming Overijssel beside Almelo over two lines."""
    page = browser.new_page()
    page.goto((site / "gemeenten/GM0141.html").as_uri())
    chart = "#GM0141_inkomen_per_inwoner"
    page.wait_for_selector(f"{chart} svg")
    labels = page.locator(f"{chart} .role-axis-label text").all_text_contents()
    values = [label for label in labels if not re.fullmatch(r"20\d\d", label)]  # not years
    assert values and all(re.fullmatch(r"\d{2}\.\d{3}", label) for label in values), labels
    assert "euro" in page.locator(f"{chart} .role-axis-title text").all_text_contents()
    caption = " ".join(page.locator(f"figure:has({chart}) figcaption").inner_text().split())
    assert caption.startswith(
        "Gemiddeld inkomen per inwoner: Almelo naast Nederland, per jaar. "
        "Voor Overijssel zijn er geen cijfers. Eenheid: euro."
    )
    cells = page.locator(f"figure:has({chart}) details td").all_text_contents()
    assert cells[:5] == ["Almelo", "", "2021", "€\u00a024.400", "onbekend"]
    werkloosheid = page.locator("figure:has(#GM0141_werkloosheid_pct) figcaption").inner_text()
    assert werkloosheid.startswith("Werkloosheid (%): Almelo naast Overijssel en Nederland, per")
    assert "geen cijfers" not in werkloosheid
    page.close()


def test_the_chart_library_loads_only_where_there_are_charts(site):
    for page_file in ("warehouse.html", "datakwaliteit.html", "index.html"):
        assert "vega.js" not in (site / page_file).read_text(encoding="utf-8"), page_file
    assert '<script src="assets/vega.js">' in (site / "bevolking.html").read_text("utf-8")
    assert '<script src="../assets/vega.js">' in (site / GEMEENTE_PAGES[0]).read_text("utf-8")


def test_status_onbekend_is_drawn_like_definitive_and_said_once_per_page(site):
    woondeal = _specs(site, "wonen.html")["woondeal"]
    rows = [r for v in woondeal["datasets"].values() for r in v]
    assert {r["period"] for r in rows} == {
        "gerealiseerd t/m 2024",
        "verwacht op het rechte pad, eind 2024",
        "doel voor 2030",
    }
    realised = [r for r in rows if r["period"].startswith("gerealiseerd")]
    assert {r["status"] for r in realised} == {"onbekend"}
    assert {r["cijferstatus"] for r in realised} == {"definitief of status onbekend"}
    overijssel = next(
        r for r in rows if r["period"] == "doel voor 2030" and r["region_code"] == "PV23"
    )
    assert overijssel["value"] == 47_300
    # The target and the path to it are the woondeal's, the homes added CBS's: both are named.
    assert {r["source_table"] for r in rows if r["period"] == "doel voor 2030"} == {
        "Woondeal Overijssel (herzien april 2025)"
    }
    wonen = (site / "wonen.html").read_text(encoding="utf-8")
    assert "Bron: CBS, tabel 82550NED, 86054NED; Woondeal Overijssel (herzien april 2025)." in wonen
    for page_file in PAGES:
        text = (site / page_file).read_text(encoding="utf-8")
        assert text.count("Over de status: bij ") == 1, page_file
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "Status onbekend: de bron zegt niet" not in front  # no longer on every card


def test_a_chart_says_when_cbs_published_its_tables(warehouse_path, tmp_path, monkeypatch):
    """Beside each chart's and front-page card's sources, and on a chart's saved image, the date
    CBS published each table drawn (TableInfos.Modified); 'onbekend' where CBS gave none, as for
    the embedded snapshot. A gemeente's table of figures says it too, and the warehouse page
    lists every table with its date."""
    copy = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, copy)
    with duckdb.connect(str(copy)) as con:
        # SYNTHETIC release dates, as live CBS gives them; 82550NED keeps none.
        con.executemany(
            "update marts.cbs_tables set release_date = ? where table_id = ?",
            [
                [dt.date(2025, 6, 26), "37201"],
                [dt.date(2025, 6, 30), "86054NED"],
                [dt.date(2025, 7, 1), "86088NED"],
            ],
        )
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(copy))
    assert main(["report", "--out", str(tmp_path / "site")]) == EXIT_OK
    bevolking = (tmp_path / "site" / "bevolking.html").read_text(encoding="utf-8")
    assert "Bron: CBS, tabel 37201. CBS-publicatiedatum: 26-6-2025." in bevolking
    wonen = (tmp_path / "site" / "wonen.html").read_text(encoding="utf-8")
    dates = "CBS-publicatiedatums: 82550NED onbekend, 86054NED 30-6-2025."
    assert f"Bron: CBS, tabel 82550NED, 86054NED. {dates}" in wonen
    # The saved image's credit lines (a JSON list per chart in the page) carry the dates too.
    credit_lines = " ".join(wonen.split('", "'))
    assert f"vereenvoudigd door cartomap/nl. {dates}" in credit_lines
    # Another source's name says its own date: no CBS date beside ABF's housing shortage.
    assert '(ABF-methode); bewerking Overijssel Ontcijferd."]' in wonen
    # The front page's cards, whose figures are quoted as they stand, say it as well.
    front = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert (
        f"Bron: CBS, tabel 82550NED, 86054NED; Woondeal Overijssel (herzien april 2025). {dates}"
        in front
    )
    # A gemeente's table of figures, quoted as they stand, says when CBS published each table.
    almelo = (tmp_path / "site" / "gemeenten" / "GM0141.html").read_text(encoding="utf-8")
    [dated] = re.findall(
        r"De cijfers van Almelo in deze tabel: CBS-publicatiedatums: [^<]*", almelo
    )
    assert "86088NED 1-7-2025" in dated and "85098NED onbekend" in dated, dated
    # The warehouse page lists every CBS table with its date and where it was loaded from.
    warehouse = (tmp_path / "site" / "warehouse.html").read_text(encoding="utf-8")
    assert (
        "<tr><td>37201</td><td>Geboorte; kerncijfers vruchtbaarheid, leeftijd moeder, regio</td>"
        "<td>26-6-2025</td><td>ingebouwde CBS-gegevens</td>" in warehouse
    )
    [housing] = re.findall(r"<tr><td>82550NED</td>.*?</tr>", warehouse)
    assert "<td>onbekend (de bron geeft geen datum)</td><td>ingebouwde CBS-gegevens</td>" in housing


def test_captions_say_what_the_figures_say(warehouse_path, tmp_path, monkeypatch):
    """A caption that names years or reference lines takes them from the figures it describes,
    so a new CBS release does not leave it saying something no longer true."""
    copy = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, copy)
    with duckdb.connect(str(copy)) as con:
        # SYNTHETIC: CBS's 2025 cars per 1,000 inhabitants (85235NED), as a release would add.
        con.execute(
            "insert into marts.indicator_values select * replace ('2025' as period, "
            "value + 10 as value) from marts.indicator_values "
            "where indicator_id = 'personenautos_per_1000_inwoners' and period = '2024'"
        )
        # SYNTHETIC: a forecast edition that starts a year later and ends a year earlier.
        con.execute(
            "delete from marts.indicator_values "
            "where indicator_id like 'bevolkingsprognose%' and period in ('2023', '2050')"
        )
        # SYNTHETIC: CBS no longer withholds Flevoland's export.
        con.execute(
            "update marts.indicator_values set value = 1000, status = 'onbekend' "
            "where indicator_id = 'export_goederen' and region_code = 'PV24'"
        )
        # SYNTHETIC: CBS withholds Almelo's latest youth-care share.
        con.execute(
            "update marts.gemeente_vergelijking set value = null, status = 'geheim' "
            "where indicator_id = 'jeugdhulp_in_natura_pct' and region_code = 'GM0141' "
            "and period = '2023'"
        )
        # SYNTHETIC: a year of unemployment without a figure for Nederland.
        con.execute(
            "update marts.gemeente_vergelijking set nederland_value = null "
            "where indicator_id = 'werkloosheid_pct'"
        )
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(copy))
    assert main(["report", "--out", str(tmp_path / "site")]) == EXIT_OK
    cars = (tmp_path / "site" / "bereikbaarheid.html").read_text(encoding="utf-8")
    assert "berekend door CBS (85235NED, tot en met 2025); de as begint niet bij nul." in cars
    assert "heeft CBS nog geen cijfer per 1.000 inwoners" not in cars
    assert "1 januari 2025 uit CBS 85237NED" in cars  # the count itself still from 85237NED
    population = (tmp_path / "site" / "bevolking.html").read_text(encoding="utf-8")
    assert "De regionale bevolkingsprognose 2024–2049 van CBS en PBL (85171NED)" in population
    assert "Hoeveel inwoners krijgt Overijssel tot 2049?" in population
    assert "ook 2024 is in de prognose een voorspelling" in population
    export = (tmp_path / "site" / "export.html").read_text(encoding="utf-8")
    assert "(kwartielen); grijs: geen gegevens. Eenheid: mln euro." in export  # none withheld
    jeugdhulp = (tmp_path / "site" / "jeugdhulp.html").read_text(encoding="utf-8")
    assert "grijs: geen gegevens (geheim, CBS publiceert het cijfer niet: Almelo)." in jeugdhulp
    arbeid = (tmp_path / "site" / "arbeid.html").read_text(encoding="utf-8")
    ranking = arbeid.split('id="rang_werkloosheid_pct"', 1)[1].split("</figcaption>", 1)[0]
    assert (
        "Elke gemeente met een cijfer, hoogste boven; voor Nederland is er geen cijfer; "
        "doorgetrokken lijn: Overijssel. Eenheid: %." in ranking
    )
    spec = _specs(tmp_path / "site", "arbeid.html")["rang_werkloosheid_pct"]
    drawn = [layer["encoding"]["x"]["field"] for layer in spec["layer"]]
    assert drawn == ["value", "provincie_value"]  # the bars and the lines with a figure


def test_the_report_is_about_the_province_the_warehouse_was_built_for(
    warehouse_path, tmp_path, monkeypatch, capsys
):
    """Configured for Zeeland since, the Overijssel warehouse still makes a report about
    Overijssel (its gemeenten hold the figures), saying so; it failed with an IndexError."""
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
    monkeypatch.setenv("ONTCIJFERD_FOCUS_PROVINCE", "PV29")
    assert main(["report", "--out", str(tmp_path)]) == EXIT_OK
    assert (
        "het rapport gaat over PV23, waarvoor dit warehouse is gebouwd; de instellingen "
        "noemen PV29" in capsys.readouterr().err
    )
    gemeenten = sorted(p.stem for p in (tmp_path / "gemeenten").glob("GM*.html"))
    assert len(gemeenten) == OVERIJSSEL_GEMEENTEN and "GM0193" in gemeenten  # Zwolle
    # A publication from before the focus was recorded: the configured province, and where
    # the warehouse has none of its gemeenten, one line and nothing written.
    older = tmp_path / "older" / "ontcijferd.duckdb"
    older.parent.mkdir()
    shutil.copyfile(warehouse_path, older)
    with duckdb.connect(str(older)) as con:
        con.execute("alter table meta.publication drop column focus_province")
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(older))
    assert main(["report", "--out", str(tmp_path / "zeeland")]) == EXIT_EMPTY
    assert capsys.readouterr().err.strip() == (
        "ontcijferd: Geen rapport: dit warehouse heeft geen cijfers voor de gemeenten van "
        "Zeeland (PV29); het is voor een andere provincie gebouwd. Draai eerst `ontcijferd run` "
        "met deze focusprovincie"
    )
    assert not (tmp_path / "zeeland").exists()


def test_the_datakwaliteit_page_after_a_failed_run(warehouse, warehouse_path, tmp_path, browser):
    """A run after the publication failed a Great Expectations rule: the page still shows the
    published run's results (they travel in the warehouse), and the failed run's beside them,
    labelled as not published. SYNTHETIC failed result: one outcome of the real suite flipped."""
    import shutil

    from lifecycle.expectations import published_results

    folder = tmp_path / "warehouse"
    folder.mkdir()
    shutil.copyfile(warehouse_path, folder / "ontcijferd.duckdb")
    published = published_results(warehouse)
    failed = json.loads(json.dumps(published["indicator_values"]))
    failed["run_id"] = "mislukte-run"
    failed["outcomes"][0].update(success=False, examples="GM0193 (Zwolle): 101,0")
    (folder / "datakwaliteit.json").write_text(
        json.dumps({**published, "indicator_values": failed}), encoding="utf-8"
    )
    out = tmp_path / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONTCIJFERD_WAREHOUSE", str(folder / "ontcijferd.duckdb"))
        assert main(["report", "--out", str(out)]) == EXIT_OK
    page = browser.new_page(viewport=PHONE)
    page.goto((out / "datakwaliteit.html").as_uri())
    published_part = page.locator("main > div.scroll, main > h2").all_inner_texts()
    section = page.locator("section.niet-gepubliceerd")
    assert section.is_visible()
    text = section.inner_text()
    assert "Een latere run, niet gepubliceerd" in text and "run mislukte-run" in text
    assert "NIET voldaan" in text and "GM0193 (Zwolle): 101,0" in text
    assert "marts.bevolking_piramide" not in text  # only the suites whose run differs
    before = page.locator("main").inner_text().split("Een latere run, niet gepubliceerd")[0]
    assert "NIET voldaan" not in before and "7 van 7 verwachtingen voldaan" in before
    assert published_part
    page.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _report_halfway(out: Path, warehouse_path: str) -> subprocess.Popen:
    """`ontcijferd report --out out` in a child process, once it has written five pages."""
    child = subprocess.Popen(
        [sys.executable, "-m", "delivery.cli", "report", "--out", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, "ONTCIJFERD_WAREHOUSE": warehouse_path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    staging, deadline = out.with_name(f".{out.name}.nieuw"), time.monotonic() + 120
    while len(list(staging.rglob("*.html"))) < 5:
        assert child.poll() is None, f"the report ended early: {child.stderr.read()}"
        assert time.monotonic() < deadline, "the report never wrote five pages"
        time.sleep(0.1)
    return child


def test_a_report_stopped_or_killed_halfway_leaves_the_earlier_report(
    site, warehouse_path, tmp_path, monkeypatch, request
):
    """The real command in a child process, over an earlier report: SIGTERM halfway ends it
    with one line and leaves the earlier report file for file; SIGKILL leaves it too, and the
    next report clears what the killed one left and replaces the earlier report whole."""
    out = tmp_path / "site"
    shutil.copytree(site, out)
    # SYNTHETIC: a page of a gemeente that no longer exists, which the next report lacks.
    (out / "gemeenten" / "GM9999.html").write_text("opgeheven gemeente", encoding="utf-8")
    before = _files(out)

    child = _report_halfway(out, warehouse_path)
    child.send_signal(signal.SIGTERM)
    code, said = child.wait(timeout=30), child.stderr.read()
    assert code == 128 + signal.SIGTERM, said
    assert said.splitlines() == ["ontcijferd: report gestopt (SIGTERM)"]
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    child = _report_halfway(out, warehouse_path)
    child.kill()
    child.wait(timeout=30)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.nieuw", "site"]
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", warehouse_path)
    assert main(["report", "--out", str(out)]) == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert sorted(_files(out)) == sorted(_files(site))  # GM9999 gone with the earlier report
    reliability_row(
        request,
        side="ours (files)",
        fault="a report stopped or killed halfway",
        injected="`ontcijferd report --out site` over an earlier report, sent SIGTERM, then "
        "SIGKILL, after it wrote five pages",
        expected="the earlier report as it was, file for file; SIGTERM: one line, exit 143, "
        "nothing left beside it; after SIGKILL the next report clears the half-written folder",
        seen=f"{said.strip()} (exit {128 + signal.SIGTERM}); {len(before)} files unchanged both "
        "times; the next report left only `site`",
    )
