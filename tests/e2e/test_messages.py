"""Every user-facing failure is one line with an exit code, and exports say what they could not
give. Run against the end-to-end warehouse through the real command line entry point."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from delivery.cli import EXIT_EMPTY, EXIT_NO_WAREHOUSE, EXIT_OK, EXIT_USAGE
from sources.config import REPO_ROOT
from tests.conftest import reliability_row
from tests.e2e.conftest import delivery


@pytest.fixture(autouse=True)
def published_here(warehouse_path, monkeypatch):
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(warehouse_path))


CASES = [
    # (what, argv, environment, exit code, words the one line must hold)
    (
        "bogus source",
        ["run"],
        {"ONTCIJFERD_SOURCE": "bogus"},
        EXIT_USAGE,
        ["ONTCIJFERD_SOURCE: source must be 'snapshot' or 'live', got 'bogus'"],
    ),
    (
        "a source in Dutch in the configuration",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/dutch.yaml"},
        EXIT_USAGE,
        ["dutch.yaml: source must be 'snapshot' or 'live', got 'momentopname'"],
    ),
    (
        "the warehouse setting names a folder",
        ["run"],
        {"ONTCIJFERD_WAREHOUSE": "{tmp}/other"},
        EXIT_USAGE,
        [
            "ONTCIJFERD_WAREHOUSE: warehouse '{tmp}/other' is a folder",
            "'{tmp}/other/ontcijferd.duckdb'",
        ],
    ),
    (
        "the warehouse setting names a folder, for a reader",
        ["indicators"],
        {"ONTCIJFERD_WAREHOUSE": "{tmp}"},
        EXIT_USAGE,
        [
            "ontcijferd: de instellingen kloppen niet (voor het datateam: ",
            "warehouse '{tmp}' is a folder: name the warehouse file",
        ],
    ),
    (
        "invalid YAML in the configuration",
        ["prepare"],
        {"ONTCIJFERD_CONFIG": "{bad}"},
        EXIT_USAGE,
        ["bad.yaml line 2, column 1: invalid YAML"],
    ),
    (
        "invalid YAML in Dagster's dagster.yaml",
        ["run", "--all"],
        {"DAGSTER_HOME": "{tmp}/dagster_home"},
        EXIT_USAGE,
        ["dagster_home/dagster.yaml: while parsing a flow sequence", "line 1, column 10"],
    ),
    (
        "a setting of the wrong type in Dagster's dagster.yaml",
        ["run", "--all"],
        {"DAGSTER_HOME": "{tmp}/dagster_typed"},
        EXIT_USAGE,
        ["dagster_typed/dagster.yaml: Errors whilst loading", "max_concurrent_runs"],
    ),
    (
        "a DAGSTER_HOME that does not exist",
        ["run", "--all"],
        {"DAGSTER_HOME": "{tmp}/no_such_home"},
        EXIT_USAGE,
        ["DAGSTER_HOME", "no_such_home is not a folder"],
    ),
    (
        "a DAGSTER_HOME without the project's dagster.yaml (set in the shell for something else)",
        ["run"],
        {"DAGSTER_HOME": "{tmp}/other"},
        EXIT_USAGE,
        ["DAGSTER_HOME {tmp}/other has no dagster.yaml: unset DAGSTER_HOME to use the repo"],
    ),
    (
        "a misspelled key in the configuration",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/typo.yaml"},
        EXIT_USAGE,
        ["typo.yaml: unknown setting 'sourc' (did you mean 'source'?)"],
    ),
    (
        "a misspelled key inside a section",
        ["indicators"],
        {"ONTCIJFERD_CONFIG": "{tmp}/typo_live.yaml"},
        EXIT_USAGE,
        ["unknown setting 'live.timeout_second' (did you mean 'live.timeout_seconds'?)"],
    ),
    (
        "an empty configuration file",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/empty.yaml"},
        EXIT_USAGE,
        ["empty.yaml: the configuration is empty"],
    ),
    (
        "a binary configuration file",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/binary.yaml"},
        EXIT_USAGE,
        ["binary.yaml: not a text file (UTF-8)"],
    ),
    (
        "a setting of the wrong type",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/abc.yaml"},
        EXIT_USAGE,
        ["abc.yaml: live.timeout_seconds: Input should be a valid number", "(got 'abc')"],
    ),
    (
        "a setting out of range",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/zero.yaml"},
        EXIT_USAGE,
        ["zero.yaml: live.max_attempts: Input should be greater than or equal to 1 (got 0)"],
    ),
    (
        "a URL where the CBS host belongs (it became a request to host 'https')",
        ["run"],
        {"ONTCIJFERD_CONFIG": "{tmp}/url.yaml"},
        EXIT_USAGE,
        [
            "url.yaml: live.catalog_url must be a host name with an optional port, such as "
            "'opendata.cbs.nl' or '127.0.0.1:8080' (no scheme, no path), not "
            "'https://opendata.cbs.nl/ODataFeed'"
        ],
    ),
    (
        "a misspelled environment variable",
        ["run"],
        {"ONTCIJFERD_SOURSE": "live"},
        EXIT_USAGE,
        ["unknown environment variable ONTCIJFERD_SOURSE (did you mean ONTCIJFERD_SOURCE?)"],
    ),
    (
        "a focus province that does not exist",
        ["run"],
        {"ONTCIJFERD_FOCUS_PROVINCE": "PV99"},
        EXIT_USAGE,
        ["Focus province 'PV99' does not occur in the region table (known: PV20"],
    ),
    (
        "a focus province that is not a province code",
        ["run"],
        {"ONTCIJFERD_FOCUS_PROVINCE": "Overijssel"},
        EXIT_USAGE,
        ["(or ONTCIJFERD_FOCUS_PROVINCE): region_scope.focus_province must be a CBS province code"],
    ),
    (
        "an --accept-schema naming no table",
        ["run", "--accept-schema", "85098NDE"],
        {},
        EXIT_USAGE,
        ["--accept-schema '85098NDE' names no registered CBS table; did you mean 85098NED"],
    ),
    (
        "an --accept-change naming no indicator",
        ["run", "--accept-change", "jeugdhulp_in_natura"],
        {},
        EXIT_USAGE,
        [
            "--accept-change 'jeugdhulp_in_natura' names no indicator; did you mean "
            "jeugdhulp_in_natura_pct"
        ],
    ),
    (
        "an ambiguous region name",
        ["export", "bevolking_totaal", "--regions", "twente", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["'twente' is dubbelzinnig: CR12 (COROP-gebied Twente) of WD02"],
    ),
    (
        "an inverted period range",
        ["export", "bevolking_totaal", "--from", "2020", "--to", "2010", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["--from 2020 ligt na --to 2010"],
    ),
    (
        "an inverted range of half years",
        [
            "export",
            "jeugdhulp_in_natura_pct",
            "--from",
            "2020H2",
            "--to",
            "2020H1",
            "--out",
            "{tmp}/x",
        ],
        {},
        EXIT_USAGE,
        ["--from 2020H2 ligt na --to 2020H1"],
    ),
    (
        "an unknown export format",
        ["export", "bevolking_totaal", "--format", "docx", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["Onbekend formaat 'docx'; kies uit csv, csv-nl, xlsx, parquet"],
    ),
    (
        "an unknown command",
        ["exprot", "bevolking_totaal"],
        {},
        EXIT_USAGE,
        [
            "ontcijferd: onbekend commando / unknown command 'exprot'; bedoelt u / did you "
            "mean 'export'? (`ontcijferd --help` toont het gebruik / shows the usage)"
        ],
    ),
    (
        "no command at all",
        [],
        {},
        EXIT_USAGE,
        ["ontcijferd: geen commando gegeven / no command given (`ontcijferd --help`"],
    ),
    (
        "an option nobody knows and no command",
        ["--verbose"],
        {},
        EXIT_USAGE,
        ["ontcijferd: onbekende optie / unknown option '--verbose' (`ontcijferd --help`"],
    ),
    (
        "--regions without a region",
        ["export", "bevolking_totaal", "--regions", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["ontcijferd: --regions verwacht een waarde (`ontcijferd export --help` toont"],
    ),
    (
        "an export without --out",
        ["export", "bevolking_totaal"],
        {},
        EXIT_USAGE,
        ["ontcijferd: dit ontbreekt: --out (`ontcijferd export --help` toont het gebruik)"],
    ),
    (
        "an option the export does not know",
        ["export", "bevolking_totaal", "--out", "{tmp}/x", "--gemeente", "Zwolle"],
        {},
        EXIT_USAGE,
        ["ontcijferd: onbekend: --gemeente (`ontcijferd export --help` toont"],
    ),
    (
        "an option the export does not know, and no --out: the option is said first",
        ["export", "bevolking_totaal", "--gemeente", "Zwolle"],
        {},
        EXIT_USAGE,
        ["ontcijferd: onbekend: --gemeente (`ontcijferd export --help` toont"],
    ),
    (
        "an option nobody knows before a command that lacks an option",
        ["--bogus", "export", "bevolking_totaal"],
        {},
        EXIT_USAGE,
        ["ontcijferd: onbekende optie / unknown option '--bogus' (`ontcijferd --help`"],
    ),
    (
        "an abbreviated option that could be two",
        ["export", "bevolking_totaal", "--out", "{tmp}/x", "--fo"],
        {},
        EXIT_USAGE,
        ["ontcijferd: --fo is onduidelijk: --format, --force? (`ontcijferd export --help`"],
    ),
    (
        "a period that is not one",
        ["export", "bevolking_totaal", "--from", "garbage", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["--from 'garbage' is geen periode"],
    ),
    (
        "a negative year: a value that is no period, not an option",
        ["export", "bevolking_totaal", "--from", "-2015", "--out", "{tmp}/x"],
        {},
        EXIT_USAGE,
        ["--from '-2015' is geen periode"],
    ),
    (
        "an export selection without data",
        ["export", "verkoopprijs_gemiddeld", "--regions", "Zwolle", "--out", "{tmp}/x"],
        {},
        EXIT_EMPTY,
        ["Niets te exporteren: verkoopprijs_gemiddeld heeft geen gegevens voor GM0193"],
    ),
    (
        "an export selection without data, with a period",
        [
            "export",
            "verkoopprijs_gemiddeld",
            "--regions",
            "Zwolle",
            "--from",
            "2020Q1",
            "--out",
            "{tmp}/x",
        ],
        {},
        EXIT_EMPTY,
        ["Niets te exporteren: verkoopprijs_gemiddeld heeft geen gegevens voor GM0193 in 2020Q1–…"],
    ),
    (
        "a gemeente outside the warehouse's regions",
        ["export", "bevolking_totaal", "--regions", "Amsterdam", "--out", "{tmp}/x"],
        {},
        EXIT_EMPTY,
        [
            "Niets te exporteren: GM0363 (Amsterdam) heeft geen enkel cijfer — dit warehouse "
            "heeft cijfers voor gemeenten en COROP-gebieden alleen binnen zijn regio-indeling "
            "(region_scope in config/ontcijferd.yaml)"
        ],
    ),
    (
        "export --out onto a file",
        ["export", "bevolking_totaal", "--out", "{tmp}/file"],
        {},
        EXIT_USAGE,
        ["is een bestand, geen map"],
    ),
    (
        "report --out onto a file",
        ["report", "--out", "{tmp}/file"],
        {},
        EXIT_USAGE,
        ["is een bestand, geen map"],
    ),
    (
        "report --out into a folder holding other files",
        ["report", "--out", "{tmp}/other"],
        {},
        EXIT_USAGE,
        ["bevat bestanden die geen eerder rapport zijn"],
    ),
]


@pytest.mark.parametrize(("what", "argv", "env", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_one_clear_line(what, argv, env, code, words, tmp_path, monkeypatch, request):
    (tmp_path / "bad.yaml").write_text("source: [snapshot\n")
    (tmp_path / "typo.yaml").write_text("sourc: live\n")
    (tmp_path / "typo_live.yaml").write_text("live:\n  timeout_second: 5\n")
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "binary.yaml").write_bytes(bytes(range(128, 256)))
    (tmp_path / "abc.yaml").write_text("live:\n  timeout_seconds: abc\n")
    (tmp_path / "zero.yaml").write_text("live:\n  max_attempts: 0\n")
    (tmp_path / "dutch.yaml").write_text("source: momentopname\n")
    (tmp_path / "url.yaml").write_text(
        "source: live\nlive:\n  catalog_url: https://opendata.cbs.nl/ODataFeed\n"
    )
    (tmp_path / "file").write_text("not a folder")
    for home, dagster_yaml in (
        ("dagster_home", "storage: [sqlite\n"),
        ("dagster_typed", "run_queue:\n  max_concurrent_runs: many\n"),
    ):
        (tmp_path / home).mkdir()
        (tmp_path / home / "dagster.yaml").write_text(dagster_yaml)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("someone's notes")
    for name, value in env.items():
        value = value.replace("{bad}", str(tmp_path / "bad.yaml"))
        monkeypatch.setenv(name, value.replace("{tmp}", str(tmp_path)))
    got, message = delivery(*[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert got == code, message
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    for word in words:
        assert word.replace("{tmp}", str(tmp_path)) in message
    reliability_row(
        request,
        side="ours (user)",
        fault=what,
        injected=f"`ontcijferd {' '.join(argv)}`" + (f" with {env}" if env else ""),
        expected=f"one line naming the problem, exit {code}",
        seen=message.replace(str(tmp_path), "<tmp>"),
    )


def test_a_warehouse_from_an_older_version_is_named_so(
    warehouse_path, tmp_path, monkeypatch, request
):
    """A warehouse published before this version's tables and columns (until the next run
    rebuilds it, as the code changed) is one line and exit 4 for every researcher's command,
    not DuckDB's catalog error as an export that failed."""
    older = tmp_path / "ontcijferd.duckdb"
    shutil.copyfile(warehouse_path, older)
    with duckdb.connect(str(older)) as con:  # as published before marts.cbs_tables existed
        con.execute("drop table marts.cbs_tables")
        con.execute("alter table marts.indicator_values drop column release_date")
    monkeypatch.setenv("ONTCIJFERD_WAREHOUSE", str(older))
    said = {}
    for argv in (
        ["export", "bevolking_totaal", "--out", str(tmp_path / "x")],  # a missing column
        ["report", "--out", str(tmp_path / "site")],  # a missing table
    ):
        code, message = delivery(*argv)
        assert code == EXIT_NO_WAREHOUSE and len(message.splitlines()) == 1, message
        assert "gemaakt door een oudere versie van Overijssel Ontcijferd; de volgende " in message
        said[argv[0]] = message
    assert '"release_date"' in said["export"]  # DuckDB's words, for the data team
    assert "cbs_tables does not exist" in said["report"]
    assert not (tmp_path / "x").exists() and not (tmp_path / "site").exists()
    reliability_row(
        request,
        side="ours (user)",
        fault="a warehouse published by an older version (a table and a column missing)",
        injected="`ontcijferd export …` and `ontcijferd report …` on it",
        expected=f"one line saying so, exit {EXIT_NO_WAREHOUSE}; nothing written",
        seen=said["report"].replace(str(tmp_path), "<tmp>"),
    )


