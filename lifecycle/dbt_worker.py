"""The dbt a run starts, and a dbt started before it is needed.

dagster-dbt starts dbt as a subprocess when the dbt step begins; dbt then spends ~2 s importing
itself before it reads a file (BENCHMARKS.md). A run therefore starts a worker at its
beginning (`DbtWorker`), which imports dbt on the machine's other core while the raw tables
load, then waits. The dbt executable dagster-dbt starts (`run_dbt`, written as a script by
lifecycle/dbt_run.py) hands its arguments, environment, working folder and standard streams
(the file descriptors themselves) to that worker, which runs the command as `dbt` would: its
output goes straight into dagster-dbt's pipe, so the events and checks are the same. Without
a worker listening (e.g. a run started by the Dagster UI's daemon before this existed), it runs
dbt itself as before.

Nothing outlives its owner:
- the worker ends with the run process that started it (Linux PR_SET_PDEATHSIG), and a worker
  never used is stopped when the run ends;
- the dbt executable ends with the run process too, passes SIGINT/SIGTERM on to the worker,
  and if it dies the worker stops dbt (its socket closes);
- the worker serves one command, then exits.

Only the standard library is imported at the top: the dbt executable starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading

_PR_SET_PDEATHSIG = 1
_MAX_MESSAGE = 1 << 20


def worker_address(build_file: os.PathLike | str) -> str:
    """The worker's socket: Linux's abstract namespace (no file, no path-length limit), one
    name per warehouse build — the build lock allows one run per build at a time."""
    digest = hashlib.sha256(os.fsencode(os.path.abspath(build_file))).hexdigest()[:24]
    return f"ontcijferd-dbt-{digest}"


def _abstract(address: str) -> str:
    return "\0" + address  # a leading NUL: Linux's abstract socket namespace


def _die_with_parent(signum: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send `signum` when the parent process dies; False if it already has."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)
    return os.getppid() == parent


class DbtWorker:
    """A worker for one run: started with the run, stopped when the run ends if never used."""

    def __init__(self, build_file: os.PathLike | str) -> None:
        self.address = worker_address(build_file)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lifecycle.dbt_worker", self.address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve(address: str) -> int:
    """The worker: listen, import dbt, run the one command handed over, exit with its code."""
    if not _die_with_parent():
        return 1
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(_abstract(address))
    listener.listen(1)
    from dbt.cli.main import cli  # the point of the worker: before it is needed

    connection, _ = listener.accept()
    listener.close()
    message, fds, _, _ = socket.recv_fds(connection, _MAX_MESSAGE, 3)
    request = json.loads(message)
    for fd, standard in zip(fds, (0, 1, 2), strict=True):
        os.dup2(fd, standard)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    threading.Thread(target=_follow_caller, args=(connection,), daemon=True).start()
    try:
        cli.main(args=request["args"], prog_name="dbt")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(OSError):
        connection.send(bytes([code & 0xFF]))
    os._exit(code)  # dbt's threads and atexit handlers must not keep the pipe open


def _follow_caller(connection: socket.socket) -> None:
    """A signal the dbt executable passes on, or its end (the socket closes): stop dbt."""
    while True:
        try:
            data = connection.recv(16)
        except OSError:
            data = b""
        os.kill(os.getpid(), data[0] if data else signal.SIGTERM)
        if not data:
            return


def run_dbt(address: str, real_dbt: str, dbt_core_version: str) -> None:
    """The dbt executable dagster-dbt starts (the script lifecycle/dbt_run.py writes)."""
    if sys.argv[1:] == ["--version"]:
        # Asked once per run only to learn dbt's major version; dbt would import itself (~3 s).
        print(f"Core:\n  - installed: {dbt_core_version}")
        sys.exit(0)
    if not _die_with_parent():  # the run died already
        sys.exit(1)
    worker = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        worker.connect(_abstract(address))
    except OSError:  # no worker for this build: run dbt here (the death signal survives exec)
        os.execv(real_dbt, [real_dbt, *sys.argv[1:]])
    request = {"args": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}
    socket.send_fds(worker, [json.dumps(request).encode()], [0, 1, 2])
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda n, _frame: worker.send(bytes([n])))
    reply = worker.recv(16)
    sys.exit(reply[0] if reply else 1)


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
