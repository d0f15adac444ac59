"""The SQLAlchemy dialect Great Expectations reads the warehouse build through.

duckdb-engine's cursor is its DuckDB connection itself, and GX fetches a query's rows only
after handing the connection back, when SQLAlchemy rolls it back: on DuckDB that rollback
replaces the pending result, so GX sees no rows ("list index out of range" in
resolve_metric_bundle, great_expectations#11579). GX only reads, over a read-only connection,
so there is no transaction to begin or roll back. Registered as `duckdb+gx_readonly`
(lifecycle/expectations.py).
"""

import duckdb_engine


class ReadOnlyDuckDBDialect(duckdb_engine.Dialect):
    supports_statement_cache = True

    def do_begin(self, dbapi_connection) -> None:
        pass

    def do_rollback(self, dbapi_connection) -> None:
        pass
