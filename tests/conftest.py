import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# A plain run on the configured full-check day downloads every table (lifecycle/refresh.py):
# tests that expect "nothing new" must not depend on the weekday they run on.
os.environ.setdefault("ONTCIJFERD_FULL_CHECK_DAY", "never")

# A test run started in the background by a shell without job control (`make test &` in a
# script) inherits SIGINT ignored, which the commands rightly keep ignoring (delivery/signals.py),
# and Dagster's `execute_in_process` then gives SIGTERM SIGINT's disposition: the signal tests,
# and every command they start, would never see the signals they send. They get them as a
# user's terminal delivers them.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
if signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def another_process(script: str, *args: str):
    """A process besides the test's own (an analyst's tool holding a DuckDB file) running the
    Python `script` with `args`; yields it and the first line it printed (it is ready then),
    and kills it after the block. The test writes to its stdin to let it go on."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()


@contextlib.contextmanager
def mounted(*args: str, target: Path):
    """`mount <args> <target>` for the block (a small or read-only file system); the test is
    skipped where it cannot mount (not root)."""
    mount = ["mount", *args, str(target)]
    if os.geteuid() != 0 or subprocess.run(mount, capture_output=True).returncode:
        pytest.skip("needs root to mount a small or read-only file system")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest Dagster needs; `make test` prepares it, this covers a bare `pytest`."""
    manifest = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        from delivery.cli import main

        assert main(["prepare"]) == 0
    return manifest


def run_dbt(args: list[str], tmp_path: Path, warehouse: Path):
    """dbt in-process on a test warehouse file, with its own profile and target folder."""
    import yaml
    from dbt.cli.main import dbtRunner

    profiles = tmp_path / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    output = {"type": "duckdb", "path": str(warehouse), "threads": 1}
    profile = {"ontcijferd": {"target": "warehouse", "outputs": {"warehouse": output}}}
    (profiles / "profiles.yml").write_text(yaml.safe_dump(profile))
    options = ["--project-dir", str(REPO_ROOT / "dbt_project"), "--profiles-dir", str(profiles)]
    options += ["--target-path", str(tmp_path / "target"), "--quiet"]
    result = dbtRunner().invoke([*args, *options])
    assert result.success, result.exception
    return result


def load_eurostat_file(con) -> None:
    """The repository's Eurostat pyramid file (real figures) into `con`, as the nightly job
    loads it."""
    from lifecycle.raw import load_custom_releases
    from sources.custom import CUSTOM_SOURCES, read_releases

    source = CUSTOM_SOURCES["bevolking_leeftijdsgroepen"]
    load_custom_releases(con, source, read_releases(source, {}))


def build_pyramid(data, folder: Path) -> Path:
    """A warehouse in `folder` with 03759ned from `data` and the repository's Eurostat file,
    built by dbt up to marts.bevolking_piramide (tests that read other marts left out)."""
    import duckdb

    from lifecycle.raw import load_raw_table
    from sources.registry import get_table

    warehouse = folder / "pyramid.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_raw_table(con, get_table("03759ned"), data, "synthetic", "test")
        load_eurostat_file(con)
    run_dbt(
        ["build", "--select", "+bevolking_piramide", "--indirect-selection", "cautious"],
        folder,
        warehouse,
    )
    return warehouse


def synthetic_03759ned_sets(
    counts: dict[tuple[str, str], int], ages: dict[str, str], modified: str | None = None
) -> dict[str, list[dict]]:
    """SYNTHETIC 03759ned entity sets (not CBS figures) in the shape of the live table:
    Overijssel 2024, `counts` per (Geslacht key, Leeftijd key), `ages` the Leeftijd keys and
    titles, every marital status together."""
    rows = [
        {
            "ID": i,
            "Geslacht": sex,
            "Leeftijd": age,
            "BurgerlijkeStaat": "T001019",
            "RegioS": "PV23  ",
            "Perioden": "2024JJ00",
            "BevolkingOp1Januari_1": n,
            "GemiddeldeBevolking_2": None,
        }
        for i, ((sex, age), n) in enumerate(counts.items())
    ]
    sexes = (("T001038", "Totaal mannen en vrouwen"), ("3000   ", "Mannen"), ("4000   ", "Vrouwen"))
    return {
        "TypedDataSet": rows,
        "TableInfos": [{"Identifier": "03759ned", "Title": "Bevolking", "Modified": modified}],
        "DataProperties": [],
        "Geslacht": [{"Key": k, "Title": t} for k, t in sexes],
        "Leeftijd": [{"Key": k, "Title": t} for k, t in ages.items()],
        "BurgerlijkeStaat": [{"Key": "T001019", "Title": "Totaal burgerlijke staat"}],
        "RegioS": [{"Key": "PV23  ", "Title": "Overijssel (PV)"}],
        "Perioden": [{"Key": "2024JJ00", "Title": "2024", "Status": "Voorlopig"}],
    }


