"""A local HTTP server that speaks CBS OData v3 (the bulk `ODataFeed` path) for tests.

It serves table folders in the snapshot layout (`<root>/<table id>/<entity set>.json`): the
table's root document listing its entity sets, each set as JSON with `value`, and the data set
in pages linked by an absolute `odata.nextLink`, as opendata.cbs.nl does. `$filter` is recorded,
not evaluated: the client applies the same selection locally. `faults` lets a test make the
next requests fail with a status code.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class CbsODataServer:
    def __init__(self, root: Path, page_size: int = 250) -> None:
        self.root = root
        self.page_size = page_size
        self.requests: list[str] = []
        self.filters: dict[str, list[str]] = {}
        self.faults: list[int] = []  # statuses for the next requests, consumed in order
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                if server.faults:
                    status = server.faults.pop(0)
                    self.send_response(status)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                status, body = server.answer(self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def catalog_url(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> CbsODataServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, raw_path: str) -> tuple[int, dict]:
        url = urlparse(raw_path)
        query = parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        if len(parts) < 3 or parts[:2] != ["ODataFeed", "odata"]:
            return 404, {"error": "not found"}
        table_id = parts[2]
        folder = self.root / table_id
        if not folder.is_dir():
            return 404, {"error": f"table {table_id} not found"}
        base = f"http://{self.catalog_url}/ODataFeed/odata/{table_id}"
        if len(parts) == 3:  # the table's service document
            names = sorted({p.stem for p in folder.glob("*.json")} | {"UntypedDataSet"})
            return 200, {
                "odata.metadata": f"{base}/$metadata",
                "value": [{"name": n, "url": f"{base}/{n}"} for n in names],
            }
        name = parts[3]
        if name == "UntypedDataSet":
            return 200, {"value": []}
        path = folder / f"{name}.json"
        if not path.exists():
            return 404, {"error": f"{name} not found"}
        rows = json.loads(path.read_text(encoding="utf-8"))
        if "$filter" in query:
            self.filters.setdefault(table_id, []).append(query["$filter"][0])
        if name != "TypedDataSet":
            return 200, {"value": rows}
        skip = int(query.get("$skip", ["0"])[0])
        body = {"value": rows[skip : skip + self.page_size]}
        if skip + self.page_size < len(rows):
            body["odata.nextLink"] = (
                f"{base}/TypedDataSet?$format=json&$skip={skip + self.page_size}"
            )
        return 200, body
