"""The report's chart kinds (Vega-Lite through Altair), each answering one kind of question.

Every chart reads Dutch: titles, axes, legends and tooltips in Dutch, numbers through
`delivery/formatting.py` (axis and tooltip formats from the unit; the page passes Vega the Dutch
number locale). Provisional figures (voorlopig, nader voorlopig) are drawn open or lighter, with
a legend saying so; a figure whose status the source does not give (onbekend, nearly all of the
embedded snapshot) is drawn like a definitive one, its status in the tooltip. Charts take the
width of their container (delivery/report/page.py), so they fit a phone as well as a desktop;
legends go below the chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from delivery.formatting import d3_format, figure, shown_unit, unit_format

NOT_FINAL = ("voorlopig", "nader voorlopig")
FINAL_WORDS = {True: "definitief of status onbekend", False: "(nader) voorlopig"}
BOUNDARIES = "grenzen:"  # a map's data names the boundaries the page loads (assets/grenzen.js)
# The boundaries' credit line, shown with every map (delivery/geo/PROVENANCE.md).
MAP_CREDIT = (
    "Grenzen: CBS / Kadaster, CBS Gebiedsindelingen 2025 (PDOK), vereenvoudigd door cartomap/nl"
)


def decimals_of(frame: pd.DataFrame) -> int | None:
    """The indicator's own precision (catalog `decimalen`), if the frame carries one."""
    if "decimalen" not in frame or frame["decimalen"].isna().all():
        return None
    return int(frame["decimalen"].dropna().iloc[0])


def value_axis(unit: str, frame: pd.DataFrame, **options) -> alt.Axis:
    """The value axis in the unit a reader finds in tables, tooltips and files: an average
    income CBS gives as 27,9 (× 1.000 euro) reads 27.900 with the title "euro"."""
    fmt, spec = unit_format(unit), d3_format(unit, decimals_of(frame))
    if fmt.factor == 1:
        return alt.Axis(format=spec, title=unit, **options)
    return alt.Axis(
        labelExpr=f"format(datum.value * {fmt.factor:g}, '{spec}')",
        title=shown_unit(unit),
        **options,
    )


def with_status(frame: pd.DataFrame) -> pd.DataFrame:
    """`cijferstatus` in words for legends and the Dutch text of each value for tooltips."""
    decimals = decimals_of(frame)
    return frame.assign(
        cijferstatus=frame["status"].map(lambda s: FINAL_WORDS[s not in NOT_FINAL]),
        waarde_tekst=[
            figure(v, u, decimals) for v, u in zip(frame["value"], frame["unit"], strict=True)
        ],
    )


def _status_legend(frame: pd.DataFrame, **style) -> alt.Legend | None:
    """The legend of the figures' status, only where some are provisional (else it says
    nothing the tooltip does not)."""
    if not frame["status"].isin(NOT_FINAL).any():
        return None
    return alt.Legend(title="cijfer", orient="bottom", direction="vertical", labelLimit=0, **style)


def _status_fill(frame: pd.DataFrame) -> alt.FillOpacity:
    return alt.FillOpacity(
        "cijferstatus:O",
        scale=alt.Scale(domain=list(FINAL_WORDS.values()), range=[1, 0]),
        legend=_status_legend(frame, symbolStrokeWidth=1.5),
    )


def _status_opacity(frame: pd.DataFrame) -> alt.Opacity:
    return alt.Opacity(
        "cijferstatus:O",
        scale=alt.Scale(domain=list(FINAL_WORDS.values()), range=[1, 0.45]),
        legend=_status_legend(frame),
    )


# The height of one bar. Charts of bars get a height in pixels from it: a chart as wide as its
# container cannot also take its height from a step (Vega-Lite then drops the fit, with a warning).
BAR_STEP = 20
# The part of a bar chart's value range kept free beside the bars for their written values.
LABEL_ROOM = 0.35

TOOLTIP = [
    alt.Tooltip("region_name:N", title="regio"),
    alt.Tooltip("period:N", title="periode"),
    alt.Tooltip("waarde_tekst:N", title="waarde"),
    alt.Tooltip("status:N", title="status"),
]


