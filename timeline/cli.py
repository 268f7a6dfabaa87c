"""The ``timeline`` command. Thin: every command parses options and calls the library.

Exit codes: 0 ok, 1 bad data (every problem printed as ``FILE:LINE:COL: message``), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import click

from . import store
from .models import DataFile

FILES = click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))


class DataProblems(click.ClickException):
    """Bad data: the located problems go to stdout, one per line, and the exit code is 1."""

    exit_code = 1

    def __init__(self, loaded: store.Loaded) -> None:
        self.loaded = loaded
        count = len(loaded.errors)
        super().__init__(f"{count} problem{'s' * (count != 1)} found")

    def show(self, file=None) -> None:
        for problem in (*self.loaded.errors, *self.loaded.warnings):
            click.echo(str(problem))
        click.echo(f"Error: {self.message}", err=True)


def load_or_fail(files: tuple[Path, ...]) -> store.Loaded:
    """Load the command's files (default: ./events.yaml, else the bundled copy) or exit 1."""
    loaded = store.load(store.default_paths(files))
    if not loaded.ok:
        raise DataProblems(loaded)
    return loaded


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline", message="%(prog)s %(version)s")
def main() -> None:
    """Explore the history of space programmes from a validated YAML dataset."""


@main.command()
@FILES
def validate(files: tuple[Path, ...]) -> None:
    """Check events files; print every problem as FILE:LINE:COL: message.

    With no FILE, checks ./events.yaml, else the copy shipped with timeline.
    """
    loaded = load_or_fail(files)
    for problem in loaded.warnings:
        click.echo(str(problem))
    ds = loaded.dataset
    names = ", ".join(str(p) for p in loaded.paths)
    click.echo(
        f"{names}: valid: {len(ds.events)} events, {len(ds.countries)} countries, "
        f"{len(ds.types)} types (version {loaded.version})"
    )


@main.command()
def schema() -> None:
    """Print the JSON Schema of an events file (editors use it to complete and check)."""
    click.echo(schema_text(), nl=False)


def schema_text() -> str:
    return json.dumps(DataFile.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


@main.command()
@FILES
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve(files: tuple[Path, ...], host: str, port: int) -> None:
    """Browse the events in a web app at http://HOST:PORT/.

    Several FILEs merge into one dataset. Edits to them show on the next page load or
    interaction; while a file is invalid the page keeps the last good data and lists the errors.
    """
    from .app import create_app  # Dash loads only when serving

    try:  # say so in one line, before Dash starts, if the address is taken or wrong
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = str(exc.strerror or exc).split(" (while attempting")[0]  # socket adds where; we say it
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None
    paths = store.default_paths(files)
    app = create_app(paths)
    for problem in app.server.extensions["timeline"].current().errors:  # the page shows them too
        click.echo(str(problem), err=True)
    click.echo(f"Serving {', '.join(map(str, paths))} on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False)


@main.command("export")
@FILES
@click.option("-o", "--output", "outputs", multiple=True, required=True, metavar="OUT",
              type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (repeatable); its suffix picks the format.")
@click.option("--format", "fmt", metavar="FORMAT", help="png, svg, pdf, html or csv, for every OUT whatever its suffix.")
@click.option("--view", default="timeline", show_default=True, help="Chart to draw: timeline or activity.")
@click.option("--all-views", is_flag=True, help="Write every view, named OUT's stem + _timeline, _activity, ...")
@click.option("--width", type=click.IntRange(200, 10000), help="Width in layout pixels.  [default: 1200]")
@click.option("--height", type=click.IntRange(150, 10000),
              help="Height in layout pixels.  [default: 9/16 of the width, more if the chart needs it]")
@click.option("--scale", type=click.FloatRange(0.25, 8), default=2, show_default=True,
              help="PNG pixels per layout pixel.")
@click.option("--theme", default="light", show_default=True, help="light or dark.")
@click.option("--country", "countries", multiple=True, metavar="CODE", help="Only these countries (repeatable, or CN,US).")
@click.option("--type", "types", multiple=True, metavar="TYPE", help="Only these event types (repeatable).")
@click.option("--status", "statuses", multiple=True, metavar="STATUS", help="Only achieved, planned, failed or partial (repeatable).")
@click.option("--from", "start", metavar="DATE", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "end", metavar="DATE", help="Up to this date, inclusive.")
@click.option("--search", default="", metavar="WORDS", help="Only events whose text contains every word.")
@click.option("--firsts", is_flag=True, help="Only world firsts.")
def export_command(files, outputs, fmt, view, all_views, width, height, scale, theme, countries, types,
                   statuses, start, end, search, firsts) -> None:  # fmt: skip
    """Write charts (PNG, SVG, PDF, HTML) or the filtered events (CSV) to files.

    \b
    timeline export -o space-race.png --country SU --country US --from 1957 --to 1975
    timeline export -o race.svg -o race.pdf -o race.html -o race.csv --country SU,US
    timeline export -o chart.png --all-views --firsts
    """
    from . import export  # plotting and pandas load only when exporting

    try:
        wanted = export.targets(outputs, fmt=fmt, view=view, all_views=all_views)
        loaded = load_or_fail(files)
        filters = export.filters_from_options(
            loaded.dataset, countries=countries, types=types, statuses=statuses, start=start, end=end,
            search=search, firsts=firsts,
        )  # fmt: skip
        written = export.export(loaded, filters, wanted, width=width, height=height, scale=scale, theme=theme)
    except export.UsageProblem as exc:
        raise click.BadParameter(str(exc), param_hint=f"'{exc.option}'") from None
    except export.ExportFailed as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")


def run() -> None:
    """Console entry point: user mistakes exit 1 or 2 with a message, never a traceback."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - a bug; say so in one line unless debugging
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        click.echo(f"Error: internal error: {type(exc).__name__}: {exc} "
                   "(set TIMELINE_DEBUG=1 for details and please report it)", err=True)  # fmt: skip
        sys.exit(1)
