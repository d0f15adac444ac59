"""SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal went away) stop any `ontcijferd` command the
same way: one line, exit 128 + the signal, no traceback (lifecycle/stopping.py). A run in
progress handles them itself (it kills its run worker and marks the run canceled:
orchestration/launcher.py); these are the signals before a run starts, or in any other command.

A reader of the output that goes away (`ontcijferd run | head`, a log pipe that dies, a closed
terminal) stops nothing by itself: the rest of the output is discarded (`output_may_go_away`)."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Iterator

from lifecycle.stopping import STOP_SIGNALS


class Stopped(BaseException):
    """A stop signal arrived: a BaseException, like KeyboardInterrupt, so that no
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
    """Within the block the stop signals raise `Stopped`. A signal the caller ignores (SIGINT
    of a job started in the background, SIGHUP under `nohup`) stays ignored; the previous
    handlers come back after."""

    def stop(signum, _frame):
        _received.append(signum)
        raise Stopped(signum)

    _received.clear()

    previous = {
        signum: signal.signal(signum, stop)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# What writing to an output whose reader is gone raises: EPIPE for a pipe (Python ignores
# SIGPIPE), EIO for a terminal that was closed.
_READER_GONE = (errno.EPIPE, errno.EIO)


class _DiscardedWhenReaderGone:
    """An output stream that, once its reader is gone, sends what follows to /dev/null instead
    of raising."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as err:
            self._discard(err)
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as err:
            self._discard(err)

    def _discard(self, err: OSError) -> None:
        if err.errno not in _READER_GONE:
            raise err
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _guarded(stream):
    if stream is None:  # started with the descriptor closed (`>&-`): Python leaves it None
        return open(os.devnull, "w")  # noqa: SIM115 (open for the whole command)
    return _DiscardedWhenReaderGone(stream)


@contextlib.contextmanager
def output_may_go_away() -> Iterator[None]:
    """Within the block a reader of standard output or error that goes away ends the printing,
    not the command: a run goes on, is summarised to no one and ends with its own exit code."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (_guarded(s) for s in streams)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams
