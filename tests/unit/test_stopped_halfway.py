"""A command stopped halfway (Ctrl-C, SIGTERM, an error) leaves what it replaces as it was: the
report is put in place whole or not at all, and a signal DuckDB turns into "Query interrupted"
is still a stop. The folders and queries here are SYNTHETIC (no warehouse)."""

import os
import signal
import threading
from pathlib import Path

import duckdb
import pytest

from delivery import cli
from delivery.export import DeliveryError
from delivery.report.site import REPORT_MARKER, replaced_whole
from delivery.signals import Stopped
from tests.conftest import mounted, reliability_row


def earlier_report(out):
    """An earlier report: the marker, a page and a gemeente page this report will not have."""
    (out / "gemeenten").mkdir(parents=True)
    (out / REPORT_MARKER).write_text("eerder\n")
    (out / "index.html").write_text("eerder rapport")
    (out / "gemeenten" / "GM9999.html").write_text("opgeheven gemeente")
    return sorted(str(p.relative_to(out)) for p in out.rglob("*"))


def test_a_report_stopped_halfway_leaves_the_earlier_report_as_it_was(tmp_path):
    out = tmp_path / "site"
    before = earlier_report(out)
    with pytest.raises(Stopped), replaced_whole(out) as folder:
        (folder / "index.html").write_text("half")
        raise Stopped(signal.SIGTERM)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert (out / "index.html").read_text() == "eerder rapport"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_complete_report_replaces_the_earlier_one_whole(tmp_path):
    out = tmp_path / "site"
    earlier_report(out)
    with replaced_whole(out) as folder:
        (folder / "index.html").write_text("nieuw rapport")
    assert (out / "index.html").read_text() == "nieuw rapport"
    assert not (out / "gemeenten" / "GM9999.html").exists()  # no page of the earlier report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_what_a_killed_report_left_is_cleared_or_put_back(tmp_path):
    out = tmp_path / "site"
    # Killed while writing: a half-written folder beside the report.
    earlier_report(out)
    (tmp_path / ".site.nieuw").mkdir()
    (tmp_path / ".site.nieuw" / "index.html").write_text("half")
    # Killed between the two renames: the earlier report moved aside, the new one not in place.
    out.rename(tmp_path / ".site.vorig")
    with pytest.raises(RuntimeError), replaced_whole(out):
        assert (out / "index.html").read_text() == "eerder rapport"  # put back first
        raise RuntimeError("a query failed")
    assert (out / "index.html").read_text() == "eerder rapport"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_whose_parent_cannot_be_written_is_one_line(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere: a path under a file stands in for it
        parent = tmp_path / "a-file"
        parent.write_text("")
    else:
        parent = tmp_path / "read-only"
        parent.mkdir(mode=0o555)
    cannot = r"--out.*: kan niet schrijven"
    with pytest.raises(DeliveryError, match=cannot), replaced_whole(parent / "site"):
        pass


def test_a_second_report_into_the_same_folder_at_once_is_refused(tmp_path):
    """Both would write into one staging folder and the first to finish would put it in place
    half-written."""
    out = tmp_path / "site"
    earlier_report(out)
    with replaced_whole(out) as folder:
        busy = "een ander `ontcijferd report` schrijft al in"
        with pytest.raises(DeliveryError, match=busy), replaced_whole(out):
            pass
        (folder / "index.html").write_text("nieuw rapport")
    assert (out / "index.html").read_text() == "nieuw rapport"


def test_the_folder_one_is_in_is_not_replaced(tmp_path, monkeypatch):
    """Replaced whole, it would leave the shell in a deleted folder."""
    earlier_report(tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site" / "gemeenten")
    with pytest.raises(DeliveryError, match="is de map waarin u staat"), replaced_whole(Path("..")):
        pass
    assert (tmp_path / "site" / "index.html").read_text() == "eerder rapport"


def test_a_mount_point_is_refused_before_any_work(tmp_path):
    """A mount point (a Docker volume) cannot be renamed, so the report cannot replace it whole:
    said at once, naming a folder inside it that works, and the mount is left as it was."""
    out = tmp_path / "volume"
    out.mkdir()
    with mounted("-t", "tmpfs", "tmpfs", target=out):
        refusal = pytest.raises(DeliveryError, match="is een koppelpunt")
        with refusal as refused, replaced_whole(out):
            pytest.fail("the report was started")
        assert f"noem een map erin (`--out {out / 'rapport'}`)" in str(refused.value)
        assert list(out.iterdir()) == []
        with replaced_whole(out / "rapport") as folder:
            (folder / "index.html").write_text("nieuw rapport")
        assert (out / "rapport" / "index.html").read_text() == "nieuw rapport"


def long_query() -> None:
    """Seconds of work, which DuckDB interrupts within about half a second to four seconds of
    the signal (measured: it depends on where the signal finds the query)."""
    duckdb.connect().execute("select sum(i) from range(3000000000) t(i)").fetchall()


def long_query_taken_for_damage() -> None:
    """An error handler on the way that takes whatever DuckDB raised for damage."""
    try:
        long_query()
    except Exception as err:
        raise DeliveryError(f"the warehouse is damaged: {err}") from err


@pytest.mark.parametrize(
    "command, signum",
    [(long_query, signal.SIGINT), (long_query_taken_for_damage, signal.SIGTERM)],
)
def test_a_signal_during_a_duckdb_query_stops_the_command_with_one_line(
    command, signum, monkeypatch, capsys, request
):
    """DuckDB interrupts its query on the signal and raises "Query interrupted" in place of our
    `Stopped`: the command still says it was stopped, not that it failed or found damage."""
    monkeypatch.setitem(cli.HANDLERS, "regions", cli._delivery_errors(lambda args: command()))
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signum))
    timer.start()
    try:
        code = cli.main(["regions"])
    finally:
        timer.cancel()
    assert code == 128 + signum
    name = signal.Signals(signum).name
    said = capsys.readouterr().err.splitlines()
    assert said == [f"ontcijferd: regions gestopt ({name})"]
    reliability_row(
        request,
        side="ours",
        fault=f"{name} inside a DuckDB query of a command",
        injected=f"{name} 0.5 s into a seconds-long DuckDB query"
        + (", whose error a handler takes for damage" if command is not long_query else ""),
        expected=f"exit {128 + signum} and one line saying the command stopped, not that it "
        "failed or found damage",
        seen=f"exit {code}: {said[0]}",
    )
