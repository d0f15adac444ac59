"""SIGINT (Ctrl-C) and SIGTERM stop any `ontcijferd` command the same way: one line, exit
128 + the signal, no traceback. A run in progress handles them itself (it kills its run worker
and marks the run canceled: orchestration/launcher.py); these are the signals before a run
starts, or in any other command."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: a BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way takes it for an error."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise `Stopped`. A signal the caller ignores (SIGINT
    of a job started in the background) stays ignored; the previous handlers come back after."""

    def stop(signum, _frame):
        raise Stopped(signum)

    previous = {
        signum: signal.signal(signum, stop)
        for signum in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