def trend(
    frame: pd.DataFrame, title: str, unit: str, series: str = "region_name", zero: bool = False
) -> alt.LayerChart:
    """Lines over the periods, one per region (or `series`), legend with the names; a method
    break starts a new line segment; index charts do not start at zero."""
    frame = with_status(frame).assign(
        reeksdeel=frame.groupby(series)["method_break"].cumsum().fillna(0)
        if "method_break" in frame
        else 0
    )
    base = alt.Chart(frame).encode(
        x=alt.X("period:O", title="periode", axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
        y=alt.Y(
            "value:Q",
            scale=alt.Scale(zero=zero),
            axis=value_axis(unit, frame),
        ),
        color=alt.Color(
            f"{series}:N",
            title=None,
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
        ),
        tooltip=TOOLTIP,
    )
    lines = base.mark_line().encode(detail=alt.Detail("reeksdeel:N"))
    points = base.mark_point(size=45, filled=False, strokeWidth=1.5).encode(
        fill=alt.Fill(f"{series}:N", legend=None), fillOpacity=_status_fill(frame)
    )
    return (lines + points).properties(title=title, height=260)


def bars_by_period(
    frame: pd.DataFrame, title: str, unit: str, series: str, legend_title: str = "periode"
) -> alt.Chart:
    """A series with few periods: one bar per period and series, the value written beside it
    (right of a positive bar, left of a negative one, with room kept for it on the axis).
    (`period` may also hold another grouping, named by `legend_title`.)"""
    frame = with_status(frame)
    order = list(frame["period"].unique())
    low, high = min(0.0, frame["value"].min()), max(0.0, frame["value"].max())
    room = LABEL_ROOM * (high - low)
    domain = [low - room if low < 0 else 0, high + room if high > 0 else 0]
    bars = alt.Chart(frame).encode(
        y=alt.Y(f"{series}:N", title=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X(
            "value:Q",
            scale=alt.Scale(domain=domain, nice=False),
            axis=value_axis(unit, frame),
        ),
        # Periods (or series) in the order given: realised, straight path, target.
        yOffset=alt.YOffset("period:N", sort=order),
        color=alt.Color(
            "period:N",
            sort=order,
            title=legend_title,
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
        ),
        tooltip=TOOLTIP,
    )
    text = {"text": "waarde_tekst:N", "color": alt.value("#222")}
    right = bars.transform_filter("datum.value >= 0").mark_text(align="left", dx=4).encode(**text)
    left = bars.transform_filter("datum.value < 0").mark_text(align="right", dx=-4).encode(**text)
    height = BAR_STEP * frame[series].nunique() * frame["period"].nunique()
    return alt.layer(
        bars.mark_bar().encode(opacity=_status_opacity(frame)), right, left
    ).properties(title=title, height=height)


def ranking(frame: pd.DataFrame, title: str, unit: str, links: bool = True) -> alt.LayerChart:
    """Every gemeente's bar, highest on top, against Nederland (dashed) and the province (solid),
    each only where it has a figure; a bar links to the gemeente's page."""
    frame = with_status(frame).assign(
        pagina=frame["region_code"].map(lambda c: f"gemeenten/{c}.html") if links else None,
        nederland_tekst=[
            figure(v, u, decimals_of(frame))
            for v, u in zip(frame["nederland_value"], frame["unit"], strict=True)
        ],
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("region_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X(
                "value:Q",
                axis=value_axis(unit, frame, tickCount=6),
            ),
            opacity=_status_opacity(frame),
            tooltip=[*TOOLTIP, alt.Tooltip("rang:Q", title="plaats")],
            href="pagina:N",
        )
    )
    layers = [bars]
    reference = frame.iloc[:1]
    if frame["nederland_value"].notna().any():
        layers.append(
            alt.Chart(reference)
            .mark_rule(strokeDash=[5, 3], color="#333", size=1.5)
            .encode(
                x="nederland_value:Q",
                tooltip=[alt.Tooltip("nederland_tekst:N", title="Nederland")],
            )
        )
    if frame["provincie_value"].notna().any():
        layers.append(
            alt.Chart(reference).mark_rule(color="#000", size=1.5).encode(x="provincie_value:Q")
        )
    return alt.layer(*layers).properties(title=title, height=BAR_STEP * len(frame))


def choropleth(
    frame: pd.DataFrame,
    title: str,
    unit: str,
    boundaries: str,
    reference_value: float | None,
    reference_name: str = "Nederland",
    links: str | None = "gemeenten/{code}.html",
) -> alt.LayerChart:
    """A map of the regions in `frame` (gemeenten or provinces), coloured in four classes
    around the reference (Nederland's value, which the legend names); a region without a figure
    is grey, "geen gegevens"; tooltip with name, value, period and status."""
    frame = with_status(frame)
    frame["pagina"] = [links.format(code=c) for c in frame["region_code"]] if links else None
    values = frame["value"].dropna()
    classes = _classes(values, reference_value, unit, reference_name, decimals_of(frame))
    frame["klasse"] = [classes.label(v) if pd.notna(v) else "geen gegevens" for v in frame["value"]]
    data = alt.InlineData(
        values=f"{BOUNDARIES}{boundaries}",
        format=alt.DataFormat(type="topojson", feature=boundaries),
    )
    columns = ["region_name", "period", "waarde_tekst", "status", "klasse", "pagina"]
    shapes = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=0.7)
        .transform_lookup(
            lookup="properties.statcode",
            from_=alt.LookupData(
                frame[[*columns, "region_code"]], key="region_code", fields=columns
            ),
        )
        .transform_filter("isValid(datum.region_name)")
        .encode(
            color=alt.Color(
                "klasse:N",
                scale=alt.Scale(domain=classes.domain, range=classes.colours),
                legend=alt.Legend(
                    title=classes.title,
                    orient="bottom",
                    direction="vertical",
                    labelLimit=0,
                    titleLimit=0,
                ),
            ),
            tooltip=TOOLTIP,
            href="pagina:N",
        )
    )
    return shapes.project(type="mercator").properties(title=title, height=380)


