"""The ``timeline`` command. Thin: every command parses options and calls the library.

Exit codes: 0 ok, 1 bad data (every problem printed as ``FILE:LINE:COL: message``), 2 bad usage.
"""

from __future__ import annotations

import json
import os
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
