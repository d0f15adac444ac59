"""A run stopped between publishing its warehouse (the rename) and writing its checksum: the
file is the new publication, and readers and the next run must trust it, not call it damaged."""

import os

import duckdb

from lifecycle.build import _keep_as_last_good, _sha256, _write_checksum, damage


def _file(path, value: int) -> None:
    """A SYNTHETIC small DuckDB file standing in for a publication."""
    con = duckdb.connect(str(path))
    con.execute("create table t as select ? as v", [value])
    con.close()


def test_a_publication_stopped_before_its_checksum_is_trusted(tmp_path):
    published = tmp_path / "ontcijferd.duckdb"
    _file(published, 1)
    _write_checksum(published, _sha256(published), "old-run")
    # What publish() does, stopped after the rename: last good copy and its checksum, rename.
    build = tmp_path / "next.duckdb"
    _file(build, 2)
    digest = _sha256(build)
    _keep_as_last_good(build, published, digest, "new-run")
    os.replace(build, published)
    assert damage(published) is None
    # A file that is neither publication is still damaged.
    with open(published, "r+b") as file:
        file.seek(0)
        file.write(b"garbage!")
    assert "differ from the checksum recorded at publication" in damage(published)
