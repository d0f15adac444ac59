"""The warehouse build: a private file per run, one writer at a time, published by atomic rename.

A run never writes the published file. It copies the last published warehouse into
`<warehouse dir>/.build/next.duckdb` (so a run of a few assets still sees everything else),
writes there, and `publish()` renames it over the published file only after every blocking
check passed. Analysts holding the published file open keep reading the old file and are never
blocked, nor block a run or a reader (`reading`); a failed or killed run leaves the published
file untouched.

One writer: a run holds the build lock (`flock` on `.build/lock`) from start to end; the kernel
frees it when the run's process dies, so a killed run never blocks the next one.

Each publication records its SHA-256 beside the file (`ontcijferd.duckdb.sha256`) and keeps a
copy as the last good publication (`.last_good/`). A published file that no longer matches its
checksum (truncated, overwritten, changed outside a run), or that has no checksum and a block
DuckDB cannot read, is never trusted: the next run starts from the last good copy — so the
value history survives — and publishes again.
The file is written in DuckDB 1.4's storage format (`STORAGE_VERSION`): analysts open it with
their own tools, which ship DuckDB 1.4 (the long-term release) far more often than 2.x, and
1.4 cannot read 2.x's format. A file keeps the format it was created with, so only a build that
starts from nothing or from an older publication in another format sets it.
No Dagster imports: the CLI, the tests and Dagster assets share this module.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from lifecycle.releases import history_loss, quoted_name
from sources.notation import number

# The oldest DuckDB that must open the published file (tests/e2e/test_analysts.py opens it with
# DuckDB 1.4 in an environment of its own).
STORAGE_VERSION = "v1.4.0"


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse build lock."""


class DiskSpaceError(OSError):
    """Too little free space beside the warehouse for a run to build and publish."""


def room_needed(origin: Path | None) -> int:
    """Bytes a run needs beside the published warehouse: its copy to build in, room for that
    copy to grow while dbt rebuilds tables, and the last good copy made at publication — three
    times the warehouse, at least 64 MiB each (a first build starts from nothing)."""
    size = origin.stat().st_size if origin is not None and origin.exists() else 0
    return 3 * max(size, 64 << 20)


def disk_space_message(folder: Path, needed: int) -> str:
    """One line on a full disk: where, how much is free, how much a run needs."""
    free = shutil.disk_usage(folder).free
    return (
        f"not enough disk space in {folder}: {number(free / 2**20)} MiB free, a run needs about "
        f"{number(needed / 2**20)} MiB (its copy of the warehouse, room to grow, the last good "
        "copy); nothing was published"
    )


class HistoryNotCarriedError(RuntimeError):
    """No trustworthy publication to carry the value history over from, and the data team has
    not accepted a new one."""


def wal_of(database: Path) -> Path:
    """The write-ahead log DuckDB keeps beside a database file that a session wrote into and
    has not yet checkpointed (it is named after the path, not the file it belongs to)."""
    return database.with_name(database.name + ".wal")


@contextlib.contextmanager
def readable(publication: Path) -> Iterator[Path]:
    """A path DuckDB can read a publication (the published file or its last good copy) from.

    An analyst's tool that opened it for writing (the DuckDB CLI without -readonly, DBeaver,
    `duckdb.connect(path)`) holds DuckDB's write lock, which shuts every other process out,
    readers too; once it wrote, its write-ahead log lies beside the file, and after a new
    publication replaced the file it wrote into, DuckDB refuses to open the new one with that
    log ("WAL … does not match"). In either case a copy of the file's bytes alone, for the
    block: a publication is only ever replaced by rename, so they are the published bytes —
    unless that tool checkpointed into the file, which the checksum (`damage`) tells before
    anyone trusts it.
    """
    if not wal_of(publication).exists() and not _lock_holders(publication, writing=True):
        yield publication
        return
    with tempfile.TemporaryDirectory(prefix="ontcijferd-") as folder:
        yield shutil.copyfile(publication, Path(folder) / publication.name)


