"""An export stopped while it writes (Ctrl-C, SIGTERM, a full disk) leaves no truncated data file
that looks like a finished export. The rows are SYNTHETIC."""

import signal

import pandas as pd
import pytest

from delivery.export import write_extract
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.metadata.json"]
    monkeypatch.undo()
    # The next export is not refused for a file the stopped one left: there is none.
    extract = write_extract(ROWS, METADATA, "csv", tmp_path)
    assert pd.read_csv(extract.data_file)["value"].tolist() == [1.0, 2.0, 3.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.metadata.json"]
