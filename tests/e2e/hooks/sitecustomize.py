"""Test hook for tests/e2e/test_stopping.py — never used outside the tests.

Every Python process of a test's run imports this (the test puts this folder on PYTHONPATH),
so it reaches the run worker that `ontcijferd run` or Dagster's code server starts. With
ONTCIJFERD_TEST_PAUSE set, the run pauses at that moment and writes the moment's name to the
file ONTCIJFERD_TEST_READY, so the test can kill or signal it exactly there:
- `launch`: in `ontcijferd run`, just before it starts the run (nothing written yet);
- `worker`: in the run worker, before Dagster has recorded the run (it imports the definitions);
- `owner`: in a run worker the Dagster daemon launched, before it records itself as the run's
  owner (the run is STARTED, its worker's pid logged, no owner tag yet);
- `load`: just after the first CBS table was loaded into the build;
- `publish`: after the build's checkpoint, just before the atomic rename over the published file;
- `renamed`: just after that rename, before the published file's checksum is written.
(The third moment, during dbt, needs no pause: the test waits for the `dbt build` process,
which takes seconds.)
"""

import importlib.abc
import importlib.util
import os
import pathlib
import sys
import time


def _pause(moment: str) -> None:
    pathlib.Path(os.environ["ONTCIJFERD_TEST_READY"]).write_text(moment)
    time.sleep(600)


def _pause_before_launch(launcher) -> None:
    launch = launcher.launch

    def paused(*args, **kwargs):
        _pause("launch")
        return launch(*args, **kwargs)

    launcher.launch = paused


def _pause_on_import(_module) -> None:
    _pause("worker")


def _pause_before_owner_tag(resources) -> None:
    owner = resources.owner_of_this_process

    def paused():
        _pause("owner")
        return owner()

    resources.owner_of_this_process = paused


def _pause_after_first_load(refresh) -> None:
    load = refresh.load_raw_table

    def paused(*args, **kwargs):
        load(*args, **kwargs)
        _pause("load")

    refresh.load_raw_table = paused


def _pause_before_rename(build) -> None:
    publish = build.WarehouseBuild.publish

    def paused(self, *args, **kwargs):
        with self.connect() as con:
            con.execute("checkpoint")
        _pause("publish")
        return publish(self, *args, **kwargs)

    build.WarehouseBuild.publish = paused


def _pause_after_rename(build) -> None:
    write_checksum = build._write_checksum

    def paused(warehouse, digest, run_id):
        if warehouse.parent.name != ".last_good":  # the published file's, after the rename
            _pause("renamed")
        write_checksum(warehouse, digest, run_id)

    build._write_checksum = paused


PATCHES = {
    "launch": ("orchestration.launcher", _pause_before_launch),
    "worker": ("orchestration.definitions", _pause_on_import),
    "owner": ("orchestration.resources", _pause_before_owner_tag),
    "load": ("lifecycle.refresh", _pause_after_first_load),
    "publish": ("lifecycle.build", _pause_before_rename),
    "renamed": ("lifecycle.build", _pause_after_rename),
}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, patch) -> None:
        self.module, self.patch = module, patch

    def find_spec(self, name, path, target=None):
        if name != self.module:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            self.patch(module)

        spec.loader.exec_module = exec_module
        return spec


if os.environ.get("ONTCIJFERD_TEST_PAUSE") in PATCHES:
    sys.meta_path.insert(0, _PatchOnImport(*PATCHES[os.environ["ONTCIJFERD_TEST_PAUSE"]]))
