"""The command line under a few hundred generated bad inputs: never a traceback, always a
documented exit code, nothing written outside the folder asked for.

Inputs are generated from a fixed seed (reproducible): hostile and misspelled indicator and
region names (SQL, formulas, paths, control characters), periods that are not periods, unknown
formats, and
configuration files with unknown keys, wrong types and values out of range. `run` is not
fuzzed here (each run is a build); its refusals before a run starts are in test_messages.py.
"""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path

from delivery.cli import main
from tests.conftest import reliability_row

DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 5}
HOSTILE = [
    "",
    " ",
    "'",
    '"',
    "bevolking_totaal'; drop table marts.indicator_values; --",
    '=HYPERLINK("x")',
    "../../etc/passwd",
    "/tmp",
    "%s%s%n",
    "Zwole",
    "twente",
    "GM9999",
    "PV99",
    "bevolkin_totaal",
    "ß∂ƒ©˙∆",
    "\x00",
    "a" * 300,
    "2015' or '1'='1",
    "-1",
    "99999",
    "2024H3",
    "2020",
]
INDICATORS = ["bevolking_totaal", "woningvoorraad", "jeugdhulp_in_natura_pct"]
CONFIG_LINES = [
    "sourc: live",
    "source: 3",
    "source: [live",
    "live:\n  timeout_seconds: abc",
    "live:\n  max_attempts: -1",
    "live:\n  concurrent_requests: 100",
    "live:\n  use_https: maybe",
    "region_scope:\n  focus_province: Overijssel",
    "region_scope:\n  gemeenten: sommige",
    "region_scope: 5",
    "warehouse: [1, 2]",
    "full_check_day: zondag",
    "- a\n- b",
    "",
]


def _argv(rng: random.Random, out: Path) -> list[str]:
    pick = rng.choice
    kind = pick(["export", "export", "export", "regions", "indicators"])
    if kind == "regions":
        return [
            "regions",
            pick(HOSTILE),
            *(["--level", pick(HOSTILE)] if rng.random() < 0.5 else []),
        ]
    if kind == "indicators":
        return ["indicators", "--theme", pick(HOSTILE)]
    argv = ["export", pick([*HOSTILE, *INDICATORS])]
    if rng.random() < 0.6:
        argv += ["--regions", pick([*HOSTILE, "PV23", "Zwolle"])]
    if rng.random() < 0.5:
        argv += ["--from", pick(HOSTILE)]
    if rng.random() < 0.3:
        argv += ["--to", pick(HOSTILE)]
    if rng.random() < 0.3:
        argv += ["--format", pick(["csv", "xlsx", "parquet", "xls", "pdf", ""])]
    if rng.random() < 0.2:
        argv += ["--wide"]
    argv += ["--out", str(out / pick(["a", "b/c", "a/../d", "ü n i c ø d e"]))]
    return argv


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_the_cli_survives_generated_bad_input(warehouse_path, tmp_path, monkeypatch, request):
    rng = random.Random(20261203)
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(warehouse_path))
    out = tmp_path / "out"
    configs = tmp_path / "configs"
    configs.mkdir()
    before_outside = _files(tmp_path) - _files(out)
    seen_codes: dict[int, int] = {}
    for i in range(300):
        if i % 5 == 4:  # a bad configuration file under an otherwise valid command
            config = configs / f"c{i}.yaml"
            config.write_text(rng.choice(CONFIG_LINES) + "\n", encoding="utf-8")
            monkeypatch.setenv("ONTCIJFERD_CONFIG", str(config))
            argv = ["indicators"]
        else:
            monkeypatch.delenv("ONTCIJFERD_CONFIG", raising=False)
            argv = _argv(rng, out)
        err, std = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse's own usage errors
                code = exit_.code
        assert code in DOCUMENTED_EXITS, (argv, code, err.getvalue())
        assert "Traceback" not in err.getvalue() + std.getvalue(), argv
        if code not in (0,):
            assert err.getvalue().strip(), (argv, code)  # a refusal always says why
        seen_codes[code] = seen_codes.get(code, 0) + 1
    written_outside = (_files(tmp_path) - _files(out)) - before_outside
    assert {p for p in written_outside if configs not in p.parents} == set()
    reliability_row(
        request,
        side="ours (user)",
        fault="300 generated bad inputs to the command line",
        injected="hostile/misspelled names (SQL, formulas, paths), non-periods, unknown formats, "
        "bad configuration files (seed 20261203)",
        expected="no traceback, a documented exit code, a line saying why, nothing written "
        "outside --out",
        seen="exit codes " + ", ".join(f"{c}: {n}×" for c, n in sorted(seen_codes.items())),
    )