def overwrite_block_in_use(path: Path, table: str, column: str) -> None:
    """Overwrite 64 KiB inside the last block holding `table.column` of the DuckDB file at
    `path`, as a bad disk or a stray write would; its checksum file is not touched."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    [block] = con.execute(
        "select max(block_id) from pragma_storage_info(?) where column_name = ?", [table, column]
    ).fetchone()
    con.close()
    # The file starts with three 4 KiB headers; blocks of 256 KiB follow.
    with open(path, "r+b") as file:
        file.seek(3 * 4096 + block * 262144 + 4096)
        file.write(b"\xff" * 65536)


# --- RELIABILITY.md: the table of faults tried, written from the tests that try them ---------
# A fault test calls `reliability_row(request, ...)` for each fault it injects, with what it
# observed (the error message, exit code). After a full, unfiltered run in which every test
# passed, the table is written to test-output/RELIABILITY.md (git-ignored: a test run leaves the
# checkout clean); `make reliability` copies it over the tracked RELIABILITY.md.

RELIABILITY_FILE = REPO_ROOT / "test-output" / "RELIABILITY.md"
_reliability_rows: list[dict] = []
_reliability_failed: list[str] = []


def run_left_by_an_ended_process(status):
    """SYNTHETIC: a nightly run record with `status`, owned (supervision.py's owner tag) by a
    process of this host that has ended — as a SIGKILL leaves it."""
    import socket
    import uuid

    import dagster as dg

    from orchestration.supervision import OWNER_TAG

    gone = subprocess.Popen(["true"])
    gone.wait()
    return dg.DagsterRun(
        job_name="nightly",
        run_id=str(uuid.uuid4()),
        status=status,
        tags={OWNER_TAG: f"{socket.gethostname()}:{gone.pid}:12345"},
    )


def reliability_row(request, *, side: str, fault: str, injected: str, expected: str, seen: str):
    """One row of RELIABILITY.md, kept if the calling test passes."""
    row = {"side": side, "fault": fault, "injected": injected, "expected": expected, "seen": seen}
    request.node.user_properties.append(("reliability", row))


def pytest_runtest_logreport(report):
    # Called in the main process for every test, also when pytest-xdist runs them in workers.
    rows = [row for key, row in report.user_properties if key == "reliability"]
    if report.failed:
        _reliability_failed.append(report.nodeid)
    elif report.when == "call" and rows:
        _reliability_rows.extend(rows)


def _normalise(text: str) -> str:
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)
    text = re.sub(r"port=\d+", "port=<port>", text)
    text = re.sub(r"/tmp/\S*/([^/\s]+)", r"<tmp>/\1", text)
    text = re.sub(r"run id [0-9a-f-]{36}", "run id <id>", text)
    text = " ".join(text.split())
    return text if len(text) <= 320 else text[:317] + "…"


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    filtered = config.option.keyword or config.option.markexpr or config.args != ["tests"]
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the main process writes
        return
    if filtered or _reliability_failed or not _reliability_rows or exitstatus != 0:
        return
    rows = sorted(
        {tuple(r.items()): r for r in _reliability_rows}.values(),
        key=lambda r: (r["side"], r["fault"]),
    )
    lines = [
        "# Reliability: faults tried and their outcomes",
        "",
        "Generated by the test run (`make test`, then `make reliability`) from the tests that call",
        "`reliability_row`; each row is",
        "one test that passed: the fault was injected as described and the outcome asserted.",
        "Ports, temporary paths and run ids are normalised. What happens in each case, for users:",
        'README, "What happens when…".',
        "",
        "| Side | Fault | How it is injected | Outcome asserted | Observed |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r["side"], r["fault"], r["injected"], r["expected"], _normalise(r["seen"])]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    RELIABILITY_FILE.parent.mkdir(exist_ok=True)
    RELIABILITY_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
