"""Every query of the report, on the published warehouse (read-only) and nothing else: values
come from the marts, descriptions of tables and columns from marts.meta, the tables
still waiting for live CBS from reference.wacht_op_live_cbs."""

from __future__ import annotations

import duckdb
import pandas as pd

from delivery.export import EXTRACT_COLUMNS, extract_rows
from delivery.metadata import cbs_release_dates, described
from sources.notation import number

NEDERLAND = "NL01"


class ReportData:
    def __init__(self, con: duckdb.DuckDBPyConnection, focus: str) -> None:
        self.con, self.focus = con, focus
        self.focus_name = self.region_name(focus)
        self.gemeenten = con.execute(
            "select region_code, region_name, corop_code, woondeal_code from marts.dim_region "
            "where region_level = 'gemeente' and provincie_code = ? order by region_name",
            [focus],
        ).df()
        self.catalog = (
            con.execute("select * from marts.indicator_catalog").df().set_index("indicator_id")
        )
        # When CBS published each table, for the captions; None: CBS gave none (the snapshot).
        self.release_dates = cbs_release_dates(con)

    def _one(self, sql: str, *params):
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    # --- the catalog ------------------------------------------------------------------------

    def decimals(self, indicator: str) -> int | None:
        """The indicator's own precision from the catalog; None = its unit's default."""
        value = self.catalog.loc[indicator, "decimalen"]
        return None if pd.isna(value) else int(value)

    def title(self, indicator: str) -> str:
        return self.catalog.loc[indicator, "title"]

    def unit(self, indicator: str) -> str:
        return self.catalog.loc[indicator, "unit"]

    def theme_indicators(self, theme: str) -> pd.DataFrame:
        return self.catalog[self.catalog["theme"] == theme].sort_values("title")

    def waiting_for_live_cbs(self) -> list[tuple[str, str]]:
        """(indicator in words, CBS table) declared for live CBS and not yet loaded."""
        return self.con.execute(
            "select indicator, cbs_tabel from reference.wacht_op_live_cbs order by cbs_tabel"
        ).fetchall()

    # --- values -----------------------------------------------------------------------------

    def region_name(self, code: str | None) -> str | None:
        if code is None:
            return None
        return self._one("select region_name from marts.dim_region where region_code = ?", code)

    def values(self, indicator: str, regions: list[str] | None = None, yearly: bool = True):
        """An indicator's rows with a value, with its precision (`decimalen`) for formatting;
        the columns of an export, in its order."""
        columns = ", ".join(f"v.{column}" for column in EXTRACT_COLUMNS)
        return self.con.execute(
            f"select {columns}, c.decimalen from marts.indicator_values v "
            "join marts.indicator_catalog c using (indicator_id) where indicator_id = $i "
            "and ($r is null or list_contains($r, region_code)) and value is not null "
            "and (not $y or period_type = 'jaar') order by region_code, period",
            {"i": indicator, "r": regions, "y": yearly},
        ).df()

    def every_value(self, indicator: str) -> pd.DataFrame:
        """Every row of an indicator, empty values included: its download, the rows of
        `ontcijferd export <indicator>`."""
        return extract_rows(self.con, [indicator])

    def explained(self) -> dict:
        """The toelichting of the report's downloads, as `ontcijferd export` gives it for an
        extract of every indicator: definitions, sources, CBS release dates, statuses."""
        indicators = sorted(self.catalog.index)
        return described(self.con, extract_rows(self.con, indicators), indicators)

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

    def gemeente_values(self, indicator: str) -> pd.DataFrame:
        """Each focus gemeente's own value in the latest year with values, for what
        gemeente_vergelijking does not compare (counts, themes not compared): every gemeente,
        null where it has no figure, no Nederland reference. A year, as `compared` takes: a
        newer half year ('2024H1' sorts after '2024') is no year's figure."""
        return self.con.execute(
            "select r.region_code, r.region_name, v.indicator_id, coalesce(v.period, l.period) "
            "as period, v.value, c.unit, v.status, v.source_table, c.decimalen, "
            "null::double as nederland_value, null::double as provincie_value "
            "from marts.dim_region r cross join (select max(period) as period from "
            "marts.indicator_values where indicator_id = $i and region_level = 'gemeente' "
            "and period_type = 'jaar' and value is not null) l "
            "join marts.indicator_catalog c on c.indicator_id = $i "
            "left join marts.indicator_values v on v.indicator_id = $i "
            "and v.region_code = r.region_code and v.period_type = 'jaar' "
            "and v.period = l.period "
            "where r.region_level = 'gemeente' and r.provincie_code = $f order by r.region_name",
            {"i": indicator, "f": self.focus},
        ).df()

    def status_sentence(self) -> str:
        """One sentence, on every page, on how final the figures are: how many the source gives
        no status for (nearly all of the embedded snapshot) and how they are drawn."""
        total, unknown, provisional = self.con.execute(
            "select count(*), count(*) filter (status = 'onbekend'), "
            "count(*) filter (status in ('voorlopig', 'nader voorlopig')) "
            "from marts.indicator_values where value is not null"
        ).fetchone()
        share = number(100 * unknown / total, 1) if total else "0"
        return (
            f"Over de status: bij {number(unknown)} van de {number(total)} cijfers "
            f"({share}\u00a0%) "
            "zegt de bron niet of CBS ze al definitief heeft vastgesteld (status onbekend, zoals "
            "bij de ingebouwde CBS-gegevens); die zijn getekend als definitieve cijfers, "
            f"{number(provisional)} voorlopige cijfers lichter of open."
        )

    def latest_focus_period(self) -> str | None:
        """The newest year the focus province has a figure for: observed or computed from
        observations — a forecast's 2050 or a target's year is no state of the data."""
        return self._one(
            "select max(v.period) from marts.indicator_values v join marts.indicator_catalog c "
            "using (indicator_id) where v.period_type = 'jaar' and v.region_code = ? "
            "and v.value is not null and c.source_kind not in ('prognose', 'beleidsdoel')",
            self.focus,
        )

    def pyramids(self, base_year: str) -> pd.DataFrame:
        """The pyramid of the focus province and Nederland in `base_year` and the latest year."""
        return self.con.execute(
            "select p.*, r.region_name from marts.bevolking_piramide p join marts.dim_region r "
            "using (region_code) where region_code in ($f, $nl) and period in ($base, "
            "(select max(period) from marts.bevolking_piramide where region_code = $f)) "
            "order by region_code, period, geslacht, leeftijdsgroep_start",
            {"f": self.focus, "nl": NEDERLAND, "base": base_year},
        ).df()

    def woondeal_progress(self) -> pd.DataFrame:
        """Per woondeal region and above, the latest year's realised and straight-path homes
        and the target for 2030; `doel_versie` is the source of the target and the path."""
        return self.con.execute(
            "select region_code, region_name, jaar as period, gerealiseerd_cumulatief, "
            "verwacht_lineair, doel, status, source_table_cumulatief as source_table, doel_versie "
            "from marts.woondeal_voortgang "
            "where region_level <> 'gemeente' and gerealiseerd_cumulatief is not null "
            "qualify jaar = max(jaar) over () order by region_name"
        ).df()

    def provinces(self) -> pd.DataFrame:
        return self.con.execute(
            "select region_code, region_name from marts.dim_region where region_level = 'provincie'"
        ).df()

    def latest_population(self) -> pd.DataFrame:
        """Each region's latest population, by region code."""
        return (
            self.con.execute(
                "select region_code, value, period from marts.indicator_values "
                "where indicator_id = 'bevolking_totaal' and value is not null "
                "qualify period = max(period) over (partition by region_code)"
            )
            .df()
            .set_index("region_code")
        )

    def gemeente_latest(self, code: str) -> pd.DataFrame:
        """A gemeente's latest yearly figure of each compared indicator, with its definition,
        the spread of the gemeenten's figures that period (to weigh a difference) and the
        newest period any gemeente has (to mark an old figure)."""
        return self.con.execute(
            "with spread as (select indicator_id, period, stddev_samp(value) as spreiding "
            "from marts.gemeente_vergelijking where period_type = 'jaar' group by all), "
            "newest as (select indicator_id, max(period) as nieuwste_periode "
            "from marts.gemeente_vergelijking where period_type = 'jaar' and value is not null "
            "group by all) "
            "select v.*, c.title, c.definitie, c.decimalen, s.spreiding, n.nieuwste_periode "
            "from marts.gemeente_vergelijking v "
            "join marts.indicator_catalog c using (indicator_id) "
            "join spread s using (indicator_id, period) join newest n using (indicator_id) "
            "where v.region_code = ? and v.period_type = 'jaar' and v.value is not null "
            "qualify v.period = max(v.period) over (partition by v.indicator_id) "
            "order by c.theme, c.title",
            [code],
        ).df()

    def similar_gemeenten(self, code: str, count: int = 3) -> list[str]:
        """The focus gemeenten closest in population to `code` (latest 1 January)."""
        population = self.latest_population()
        gemeenten = [c for c in self.gemeenten["region_code"] if c in population.index]
        if code not in gemeenten:
            return []
        own = population.loc[code, "value"]
        others = sorted(
            (c for c in gemeenten if c != code),
            key=lambda c: abs(population.loc[c, "value"] - own),
        )
        return others[:count]

    # --- the warehouse itself ---------------------------------------------------------------

    def cbs_tables(self) -> list[tuple]:
        """Each CBS table the warehouse holds: id, title, release date, source mode, loaded."""
        return self.con.execute(
            "select table_id, title, release_date, source_mode, loaded_at from marts.cbs_tables "
            "order by table_id"
        ).fetchall()

    def documented_columns(self) -> pd.DataFrame:
        """Every column of the public schemas (marts, reference) with its type, the Dutch
        description of its table and its own, and the unit of the indicators it feeds."""
        return self.con.execute(
            "select c.table_schema, c.table_name, c.column_name, c.data_type, "
            "coalesce(t.omschrijving, '') as table_description, "
            "coalesce(k.omschrijving, '') as column_description, "
            "coalesce(k.eenheid, '–') as unit "
            "from information_schema.columns c "
            "left join marts.meta t on t.schema_naam = c.table_schema "
            "and t.tabel = c.table_name and t.kolom is null "
            "left join marts.meta k on k.schema_naam = c.table_schema "
            "and k.tabel = c.table_name and k.kolom = c.column_name "
            "where c.table_schema in ('marts', 'reference') "
            "order by c.table_schema, c.table_name, c.ordinal_position"
        ).df()
