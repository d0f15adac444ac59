"""A local HTTP server that speaks CBS OData v3 (the bulk `ODataFeed` path) for tests.

It serves table folders in the snapshot layout (`<root>/<table id>/<entity set>.json`): the
table's root document listing its entity sets, each set as JSON with `value`, and the data set
in pages linked by an absolute `odata.nextLink`, as opendata.cbs.nl does. `$filter` is always
recorded; with `evaluate_filter` it is also applied as CBS applies it (the subset of OData the
client sends: `eq`, `startswith`, `substringof`, `and`, `or`, parentheses), and the nextLink
carries it on. `delay_seconds` adds a fixed latency to every request, and `bytes_sent` counts
the bytes of every answer per table — for the live-path benchmark (bench/live.py). With
`gzip_answers` it compresses its answers for a client that accepts gzip, sent in chunks (HTTP/1.1
`Transfer-Encoding: chunked`) as a server compressing on the fly sends them.

Like CBS's IIS, it refuses a query string over MAX_QUERY_STRING characters with 404 (IIS's
404.15); `longest_url` is the longest request it was sent.

Faults, for the reliability tests: `faults` makes the next requests (any table) fail, consumed
in order; `broken_tables` makes every data-set request of one table fail the same way until
removed. A fault is an HTTP status (500, 503, 429 with Retry-After, 404: the table is gone), one of
FAULT_KINDS, "refused" (404 for the data set only, as IIS refuses an over-long URL) or "down"
(503 for every request of the table, its listing and metadata too: CBS not answering).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

FAULT_KINDS = {
    "timeout": "no answer within the client's timeout",
    "trickle": "an answer trickling in a few bytes at a time, each gap within the client's "
    "timeout, the whole answer far longer",
    "flood": "an answer without end, as fast as the connection takes it (a broken proxy)",
    "reset": "connection reset half-way through a page",
    "truncated": "status 200 with the JSON cut off",
    "html200": "an HTML error page with status 200",
    "nextlink_loop": "odata.nextLink pointing back to the same page",
    "empty": "an empty data set",
    "not_odata": "status 200 with valid JSON that has no `value` (not an OData answer)",
}


# IIS's default `maxQueryString` (CBS's OData feed runs on IIS/ASP.NET).
MAX_QUERY_STRING = 2_048

_TOKENS = re.compile(r"\s*(\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*)")


def compile_filter(expression: str):
    """An OData `$filter` as the client writes it, parsed once into a predicate on a row."""
    tokens = _TOKENS.findall(expression)
    position = 0

    def take(expected: str | None = None) -> str:
        nonlocal position
        token = tokens[position]
        if expected is not None and token != expected:
            raise ValueError(f"$filter {expression!r}: expected {expected!r}, got {token!r}")
        position += 1
        return token

    def text(token: str) -> str:
        return token[1:-1].replace("''", "'")

    def factor():
        token = take()
        if token == "(":
            inner = disjunction()
            take(")")
            return inner
        if token == "startswith":
            take("(")
            field = take()
            take(",")
            prefix = text(take())
            take(")")
            return lambda row: str(row.get(field, "")).startswith(prefix)
        if token == "substringof":
            take("(")
            part = text(take())
            take(",")
            field = take()
            take(")")
            return lambda row: part in str(row.get(field, ""))
        take("eq")
        wanted = text(take())
        return lambda row: str(row.get(token, "")) == wanted

    def joined(word: str, operand, combine):
        parts = [operand()]
        while position < len(tokens) and tokens[position] == word:
            take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else combine(parts)

    def conjunction():
        return joined("and", factor, lambda ps: lambda row: all(p(row) for p in ps))

    def disjunction():
        return joined("or", conjunction, lambda ps: lambda row: any(p(row) for p in ps))

    predicate = disjunction()
    if position != len(tokens):
        raise ValueError(f"$filter {expression!r}: unexpected {tokens[position]!r}")
    return predicate


def read_set(path: Path) -> list[dict]:
    """An entity set from a file: a JSON list (the snapshot's layout) or a whole recorded OData
    answer (`{"value": [...], "odata.metadata": ...}`, tests/fixtures/cbs_recorded/)."""
    body = json.loads(path.read_text(encoding="utf-8"))
    return body["value"] if isinstance(body, dict) else body


def filter_matches(expression: str, row: dict) -> bool:
    """Whether a TypedDataSet row passes an OData `$filter` as the client writes them."""
    return compile_filter(expression)(row)


class CbsODataServer:
    def __init__(
        self,
        root: Path,
        page_size: int = 250,
        evaluate_filter: bool = False,
        delay_seconds: float = 0.0,
        generated_tables: dict | None = None,
        catalog: list[dict] | None = None,
        gzip_answers: bool = False,
    ) -> None:
        self.root = root
        # Compress answers with gzip where the client accepts it, as CBS's IIS may.
        self.gzip_answers = gzip_answers
        self.compressed_answers = 0
        # `ODataCatalog/Tables` lists each served table's TableInfos row, then these rows.
        self.extra_catalog = catalog or []
        # Tables generated on request instead of read from `root` (bench/synthetic.py): their
        # `metadata` sets, `set_names()`, and `data(filter)`, a sequence pages are cut from.
        self.generated_tables = generated_tables or {}
        self.page_size = page_size
        self.evaluate_filter = evaluate_filter
        self.delay_seconds = delay_seconds
        self.bytes_sent: dict[str, int] = {}
        self.requests: list[str] = []
        self.longest_url = 0
        self.filters: dict[str, list[str]] = {}
        self.faults: list[int | str] = []  # for the next requests, consumed in order
        self.broken_tables: dict[str, int | str] = {}  # table id → fault of its data set
        self.retry_after_seconds = 7
        self.stall_seconds = 3.0
        # "trickle": this many bytes, then a pause this long (under any client timeout used).
        self.trickle_bytes = 64
        self.trickle_seconds = 0.1
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                server.longest_url = max(server.longest_url, len(server.full_url(self.path)))
                if server.delay_seconds:
                    time.sleep(server.delay_seconds)
                fault = server.fault_for(self.path)
                if len(urlparse(self.path).query) > MAX_QUERY_STRING or fault == "refused":
                    self.send_json(404, b'{"error": "404.15 query string too long"}')
                    return
                if fault is None or fault in ("nextlink_loop", "empty"):
                    status, body = server.answer(self.path, fault)
                    self.send_json(status, json.dumps(body).encode())
                elif isinstance(fault, int):
                    self.send_response(fault)
                    if fault == 429:
                        self.send_header("Retry-After", str(server.retry_after_seconds))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif fault == "timeout":
                    time.sleep(server.stall_seconds)
                    self.close_connection = True
                elif fault == "not_odata":
                    self.send_json(200, b'{"message": "Service temporarily unavailable"}')
                elif fault == "html200":
                    page = b"<html><body>Onderhoud: probeer het later opnieuw.</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                else:
                    _, body = server.answer(self.path, None)
                    payload = json.dumps(body).encode()
                    if fault == "truncated":
                        self.send_json(200, payload[: len(payload) // 2])
                    elif fault == "flood":  # a page's start, then spaces until the client goes
                        self.promise_json(200, 1 << 40)
                        self.wfile.write(payload[:100])
                        with contextlib.suppress(OSError):
                            while True:
                                self.wfile.write(b" " * 65_536)
                        self.close_connection = True
                    elif fault == "trickle":
                        self.promise_json(200, len(payload))
                        for start in range(0, len(payload), server.trickle_bytes):
                            self.wfile.write(payload[start : start + server.trickle_bytes])
                            self.wfile.flush()
                            time.sleep(server.trickle_seconds)
                    else:  # reset: promise the whole page, send half, drop the connection
                        self.promise_json(200, len(payload))
                        self.wfile.write(payload[: len(payload) // 2])
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True

            def promise_json(self, status: int, length: int) -> None:
                """The headers of a JSON answer of `length` bytes; its body is up to the caller."""
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(length))
                self.end_headers()

            def send_json(self, status: int, payload: bytes) -> None:
                table = server.table_of(self.path)
                compress = server.gzip_answers and "gzip" in self.headers.get("Accept-Encoding", "")
                if compress:
                    payload = gzip.compress(payload)
                    server.compressed_answers += 1
                server.bytes_sent[table] = server.bytes_sent.get(table, 0) + len(payload)
                if not compress:
                    self.promise_json(status, len(payload))
                    self.wfile.write(payload)
                    return
                # Compressed on the fly: HTTP/1.1 chunks, no length known beforehand.
                self.protocol_version = "HTTP/1.1"
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                for start in range(0, len(payload), 8192):
                    chunk = payload[start : start + 8192]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True

            def handle_one_request(self):
                # The client gave up (timeout test): nothing left to answer.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle_one_request()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def catalog_url(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def catalog(self) -> list[dict]:
        rows = {}
        for path in sorted(self.root.glob("*/TableInfos.json")):
            if path.parent.name in self.broken_tables:
                continue
            for info in read_set(path)[:1]:
                rows[path.parent.name] = {**info, "Identifier": path.parent.name}
        for row in self.extra_catalog:
            rows.setdefault(row["Identifier"], row)
        return list(rows.values())

    def full_url(self, raw_path: str) -> str:
        return f"http://{self.catalog_url}{raw_path}"

    def __enter__(self) -> CbsODataServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def table_of(raw_path: str) -> str:
        parts = [p for p in urlparse(raw_path).path.split("/") if p]
        return parts[2] if len(parts) >= 3 else ""

    def fault_for(self, raw_path: str) -> int | str | None:
        if self.faults:
            return self.faults.pop(0)
        parts = [p for p in urlparse(raw_path).path.split("/") if p]
        if len(parts) >= 3 and parts[2] in self.broken_tables:
            fault = self.broken_tables[parts[2]]
            if fault in (404, "down") or (len(parts) == 4 and parts[3] == "TypedDataSet"):
                return 503 if fault == "down" else fault
        return None

    def answer(self, raw_path: str, fault: str | None = None) -> tuple[int, dict]:
        url = urlparse(raw_path)
        query = parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        if parts == ["ODataCatalog", "Tables"]:
            rows = self.catalog()
            if "$filter" in query:
                keep = compile_filter(query["$filter"][0])
                rows = [r for r in rows if keep(r)]
            return 200, {"value": rows}
        if len(parts) < 3 or parts[:2] != ["ODataFeed", "odata"]:
            return 404, {"error": "not found"}
        table_id = parts[2]
        folder = self.root / table_id
        generated = self.generated_tables.get(table_id)
        if generated is None and not folder.is_dir():
            return 404, {"error": f"table {table_id} not found"}
        base = f"http://{self.catalog_url}/ODataFeed/odata/{table_id}"
        if len(parts) == 3:  # the table's service document
            names = (
                generated.set_names()
                if generated
                else sorted({p.stem for p in folder.glob("*.json")} | {"UntypedDataSet"})
            )
            return 200, {
                "odata.metadata": f"{base}/$metadata",
                "value": [{"name": n, "url": f"{base}/{n}"} for n in names],
            }
        name = parts[3]
        if name == "UntypedDataSet":
            return 200, {"value": []}
        if "$filter" in query:
            self.filters.setdefault(table_id, []).append(query["$filter"][0])
        if generated is not None and name != "TypedDataSet":
            return 200, {"value": generated.metadata[name]}
        if generated is None:
            path = folder / f"{name}.json"
            if not path.exists():
                return 404, {"error": f"{name} not found"}
            rows = read_set(path)
            if name != "TypedDataSet":
                return 200, {"value": rows}
        if fault == "empty":
            return 200, {"value": []}
        kept = ""
        expression = query["$filter"][0] if self.evaluate_filter and "$filter" in query else None
        if generated is not None:
            rows = generated.data(expression)
        elif expression:
            keep = compile_filter(expression)
            rows = [r for r in rows if keep(r)]
        if expression:
            kept = f"&$filter={quote(expression)}"
        skip = int(query.get("$skip", ["0"])[0])
        body = {"value": rows[skip : skip + self.page_size]}
        if fault == "nextlink_loop":
            body["odata.nextLink"] = f"http://{self.catalog_url}{raw_path}"
        elif skip + self.page_size < len(rows):
            body["odata.nextLink"] = (
                f"{base}/TypedDataSet?$format=json{kept}&$skip={skip + self.page_size}"
            )
        return 200, body
