"""The signals that stop a command or a run, and the signal that ended a process in words: one
wording for the CLI (delivery/signals.py), the run launcher (orchestration/launcher.py) and
dbt's failure line (lifecycle/dbt_run.py)."""

from __future__ import annotations

import signal

# Ctrl-C, `kill` or a service manager stopping the command, and the terminal going away (an ssh
# session that drops, a closed terminal window): each stops a command or a run the same way —
# one line, exit 128 + the signal, the run marked canceled. A signal the caller ignores (SIGINT
# of a job started in the background, SIGHUP under `nohup`) stays ignored.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def stopped_by(returncode: int) -> str:
    """The signal that ended a process (its negative return code), in words for the data team:
    a SIGKILL nobody sent is the kernel's out-of-memory killer."""
    name = signal.Signals(-returncode).name
    if name != "SIGKILL":
        return name
    return "SIGKILL (one nobody sent is the kernel's out-of-memory killer: see the system log)"
