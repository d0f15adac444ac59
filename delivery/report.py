"""The static Overijssel Ontcijferd report: HTML pages with Vega-Lite charts (Altair), offline.

`ontcijferd report --out DIR` builds it from the published warehouse (read-only). Every chart
has a title, its unit, a "Bron" line naming the CBS tables and marks figures that are not
final; every table has a CSV download beside it. The Vega libraries are written into the site
(`assets/vega.js`, from vl-convert's bundle), so the pages need no network.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd

from delivery.export import DeliveryError

PAGES = {  # file → (title, theme)
    "index.html": ("Overijssel Ontcijferd", None),
    "bevolking.html": ("Bevolking", "bevolking"),
    "wonen.html": ("Wonen", "wonen"),
    "jeugdhulp.html": ("Jeugdhulp", "jeugdhulp"),
    "armoede.html": ("Armoede", "armoede"),
    "export.html": ("Export", "export"),
    "kerncijfers.html": ("Kerncijfers per gemeente", "kerncijfers"),
    "warehouse.html": ("Het warehouse: tabellen en kolommen", "warehouse"),
    "datakwaliteit.html": ("Datakwaliteit", "datakwaliteit"),
}
MANIFEST = Path(__file__).resolve().parent.parent / "dbt_project" / "target" / "manifest.json"
NOT_FINAL = ("voorlopig", "nader voorlopig", "onbekend")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 960px; padding: 1rem; }
nav a { margin-right: 1rem; } figure { margin: 2rem 0; } figcaption { font-size: .85rem; }
table { border-collapse: collapse; font-size: .85rem; } td, th { padding: .2rem .5rem; }
th { text-align: left; border-bottom: 1px solid #999; } .note { color: #555; }
"""


@dataclass
class Page:
    file: str
    title: str
    out_dir: Path
    parts: list[str] = field(default_factory=list)
    charts: dict[str, dict] = field(default_factory=dict)


def _sources(frame: pd.DataFrame) -> str:
    """'CBS, tabel 82550NED, 71486ned' for StatLine tables; other sources by their full name."""
    tables, others = set(), set()
    for source in frame["source_table"].dropna().unique():
        parts = source.split(", ")
        if all(re.fullmatch(r"\d{5}(ned|NED)", p) for p in parts):
            tables.update(parts)
        else:
            others.add(source)
    return "; ".join(
        ([f"CBS, tabel {', '.join(sorted(tables))}"] if tables else []) + sorted(others)
    )


def _chart(page: Page, name: str, chart: alt.Chart, frame: pd.DataFrame, unit: str) -> None:
    """A chart with its caption (unit, source, status) and a CSV download of its data."""
    page.charts[name] = chart.to_dict()
    frame.to_csv(page.out_dir / f"{name}.csv", index=False)
    statuses = sorted(set(frame["status"].dropna()))
    marked = [s for s in statuses if s in NOT_FINAL]
    note = (
        f" Niet definitief: cijfers met status {', '.join(marked)} (open symbolen, lichtere "
        "staven)."
        if marked
        else ""
    )
    page.parts.append(
        f'<figure><div id="{name}" class="chart"></div><figcaption>Eenheid: {html.escape(unit)}. '
        f"Bron: {html.escape(_sources(frame))}.{note} "
        f'<a href="{name}.csv" download>Download CSV</a></figcaption></figure>'
    )


def _line(frame: pd.DataFrame, title: str, unit: str, color: str = "region_name") -> alt.Chart:
    frame = _mark_final(frame).assign(
        # A method break starts a new line segment: a line never joins two definitions.
        reeksdeel=frame.groupby(color)["method_break"].cumsum() if "method_break" in frame else 0,
    )
    base = alt.Chart(frame, title=title).encode(
        x=alt.X("period:O", title="periode"),
        y=alt.Y("value:Q", title=unit),
        color=alt.Color(f"{color}:N", title=None),
        tooltip=["region_name", "period", "value", "status", "source_table"],
    )
    # Figures that are not final are drawn as open points (the caption says so).
    return base.mark_line().encode(detail="reeksdeel:N") + base.mark_point(size=40).encode(
        fillOpacity=alt.FillOpacity(
            "definitief:N", scale=alt.Scale(domain=["ja", "nee"], range=[1, 0]), title="definitief"
        )
    )


