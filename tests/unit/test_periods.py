"""Periods read from what people type and compared by the months they cover
(delivery/periods.py). The periods are SYNTHETIC labels in the warehouse's notation."""

import pandas as pd
import pytest

from delivery.periods import months, within, written


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("2024", "2024"),
        (" 2024h2 ", "2024H2"),
        ("2024Q3", "2024Q3"),
        ("2024k3", "2024Q3"),  # kwartaal
        ("2024M03", "2024M03"),
        ("2024K5", None),
        ("2024M13", None),
        ("２０２４", None),  # full-width digits are no year here
        ("2024\n", "2024"),
        ("2024-01", None),
        ("2015' or '1'='1", None),
    ],
)
def test_a_typed_period_is_written_as_the_warehouse_writes_it(typed, period):
    assert written(typed) == period


def test_periods_of_different_length_are_compared_by_their_months():
    assert months("2020H2") == (2020 * 12 + 7, 2020 * 12 + 12)
    assert months("2020Q1") == (2020 * 12 + 1, 2020 * 12 + 3)
    periods = pd.Series(["2023", "2023H2", "2023Q4", "2024", "2024Q1", "2024H2", "2024Q3"])
    # As text '2024Q1' >= '2024H2': by months it lies before.
    assert periods[within(periods, "2024H2", None)].tolist() == ["2024H2", "2024Q3"]
    assert periods[within(periods, None, "2023")].tolist() == ["2023", "2023H2", "2023Q4"]
    assert periods[within(periods, "2024Q1", "2024H1")].tolist() == ["2024Q1"]


def test_an_empty_selection_keeps_the_columns():
    """No rows for the regions asked: the selection is empty, not a frame without columns."""
    rows = pd.DataFrame({"period": pd.Series([], dtype=object), "value": []})
    assert list(rows[within(rows["period"], "2020", None)].columns) == ["period", "value"]
