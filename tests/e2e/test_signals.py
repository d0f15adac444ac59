"""SIGINT (Ctrl-C) and SIGTERM at each moment — while loading, during dbt, just before the atomic
rename — stop an `ontcijferd run` at once with one line: the run is marked canceled, nothing is
published afterwards, no process of the run is left, and the next run is not blocked.
"""

from __future__ import annotations

import signal
import time

from delivery.cli import EXIT_OK
from tests.conftest import reliability_row
from tests.e2e.conftest import run_here, runs_by_status
from tests.e2e.runs import MOMENTS, assert_nothing_left, run_id_of, start_run


def test_sigint_and_sigterm_at_each_moment_stop_the_run_and_nothing_is_published(
    published, tmp_path, request
):
    before = published.read_bytes()
    seen, said = {}, {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(signum).name
        for moment in MOMENTS:
            child, output = start_run(moment, tmp_path, f"{name}-{moment}")
            sent = time.monotonic()
            child.send_signal(signum)
            try:
                code = child.wait(timeout=20)
            finally:
                child.kill()
            took = time.monotonic() - sent
            text = output.read_text()
            assert code == 128 + signum, text
            assert "Traceback" not in text
            [line] = [line for line in text.splitlines() if " stopped (" in line]
            assert name in line and "marked canceled" in line
            assert_nothing_left(published.parent, published, before)
            assert runs_by_status(published.parent.parent)[run_id_of(output)] == "CANCELED"
            seen.setdefault(name, []).append(f"{moment}: exit {code} after {took:.1f} s")
            said[name] = line.strip()
    code, out = run_here()
    assert code == EXIT_OK and "published:" in out, out
    for name, outcomes in seen.items():
        reliability_row(
            request,
            side="ours",
            fault=f"{name} to a running run, at each moment",
            injected=f"{name} sent to `ontcijferd run --all` while loading, during dbt and just "
            "before the atomic rename",
            expected=f"exit {128 + getattr(signal, name)} within seconds with one line, run "
            "marked canceled, nothing published afterwards, no process left; the next run "
            "publishes",
            seen="; ".join(outcomes) + f"; {said[name]}",
        )
