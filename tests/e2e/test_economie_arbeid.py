"""The economy (85924NED, 85927NED) and the labour market (86088NED) from the embedded snapshot
to marts.indicator_values. Expected values are CBS's figures as in the collected raw files
(their PROVENANCE.md entries quote them), and Overijssel's growth as the province publishes it
(destaatvan.overijssel.nl, kerntaak 5 regionale economie)."""

import pytest

from tests.e2e.conftest import compared, value, yearly_series

OVERIJSSEL_GEMEENTEN = 25


def growth(con, region, first, last):
    return [
        row[1]
        for row in yearly_series(con, "economische_groei_pct", region)
        if first <= row[0] <= last
    ]


def test_growth_2019_to_2023_is_what_the_province_publishes(warehouse):
    assert growth(warehouse, "PV23", "2019", "2023") == [
        1.9,
        -3.1,
        7.0,
        4.9,
        -0.6,
    ]
    assert growth(warehouse, "NL01", "2019", "2023") == [
        2.3,
        -3.9,
        6.3,
        5.0,
        0.1,
    ]


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        ("bbp_mln_euro", "PV23", "2023", 60_706),
        ("bbp_per_inwoner", "PV23", "2023", 51_156),
        ("bbp_mln_euro", "CR12", "2023", 32_042),
        ("economische_groei_pct", "CR12", "2023", -0.4),
        ("bbp_mln_euro", "CR10", "2023", 21_177),
        ("economische_groei_pct", "CR10", "2023", -1.1),
        ("bbp_mln_euro", "CR11", "2023", 7_487),
        ("economische_groei_pct", "CR11", "2023", -0.2),
        ("bbp_mln_euro", "NL01", "2021", 891_550),
        ("bbp_mln_euro", "NL01", "2022", 993_820),
        ("bbp_mln_euro", "NL01", "2023", 1_067_599),
        ("beschikbaar_inkomen_per_inwoner", "PV23", "2022", 23_424),
        ("beschikbaar_inkomen_per_inwoner", "NL01", "2022", 24_699),
        # CBS: 7,280.6 thousand persons in work in Nederland in 1995 (rounded to hundreds).
        ("werkzame_personen", "NL01", "1995", 7_280_600),
        ("werkloosheid_pct", "NL01", "2024", 3.7),
        ("netto_arbeidsparticipatie_pct", "NL01", "2024", 73.2),
        ("werkloosheid_pct", "PV23", "2024", 3.4),
        ("netto_arbeidsparticipatie_pct", "PV23", "2024", 73.9),
        ("werkloosheid_pct", "CR12", "2024", 3.6),
        ("netto_arbeidsparticipatie_pct", "CR12", "2024", 72.7),
        ("werkloosheid_pct", "GM0153", "2024", 4.6),
        ("netto_arbeidsparticipatie_pct", "GM0153", "2024", 69.5),
        ("werkloosheid_pct", "GM0141", "2024", 3.9),
        ("netto_arbeidsparticipatie_pct", "GM0141", "2024", 70.5),
        ("werkloosheid_pct", "GM0193", "2024", 3.5),
        ("netto_arbeidsparticipatie_pct", "GM0193", "2024", 75.7),
        ("beroepsbevolking", "GM0193", "2024", 78_000),
    ],
)
def test_figures_are_the_cbs_figures(warehouse, indicator, region, period, expected):
    assert value(warehouse, indicator, region, period) == expected


def test_growth_by_sector(warehouse):
    rows = dict(
        ((region, period, sector), growth)
        for region, period, sector, growth in warehouse.execute(
            "select region_code, period, categorie, value from marts.indicator_values "
            "where indicator_id = 'toegevoegde_waarde_groei_pct'"
        ).fetchall()
    )
    assert rows["PV23", "2023", "Nijverheid (geen bouw) en energie"] == -4.0
    assert rows["PV23", "2023", "Industrie"] == -3.6
    assert rows["CR12", "2023", "Industrie"] == -1.4
    assert rows["PV23", "2022", "Alle economische activiteiten"] == 5.6
    assert rows["PV23", "2023", "Alle economische activiteiten"] == -0.6
    assert rows["PV23", "2023", "Landbouw, bosbouw en visserij"] == -1.2
    assert {sector for _, _, sector in rows} == {
        "Alle economische activiteiten",
        "Landbouw, bosbouw en visserij",
        "Delfstoffenwinning",
        "Nijverheid (geen bouw) en energie",
        "Industrie",
    }


