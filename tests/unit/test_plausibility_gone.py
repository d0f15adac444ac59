"""A published value that a new build no longer has is a change too: blocked when it alone is
gone, listed and published when CBS withdrew the indicator's whole period or region."""

import duckdb
import pytest

from lifecycle.plausibility import compare
from tests.conftest import reliability_row

COLUMNS = (
    "indicator_id varchar, region_code varchar, region_name varchar, categorie varchar, "
    "period varchar, period_type varchar, value double, unit varchar"
)
REGIONS = {"GM0193": "Zwolle", "GM0153": "Enschede"}


def _warehouse(path, rows) -> None:
    """A SYNTHETIC marts.indicator_values: dwelling stock per (region, year)."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.indicator_values ({COLUMNS})")
    for (region, year), value in rows.items():
        con.execute(
            "insert into marts.indicator_values values ('woningvoorraad', ?, ?, null, ?, 'jaar', "
            "?, 'woningen')",
            [region, REGIONS[region], year, value],
        )
    con.close()


PUBLISHED = {
    ("GM0193", "2015"): 56_000.0,
    ("GM0193", "2016"): 56_500.0,
    ("GM0153", "2015"): 75_000.0,
    ("GM0153", "2016"): 75_400.0,
}


@pytest.mark.parametrize(
    ("case", "dropped", "blocked"),
    [
        ("one value", [("GM0193", "2015")], True),
        ("a whole period", [("GM0193", "2015"), ("GM0153", "2015")], False),
        ("a whole region", [("GM0193", "2015"), ("GM0193", "2016")], False),
    ],
)
def test_a_gone_value_is_listed_and_blocked_unless_its_period_or_region_went(
    tmp_path, case, dropped, blocked, request
):
    _warehouse(tmp_path / "published.duckdb", PUBLISHED)
    _warehouse(tmp_path / "build.duckdb", {k: v for k, v in PUBLISHED.items() if k not in dropped})
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        report = compare(con, tmp_path / "published.duckdb")
    finally:
        con.close()
    assert sorted((c.region_code, c.period) for c in report.gone) == sorted(dropped)
    assert all(c.old_value == PUBLISHED[(c.region_code, c.period)] for c in report.gone)
    assert bool(report.implausible()) is blocked
    assert any(
        line.startswith("published values gone from the warehouse: ") for line in report.summary()
    )
    message = report.blocking_message()
    if blocked:
        assert message.startswith(
            "1 implausible change(s) not published: gone woningvoorraad GM0193 (Zwolle) 2015: "
            "56.000 → leeg woningen (a published value is missing from the new build)"
        )
        assert report.blocking_message(["woningvoorraad"]) is None
        reliability_row(
            request,
            side="ours (data)",
            fault="a published value missing from a new release",
            injected="SYNTHETIC: Zwolle's dwelling stock 2015 left out of the new build",
            expected="listed and blocked until accepted (--accept-change)",
            seen=message[:160],
        )
    else:
        assert message is None


def _shares(path, shift: float, regions: int = 40) -> None:
    """A SYNTHETIC youth-care share for `regions` regions × 3 years, raised by `shift` points."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.indicator_values ({COLUMNS})")
    for r in range(regions):
        for year in ("2021", "2022", "2023"):
            con.execute(
                "insert into marts.indicator_values values ('jeugdhulp_in_natura_pct', ?, ?, "
                "null, ?, 'jaar', ?, '%')",
                [f"GM{r:04d}", f"gemeente {r}", year, 10.0 + r / 10 + shift],
            )
    con.close()


@pytest.mark.parametrize(("shift", "blocked"), [(4.0, True), (0.3, False)])
def test_a_whole_indicator_shifted_one_way_is_blocked(tmp_path, shift, blocked, request):
    # +4 points on every value: each revision is under the 5-point bound, the indicator as a
    # whole is not; +0.3 points everywhere is what a provisional → definitive release does.
    _shares(tmp_path / "published.duckdb", 0.0)
    _shares(tmp_path / "build.duckdb", shift)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        report = compare(con, tmp_path / "published.duckdb")
    finally:
        con.close()
    assert len(report.revisions) == 120
    assert len(report.implausible()) == (120 if blocked else 0)
    if blocked:
        why = report.implausible()[0].why
        assert why == "systematic shift: 120 of 120 values up, median +4,0 points"
        reliability_row(
            request,
            side="ours (data)",
            fault="every value of an indicator raised by 4 points (each under the 5-point bound)",
            injected="SYNTHETIC shares, 40 regions × 3 years, +4 points in a new build",
            expected="blocked as a systematic shift until accepted",
            seen=why,
        )


def _published_with_history(path, accepted: str) -> None:
    """A SYNTHETIC publication of one youth-care share: first published as 10.0, revised to
    14.5 by a later release (4.5 points, within bounds), that release's run accepting
    `accepted` ('' for none)."""
    _shares(path, 4.5, regions=1)  # 14.5 in every year
    con = duckdb.connect(str(path))
    con.execute(
        "create table marts.indicator_value_history as select indicator_id, region_code, "
        "categorie, period, period_type, value, timestamp '2025-01-01' as recorded_at "
        "from marts.indicator_values"
    )
    con.execute(
        "insert into marts.indicator_value_history select indicator_id, region_code, categorie, "
        "period, period_type, value - 4.5, timestamp '2024-01-01' from marts.indicator_values"
    )
    con.execute("create schema meta")
    con.execute(
        "create table meta.publication as select * from (values "
        "(timestamp '2024-01-02', ''), (timestamp '2025-01-02', ?)) p(published_at, "
        "accepted_changes)",
        [accepted],
    )
    con.close()


@pytest.mark.parametrize(
    ("accepted", "blocked"), [("", True), ("jeugdhulp_in_natura_pct", False), ("all", False)]
)
def test_steps_that_add_up_beyond_the_bound_are_blocked(tmp_path, accepted, blocked, request):
    # 10.0 → 14.5 → 19.0: each step 4.5 points, under the 5-point bound; 9 points since the
    # value first published, unless the data team accepted 14.5 (then 4.5 points since).
    _published_with_history(tmp_path / "published.duckdb", accepted)
    _shares(tmp_path / "build.duckdb", 9.0, regions=1)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        report = compare(con, tmp_path / "published.duckdb")
    finally:
        con.close()
    assert len(report.revisions) == 3
    assert len(report.implausible()) == (3 if blocked else 0)
    if blocked:
        why = report.implausible()[0].why
        assert why == (
            "drift: 10 when first published or last accepted; 9,0 points; more than 5 is "
            "implausible"
        )
        reliability_row(
            request,
            side="ours (data)",
            fault="two successive revisions of +4.5 points (each under the 5-point bound)",
            injected="SYNTHETIC share published as 10.0, revised to 14.5, then to 19.0",
            expected="blocked as drift since the first or last accepted value; not blocked "
            "when 14.5 was accepted",
            seen=why,
        )
