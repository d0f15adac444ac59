"""The pure decisions of a run, one test per branch: what to refresh and what a selection is."""

import dataclasses
import datetime as dt
import json
import shutil

from lifecycle.refresh import decide, with_periodic_check
from lifecycle.releases import LoadedRelease, release_id_for
from sources.config import Settings
from sources.registry import get_table
from sources.scope import ScopeConfig, membership_from_gebieden, resolve_scope
from sources.snapshot import SnapshotSource
from sources.tabledata import selection_fingerprint

LOADED = LoadedRelease(
    release_id="2025-03-01T02:00:00",
    selection="sel-a",
    loaded_at=dt.datetime(2025, 3, 2, 2, 30),
    modified="2025-03-01T02:00:00",
    source_mode="live",
    row_count=10,
)


def test_refresh_all_reloads_even_an_unchanged_release():
    decision = decide(LOADED, LOADED.release_id, "sel-a", "all")
    assert decision.load and decision.reason == "refresh=all: every table reloaded"


def test_a_table_never_loaded_is_loaded():
    assert decide(None, "2025-03-01T02:00:00", "sel-a", "changed").reason == "not loaded before"


def test_no_release_date_means_download_and_compare_the_content():
    decision = decide(LOADED, None, "sel-a", "changed")
    assert decision.load and "no release date" in decision.reason


def test_a_changed_selection_reloads_the_same_release():
    decision = decide(LOADED, LOADED.release_id, "sel-b", "changed")
    assert decision.load and "region scope changed" in decision.reason


def test_a_new_release_is_loaded_and_named():
    decision = decide(LOADED, "2025-06-01T02:00:00", "sel-a", "changed")
    assert decision.load
    assert decision.reason == (
        "new release 2025-06-01T02:00:00 (warehouse holds 2025-03-01T02:00:00)"
    )


def test_the_release_already_loaded_is_skipped_with_when():
    decision = decide(LOADED, LOADED.release_id, "sel-a", "changed")
    assert not decision.load
    assert decision.reason == "release 2025-03-01T02:00:00 already loaded on 2025-03-02 02:30"


def _scope(**config):
    gebieden = SnapshotSource().fetch(get_table("86059NED"), None)
    return resolve_scope(ScopeConfig(**config), membership_from_gebieden(gebieden.data))


def test_selection_fingerprint_is_stable_and_follows_entry_and_scope():
    table, scope = get_table("82550NED"), _scope()
    assert selection_fingerprint(table, scope) == selection_fingerprint(table, _scope())
    # Another region scope, or another registry entry (a measure renamed), is another selection.
    assert selection_fingerprint(table, _scope(focus_province="PV25")) != selection_fingerprint(
        table, scope
    )
    renamed = dataclasses.replace(table, measures={"BeginstandWoningvoorraad_1": "voorraad"})
    assert selection_fingerprint(renamed, scope) != selection_fingerprint(table, scope)
    assert selection_fingerprint(table, None) != selection_fingerprint(table, scope)


def test_the_periodic_full_check_downloads_a_loaded_release_to_compare():
    decision = decide(LOADED, LOADED.release_id, "sel-a", "check")
    assert decision.load and decision.reason.startswith("periodic full check")


def test_a_correction_under_the_same_modified_is_a_release_of_its_own():
    loaded = dataclasses.replace(LOADED, content="a" * 64)
    assert release_id_for(LOADED.release_id, loaded, "a" * 64) == LOADED.release_id
    corrected = release_id_for(LOADED.release_id, loaded, "b" * 64)
    assert corrected == "2025-03-01T02:00:00 correctie bbbbbbbb"
    # Loaded under that id, the hint is still CBS's Modified: the next night is not "new".
    again = dataclasses.replace(loaded, release_id=corrected, content="b" * 64)
    assert not decide(again, LOADED.release_id, "sel-a", "changed").load
    assert release_id_for(None, None, "c" * 64) == "content-" + "c" * 16


def test_the_full_check_day_turns_a_plain_live_run_into_a_check():
    sunday, monday = dt.date(2026, 11, 29), dt.date(2026, 11, 30)

    def refresh(today, **settings):
        return with_periodic_check(Settings(source="live", **settings), today).refresh

    assert refresh(sunday) == "check"
    assert refresh(monday) == "changed"
    assert refresh(monday, full_check_day="monday") == "check"
    assert refresh(monday, full_check_day="daily") == "check"
    assert refresh(sunday, full_check_day="never") == "changed"
    assert refresh(sunday, refresh="all") == "all"
    # The snapshot's release is a checksum of its files: a check would learn nothing new.
    assert with_periodic_check(Settings(full_check_day="daily"), sunday).refresh == "changed"


def test_a_changed_snapshot_figure_is_a_new_release_even_under_a_recorded_modified(tmp_path):
    """The snapshot has no periodic full check, so its release must change with any figure —
    also if a rebuilt snapshot records CBS's Modified (SYNTHETIC date and figure)."""
    table = get_table("85098NED")
    shutil.copytree(SnapshotSource().root / table.table_id, tmp_path / table.table_id)
    infos = tmp_path / table.table_id / "TableInfos.json"
    infos.write_text(
        json.dumps(
            [
                {
                    **SnapshotSource(tmp_path).table_info(table.table_id),
                    "Modified": "2025-03-01T02:00:00",
                }
            ]
        )
    )
    source = SnapshotSource(tmp_path)
    before = source.release_hint(table)
    data = tmp_path / table.table_id / "TypedDataSet.json"
    rows = json.loads(data.read_text())
    measure = next(iter(table.measures))
    next(r for r in rows if r[measure] is not None)[measure] += 0.1
    data.write_text(json.dumps(rows))
    assert before.startswith("snapshot-")
    assert source.release_hint(table) not in (before, "2025-03-01T02:00:00")