@contextlib.contextmanager
def reading(publication: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a publication, for the block (`readable`)."""
    with readable(publication) as path:
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()


def storage_version(warehouse: Path) -> str:
    """The storage format DuckDB wrote `warehouse` in, e.g. "v1.4.0"."""
    with reading(warehouse) as con:
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]
    return tags.get("storage_version", "").rstrip("+")


def create_in_storage_version(path: Path, origin: Path | None) -> None:
    """A new DuckDB file at `path` in `STORAGE_VERSION`, holding a copy of every schema, table,
    view and comment of `origin` (a publication in another format) if given."""
    con = duckdb.connect()
    try:
        # ATTACH takes no parameters: the paths are quoted as SQL string literals.
        literal = lambda p: "'" + str(p).replace("'", "''") + "'"  # noqa: E731
        con.execute(f"attach {literal(path)} as build (storage_version '{STORAGE_VERSION}')")
        if origin is not None:
            con.execute(f"attach {literal(origin)} as origin (read_only)")
            con.execute("copy from database origin to build")
    finally:
        con.close()


def checksum_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".sha256")


def last_good_path(published: Path) -> Path:
    """The copy of the last publication, kept beside the published file."""
    return published.parent / ".last_good" / published.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def damage(warehouse: Path) -> str | None:
    """Why the warehouse file at `warehouse` cannot be trusted; None if it is sound (or absent).

    The checksum recorded at publication decides. Without one (deleted, or a file published
    before checksums were recorded) every block the file uses is read (`unreadable_blocks`).
    """
    if not warehouse.exists():
        return None
    recorded = checksum_file(warehouse)
    if not recorded.is_file():
        return unreadable_blocks(warehouse)
    actual = _sha256(warehouse)
    # A run stopped between its rename and its checksum published this very file: its copy in
    # .last_good/ was recorded, with the same checksum, before the rename.
    kept = checksum_file(last_good_path(warehouse))
    renamed = kept.is_file() and actual == kept.read_text(encoding="utf-8").split()[0]
    if actual != recorded.read_text(encoding="utf-8").split()[0] and not renamed:
        return (
            f"its contents differ from the checksum recorded at publication ({recorded.name})"
            ": truncated, overwritten or changed outside a run"
        )
    return None


def unreadable_blocks(warehouse: Path) -> str | None:
    """Why DuckDB cannot read every block of every table in `warehouse`, else None.

    DuckDB checksums each block and verifies it when the block is read, so reading every column
    of every row (hashing each value) is a complete check of the data in use; blocks on the free
    list are not read, and damage there harms nothing. About 0.3 s for the 29 MiB snapshot
    warehouse (BENCHMARKS.md, `bench.run --only verify`); needed only where no recorded
    checksum can decide.
    """
    try:
        with reading(warehouse) as con:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
            for schema, table in tables:
                name = quoted_name(schema, table)  # a tampered file's names never become SQL
                con.execute(f"select bit_xor(hash(columns(*))) from {name}").fetchone()
    except duckdb.Error as err:
        return f"DuckDB cannot read it: {str(err).splitlines()[0]}"
    return None


def distrust(warehouse: Path) -> str | None:
    """Why a run must not start from the publication at `warehouse`: the file is damaged, or
    its value history lost rows since it was published; None if it can be trusted."""
    broken = damage(warehouse)
    if broken or not warehouse.exists():
        return broken
    with reading(warehouse) as con:
        return history_loss(con)


def trusted_publication(published: Path) -> Path | None:
    """What a run starts from and compares with: the published warehouse if it can be trusted,
    else the last good publication kept beside it, else nothing."""
    for candidate in (published, last_good_path(published)):
        if candidate.exists() and distrust(candidate) is None:
            return candidate
    return None


def safety_net_damage(published: Path) -> str | None:
    """What is wrong with the safety net of a sound published warehouse — its checksum file,
    its last good copy — else None (a damaged published file is a repair of its own)."""
    if not published.exists() or damage(published) is not None:
        return None
    problems = []
    recorded = checksum_file(published)
    if not recorded.is_file():
        problems.append(f"the checksum file {recorded.name} is missing")
    elif recorded.read_text(encoding="utf-8").split()[0] != _sha256(published):
        problems.append(
            f"the checksum file {recorded.name} is of the previous publication (a run was "
            "stopped between publishing and recording it)"
        )
    last_good = last_good_path(published)
    if not last_good.exists():
        problems.append(f"the last good copy {last_good} is missing")
    elif not checksum_file(last_good).is_file() or damage(last_good) is not None:
        problems.append(f"the last good copy {last_good} is damaged")
    return "; ".join(problems) or None


def _write_checksum(warehouse: Path, digest: str, run_id: str) -> None:
    pending = checksum_file(warehouse).with_suffix(".pending")
    pending.write_text(f"{digest}  {warehouse.name}  run {run_id}\n", encoding="utf-8")
    os.replace(pending, checksum_file(warehouse))


def _keep_as_last_good(source: Path, published: Path, digest: str, run_id: str) -> None:
    last_good = last_good_path(published)
    last_good.parent.mkdir(parents=True, exist_ok=True)
    copying = last_good.with_suffix(".copying")
    shutil.copyfile(source, copying)
    os.replace(copying, last_good)
    _write_checksum(last_good, digest, run_id)


def _lock_holders(path: Path, writing: bool = False) -> set[int]:
    """The other processes holding a POSIX lock on `path` (DuckDB locks the database file it
    opens: for writing, or shared when read-only), from the kernel's /proc/locks."""
    try:
        stat = path.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return set()
    file_id = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    holders = set()
    for line in table.splitlines():
        fields = line.replace("->", " ").split()  # "1: POSIX ADVISORY WRITE <pid> <dev:ino> …"
        if len(fields) > 5 and fields[5] == file_id and fields[4].isdigit():
            if writing and fields[3] != "WRITE":
                continue
            holders.add(int(fields[4]))
    return holders - {os.getpid()}


def _command_of(pid: int) -> str:
    """A process's command line, shortened, for a line in the run log."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "ended"
    return " ".join(command.decode(errors="replace").split())[:80]


def _boot_id() -> str:
    """This boot of this machine: the same in every container on it (not namespaced)."""
    return Path("/proc/sys/kernel/random/boot_id").read_text().strip()


def _taken(lock) -> bool:
    """Whether another process holds the build lock on the open file `lock` now."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(lock, fcntl.LOCK_UN)
    return False


def build_lock_free(identity: str) -> bool | None:
    """Whether nobody holds the build lock a run recorded (`WarehouseBuild.lock_identity`);
    None when that cannot be told from here: another machine or boot, or the file at its path
    is not the same file (another volume, or it was made again)."""
    boot, device, inode, path = identity.split(":", 3)
    try:
        if boot != _boot_id():
            return None
        with open(path) as lock:
            stat = os.fstat(lock.fileno())
            if (stat.st_dev, stat.st_ino) != (int(device), int(inode)):
                return None
            return not _taken(lock)
    except (OSError, ValueError):
        return None


class WarehouseBuild:
    def __init__(
        self, published: Path, build_file: Path, run_id: str, fresh_history: bool = False
    ) -> None:
        self.published = published
        self.fresh_history = fresh_history
        self.build_dir = build_file.parent
        self.run_id = run_id
        self.path = build_file
        self._marker = self.build_dir / "next.run_id"
        self._lock_file = None
        self._database: duckdb.DuckDBPyConnection | None = None
        # What the data team must hear of this build, for the run log (`take_warnings`).
        self._warnings: list[str] = []

    @classmethod
    def begin(
        cls, published: Path, build_file: Path, run_id: str, fresh_history: bool = False
    ) -> WarehouseBuild:
        """Take the single-writer lock and, for a new run, start from the published warehouse.

        `fresh_history`: the data team accepts a new value history where no publication can be
        trusted to carry it over; without it such a run stops (HistoryNotCarriedError).
        """
        build = cls(published, build_file, run_id, fresh_history)
        build_dir = build.build_dir
        try:
            build_dir.mkdir(parents=True, exist_ok=True)
            build._lock_file = open(build_dir / "lock", "a+")  # noqa: SIM115 (held for the run)
        except OSError as err:
            raise OSError(f"Warehouse folder {build_dir} is not writable: {err}") from err
        try:
            fcntl.flock(build._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            build._lock_file.close()
            raise WarehouseBusyError(build._busy_message()) from None
        # The holder's run id in the lock file itself, the moment it holds the lock: a run
        # refused right after can name it (the marker is written only after the copy).
        build._lock_file.truncate(0)
        build._lock_file.write(run_id)
        build._lock_file.flush()
        build._warnings += build._stop_leftover_writers()
        marker = build._marker.read_text().strip() if build._marker.exists() else None
        if marker != run_id:  # a new run (or the leftovers of a crashed one): start afresh
            try:
                build._reset()
            except BaseException:
                build.release()
                raise
        return build

    def take_warnings(self) -> list[str]:
        """The warnings of this build since they were last taken."""
        taken, self._warnings = self._warnings, []
        return taken

    def _stop_leftover_writers(self) -> list[str]:
        """Stop the processes that still hold DuckDB's lock on the build file although no run
        holds the build lock: the dbt of a run whose worker was killed. dbt does not die with
        the worker (on the daemon's path nothing kills it) and would go on writing the old
        build's WAL and dbt's target folder beside the new run. One line each, for the run log.
        """
        lines = []
        for pid in _lock_holders(self.path):
            command = _command_of(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue  # ended meanwhile
            lines.append(
                f"stopped process {pid} ({command}), left behind by a run that was killed: it "
                f"still held the build {self.path}"
            )
        deadline = time.monotonic() + 10
        while _lock_holders(self.path) and time.monotonic() < deadline:
            time.sleep(0.05)  # its locks go when it has exited (a zombie holds none)
        return lines

    def _busy_message(self) -> str:
        lock = self.build_dir / "lock"
        holder = (lock.read_text().strip() if lock.exists() else "") or "just starting"
        return (
            f"Another run (run id {holder}) is building the warehouse in {self.build_dir}; "
            "this run did not start. Try again when it has finished."
        )

    @classmethod
    def busy(cls, published: Path, build_file: Path) -> str | None:
        """Why a run cannot start now (another process holds the build lock), else None.

        The lock is the kernel's (flock): a killed run's lock is gone with its process.
        """
        build = cls(published, build_file, "check")
        try:
            with open(build.build_dir / "lock", "a+") as lock:
                return build._busy_message() if _taken(lock) else None
        except OSError:
            return None  # no folder yet, or not writable: the run itself says so

    def lock_identity(self) -> str:
        """The build lock this run holds, as a process on another host of the same machine
        (a container beside this one, or the one that replaces it) can recognise it: the
        machine's boot, the lock file's device and inode, and its path (`build_lock_free`)."""
        assert self._lock_file is not None, "the build lock is not held"
        stat = os.fstat(self._lock_file.fileno())
        return f"{_boot_id()}:{stat.st_dev}:{stat.st_ino}:{self.build_dir / 'lock'}"

    def _reset(self) -> None:
        for leftover in (self.path, wal_of(self.path)):
            leftover.unlink(missing_ok=True)
        origin = trusted_publication(self.published)
        if origin is None and not self.fresh_history:
            self._refuse_fresh_history()
        needed = room_needed(origin)
        if shutil.disk_usage(self.build_dir).free < needed:
            raise DiskSpaceError(errno.ENOSPC, disk_space_message(self.build_dir.parent, needed))
        try:
            if origin is not None and storage_version(origin) == STORAGE_VERSION:
                shutil.copyfile(origin, self.path)
            elif origin is None:
                create_in_storage_version(self.path, None)
            else:
                with readable(origin) as source:
                    create_in_storage_version(self.path, source)
            self._marker.write_text(self.run_id)
        except OSError as err:
            raise OSError(
                f"Cannot prepare the warehouse build {self.path} (disk full or not writable?): "
                f"{err}"
            ) from err

    def _refuse_fresh_history(self) -> None:
        """Stop where the value history would silently start again: a publication exists, but
        neither it nor its last good copy can be trusted."""
        candidates = (self.published, last_good_path(self.published))
        if not any(path.exists() for path in candidates):
            return  # never published: a first history starts
        reasons = [f"{path} ({distrust(path) or 'missing'})" for path in candidates]
        raise HistoryNotCarriedError(
            "The value history cannot be carried over: neither the published warehouse nor its "
            f"last good copy can be trusted — {'; '.join(reasons)}. Nothing was published and "
            "both files are left as they are. To start a new history (every CBS table loaded "
            "anew, earlier revisions no longer listed), run "
            "`ontcijferd run --accept-fresh-history`."
        )

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the build file. The database stays open in this process between
        connections (opening it costs ~25 ms and closing it a checkpoint, for each of the ~30
        steps of a run) until `close_database`: before dbt opens the file from its own
        process, before publishing and when the run ends."""
        if self._database is None:
            self._database = duckdb.connect(str(self.path))
        con = self._database.cursor()
        try:
            yield con
        finally:
            con.close()

    def close_database(self) -> None:
        """Close the build file in this process (checkpointed), so another process can open it."""
        if self._database is not None:
            self._database.close()
            self._database = None

    def publish(self, keep_replaced: bool = False) -> Path:
        """Checkpoint the build, keep a copy as the last good publication, then atomically
        replace the published warehouse with it and record its checksum.

        `keep_replaced`: the published file is not what was published (`distrust`), so it is
        kept rather than overwritten (`_keep_replaced`).

        A kill between the rename and the checksum leaves a file whose own checksum is the old
        one, but whose last good copy, recorded first, has its checksum: it is trusted
        (`damage`), and the next publication writes both again.
        """
        with self.connect() as con:
            con.execute("checkpoint")
        self.close_database()
        digest = _sha256(self.path)
        _keep_as_last_good(self.path, self.published, digest, self.run_id)
        writers = _lock_holders(self.published, writing=True)  # they hold the file replaced
        if keep_replaced and self.published.exists():
            self._warnings.append(self._keep_replaced())
        os.replace(self.path, self.published)
        _write_checksum(self.published, digest, self.run_id)
        dir_fd = os.open(self.published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._marker.unlink(missing_ok=True)
        if wal_of(self.published).exists():
            self._warnings.append(self._foreign_wal(writers))
        return self.published

    def _set_aside(self, replaced: Path) -> Path:
        """Where a file the publication replaces is kept: beside the build, named by the file
        and the time."""
        return self.build_dir / f"{replaced.name}.{time.strftime('%Y%m%dT%H%M%S')}.replaced"

    def _keep_replaced(self) -> str:
        """Keep the published file a publication is about to replace although it is not what
        was published: a session wrote into it (an analyst's own tables) or it is damaged.
        Nothing in it is lost. A hard link costs no copy and the published path never goes
        missing; a copy where the file system has no links."""
        kept = self._set_aside(self.published)
        try:
            os.link(self.published, kept)
        except OSError:
            try:
                shutil.copyfile(self.published, kept)
            except OSError as err:
                kept.unlink(missing_ok=True)
                return (
                    f"The file this publication replaced was not the one published; it could "
                    f"not be kept ({err})."
                )
        return (
            f"The file this publication replaced was not the one published (changed outside a "
            f"run — an analyst's own tables, say — or damaged): kept at {kept}."
        )

    def _foreign_wal(self, writers: set[int]) -> str:
        """What to do about the write-ahead log beside the new publication: it holds what a
        session wrote into the file just replaced, and DuckDB opens the new file for no one
        while it lies there. A session still open deletes it when it ends; one that died
        never will, so its log is moved aside, kept for whoever wants those writes."""
        wal = wal_of(self.published)
        if writers:
            sessions = ", ".join(f"process {pid} ({_command_of(pid)})" for pid in sorted(writers))
            return (
                f"{wal.name} beside the new publication holds what a session still open wrote "
                f"into the previous file: {sessions}. Until it ends, SQL tools cannot open "
                f"{self.published} (DuckDB: WAL does not match); ontcijferd's own commands read "
                "it regardless. Ask its owner to close it and to open the warehouse read-only."
            )
        kept = self._set_aside(wal)
        os.replace(wal, kept)
        return (
            f"{wal.name} beside the published warehouse held what a session that has ended "
            f"wrote into the previous file without checkpointing; DuckDB would have opened the "
            f"new publication for no one with it there. Moved to {kept}."
        )

    def discard(self) -> None:
        """Drop the build (nothing to publish); the published warehouse is left as it is.

        A sound publication whose checksum or last good copy is missing or damaged (or that
        was published before they were recorded) gets both again now.
        """
        self.close_database()
        if safety_net_damage(self.published):
            digest = _sha256(self.published)
            _keep_as_last_good(self.published, self.published, digest, self.run_id)
            _write_checksum(self.published, digest, self.run_id)
        for leftover in (self.path, wal_of(self.path)):
            leftover.unlink(missing_ok=True)
        self._marker.unlink(missing_ok=True)

    def release(self) -> None:
        self.close_database()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
