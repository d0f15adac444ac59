"""An export stopped while it writes (Ctrl-C, SIGTERM, a full disk) leaves no truncated data file
that looks like a finished export. The rows are SYNTHETIC."""

import csv
import errno
import os
import signal

import pandas as pd
import pytest

from delivery.export import write_extract
from delivery.files import os_reason
from delivery.signals import Stopped

ROWS = pd.DataFrame(
    {"indicator_id": ["x"] * 3, "period": ["2021", "2022", "2023"], "value": [1.0, 2.0, 3.0]}
).assign(release_date=None)
METADATA = {"selection": {"indicators": ["x"], "regions": "all", "from": None, "to": None}}


def test_an_export_stopped_while_writing_leaves_no_data_file(tmp_path, monkeypatch):
    write_csv = pd.DataFrame.to_csv

    def stopped_halfway(frame, path, **options):
        write_csv(frame.head(1), path, **options)
        raise Stopped(signal.SIGTERM)

    monkeypatch.setattr(pd.DataFrame, "to_csv", stopped_halfway)
    with pytest.raises(Stopped):
        write_extract(ROWS, METADATA, "csv", tmp_path)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    # The next export is not refused for a file the stopped one left: there is none.
    extract = write_extract(ROWS, METADATA, "csv", tmp_path)
    assert pd.read_csv(extract.data_file)["value"].tolist() == [1.0, 2.0, 3.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.metadata.json"]


def test_a_file_that_cannot_be_written_is_named_as_asked(tmp_path):
    """The error names the export's file, not the temporary name it is written under."""
    # SYNTHETIC obstacle: the temporary name leads into a folder that does not exist.
    (tmp_path / ".x.csv.partial").symlink_to(tmp_path / "gone" / "x.csv")
    with pytest.raises(OSError) as failed:
        write_extract(ROWS, METADATA, "csv", tmp_path)
    assert failed.value.filename == str(tmp_path / "x.csv")


def test_why_a_write_failed_is_said_in_dutch():
    """Researchers read the reason in Dutch where we know the words; other reasons keep the
    system's (English) words rather than none."""
    assert os_reason(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))) == "de schijf is vol"
    assert os_reason(OSError(errno.EACCES, os.strerror(errno.EACCES))) == "geen toestemming"
    assert os_reason(OSError(errno.EIO, os.strerror(errno.EIO))) == "Input/output error"


def test_the_dutch_toelichting_beside_a_csv_nl_file_runs_no_formula(tmp_path):
    """SYNTHETIC catalog entry whose title is a formula: in the toelichting for Dutch Excel it
    stays text (OWASP's leading '), like every cell of the data file."""
    hostile = '=HYPERLINK("http://example.invalid","klik")'
    metadata = {
        **METADATA,
        "generated_at": "2026-12-06T00:00:00+00:00",
        "licence": "Bron: CBS (CC BY 4.0)",
        "not_available": [],
        "indicators": [
            {"indicator_id": "x", "title": hostile, "unit": "personen", "decimalen": None}
        ],
        "cbs_release_dates": {},
    }
    rows = ROWS.assign(unit="personen", region_code="PV23")
    extract = write_extract(rows, metadata, "csv-nl", tmp_path)
    assert extract.metadata_file == tmp_path / "x_toelichting_excel-nl.csv"
    with extract.metadata_file.open(encoding="utf-8-sig") as file:
        explanation = list(csv.reader(file, delimiter=";"))
    assert explanation[0] == ["onderwerp", "veld", "toelichting"]
    assert ["x", "titel", "'" + hostile] in explanation