class _Classes:
    def __init__(
        self, bounds: list[float], unit: str, reference: float | None, name: str, decimals
    ):
        self.bounds, self.unit = bounds, unit
        lo, mid, hi = bounds
        f = lambda v: figure(v, unit, decimals)  # noqa: E731
        self.domain = [
            f"lager dan {f(lo)}",
            f"{f(lo)} tot {f(mid)}",
            f"{f(mid)} tot {f(hi)}",
            f"{f(hi)} of hoger",
            "geen gegevens",
        ]
        # Around a reference: blue below, red above (diverging); quartiles: light to dark.
        self.colours = (
            ["#2166ac", "#92c5de", "#f4a582", "#b2182b", "#d9d9d9"]
            if reference is not None
            else ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#d9d9d9"]
        )
        self.title = f"{name}: {figure(reference, unit)}" if reference is not None else "klassen"

    def label(self, value: float) -> str:
        lo, mid, hi = self.bounds
        index = 0 if value < lo else 1 if value < mid else 2 if value < hi else 3
        return self.domain[index]


def _classes(
    values: pd.Series, reference: float | None, unit: str, name: str, decimals: int | None
) -> _Classes:
    """Four classes split at the reference value (Nederland) and halfway to the extremes, so
    the colour says above or below Nederland; without a reference, at the quartiles."""
    if reference is None or values.empty:
        q = values.quantile([0.25, 0.5, 0.75]).tolist() if not values.empty else [0, 0, 0]
        return _Classes(q, unit, None, name, decimals)
    low = reference - (reference - values.min()) / 2 if values.min() < reference else reference
    high = reference + (values.max() - reference) / 2 if values.max() > reference else reference
    return _Classes([low, reference, high], unit, reference, name, decimals)