def test_exports_name_what_is_missing_and_never_overwrite(tmp_path, capsys):
    argv = [
        "export",
        "verkoopprijs_gemiddeld",
        "--regions",
        "Hengelo",
        "zwolle",
        "Oldenzaal",
        "PV23",
        "--from",
        "2015",
        "--out",
        str(tmp_path),
    ]
    code, message = delivery(*argv)
    assert code == EXIT_OK, message
    # Sale prices per gemeente come from a truncated export (83625NED up to 'Kerkwijk'):
    # Hengelo and the province are there, Zwolle and Oldenzaal are named as missing.
    assert message.splitlines() == [
        f"ontcijferd: let op: verkoopprijs_gemiddeld heeft geen gegevens voor {code} in 2015–…"
        for code in ("GM0193", "GM0173")
    ]
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "verkoopprijs_gemiddeld_GM0164_GM0193_GM0173_PV23_2015-eind.csv",
        "verkoopprijs_gemiddeld_GM0164_GM0193_GM0173_PV23_2015-eind.metadata.json",
    ]
    assert "geen gegevens voor GM0173" in (tmp_path / written[1]).read_text()  # in the metadata
    code, message = delivery(*argv)
    assert code == EXIT_USAGE and "bestaat al; met --force" in message
    assert delivery(*argv, "--force")[0] == EXIT_OK


