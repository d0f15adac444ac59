"""Whose figures these are: the credit of a chart and the licence line of an export name CBS for
figures from CBS tables and every other source by its name, so that nobody credits CBS for
Eurostat's or ABF Research's figures. The rows are SYNTHETIC; the source names are the
warehouse's own forms (a CBS table id, ids joined by ', ', a custom file's title and publisher,
a CBS id and a policy target joined by ', ')."""

import pandas as pd
import pytest

from delivery.metadata import credit_line, sources_of
from delivery.report.page import sources

EUROSTAT = (
    "Bevolking op 1 januari naar geslacht en vijfjaarsleeftijdsgroep (Eurostat demo_r_pjangroup, "
    "cijfers van CBS) (Eurostat, Eurostat-download van ongeveer augustus 2025)"
)
WOONDEAL = "Woondeal Overijssel (herzien april 2025)"
ABF = "ABF Research (Primos), statistisch woningtekort, gepubliceerd door het ministerie van BZK"


def rows(*source_tables):
    return pd.DataFrame({"source_table": list(source_tables), "value": range(len(source_tables))})


@pytest.mark.parametrize(
    ("source_tables", "chart_credit", "licence"),
    [
        (
            ["82550NED", "71486ned, 03759ned", None],
            "CBS, tabel 03759ned, 71486ned, 82550NED",
            "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd",
        ),
        # A CBS id without the NED suffix is CBS's all the same (births were credited to "37201").
        (["37201"], "CBS, tabel 37201", "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"),
        (
            ["03759ned", EUROSTAT],
            f"CBS, tabel 03759ned; {EUROSTAT}",
            f"Bron: CBS (CC BY 4.0); {EUROSTAT}; bewerking Overijssel Ontcijferd",
        ),
        # Only others: CBS is not named at all; a name with ', ' in it stays whole.
        ([ABF, ABF], ABF, f"Bron: {ABF}; bewerking Overijssel Ontcijferd"),
        # A figure divided by a policy target: the CBS table and the target's version, each
        # credited as what it is.
        (
            ["86054NED, " + WOONDEAL, "82550NED, " + WOONDEAL],
            f"CBS, tabel 82550NED, 86054NED; {WOONDEAL}",
            f"Bron: CBS (CC BY 4.0); {WOONDEAL}; bewerking Overijssel Ontcijferd",
        ),
        # An unknown id beside a CBS id is not taken for CBS's.
        (["82550NED, 99999XYZ"], "CBS, tabel 82550NED; 99999XYZ", None),
    ],
)
def test_cbs_is_credited_for_its_tables_and_every_other_source_by_name(
    source_tables, chart_credit, licence
):
    frame = rows(*source_tables)
    assert sources(frame) == chart_credit
    if licence:
        assert credit_line(*sources_of(frame)) == licence


def test_no_rows_are_credited_to_cbs_alone():
    empty = rows()
    assert sources_of(empty) == ([], [])
    assert (
        credit_line(*sources_of(empty)) == "Bron: CBS (CC BY 4.0); bewerking Overijssel Ontcijferd"
    )
