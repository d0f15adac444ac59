"""SIGINT (Ctrl-C) and SIGTERM stop any `ontcijferd` command the same way: one line, exit
128 + the signal, no traceback. A run in progress handles them itself (it kills its run worker
and marks the run canceled: orchestration/launcher.py); these are the signals before a run
starts, or in any other command.

A reader of the output that goes away (`ontcijferd run | head`, a log pipe that dies) stops
nothing: the rest of the output is discarded (`output_may_go_away`)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
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


class _DiscardedWhenReaderGone:
    """Standard output that, once its reader is gone, sends what follows to /dev/null instead
    of raising BrokenPipeError (Python ignores SIGPIPE and raises that at the next write)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._discard()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()

    def _discard(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def output_may_go_away() -> Iterator[None]:
    """Within the block a reader of standard output that goes away ends the printing, not the
    command: a run goes on, is summarised to no one and ends with its own exit code."""
    stream = sys.stdout
    sys.stdout = _DiscardedWhenReaderGone(stream)
    try:
        yield
    finally:
        sys.stdout = stream
