"""What `ontcijferd` accepts: its commands with their options and help, and its exit codes
(delivery/cli.py runs the commands). The data team's commands (run, prepare, check-live)
speak English; the researchers' commands (indicators, export, report, regions) speak Dutch,
like everything else researchers read."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import textwrap
from pathlib import Path

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_NO_WAREHOUSE, EXIT_EMPTY = 0, 1, 2, 3, 4, 5
# The commands researchers use answer in Dutch; the data team's in English (see above).
FOR_RESEARCHERS = {"indicators", "export", "report", "regions"}
# A command's last-resort lines, by whether researchers use it: stopped, failed, --debug.
LAST_RESORT = {
    False: ("stopped", "failed", "shows the traceback"),
    True: ("gestopt", "mislukt", "toont de traceback"),
}


def for_the_data_team(reason: str) -> str:
    """A reason only the data team can act on (their settings, the warehouse's damage), inside a
    researcher's Dutch line in the data team's own words, to be passed on as it stands."""
    return f"(voor het datateam: {reason})"


# What argparse takes for a negative number, a value rather than an option (no option of ours
# looks like one).
NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")

# argparse's own words for a usage error, as the researchers' commands say them.
DUTCH_ERRORS = [
    (re.compile(r"^the following arguments are required: (.*)$"), r"dit ontbreekt: \1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"onbekend: \1"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), r"\1 is onduidelijk: \2?"),
    (re.compile(r"^argument (\S+): expected one argument$"), r"\1 verwacht één waarde"),
    (re.compile(r"^argument (\S+): expected at least one argument$"), r"\1 verwacht een waarde"),
]


class _OneLineParser(argparse.ArgumentParser):
    """A usage error is one line saying what is wrong (exit 2), not argparse's usage block;
    `--help` still shows the usage. A researchers' command says it in Dutch."""

    # Each command's parser, by name, so that arguments no command knows are said by the
    # command given (argparse leaves them to the top-level parser).
    command_parsers: dict[str, argparse.ArgumentParser] = {}
    # The arguments as given, for an error argparse words without them (`_in_both_languages`).
    given: list[str] = []

    def error(self, message: str):
        if self.prog == "ontcijferd":  # no command (yet): researchers and the data team alike
            self._say_in_both_languages(self._in_both_languages(message))
        if self.prog.rsplit(" ", 1)[-1] not in FOR_RESEARCHERS:
            self.exit(EXIT_USAGE, f"ontcijferd: {message} (`{self.prog} --help` shows the usage)\n")
        for english, dutch in DUTCH_ERRORS:
            message = english.sub(dutch, message)
        self.exit(EXIT_USAGE, f"ontcijferd: {message} (`{self.prog} --help` toont het gebruik)\n")

    def _say_in_both_languages(self, words: str):
        self.exit(
            EXIT_USAGE,
            f"ontcijferd: {words} (`ontcijferd --help` toont het gebruik / shows the usage)\n",
        )

    def _first_unknown_option(self, given: list[str]) -> str | None:
        """The first of `given` that looks like an option this parser does not know (an
        abbreviation argparse accepts counts as known). argparse reports such an option only
        after everything else: `ontcijferd --bogus export …` would say that the command is
        missing, `ontcijferd export --bogus x` that --out is."""
        known = [flag for action in self._actions for flag in action.option_strings]
        for arg in given:
            if arg == "--":
                return None
            name = arg.split("=", 1)[0]
            if NEGATIVE_NUMBER.match(arg):  # a value (`--from -2015`), as argparse takes it
                continue
            if name.startswith("-") and not any(flag.startswith(name) for flag in known):
                return arg
        return None

    def _in_both_languages(self, message: str) -> str:
        """argparse's words for a missing or unknown command, in Dutch and English."""
        if message.startswith("the following arguments are required"):
            return "geen commando gegeven / no command given"
        given = re.search(r"invalid choice: '(.*?)'", message)
        if given is None:
            return message
        names = list(self.command_parsers)
        near = difflib.get_close_matches(given.group(1), names, n=2)
        return f"onbekend commando / unknown command {given.group(1)!r}" + (
            f"; bedoelt u / did you mean {' / '.join(map(repr, near))}?" if near else ""
        )

    def parse_args(self, args=None, namespace=None):
        self.given = list(sys.argv[1:] if args is None else args)
        if self.prog == "ontcijferd":
            self._unknown_options_first()
        parsed, unknown = self.parse_known_args(args, namespace)
        if unknown:
            said_by = self.command_parsers.get(getattr(parsed, "command", None), self)
            said_by.error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed

    def _unknown_options_first(self) -> None:
        """An unknown option, before or after the command, is said before anything else."""
        at = next((i for i, arg in enumerate(self.given) if not arg.startswith("-")), None)
        option = self._first_unknown_option(self.given[:at])
        if option is not None:
            self._say_in_both_languages(f"onbekende optie / unknown option {option!r}")
        command = self.command_parsers.get(self.given[at]) if at is not None else None
        if command is not None:
            option = command._first_unknown_option(self.given[at + 1 :])
            if option is not None:
                command.error(f"unrecognized arguments: {option}")


class _DutchHelp(argparse.HelpFormatter):
    """The help of a researchers' command: `gebruik:` where argparse writes `usage:`."""

    usage_prefix = "gebruik: "

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


def _for_researchers(commands, name: str, **kwargs):
    """A researchers' command with its help in Dutch: its arguments under one Dutch heading
    (argparse's own headings stay empty, so they are not shown) and a Dutch `--help`."""
    parser = commands.add_parser(name, add_help=False, formatter_class=_DutchHelp, **kwargs)
    arguments = parser.add_argument_group("argumenten en opties")
    arguments.add_argument("-h", "--help", action="help", help="toon deze hulp")
    return arguments


class _Overview(_DutchHelp, argparse.RawDescriptionHelpFormatter):
    """`ontcijferd --help`: the usage line in both languages (the commands are listed in the
    description, by who uses them)."""

    usage_prefix = "gebruik / usage: "


def _overview(listed: dict[str, str]) -> str:
    """The commands of `ontcijferd --help`: the researchers' in Dutch, then the data team's."""
    width = max(map(len, listed)) + 2

    def lines(names):
        return "\n".join(
            textwrap.fill(
                listed[name],
                width=88,
                initial_indent=f"  {name:<{width}}",
                subsequent_indent=" " * (width + 2),
            )
            for name in names
        )

    return (
        "Overijssel Ontcijferd: de indicatoren van Overijssel uit CBS StatLine.\n\n"
        "Voor onderzoekers:\n"
        f"{lines(n for n in listed if n in FOR_RESEARCHERS)}\n\n"
        "For the data team:\n"
        f"{lines(n for n in listed if n not in FOR_RESEARCHERS)}\n\n"
        "`ontcijferd COMMANDO --help` toont de opties van een commando "
        "(shows a command's options)."
    )


def command_line() -> argparse.ArgumentParser:
    """The parser of `ontcijferd`; `args.command` names the command asked for."""
    parser = _OneLineParser(
        prog="ontcijferd",
        usage="ontcijferd [-h] [--debug] COMMANDO ...",
        formatter_class=_Overview,
        add_help=False,
    )
    options = parser.add_argument_group("opties / options")
    options.add_argument("-h", "--help", action="help", help="deze hulp / this help")
    options.add_argument("--debug", action="store_true", help="toon de traceback / show tracebacks")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDO", help=argparse.SUPPRESS
    )
    listed: dict[str, str] = {}  # each command's line in `ontcijferd --help`

    def command(name: str, help: str, **kwargs):
        """Where a command's options go: a researchers' command's Dutch group, or its parser."""
        listed[name] = help
        kwargs |= {"help": help, "prog": f"ontcijferd {name}"}  # not the overview's usage
        if name in FOR_RESEARCHERS:
            return _for_researchers(commands, name, **kwargs)
        return commands.add_parser(name, **kwargs)

    running = command(
        "run",
        help="run the nightly job once (only what changed) and print a summary",
        description="Ask the source for each CBS table's release, load the new ones, rebuild, "
        "check and publish. With nothing new no run is started.",
    )
    running.add_argument(
        "--all", action="store_true", help="reload every table, new release or not"
    )
    running.add_argument(
        "--accept-schema",
        nargs="+",
        default=[],
        metavar="TABLE_ID",
        help="load these tables although CBS changed their columns (after review)",
    )
    running.add_argument(
        "--accept-change",
        nargs="+",
        default=[],
        metavar="INDICATOR",
        help="publish these indicators' implausible changes (after checking the source), "
        "for this run only; `all` accepts every one",
    )
    running.add_argument(
        "--accept-fresh-history",
        action="store_true",
        help="where neither the published warehouse nor its last good copy can be trusted, "
        "start a new value history (the run stops and says so otherwise)",
    )
    command(
        "prepare",
        help="generate the dbt files from the registry and parse the dbt project "
        "(done by `make run` and `make test`)",
    )
    command(
        "check-live",
        help="compare the registry with live CBS (catalog, TableInfos, DataProperties, "
        "categories; no data), one line per difference; writes nothing",
    )
    listing = command(
        "indicators",
        help="de indicatorcatalogus: indicator, titel, eenheid, thema, bronnen, laatste periode",
    )
    listing.add_argument(
        "--theme",
        metavar="THEMA",
        help="alleen dit thema, in hoofd- of kleine letters (bevolking, wonen, jeugdhulp, "
        "armoede, export, kerncijfers, …)",
    )
    exporting = command(
        "export",
        help="schrijf de cijfers van indicatoren met hun toelichting naar bestanden",
        description="Schrijft de rijen van marts.indicator_values voor de gevraagde "
        "indicatoren, met een toelichting (definitie, eenheid, bronnen, publicatiedatums van "
        "CBS, statuslegenda, licentie). Voorbeeld: ontcijferd export bevolking_totaal "
        "--regions PV23 Zwolle --from 2015 --format xlsx --out exports/",
    )
    exporting.add_argument(
        "indicators",
        nargs="+",
        metavar="INDICATOR",
        help="een of meer indicatoren (`ontcijferd indicators` toont ze)",
    )
    exporting.add_argument(
        "--regions",
        nargs="+",
        default=[],
        metavar="REGIO",
        help="regiocodes of -namen (zonder --regions: alle regio's)",
    )
    exporting.add_argument(
        "--from",
        dest="period_from",
        metavar="PERIODE",
        help="bijvoorbeeld 2015, 2015H2 of 2015Q3 (ook 2015K3)",
    )
    exporting.add_argument(
        "--to",
        metavar="PERIODE",
        help="bijvoorbeeld 2023 (met 2023H1 en 2023H2); alleen perioden die helemaal tussen "
        "--from en --to vallen: --from 2024H2 laat het jaar 2024 weg",
    )
    exporting.add_argument(
        "--format",
        default="csv",
        type=str.lower,  # in any case, as regions and periods are
        metavar="FORMAAT",
        help="csv: volledige precisie, voor software (standaard); csv-nl: voor Nederlandse "
        "Excel (; en decimale komma, Nederlandse kopjes, afgerond zoals CBS publiceert); "
        "xlsx; parquet",
    )
    exporting.add_argument(
        "--out", type=Path, required=True, metavar="MAP", help="map om in te schrijven"
    )
    exporting.add_argument("--force", action="store_true", help="vervang een bestaand bestand")
    exporting.add_argument(
        "--wide",
        action="store_true",
        help="alleen xlsx: regio's in rijen, perioden in kolommen (jaren, halfjaren en "
        "kwartalen op aparte bladen)",
    )
    reporting = command(
        "report", help="bouw het rapport (HTML-pagina's met grafieken, werkt offline)"
    )
    reporting.add_argument(
        "--out", type=Path, required=True, metavar="MAP", help="map voor de site"
    )
    finding = command(
        "regions",
        help="regio's (code, naam, niveau, indicatoren met gegevens); zoek op een deel van de naam",
    )
    finding.add_argument(
        "search",
        nargs="?",
        metavar="ZOEKTERM",
        help="deel van een code, naam of alias, bijvoorbeeld twente",
    )
    finding.add_argument(
        "--level", metavar="NIVEAU", help="gemeente, corop, woondeal, provincie, landsdeel, land"
    )
    parser.command_parsers = commands.choices
    parser.description = _overview(listed)
    return parser
