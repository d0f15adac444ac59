"""Reads the embedded snapshot of real CBS data (`sources/snapshot/<table id>/<set>.json`).

Each folder holds what `cbsodata.download_data(table_id, dir=...)` writes — one JSON list per
entity set — so the snapshot and live CBS go through the same selection. How each folder was
made from the collected raw files is in `sources/snapshot/PROVENANCE.md`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sources.registry import CbsTable
from sources.scope import RegionScope
from sources.tabledata import CbsDataError, CbsTableData, select_table_data

SNAPSHOT_DIR = Path(__file__).parent / "snapshot"


class SnapshotSource:
    mode = "snapshot"

    def __init__(self, root: Path = SNAPSHOT_DIR) -> None:
        self.root = root

    def has_table(self, table_id: str) -> bool:
        return (self.root / table_id / "TypedDataSet.json").is_file()

    def entity_sets(self, table_id: str) -> dict[str, list[dict]]:
        folder = self.root / table_id
        if not folder.is_dir():
            raise CbsDataError(f"CBS table {table_id}: not in the embedded snapshot ({folder})")
        sets = {}
        for path in sorted(folder.glob("*.json")):
            try:
                sets[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as err:
                raise CbsDataError(
                    f"CBS table {table_id}: snapshot file {path} is not JSON: {err}"
                ) from err
        return sets

    def table_info(self, table_id: str) -> dict:
        rows = json.loads((self.root / table_id / "TableInfos.json").read_text(encoding="utf-8"))
        return rows[0] if rows else {}

    def release_hint(self, table: CbsTable) -> str:
        """The snapshot's release of a table: the checksum of the table's folder.

        The raw files carry no release date of CBS, and a content checksum is the surer identity
        anyway: a rebuilt snapshot with one changed figure is a new release, whatever its
        TableInfos say — so the snapshot needs no periodic full check (lifecycle/refresh.py).
        """
        folder = self.root / table.table_id
        digest = hashlib.sha256()
        for path in sorted(folder.glob("*.json")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return "snapshot-" + digest.hexdigest()[:16]

    def fetch(self, table: CbsTable, scope: RegionScope | None) -> CbsTableData:
        return select_table_data(
            table,
            scope,
            self.entity_sets(table.table_id),
            source=self.mode,
            location=str(self.root / table.table_id),
        )