def pyramid(frame: pd.DataFrame, base_year: str, comparison: pd.DataFrame) -> alt.LayerChart:
    """Men left, women right, five-year groups as % of the population: the latest year as bars,
    `base_year` as a black outline, and the comparison region's latest shape as a grey line."""
    frame = frame.assign(
        positie=frame["aandeel_pct"].where(frame["geslacht"] == "vrouwen", -frame["aandeel_pct"]),
        aandeel_tekst=[figure(v, "%") for v in frame["aandeel_pct"]],
        personen_tekst=[figure(v, "personen") for v in frame["personen"]],
    )
    comparison = comparison.assign(
        positie=comparison["aandeel_pct"].where(
            comparison["geslacht"] == "vrouwen", -comparison["aandeel_pct"]
        )
    )
    groups = frame.sort_values("leeftijdsgroep_start", ascending=False)["leeftijdsgroep"]
    age = alt.Y("leeftijdsgroep:O", sort=list(groups.unique()), title="leeftijd")
    share = alt.X(
        "positie:Q",
        title="% van de bevolking (mannen links, vrouwen rechts)",
        axis=alt.Axis(labelExpr="format(abs(datum.value), ',.1f')"),
    )
    tooltip = [
        alt.Tooltip("period:N", title="jaar"),
        alt.Tooltip("geslacht:N"),
        alt.Tooltip("leeftijdsgroep:N", title="leeftijd"),
        alt.Tooltip("personen_tekst:N", title="personen"),
        alt.Tooltip("aandeel_tekst:N", title="aandeel"),
    ]
    latest = frame["period"].max()
    bars = (
        alt.Chart(frame[frame["period"] == latest])
        .mark_bar()
        .encode(
            y=age,
            x=share,
            color=alt.Color(
                "legenda:N",
                scale=alt.Scale(
                    domain=[f"mannen {latest}", f"vrouwen {latest}"], range=["#4c78a8", "#f58518"]
                ),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
            ),
            tooltip=tooltip,
        )
        .transform_calculate(legenda=f"datum.geslacht + ' {latest}'")
    )
    outline = (
        alt.Chart(frame[frame["period"] == base_year])
        .mark_bar(fill=None, stroke="black", strokeWidth=1)
        .encode(y=age, x=share, tooltip=tooltip)
    )
    region = comparison["region_name"].iloc[0] if len(comparison) else ""
    shape = (
        alt.Chart(comparison)
        .mark_line(color="#777", strokeDash=[3, 2], interpolate="step")
        .encode(
            y=age,
            x=share,
            detail="geslacht:N",
            order="leeftijdsgroep_start:Q",
        )
    )
    note = f"zwarte omlijning: {base_year}; grijze stippellijn: {region} {latest}"
    return (bars + outline + shape).properties(
        title=alt.TitleParams(f"Bevolkingsopbouw {frame['region_name'].iloc[0]}", subtitle=note),
        height=420,
    )


def locator(gemeenten: pd.DataFrame, code: str, boundaries: str, links: str) -> alt.Chart:
    """Where one gemeente lies among its province's gemeenten; every shape links to its page."""
    frame = gemeenten.assign(
        plaats=[
            "deze gemeente" if c == code else "andere gemeenten" for c in gemeenten["region_code"]
        ],
        pagina=[links.format(code=c) for c in gemeenten["region_code"]],
    )
    data = alt.InlineData(
        values=f"{BOUNDARIES}{boundaries}",
        format=alt.DataFormat(type="topojson", feature=boundaries),
    )
    return (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=0.7)
        .transform_lookup(
            lookup="properties.statcode",
            from_=alt.LookupData(
                frame, key="region_code", fields=["region_name", "plaats", "pagina"]
            ),
        )
        .transform_filter("isValid(datum.region_name)")
        .encode(
            color=alt.Color(
                "plaats:N",
                scale=alt.Scale(
                    domain=["deze gemeente", "andere gemeenten"], range=["#b2182b", "#d9d9d9"]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[alt.Tooltip("region_name:N", title="gemeente")],
            href="pagina:N",
        )
        .project(type="mercator")
        .properties(height=280)
    )
