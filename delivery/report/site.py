"""Rendering: a page specification (delivery/report/page.py) becomes an HTML file from the
Jinja2 templates in `delivery/templates/` (one base layout, one template per page kind), its
downloads CSV files for Dutch Excel as `ontcijferd export --format csv-nl` writes them (Dutch
headers, figures rounded as CBS publishes them, `;`, decimal comma, BOM); the Vega library,
the style sheet and the boundaries are written into the site (`assets/`), so the pages need
no network."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import jinja2

from delivery.export import DeliveryError
from delivery.files import os_reason
from delivery.formatting import VEGA_LOCALE, dutch_date
from delivery.readable import explanation_rows, write_csv_nl, write_text_csv_nl
from delivery.report.charts import MAP_CREDIT
from delivery.report.page import EXPLANATION_CSV, IMAGE_WIDTH, Page

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
# The boundary files (delivery/geo/PROVENANCE.md).
BOUNDARY_FILES = {
    "gemeente_2025": "gemeente_2025.topojson",
    "provincie_2025": "provincie_2025.topojson",
}
# Marks a folder as an earlier report, which a new report may overwrite.
REPORT_MARKER = ".ontcijferd-rapport"


def check_report_folder(out_dir: Path) -> None:
    """The report goes into a new or empty folder, or over an earlier report; never over a file
    or into a folder holding something else."""
    if out_dir.exists() and not out_dir.is_dir():
        raise DeliveryError(f"--out {out_dir} is een bestand, geen map")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / REPORT_MARKER).exists():
        raise DeliveryError(
            f"--out {out_dir} bevat bestanden die geen eerder rapport zijn; kies een nieuwe of "
            "lege map"
        )


@contextlib.contextmanager
def replaced_whole(out_dir: Path) -> Iterator[Path]:
    """A folder beside `out_dir` to write the report into, put in `out_dir`'s place only when
    the report is complete: a report stopped or failing halfway leaves the earlier one as it
    was, and pages the earlier report had and this one has not are gone with it. A half-written
    folder left by a killed report is removed by the next; one killed between the two renames
    below (the earlier report moved aside, the new one not yet in place) is put back."""
    check_report_folder(out_dir)
    out_dir = Path(os.path.abspath(out_dir))  # `--out ../site` named as the folder is
    if out_dir == Path.cwd() or out_dir in Path.cwd().parents:
        raise DeliveryError(
            f"--out {out_dir} is de map waarin u staat: het rapport vervangt zijn map in zijn "
            f"geheel, dus start het van buiten (vanuit de map erboven: `--out {out_dir.name}`)"
        )
    if os.path.ismount(out_dir):  # a Docker volume, say: a mount point cannot be renamed
        raise DeliveryError(
            f"--out {out_dir} is een koppelpunt (mount point): het rapport vervangt zijn map in "
            f"zijn geheel en dat kan daar niet; noem een map erin (`--out {out_dir / 'rapport'}`)"
        )
    with _one_report_at_a_time(out_dir.parent):
        yield from _replace_whole(out_dir)


@contextlib.contextmanager
def _one_report_at_a_time(parent: Path) -> Iterator[None]:
    """Two reports into one folder at once would write into one staging folder and put it in
    place half-written; a second report does not wait, it says so and stops. The lock is on
    the parent folder, so two reports into sibling folders do not run at once either; the
    kernel frees it when a report is killed."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        folder = os.open(parent, os.O_RDONLY)
    except OSError as err:
        raise DeliveryError(f"--out: kan niet schrijven in {parent} ({os_reason(err)})") from None
    try:
        fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(folder)
        raise DeliveryError(
            f"een ander `ontcijferd report` schrijft al in {parent}: probeer het opnieuw als "
            "dat klaar is"
        ) from None
    try:
        yield
    finally:
        os.close(folder)


def _replace_whole(out_dir: Path) -> Iterator[Path]:
    staging = out_dir.with_name(f".{out_dir.name}.nieuw")
    earlier = out_dir.with_name(f".{out_dir.name}.vorig")
    _put_back(earlier, out_dir)  # a report killed between the two renames below
    for leftover in (staging, earlier):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        staging.mkdir()  # its parent exists: the lock is on it
    except OSError as err:
        raise DeliveryError(
            f"--out {out_dir}: kan {staging.name} er niet naast schrijven ({os_reason(err)}); het "
            "rapport wordt naast zijn map geschreven en pas als het af is op zijn plaats gezet"
        ) from None
    try:
        yield staging
        if out_dir.exists():
            out_dir.rename(earlier)
        staging.rename(out_dir)
    except BaseException:  # stopped, failed, or `out_dir` cannot be renamed (a mount point)
        _put_back(earlier, out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(earlier, ignore_errors=True)


def _put_back(earlier: Path, out_dir: Path) -> None:
    """The earlier report, moved aside, back in its place if no new one took it."""
    if earlier.is_dir() and not out_dir.exists():
        earlier.rename(out_dir)


class Site:
    def __init__(
        self,
        out_dir: Path,
        navigation: list[dict],
        common: dict,
        decimals: Mapping[str, int | None],
    ) -> None:
        """`navigation`: file and title of each page in the menu; `common`: what every
        template is given besides its page (the focus province's name, …); `decimals`: each
        indicator's precision, for the downloads. `out_dir` is written from scratch
        (`replaced_whole` gives one)."""
        self.out_dir, self.navigation, self.common = out_dir, navigation, common
        self.decimals = decimals
        self.generated = dutch_date(dt.date.today())
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        for folder in (out_dir, out_dir / "cijfers", out_dir / "gemeenten"):
            folder.mkdir(parents=True, exist_ok=True)
        (out_dir / REPORT_MARKER).write_text(
            "Gemaakt door `ontcijferd report`.\n", encoding="utf-8"
        )
        self._write_assets()

    def render(self, page: Page) -> Path:
        for name, frame in page.downloads.items():
            # As researchers read them: the figures of `ontcijferd export --format csv-nl`.
            write_csv_nl(frame, self.out_dir / name, self.decimals)
        html = self.env.get_template(f"{page.kind}.html.j2").render(
            title=page.title,
            file=page.file,
            root=page.root,
            navigation=self.navigation,
            generated=self.generated,
            charts=page.charts,
            credits=page.credits,
            image_width=IMAGE_WIDTH,
            chart_list=page.chart_list,
            uses_geo=page.uses_geo,
            credit=page.credit,
            explanation_csv=EXPLANATION_CSV,
            map_credit=MAP_CREDIT,
            vega_locale=VEGA_LOCALE,
            notes=page.context.get("notes", []),
            **self.common,
            **{k: v for k, v in page.context.items() if k != "notes"},
        )
        path = self.out_dir / page.file
        path.write_text(html, encoding="utf-8")
        return path

    def explain(self, metadata: dict) -> None:
        """The toelichting of the downloads, in their dialect (CSV for Dutch Excel)."""
        write_text_csv_nl(explanation_rows(metadata, "rapport"), self.out_dir / EXPLANATION_CSV)

    def _write_assets(self) -> None:
        import vl_convert

        assets = self.out_dir / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        (assets / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
        (assets / "rapport.css").write_text(
            (TEMPLATES / "rapport.css").read_text(encoding="utf-8"), encoding="utf-8"
        )
        boundaries = {
            name: json.loads((GEO_DIR / file).read_text(encoding="utf-8"))
            for name, file in BOUNDARY_FILES.items()
        }
        (assets / "grenzen.js").write_text(
            f"// {MAP_CREDIT}\nconst GRENZEN = {json.dumps(boundaries, separators=(',', ':'))};\n",
            encoding="utf-8",
        )
