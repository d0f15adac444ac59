"""The report's pages and what is on each: the navigation (PAGES), the front page's headline
cards, the warehouse's tables and columns, and the data-quality results. Theme pages are in
delivery/report/themes.py, gemeente pages in delivery/report/gemeenten.py."""

from __future__ import annotations

import datetime as dt

from delivery.formatting import change, dutch_time, figure, number
from delivery.readable import release_words
from delivery.report.data import ReportData
from delivery.report.page import Page, period_words
from delivery.report.themes import THEME_INTROS

# file → (navigation title, page kind, theme in the catalog)
PAGES = {
    "index.html": ("Overijssel Ontcijferd", "front", None),
    "bevolking.html": ("Bevolking", "theme", "bevolking"),
    "wonen.html": ("Wonen", "theme", "wonen"),
    "jeugdhulp.html": ("Jeugdhulp", "theme", "jeugdhulp"),
    "armoede.html": ("Armoede", "theme", "armoede"),
    "export.html": ("Export", "theme", "export"),
    "economie.html": ("Economie", "theme", "economie"),
    "arbeid.html": ("Arbeid", "theme", "arbeid"),
    "bereikbaarheid.html": ("Bereikbaarheid", "theme", "bereikbaarheid"),
    "kerncijfers.html": ("Kerncijfers per gemeente", "theme", "kerncijfers"),
    "gemeenten.html": ("Gemeenten", "gemeenten", None),
    "warehouse.html": ("Het warehouse", "warehouse", None),
    "datakwaliteit.html": ("Datakwaliteit", "datakwaliteit", None),
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
    # Said once on every page (ReportData.status_sentence), not on each card.
    "onbekend": "",
    "n.v.t.": "",
    "geheim": "Geheim: CBS publiceert dit cijfer niet.",
}
# Great Expectations' expectation types in words.
EXPECTATION_WORDS = {
    "expect_column_values_to_be_in_set": "alleen toegestane waarden",
    "expect_column_values_to_not_be_null": "nooit leeg",
    "expect_column_values_to_be_between": "binnen de grenzen",
}


def front(data: ReportData) -> Page:
    page = Page("index.html", "Overijssel Ontcijferd", "front", release_dates=data.release_dates)
    cards = []
    for indicator, link in HEADLINES:
        frame = data.values(indicator, [data.focus])
        if frame.empty:
            continue
        unit, entry = data.unit(indicator), data.catalog.loc[indicator]
        latest, previous = frame.iloc[-1], (frame.iloc[-2] if len(frame) > 1 else None)
        moment = (
            f"op 1 januari {latest['period']}"
            if str(entry["peildatum"]).startswith("1 januari")
            else f"over {period_words(latest['period'])}"
        )
        changed = (
            f"{change(latest['value'] - previous['value'], unit, data.decimals(indicator))} "
            f"ten opzichte van {period_words(previous['period'])}"
            if previous is not None
            else "geen eerdere periode om mee te vergelijken"
        )
        drawn_from = frame.iloc[-2:]  # the figure and the one it is compared with
        page.shown.append(drawn_from)
        cards.append(
            page.cite(drawn_from)
            | {
                "title": entry["title"],
                "value": figure(latest["value"], unit, data.decimals(indicator)),
                "period_text": f"{data.focus_name}, {moment}",
                "change_text": changed,
                "status_text": STATUS_WORDS.get(latest["status"], ""),
                "link": link,
                "theme_title": PAGES[link][0],
            }
        )
    themes = [
        {"file": f, "title": f"{t}: {THEME_INTROS[theme].format(focus=data.focus_name)}"}
        for f, (t, kind, theme) in PAGES.items()
        if kind == "theme"
    ]
    # What the introduction says the report covers: the theme pages (the kerncijfers it names
    # apart, with the number of gemeenten).
    subjects = [
        t.lower() for t, kind, theme in PAGES.values() if kind == "theme" and theme != "kerncijfers"
    ]
    page.context.update(
        cards=cards,
        latest_period=data.latest_focus_period(),
        themes=themes,
        subjects=subjects,
    )
    return page


# Where a CBS table was loaded from (marts.cbs_tables: source_mode), as researchers read it.
LOADED_FROM = {"live": "CBS (live)", "snapshot": "ingebouwde CBS-gegevens"}


def warehouse(data: ReportData) -> Page:
    """The CBS tables the warehouse is built from (with their publication dates), then every
    public table (marts, reference) and column, described in Dutch as the warehouse itself
    describes them (marts.meta)."""
    page = Page("warehouse.html", "Het warehouse: tabellen en kolommen", "warehouse")
    columns = data.documented_columns()
    # Where the figures come from and how recent CBS's tables are, before the tables built.
    sources = {
        "id": "cbs-tabellen",
        "title": "De CBS-tabellen waaruit het warehouse is gebouwd",
        "description": "Elke CBS-tabel met haar titel op StatLine, de datum waarop CBS haar "
        "publiceerde en waar het warehouse haar vandaan haalde (ook als tabel: "
        "marts.cbs_tables).",
        "note": "",
        "header": ["tabel", "titel", "CBS-publicatiedatum", "geladen uit", "geladen op"],
        "rows": [
            [
                table,
                title,
                release_words(released),
                LOADED_FROM.get(mode, mode),
                dutch_time(loaded),
            ]
            for table, title, released, mode, loaded in data.cbs_tables()
        ],
    }
    tables = [
        {
            "id": f"{schema}.{table}",
            "title": f"{schema}.{table}",
            "description": cols["table_description"].iloc[0],
            "note": "",
            "header": ["kolom", "type", "betekenis", "eenheid"],
            "rows": cols[
                ["column_name", "data_type", "column_description", "unit"]
            ].values.tolist(),
        }
        for (schema, table), cols in columns.groupby(["table_schema", "table_name"], sort=True)
    ]
    page.context.update(tables=[sources, *tables])
    return page


def datakwaliteit(published: dict, last_run: dict) -> Page:
    """The Great Expectations results of the published warehouse's run (carried in it:
    meta.datakwaliteit) and, beside them, those of a later run that did not publish (the
    results file of the last run, sources/config.py: quality_file), labelled as such."""
    page = Page("datakwaliteit.html", "Datakwaliteit", "datakwaliteit")
    published_runs = {result["run_id"] for result in published.values()}
    unpublished = {
        suite: result
        for suite, result in last_run.items()
        if result["run_id"] not in published_runs
    }
    page.context.update(
        tables=[_suite_table(suite, result) for suite, result in sorted(published.items())],
        unpublished=[
            _suite_table(suite, result, "niet-gepubliceerd-")
            for suite, result in sorted(unpublished.items())
        ],
    )
    return page


def _suite_table(suite: str, result: dict, prefix: str = "") -> dict:
    outcomes = result["outcomes"]
    met = sum(o["success"] for o in outcomes)
    return {
        "id": prefix + suite,
        "title": f"marts.{suite}",
        "description": f"{result['description']}.",
        "note": f"{met} van {len(outcomes)} verwachtingen voldaan; gecontroleerd "
        f"{_checked_at(result['checked_at'])} (run {result['run_id']}).",
        "header": ["kolom", "regel", "voor rijen", "resultaat", "afwijkende waarden"],
        "rows": [
            [
                o["column"] or "",
                EXPECTATION_WORDS.get(o["expectation"], o["expectation"]) + _limits_in_words(o),
                o["condition"] or "alle rijen",
                "voldaan" if o["success"] else "NIET voldaan",
                o["examples"],
            ]
            for o in outcomes
        ],
    }


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
    return dutch_time(moment)
