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


# The signal that arrived in the block of `stopped_by_signals`, if any.
_received: list[int] = []


def stop_received() -> Stopped | None:
    """`Stopped` for a signal that arrived, also when the exception it raised did not come
    through: DuckDB interrupts the query it runs and raises "Query interrupted" instead, which
    an error handler on the way may have turned into a message of its own."""
    return Stopped(_received[-1]) if _received else None


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise `Stopped`. A signal the caller ignores (SIGINT
    of a job started in the background) stays ignored; the previous handlers come back after."""

    def stop(signum, _frame):
        _received.append(signum)
        raise Stopped(signum)

    _received.clear()

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