def _mark_final(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `definitief` (ja/nee) from the status, for the marks of figures that are not final."""
    return frame.assign(definitief=frame["status"].map(lambda s: "nee" if s in NOT_FINAL else "ja"))


def _final_opacity() -> alt.Opacity:
    """Bars of figures that are not final are drawn lighter (the caption says which)."""
    return alt.Opacity(
        "definitief:N", scale=alt.Scale(domain=["ja", "nee"], range=[1, 0.45]), title="definitief"
    )


def _values(con, indicator: str, regions: list[str] | None = None) -> pd.DataFrame:
    return con.execute(
        "select * from marts.indicator_values where indicator_id = $i "
        "and ($r is null or list_contains($r, region_code)) and value is not null "
        "order by region_code, period",
        {"i": indicator, "r": regions},
    ).df()


# The year Trendweb compares the population pyramid with ("from pyramid to mushroom").
PYRAMID_BASE_YEAR = "2000"


def _pyramid(con, page: Page, focus: str) -> bool:
    """Men left, women right, five-year groups as % of the population: the latest year as bars,
    2000 as an outline (Trendweb's comparison). False when the pyramid has no rows."""
    frame = con.execute(
        "select p.*, r.region_name from marts.bevolking_piramide p join marts.dim_region r "
        "using (region_code) where region_code = $f and period in ($base, (select max(period) "
        "from marts.bevolking_piramide where region_code = $f)) order by period, geslacht, "
        "leeftijdsgroep_start",
        {"f": focus, "base": PYRAMID_BASE_YEAR},
    ).df()
    if frame.empty:
        return False
    latest = frame["period"].max()
    # Men are drawn to the left: their share is negated for the x position only.
    frame = _mark_final(frame).assign(
        positie=frame["aandeel_pct"].where(frame["geslacht"] == "vrouwen", -frame["aandeel_pct"])
    )
    # Oldest group on top; an explicit order, as the two layers have different data.
    groups = frame.sort_values("leeftijdsgroep_start", ascending=False)["leeftijdsgroep"]
    age = alt.Y("leeftijdsgroep:O", sort=list(groups.unique()), title="leeftijd")
    share = alt.X(
        "positie:Q",
        title="% van de bevolking (mannen links, vrouwen rechts)",
        axis=alt.Axis(labelExpr="replace(format(abs(datum.value), '.1f'), '.', ',')"),
    )
    tooltip = ["period", "geslacht", "leeftijdsgroep", "personen", "aandeel_pct", "status"]
    bars = (
        alt.Chart(frame[frame["period"] == latest])
        .mark_bar()
        .encode(
            y=age,
            x=share,
            color=alt.Color("geslacht:N", title=f"{latest}"),
            opacity=_final_opacity(),
            tooltip=tooltip,
        )
    )
    outline = (
        alt.Chart(frame[frame["period"] == PYRAMID_BASE_YEAR])
        .mark_bar(fill=None, stroke="black", strokeWidth=1)
        .encode(y=age, x=share, tooltip=tooltip)
    )
    region = frame["region_name"].iloc[0]
    chart = (bars + outline).properties(
        title=f"Bevolkingspiramide {region}: {latest} (vlakken) tegen {PYRAMID_BASE_YEAR} "
        "(zwarte omlijning)",
        width=600,
        height=400,
    )
    _chart(page, "piramide", chart, frame, "% van de bevolking")
    return True


def _bevolking(con, page: Page, focus: str) -> None:
    if not _pyramid(con, page, focus):
        page.parts.append(
            '<p class="note">Geen bevolkingspiramide: noch CBS 03759ned noch het '
            "Eurostat-bestand heeft de bevolking naar geslacht en leeftijd voor deze provincie."
            "</p>"
        )
        ages = con.execute(
            "select * from marts.bevolking_leeftijdsopbouw where region_code = $f "
            "and period in ('2000', (select max(period) from marts.bevolking_leeftijdsopbouw "
            "where region_code = $f))",
            {"f": focus},
        ).df()
        chart = (
            alt.Chart(ages, title="Leeftijdsopbouw: 2000 en laatste jaar")
            .mark_bar()
            .encode(
                x=alt.X("leeftijdsgroep:O", title="leeftijd"),
                xOffset="period:N",
                y=alt.Y("aandeel_pct:Q", title="% van de bevolking"),
                color="period:N",
            )
        )
        _chart(page, "leeftijdsopbouw", chart, ages, "% van de bevolking")
    index = _values(con, "bevolking_index_2002", [focus, "NL01"])
    _chart(page, "groei", _line(index, "Bevolkingsgroei (2002 = 100)", "index"), index, "index")


def _wonen(con, page: Page, focus: str) -> None:
    stock = _values(con, "woningvoorraad", [focus])
    _chart(
        page,
        "woningvoorraad",
        _line(stock, "Woningvoorraad op 1 januari", "woningen"),
        stock,
        "woningen",
    )
    shortage = pd.concat(
        [
            _values(con, "woningtekort_proxy_pct", [focus, "NL01"]),
            _values(con, "woningtekort_abf_pct", [focus, "NL01"]),
        ]
    )
    shortage["reeks"] = (
        shortage["indicator_id"].map(
            {
                "woningtekort_proxy_pct": "CBS-proxy (huishoudens − woningen)",
                "woningtekort_abf_pct": "ABF statistisch woningtekort (referentie)",
            }
        )
        + " — "
        + shortage["region_name"]
    )
    _chart(
        page,
        "woningtekort",
        _line(
            shortage,
            "Woningtekort: CBS-proxy naast de ABF-referentie",
            "% van de voorraad",
            color="reeks",
        ),
        shortage,
        "% van de voorraad",
    )
    deal = con.execute(
        "select region_name, jaar, gerealiseerd_cumulatief, verwacht_lineair, status, "
        "source_table from marts.woondeal_voortgang where region_level <> 'gemeente' "
        "order by region_name, jaar"
    ).df()
    lines = deal.melt(
        id_vars=["region_name", "jaar", "status", "source_table"],
        value_vars=["gerealiseerd_cumulatief", "verwacht_lineair"],
        var_name="reeks",
    ).dropna(subset=["value"])
    chart = (
        alt.Chart(
            lines, title="Woondeal: netto toevoegingen sinds 2022 tegen de lijn naar het doel"
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("jaar:O"),
            y=alt.Y("value:Q", title="woningen"),
            color=alt.Color("region_name:N", title=None),
            strokeDash=alt.StrokeDash("reeks:N", title=None),
        )
    )
    _chart(
        page, "woondeal", chart, lines.assign(status=lines["status"].fillna("n.v.t.")), "woningen"
    )


def _compared(con, page: Page, indicator: str, title: str) -> None:
    frame = con.execute(
        "select g.*, g.region_name as gemeente from marts.gemeente_vergelijking g "
        "where indicator_id = $i and period_type = 'jaar' and period = (select max(period) "
        "from marts.gemeente_vergelijking where indicator_id = $i and period_type = 'jaar') "
        "and value is not null order by value desc",
        {"i": indicator},
    ).df()
    if frame.empty:
        page.parts.append(f'<p class="note">Nog geen cijfers voor {html.escape(title)}.</p>')
        return
    frame = _mark_final(frame)
    unit = frame["unit"].iloc[0]
    bars = (
        alt.Chart(frame, title=f"{title}, {frame['period'].iloc[0]}")
        .mark_bar()
        .encode(
            y=alt.Y("gemeente:N", sort="-x", title=None),
            x=alt.X("value:Q", title=unit),
            tooltip=["gemeente", "value", "rang"],
        )
    )
    chart = bars + alt.Chart(frame).mark_rule(strokeDash=[4, 2]).encode(x="nederland_value:Q")
    lines = "stippellijn: Nederland"
    if frame["provincie_value"].notna().any():
        chart += alt.Chart(frame).mark_rule(color="black").encode(x="provincie_value:Q")
        lines += ", doorgetrokken lijn: de provincie"
    else:
        lines += "; CBS publiceert hiervan geen provinciecijfer"
    _chart(page, indicator, chart, frame, f"{unit} ({lines})")


def _kerncijfers(con, page: Page) -> None:
    """The KWB gemeente themes: every gemeente against Nederland, latest edition per theme."""
    page.parts.append(
        '<p class="note">Uit de Kerncijfers wijken en buurten (KWB) van CBS, per gemeente en '
        "voor Nederland; het jaar is het KWB-editiejaar. KWB geeft geen provinciecijfers en het "
        "warehouse berekent er geen (een gemiddelde van gemeenten zou elke gemeente even zwaar "
        "laten wegen). Definities en peildata: de indicatorcatalogus.</p>"
    )
    for indicator, title in con.execute(
        "select indicator_id, title from marts.indicator_catalog where theme = 'kerncijfers' "
        "order by title"
    ).fetchall():
        _compared(con, page, indicator, title)


def _export(con, page: Page) -> None:
    frame = _values(con, "export_goederen")
    frame = _mark_final(frame)
    chart = (
        alt.Chart(frame, title="Uitvoer van goederen per provincie")
        .mark_bar()
        .encode(
            x=alt.X("region_name:N", sort="-y", title=None),
            y=alt.Y("value:Q", title="mln euro"),
            xOffset="period:N",
            color="period:N",
        )
    )
    _chart(page, "export", chart, frame, "mln euro (Flevoland geheim)")


def _warehouse(con, page: Page) -> None:
    """Every public table (marts, reference) and column, described from the dbt YAML."""
    manifest = json.loads(MANIFEST.read_text())
    documented = {
        (n["schema"], n["name"]): n
        for n in manifest["nodes"].values()
        if n["resource_type"] in ("model", "seed") and n["schema"] in ("marts", "reference")
    }
    columns = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema in ('marts', 'reference') order by table_schema, table_name, "
        "ordinal_position"
    ).df()
    page.parts.append(
        '<p class="note">Open het bestand alleen-lezen: <code>duckdb -readonly '
        "warehouse/ontcijferd.duckdb</code>. Beschrijvingen uit de dbt-documentatie.</p>"
    )
    for (schema, table), cols in columns.groupby(["table_schema", "table_name"], sort=True):
        node = documented.get((schema, table), {})
        described = node.get("columns", {})
        rows = "".join(
            f"<tr><td>{html.escape(c)}</td><td>{html.escape(t)}</td>"
            f"<td>{html.escape(described.get(c, {}).get('description', ''))}</td></tr>"
            for c, t in zip(cols["column_name"], cols["data_type"], strict=True)
        )
        page.parts.append(
            f'<h2 id="{schema}.{table}">{schema}.{table}</h2>'
            f"<p>{html.escape(node.get('description', ''))}</p>"
            f"<table><tr><th>kolom</th><th>type</th><th>betekenis</th></tr>{rows}</table>"
        )


# The frames a suite validates, in words.
FRAME_WORDS = {"published": "de tabel", "year_on_year_pct": "groei t.o.v. vorig jaar (%)"}
# Great Expectations' expectation types in words.
EXPECTATION_WORDS = {
    "expect_column_values_to_be_in_set": "alleen toegestane waarden",
    "expect_column_values_to_not_be_null": "nooit leeg",
    "expect_column_values_to_be_between": "binnen de grenzen",
}


def _datakwaliteit(page: Page, quality_file: Path | None) -> None:
    """The Great Expectations results of the last run (sources/config.py: quality_file)."""
    page.parts.append(
        "<p>Drie lagen bewaken de cijfers, elk met eigen regels: <b>pandera</b> controleert wat "
        "CBS levert (kolommen, typen, codes, sleutels) bij het inlezen; <b>dbt-tests</b> "
        "controleren de SQL-regels in het warehouse (sleutels, relaties, delen die optellen tot "
        "het geheel, de voorraadidentiteit, geen ontbrekende gemeente, elke bronwissel "
        "verklaard); <b>Great Expectations</b> controleert het gepubliceerde contract van de "
        "tabellen die gebruikers bevragen. Een run publiceert alleen als alle drie slagen. "
        "Hieronder de resultaten van Great Expectations bij de laatste run; de uitkomst van "
        "elke dbt-test staat in de Dagster-interface, en een mislukte test noemt zijn rijen in "
        "de samenvatting van <code>ontcijferd run</code>.</p>"
    )
    if quality_file is None or not quality_file.is_file():
        page.parts.append('<p class="note">Nog geen resultaten: er is nog geen run geweest.</p>')
        return
    recorded = json.loads(quality_file.read_text(encoding="utf-8"))
    for suite, result in sorted(recorded.items()):
        outcomes = result["outcomes"]
        met = sum(o["success"] for o in outcomes)
        rows = "".join(
            f"<tr><td>{html.escape(FRAME_WORDS.get(o['frame'], o['frame']))}</td>"
            f"<td>{html.escape(o['column'] or '')}</td>"
            f"<td>{html.escape(EXPECTATION_WORDS.get(o['expectation'], o['expectation']))}"
            f"{' (' + html.escape(o['bounds']) + ')' if o['bounds'] else ''}</td>"
            f"<td><code>{html.escape(o['condition'] or 'alle rijen')}</code></td>"
            f"<td>{'voldaan' if o['success'] else 'NIET voldaan'}</td>"
            f"<td>{html.escape(o['examples'])}</td></tr>"
            for o in outcomes
        )
        page.parts.append(
            f'<h2 id="{html.escape(suite)}">marts.{html.escape(suite)}</h2>'
            f"<p>{html.escape(result['description'])}.</p>"
            f'<p class="note">{met} van {len(outcomes)} verwachtingen voldaan; gecontroleerd '
            f"{html.escape(result['checked_at'])} (run {html.escape(result['run_id'])}).</p>"
            "<table><tr><th>gegevens</th><th>kolom</th><th>regel</th><th>voor rijen</th>"
            f"<th>resultaat</th><th>afwijkende waarden</th></tr>{rows}</table>"
        )


def _theme_indicators(con, page: Page, theme: str, focus: str) -> None:
    """Every catalog indicator of the theme for the focus province and Nederland, so a new
    indicator appears here without code changes."""
    catalog = con.execute(
        "select indicator_id, title, unit, source_kind from marts.indicator_catalog "
        "where theme = $t order by indicator_id",
        {"t": theme},
    ).fetchall()
    page.parts.append("<h2>Alle indicatoren van dit thema</h2>")
    missing = []
    for indicator, title, unit, kind in catalog:
        frame = _values(con, indicator, [focus, "NL01"])
        frame = frame[frame["period_type"] == "jaar"]  # years only: half-years would interleave
        if frame.empty:
            missing.append(title)
            continue
        color = "categorie" if frame["categorie"].notna().any() else "region_name"
        label = f"{title} (referentie)" if kind == "referentie" else title
        _chart(page, f"ind_{indicator}", _line(frame, label, unit, color=color), frame, unit)
    if missing:
        page.parts.append(
            '<p class="note">Geen cijfers voor de provincie of Nederland: '
            f"{html.escape('; '.join(missing))}.</p>"
        )


def _headlines(con, page: Page, focus: str) -> None:
    rows = con.execute(
        "select c.title, v.value, v.unit, v.period, v.status from marts.indicator_values v "
        "join marts.indicator_catalog c using (indicator_id) where v.region_code = $f "
        "and v.indicator_id in ('bevolking_totaal', 'woningvoorraad', 'huishoudens_totaal', "
        "'woondeal_voortgang_pct', 'jeugdhulp_in_natura_pct', 'export_goederen') "
        "and v.value is not null qualify v.period = max(v.period) over (partition by "
        "v.indicator_id) order by c.theme, c.title",
        {"f": focus},
    ).fetchall()
    items = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{v:,.1f} {html.escape(u)}</td>"
        f"<td>stand per {html.escape(p)} ({html.escape(s)})</td></tr>"
        for t, v, u, p, s in rows
    )
    page.parts.append(f"<table><tr><th>kerncijfer</th><th>waarde</th><th></th></tr>{items}</table>")


