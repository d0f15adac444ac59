"""The static report, built from the end-to-end warehouse and opened in headless Chromium
(Debian's package, /usr/bin/chromium): no console errors, every chart drew marks. Screenshots
go to test-output/report/ for people to look at."""

import csv
from pathlib import Path

import pytest

from delivery.cli import EXIT_OK, main
from delivery.report import PAGES
from tests.conftest import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "test-output" / "report"


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
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("page_file", list(PAGES))
def test_page_renders_its_charts_without_console_errors(site, browser, page_file):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site / page_file).as_uri())
    charts = page.locator("div.chart")
    for i in range(charts.count()):
        charts.nth(i).locator("svg .mark-group, svg path, svg rect").first.wait_for(timeout=10_000)
        marks = charts.nth(i).locator(
            "svg g.mark-symbol path, svg g.mark-rect path, svg g.mark-line path"
        )
        assert marks.count() > 0, f"{page_file}: chart {i} drew no marks"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{page_file}.png"), full_page=True)
    page.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests)  # offline: nothing fetched
    if page_file not in ("index.html", "warehouse.html"):
        text = (site / page_file).read_text()
        assert text.count("Bron: ") == text.count('class="chart"') and "CBS" in text


def test_theme_pages_have_charts_with_csv_downloads(site):
    for page_file, expected in (
        ("bevolking.html", ["piramide", "groei", "ind_grijze_druk"]),
        ("wonen.html", ["woningvoorraad", "woningtekort", "woondeal"]),
        ("jeugdhulp.html", ["jeugdhulp_in_natura_pct"]),
        ("export.html", ["export"]),
        (
            "kerncijfers.html",
            ["woz_waarde_gemiddeld", "inkomen_per_inwoner", "bevolkingsdichtheid"],
        ),
    ):
        text = (site / page_file).read_text()
        for name in expected:
            assert f'id="{name}"' in text and f'href="{name}.csv"' in text
            assert (site / f"{name}.csv").stat().st_size > 0
    bevolking = (site / "bevolking.html").read_text()
    assert (
        "Bevolkingspiramide Overijssel: 2024 (vlakken) tegen 2000 (zwarte omlijning)" in bevolking
    )
    kerncijfers = (site / "kerncijfers.html").read_text()
    assert "CBS publiceert hiervan geen provinciecijfer" in kerncijfers


def test_the_pyramid_draws_2000_against_2024_men_left(site, browser):
    """Overijssel's pyramid: 18 groups × men and women for 2024 as bars and for 2000 as
    outlines (72 rects); its CSV holds exactly those rows, from the Eurostat file."""
    rows = list(csv.DictReader((site / "piramide.csv").open(encoding="utf-8")))
    assert {r["period"] for r in rows} == {"2000", "2024"} and len(rows) == 72
    assert sum(float(r["personen"]) for r in rows if r["period"] == "2024") == 1_189_033
    men = [float(r["positie"]) for r in rows if r["geslacht"] == "mannen"]
    assert men and all(x < 0 for x in men)  # drawn to the left
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto((site / "bevolking.html").as_uri())
    bars = page.locator("#piramide svg g.mark-rect path")
    bars.first.wait_for(timeout=10_000)
    assert bars.count() == 72
    page.close()
    # A method break (jeugdhulp 2020 → 2021) starts a new line segment; never one line.
    assert '"reeksdeel": 1' in (site / "jeugdhulp.html").read_text()


def test_the_warehouse_page_documents_every_public_table_and_column(site, warehouse):
    text = (site / "warehouse.html").read_text()
    tables = warehouse.execute(
        "select distinct table_schema || '.' || table_name from information_schema.columns "
        "where table_schema in ('marts', 'reference')"
    ).fetchall()
    for (table,) in tables:
        assert f'id="{table}"' in text
    assert "true on the first period after the series changed" in text  # method_break
    assert "<td></td></tr>" not in text  # every column has a description
    assert 'href="warehouse.html"' in (site / "index.html").read_text()


def test_the_datakwaliteit_page_shows_the_last_runs_expectations(site):
    text = (site / "datakwaliteit.html").read_text(encoding="utf-8")
    # The end-to-end run's Great Expectations results, every expectation met.
    assert "marts.indicator_values" in text and "marts.bevolking_leeftijdsopbouw" in text
    assert "8 van 8 verwachtingen voldaan" in text
    assert "2 van 2 verwachtingen voldaan" in text
    assert "NIET voldaan" not in text
    assert "<code>indicator_id == &#x27;bevolking_totaal&#x27;</code>" in text
