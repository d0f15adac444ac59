"""Dutch notation for every figure a researcher reads (delivery/formatting.py)."""

import json
import math

import pytest

from delivery.formatting import UNIT_FORMATS, change, d3_format, figure, number
from lifecycle.indicators import indicators


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1_189_033, "personen", "1.189.033"),
        (1_189_033.0, "personen", "1.189.033"),  # a count never shows decimals
        (10.49, "%", "10,5 %"),
        (9.217758985200845, "%", "9,2 %"),
        (355, "x 1.000 euro", "€ 355.000"),
        (37.4, "x 1.000 euro", "€ 37.400"),
        (25_119, "mln euro", "€ 25.119 mln"),
        (109.30137, "index (2002=100)", "109,3"),
        (2.123, "personen per huishouden", "2,12"),
        (0.9, "km", "0,9 km"),
        (None, "%", "geen gegevens"),
        (math.nan, "personen", "geen gegevens"),
    ],
)
def test_figures_read_as_dutch(value, unit, text):
    # The space between a number and its unit is a no-break space: "20,7 %" never wraps.
    assert figure(value, unit) == (
        text if value is None or value != value else text.replace(" ", "\u00a0")
    )


def test_numbers_changes_and_chart_formats():
    assert number(1234567.891, 2) == "1.234.567,89"
    assert change(6_759, "personen") == "+6.759"
    assert change(-0.4, "%") == "−0,4\u00a0procentpunt"
    assert change(0, "%") == "±0,0\u00a0procentpunt"
    assert d3_format("personen") == ",.0f" and d3_format("%") == ",.1f"


def test_an_indicators_own_precision_overrides_its_units():
    import pandas as pd

    assert figure(47.0, "%", 0) == "47\u00a0%"  # KWB publishes whole percentages
    assert figure(47.0, "%", None) == figure(47.0, "%", float("nan")) == "47,0\u00a0%"
    assert figure(47.0, "%", pd.NA) == "47,0\u00a0%" and figure(pd.NA, "%") == "geen gegevens"
    assert d3_format("%", 0) == ",.0f"


def test_the_units_of_counts_are_the_same_in_sql_and_python():
    """Both come from lifecycle/indicators.yaml (kinds aantal and totaal)."""
    import re

    from lifecycle.expectations import COUNT_UNITS
    from lifecycle.indicators import dbt_macros

    macro = dbt_macros()
    listed = re.search(r"macro count_units\(\).*?return\((\[.*?\])\)", macro, re.S).group(1)
    assert sorted(json.loads(listed)) == sorted(COUNT_UNITS)
    assert sorted(COUNT_UNITS) == ["auto's", "huishoudens", "mln euro", "personen", "woningen"]


def test_every_unit_of_the_catalog_has_its_rule():
    """A unit without a rule would be shown with one decimal: 632.485,0 cars."""
    units = {i.unit for i in indicators().values()}
    assert units - set(UNIT_FORMATS) == set()
    assert figure(632_485, "auto's") == "632.485"