def test_corop_gdp_adds_up_to_the_province_within_cbs_rounding(warehouse):
    """CBS rounds each region's GDP to whole millions: three COROP regions differ from the
    province by at most 1.5 + 0.5; in 2022 and 2023 they add up exactly."""
    rows = warehouse.execute(
        "select period, sum(value) filter (where region_code in ('CR10', 'CR11', 'CR12')), "
        "max(value) filter (where region_code = 'PV23') from marts.indicator_values "
        "where indicator_id = 'bbp_mln_euro' group by period order by period"
    ).fetchall()
    assert [r[0] for r in rows] == [str(y) for y in range(1995, 2024)]
    assert all(abs(parts - whole) <= 2 for _, parts, whole in rows)
    assert {r[0]: r[1] - r[2] for r in rows}["2022"] == 0
    assert {r[0]: r[1] - r[2] for r in rows}["2023"] == 0


def test_no_gemeente_has_regional_accounts(warehouse):
    levels = warehouse.execute(
        "select distinct region_level from marts.indicator_values "
        "where indicator_id in ('bbp_mln_euro', 'economische_groei_pct', 'beschikbaar_inkomen_"
        "per_inwoner')"
    ).fetchall()
    assert sorted(level for (level,) in levels) == ["corop", "land", "landsdeel", "provincie"]


def test_every_gemeente_has_the_labour_market_every_year(warehouse):
    counts = warehouse.execute(
        "select indicator_id, period, count(*) from marts.indicator_values "
        "where region_level = 'gemeente' and indicator_id in ('werkloosheid_pct', "
        "'netto_arbeidsparticipatie_pct', 'beroepsbevolking') group by all"
    ).fetchall()
    assert len(counts) == 3 * 12  # 2013–2024
    assert {n for _, _, n in counts} == {OVERIJSSEL_GEMEENTEN}
    assert {p for _, p, _ in counts} == {str(y) for y in range(2013, 2025)}


def test_gemeenten_are_compared_on_unemployment_in_points(warehouse):
    enschede = compared(warehouse, "werkloosheid_pct", "2024")["GM0153"]
    value_, province, nederland, points, above, rank = enschede
    assert (value_, province, nederland) == (4.6, 3.4, 3.7)
    assert points == pytest.approx(0.9) and above == "boven" and rank == 1


def test_the_catalog_says_what_the_figures_are(warehouse):
    catalog = dict(
        warehouse.execute(
            "select indicator_id, theme || ' | ' || unit || ' | ' || source_tables || ' | ' || "
            "toelichting from marts.indicator_catalog where theme in ('economie', 'arbeid')"
        ).fetchall()
    )
    assert sorted(catalog) == [
        "bbp_mln_euro",
        "bbp_per_inwoner",
        "beroepsbevolking",
        "beschikbaar_inkomen_per_inwoner",
        "economische_groei_pct",
        "netto_arbeidsparticipatie_pct",
        "toegevoegde_waarde_groei_pct",
        "werkloosheid_pct",
        "werkzame_personen",
    ]
    assert catalog["economische_groei_pct"].startswith("economie | % | 85924NED")
    assert catalog["werkloosheid_pct"].startswith("arbeid | % | 86088NED")
    # Survey estimates and provisional revisions are stated, in Dutch.
    assert "steekproef" in catalog["werkloosheid_pct"]
    assert "herziet de regionale rekeningen elk jaar" in catalog["bbp_mln_euro"]
