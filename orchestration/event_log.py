"""Dagster's SQLite event log, with its database connections kept open between events.

Dagster's `SqliteEventLogStorage` creates an engine, opens a connection, commits and closes it
for every event it stores — about 700 events in a cold run, each written to the run's own
database and most of them also to the shared index database. Closing the last connection to a
WAL database checkpoints the WAL into the main file and fsyncs, so the event log alone cost
about 4.5 s of a 26 s cold build (BENCHMARKS.md, "Where the fixed cost went").

This storage keeps one engine, whose pool holds the connection open, per database, for the few
databases a process uses at a time; it stores exactly what Dagster's does, in the same files, so
`dagster dev` and older Dagster homes read it as before. With the WAL kept open, SQLite's
`synchronous=NORMAL` is its documented safe setting for WAL mode: a commit is durable against
a crash of the process; a power cut can lose the last events written before it, never corrupt
the database.

Configured in dagster.yaml (`event_log_storage`); the run and schedule storages are Dagster's.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData

# A run writes its own database and the index; the Dagster UI reads a few runs at a time.
# Engines beyond this many are disposed, so a long-lived webserver does not keep every run's
# database open.
OPEN_DATABASES = 8


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()  # before: super() connects
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptOpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            max_overflow=4,
            # One connection, used by whichever thread holds the storage's lock: the run's
            # worker thread writes events, the main thread reads them and marks cancellation.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        db.event.listen(engine, "connect", _synchronous_normal)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def _synchronous_normal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