def _render(page: Page) -> str:
    nav = "".join(f'<a href="{f}">{html.escape(t)}</a>' for f, (t, _) in PAGES.items())
    specs = json.dumps(page.charts)
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{html.escape(page.title)}</title>
<style>{STYLE}</style><script src="assets/vega.js"></script></head>
<body><nav>{nav}</nav><h1>{html.escape(page.title)}</h1>
{"".join(page.parts)}
<script>
const specs = {specs};
for (const [id, spec] of Object.entries(specs)) {{
  vegaEmbed("#" + id, spec, {{actions: false, renderer: "svg"}});
}}
</script></body></html>"""


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


def build_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    focus: str = "PV23",
    quality_file: Path | None = None,
) -> list[Path]:
    import vl_convert

    check_report_folder(out_dir)
    (out_dir / "assets").mkdir(parents=True, exist_ok=True)
    (out_dir / REPORT_MARKER).write_text("Gemaakt door `ontcijferd report`.\n", encoding="utf-8")
    (out_dir / "assets" / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    written = []
    for file, (title, theme) in PAGES.items():
        page = Page(file, title, out_dir)
        if theme is None:
            _headlines(con, page, focus)
        elif theme == "bevolking":
            _bevolking(con, page, focus)
        elif theme == "wonen":
            _wonen(con, page, focus)
        elif theme == "jeugdhulp":
            _compared(con, page, "jeugdhulp_in_natura_pct", "Jongeren met jeugdhulp in natura")
        elif theme == "warehouse":
            _warehouse(con, page)
        elif theme == "datakwaliteit":
            _datakwaliteit(page, quality_file)
        elif theme == "armoede":
            page.parts.append(
                '<p class="note">Elke armoedemaat is een eigen indicator met een eigen definitie; '
                "ze worden nooit tot één reeks aan elkaar gezet. In de ingebouwde CBS-gegevens "
                "staan het aandeel huishoudens met een laag inkomen (2011, 2014, 2017; Nederland "
                "en provincies) en het aandeel huishoudens onder of rond het sociaal minimum "
                "(KWB, inkomensjaren 2021–2023; gemeenten en Nederland, geen provinciecijfer). "
                "De nieuwe armoedegrens (CBS 86131NED/86132NED) ontbreekt nog.</p>"
            )
            _compared(
                con,
                page,
                "huishoudens_rond_sociaal_minimum_pct",
                "Huishoudens onder of rond het sociaal minimum",
            )
        elif theme == "kerncijfers":
            _kerncijfers(con, page)
        else:
            _export(con, page)
        if theme not in (None, "warehouse", "datakwaliteit", "kerncijfers"):
            _theme_indicators(con, page, theme, focus)
        (out_dir / file).write_text(_render(page), encoding="utf-8")
        written.append(out_dir / file)
    return written