def test_the_researchers_commands_help_in_dutch(capsys):
    """Researchers read Dutch: the help of their commands is Dutch, argparse's headings too; the
    data team's `run` keeps English."""
    from delivery.cli import main

    for command in ("indicators", "export", "report", "regions"):
        assert main([command, "--help"]) == EXIT_OK
        said = capsys.readouterr().out
        assert said.startswith(f"gebruik: ontcijferd {command} [-h]"), said
        assert "argumenten en opties:" in said and "toon deze hulp" in said, said
        for english in ("usage:", "options:", "positional arguments", "show this help"):
            assert english not in said, said
    assert main(["run", "--help"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("usage: ontcijferd run")
    # `ontcijferd --help`, the first thing anyone reads: each command under who uses it.
    assert main(["--help"]) == EXIT_OK
    said = capsys.readouterr().out
    assert said.startswith("gebruik / usage: ontcijferd [-h] [--debug] COMMANDO ..."), said
    listed = re.findall(r"^  ([a-z][a-z-]*)  ", said, flags=re.MULTILINE)
    assert listed == ["indicators", "export", "report", "regions", "run", "prepare", "check-live"]
    assert (
        said.index("Voor onderzoekers:")
        < said.index("  indicators")
        < said.index("For the data team:")
        < said.index("  run ")
    )
    assert "  export      schrijf de cijfers van indicatoren met hun toelichting" in said


def test_regions_lists_and_themes_ignore_case(capsys):
    from delivery.cli import main

    assert main(["regions", "twente"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "CR12" in listed and "WD02" in listed and "GM1735" in listed
    assert "zonder cijfers" not in listed
    # Every Dutch region has a name; figures only those within the configured regions.
    assert main(["regions", "amsterdam"]) == EXIT_OK
    listed = capsys.readouterr().out.splitlines()
    assert listed[-1] == (
        "2 van deze 2 regio's zonder cijfers: dit warehouse heeft cijfers voor gemeenten en "
        "COROP-gebieden alleen binnen zijn regio-indeling (region_scope in config/ontcijferd.yaml)."
    )
    assert main(["indicators", "--theme", "Wonen"]) == EXIT_OK
    assert "woningvoorraad" in capsys.readouterr().out


def _close_standard_output_and_error() -> None:  # in the child, as `>&- 2>&-` does
    os.close(1)
    os.close(2)


@pytest.mark.parametrize("reader", ["gone", "closed"])
@pytest.mark.parametrize(
    ("argv", "env", "code"),
    [
        (["regions", "zzzqqq"], {}, EXIT_USAGE),
        (["regions", "twente"], {}, EXIT_OK),
        (
            ["indicators"],
            {"ONTCIJFERD_WAREHOUSE": "/nonexistent/ontcijferd.duckdb"},
            EXIT_NO_WAREHOUSE,
        ),
    ],
    ids=["no region matches", "regions found", "no warehouse"],
)
def test_output_nobody_reads_changes_no_exit_code(argv, env, code, reader, request):
    """`ontcijferd … 2>&1 | head -1` or a log pipe that dies (`gone`: the reader went away
    before the command wrote), or a cron line with `>&- 2>&-` (`closed`): what the command
    says goes nowhere, and it still ends with the exit code that says how it went (it ended
    with 1: a broken pipe, or no standard output at all, taken for a failure of its own)."""
    gone, writer = os.pipe()
    os.close(gone)
    closed = reader == "closed"
    try:
        ended = subprocess.run(
            [sys.executable, "-m", "delivery.cli", *argv],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=None if closed else writer,
            stderr=None if closed else writer,
            preexec_fn=_close_standard_output_and_error if closed else None,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert ended.returncode == code
    reliability_row(
        request,
        side="ours (user)",
        fault=f"output nobody reads ({'closed' if closed else 'its reader gone'})",
        injected=f"`ontcijferd {' '.join(argv)}` with standard output and error "
        + ("closed (`>&- 2>&-`)" if closed else "a pipe nobody reads"),
        expected="the command's own exit code, not a failure of its own",
        seen=f"exit {ended.returncode}",
    )
