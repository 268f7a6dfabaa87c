"""The ``timeline`` command. Thin: every command parses options and calls the library.

Exit codes: 0 ok, 1 bad data (every problem printed as ``FILE:LINE:COL: message``), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
from pathlib import Path

import click

from . import store
from .models import STATUSES, DataFile
from .problems import UsageProblem, summarised

FILES = click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))


class DataProblems(click.ClickException):
    """Bad data: the located problems go to stdout, one per line, and the exit code is 1."""

    exit_code = 1

    def __init__(self, result: store.Loaded | store.Report) -> None:
        self.result = result
        count = len(result.errors)
        super().__init__(f"{count} problem{'s' * (count != 1)} found")

    def show(self, file=None) -> None:
        for problem in (*self.result.errors, *self.result.warnings):
            click.echo(str(problem))
        click.echo(f"Error: {self.message}", err=True)


def load_or_fail(files: tuple[Path, ...], rows: store.Rows | None = None) -> store.Loaded:
    """Load the command's files (default: ./events.yaml, else the bundled copy) or exit 1."""
    loaded = store.load(store.default_paths(files), rows=rows)
    if not loaded.ok:
        raise DataProblems(loaded)
    return loaded


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline", message="%(prog)s %(version)s")
def main() -> None:
    """Explore the history of space programmes from a validated YAML dataset."""


@main.command()
@FILES
@click.option("--no-cache", is_flag=True, help="Check again even if these exact files were valid before.")
def validate(files: tuple[Path, ...], no_cache: bool) -> None:
    """Check events files; print every problem as FILE:LINE:COL: message.

    With no FILE, checks ./events.yaml, else the copy shipped with timeline. A verdict is
    remembered by the files' content, so unchanged files re-check instantly (see README).
    """
    report = store.check(store.default_paths(files), use_cache=not no_cache)
    if not report.ok:
        raise DataProblems(report)
    for line in summarised(report.warnings):  # 40,000 alike are counted, not printed
        click.echo(line)
    names = ", ".join(str(p) for p in report.paths)
    n = report.counts
    click.echo(f"{names}: valid: {counted(n['events'], 'event')}, {counted(n['countries'], 'country', 'countries')}, "
               f"{counted(n['types'], 'type')} (version {report.version})")  # fmt: skip


def counted(n: int, one: str, many: str | None = None) -> str:
    """``1 type``, ``2 types``, ``1 country``, ``14 countries``, ``4,629 events``."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


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
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; above 1, gunicorn serves (for many readers).")
@click.option("--allow-edits", is_flag=True, help="Add an 'Add event' form that writes to the first FILE.")
@click.option("--allow-edits-from-network", is_flag=True,
              help="Allow --allow-edits on an address other than 127.0.0.1, ::1 or localhost.")
def serve(files: tuple[Path, ...], host: str, port: int, workers: int, allow_edits: bool,
          allow_edits_from_network: bool) -> None:
    """Browse the events in a web app at http://HOST:PORT/.

    Several FILEs merge into one dataset. Edits to them show on the next page load or
    interaction; while a file is invalid the page keeps the last good data and lists the errors.
    GET /healthz answers 200 while data is served, 503 when none could be loaded. SIGTERM stops it.

    --allow-edits adds an "Add event" form writing to the first FILE with the checks of
    `timeline add`; on an address other machines can reach it also needs --allow-edits-from-network.
    """
    from . import form, server
    from .app import create_app  # Dash loads only when serving
    from .live import SETTLE_S, LiveData

    refusal = form.serve_refusal(host, allow_edits, allow_edits_from_network)
    if allow_edits and not files and store.default_paths()[0] == store.bundled_path():
        refusal = "--allow-edits needs FILE, the events file to add to (the copy shipped with timeline is not edited)"
    if refusal:
        raise UsageProblem(refusal)
    try:  # say so in one line, before Dash starts, if the address is taken or wrong
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = str(exc.strerror or exc).split(" (while attempting")[0]  # socket adds where; we say it
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None
    paths = store.default_paths(files)
    data = LiveData(paths, settle_s=SETTLE_S)  # one copy of the data: the app draws it, the server watches it
    app = create_app(data, allow_edits=allow_edits, edits_from_network=allow_edits_from_network)
    for problem in data.current().errors:  # the page shows them too
        click.echo(str(problem), err=True)
    click.echo(f"Serving {', '.join(map(str, paths))} on http://{host}:{port}/ (Ctrl+C to stop)")
    if allow_edits:
        click.echo(f"The 'Add event' form writes to {paths[0]}")
    server.serve(app, data, host, port, workers)


@main.command("export")
@FILES
@click.option("-o", "--output", "outputs", multiple=True, required=True, metavar="OUT",
              type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (repeatable); its suffix picks the format.")
@click.option("--format", "fmt", metavar="FORMAT", help="png, svg, pdf, html or csv, for every OUT whatever its suffix.")
@click.option("--view", default="timeline", show_default=True,
              help="Chart to draw: timeline, activity, race or claims.")
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
@click.option("--align", default="date", show_default=True,
              help="Race view time axis: date, or start (years since each country's first satellite).")
@click.option("--chart", default="date", show_default=True,
              help="Race view chart: date (milestones by date), or count (milestones reached by each date).")
@click.option("--article", "articles", multiple=True, metavar="KEY", help="Claims view: only this article's claims.")
@click.option("--verdict", "verdicts", multiple=True, metavar="VERDICT",
              help="Claims view: only supported, partly, contradicted or unverifiable claims (repeatable).")
@click.option("--event", default="", metavar="ID",
              help="Timeline: keep this event a marker where its lane is too busy (as the app does for the open event).")
def export_command(files, outputs, fmt, view, all_views, width, height, scale, theme, countries, types,
                   statuses, start, end, search, firsts, align, chart, articles, verdicts, event) -> None:  # fmt: skip
    """Write charts (PNG, SVG, PDF, HTML) or tables (CSV: the filtered events; the race's scoreboard
    with --view race; the fact-check table with --view claims) to files.

    \b
    timeline export -o space-race.png --country SU --country US --from 1957 --to 1975
    timeline export -o race.svg -o race.pdf -o race.html -o race.csv --country SU,US
    timeline export -o chart.png --all-views --firsts
    timeline export -o race.png -o race.csv --view race --chart count --country SU,US,CN
    """
    from . import export, frame  # plotting and pandas load only when exporting

    try:
        wanted = export.targets(outputs, fmt=fmt, view=view, all_views=all_views)
        loaded = load_or_fail(files, rows=frame.row)  # the events as the table's rows, not as models
        filters = export.filters_from_options(
            loaded.dataset, countries=countries, types=types, statuses=statuses, start=start, end=end,
            search=search, firsts=firsts, align=align, chart=chart, articles=articles, verdicts=verdicts,
        )  # fmt: skip
        written = export.export(loaded, filters, wanted, width=width, height=height, scale=scale, theme=theme,
                                selected=event)  # fmt: skip
    except UsageProblem as exc:
        raise click.BadParameter(str(exc), param_hint=f"'{exc.option}'") from None
    except export.ExportFailed as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")


@main.command("claims")
@FILES
@click.option("--article", "articles", multiple=True, metavar="KEY", help="Only this article's claims (repeatable).")
@click.option("--verdict", "verdicts", multiple=True, metavar="VERDICT",
              help="Only supported, partly, contradicted or unverifiable claims (repeatable).")
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "md", "csv"]),
              help="A table for the terminal, Markdown, or CSV.")
def claims_command(files, articles, verdicts, fmt) -> None:
    """Print what the articles claim, judged against the record: a fact-check table.

    \b
    timeline claims
    timeline claims --article mao-space-race --format md > fact-check.md
    timeline claims --verdict contradicted --format csv
    """
    from . import claims, export, frame  # pandas loads only for this command

    loaded = load_or_fail(files)
    try:
        filters = export.filters_from_options(loaded.dataset, articles=articles, verdicts=verdicts)
    except export.UsageProblem as exc:
        raise click.BadParameter(str(exc), param_hint=f"'{exc.option}'") from None
    click.echo(claims.render(frame.to_frame(loaded.dataset), filters, loaded.dataset, fmt), nl=False)


def _pairs(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    """``CODE=Name`` options as a mapping (quotes around the name are optional)."""
    pairs = [v.partition("=") for v in values]
    bad = [v for v, (k, eq, name) in zip(values, pairs) if not (k.strip() and eq and name.strip())]
    if bad:
        raise click.BadParameter(f"expected KEY=\"Label\", got {bad[0]!r}")
    return {k.strip(): re.sub(r'^"(.*)"$', r"\1", name.strip()) for k, _, name in pairs}


# Fields `timeline add` asks for when missing, and the options that give them.
ADD_REQUIRED = {"title": "--title", "date": "--date", "countries": "--country", "type": "--type", "url": "--source"}


@main.command()
@click.option("-f", "--file", "path", default="events.yaml", show_default=True,
              type=click.Path(path_type=Path), help="The events file to add to.")
@click.option("--title", help="Short title, e.g. \"Chang'e-7 launch\".")
@click.option("--date", help="UTC date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--country", "countries", multiple=True, metavar="CODE", help="Country code (repeat for a joint event).")
@click.option("--type", "type_", metavar="TYPE", help="A key of the types registry.")
@click.option("--source", "urls", multiple=True, metavar="URL", help="Source URL (repeatable).")
@click.option("--source-title", "source_titles", multiple=True, metavar="TEXT",
              help="Title of each --source, in order.  [default: the event title and the site]")
@click.option("--id", "id_", help="Unique slug.  [default: a slug of the title]")
@click.option("--end", help="End of a span (a station in orbit).")
@click.option("--status", type=click.Choice(STATUSES), help="[default: achieved]")
@click.option("--first", is_flag=True, help="A world first.")
@click.option("--milestone", multiple=True, metavar="KEY", help="Milestone reached (repeatable).")
@click.option("--description", help="What happened, factual and neutral.  [default: the title]")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable).")
@click.option("--mentioned-in", "mentioned_in", multiple=True, metavar="ARTICLE", help="Article key (repeatable).")
@click.option("--new-country", "new_countries", multiple=True, metavar='CODE="Name"', callback=_pairs,
              help="Add this code to the countries registry in the same write.")
@click.option("--new-type", "new_types", multiple=True, metavar='KEY="Label"', callback=_pairs,
              help="Add this key to the types registry in the same write.")
def add(path: Path, urls, source_titles, new_countries, new_types, **options) -> None:
    """Add one event to an events file; only the new lines change.

    With a required field missing and a terminal, asks for it (with the registry's choices);
    without a terminal, exits 2 naming what is missing.

    \b
    timeline add --title "Chang'e-7 launch" --date 2026-08 --country CN --type lunar-mission \\
        --status planned --source https://en.wikipedia.org/wiki/Chang%27e_7
    """
    from . import edit

    fields = {"id": options.pop("id_"), "type": options.pop("type_"), **options}
    fields["url"] = urls[0] if urls else None
    if len(source_titles) > len(urls):
        raise click.UsageError("more --source-title than --source options")
    missing = [name for name in ADD_REQUIRED if not fields.get(name)]
    if missing and not sys.stdin.isatty():
        names = ", ".join(ADD_REQUIRED[name] for name in missing)
        raise click.UsageError(f"missing {names} (no terminal to ask for them)")
    if missing:
        _ask(path, fields, missing, new_countries, new_types)
    urls = urls or (fields["url"],)
    del fields["url"]
    titles = source_titles + (None,) * (len(urls) - len(source_titles))
    fields["sources"] = [{"url": u, "title": t or edit.source_title(u, fields["title"])} for u, t in zip(urls, titles)]
    fields["description"] = fields["description"] or fields["title"]
    try:
        if missing:
            click.echo(f"\nTo be added to {path}:\n\n" + edit.preview(path, fields, new_countries=new_countries,
                                                                      new_types=new_types))  # fmt: skip
            click.confirm(f"Write it to {path}?", default=True, abort=True)
        added = edit.add_event(path, fields, new_countries=new_countries, new_types=new_types)
    except edit.DataError as exc:
        raise _refused(exc, hint=_new_code_hint) from None
    except edit.WriteError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in added.warnings:
        click.echo(str(warning))
    click.echo(f"{path}:{added.line}: added {added.event.id} ({added.event.title}, {added.event.date.label()})")


def _ask(path: Path, fields: dict, missing: list[str], new_countries: dict, new_types: dict) -> None:
    """Prompt for the missing fields, checking each answer as it is typed."""
    from . import edit

    dataset = load_or_fail((path,)).dataset

    def ask(name: str, text: str, default=None, parse=str):
        def check(raw: str):
            try:
                return edit.check_field(name, parse(raw), dataset, new_countries=new_countries, new_types=new_types)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None

        return click.prompt(text, default=default, value_proc=check)

    codes = ", ".join([*dataset.countries, *new_countries])
    prompts = {
        "title": lambda: ask("title", "Title"),
        "date": lambda: ask("date", "Date (UTC: YYYY, YYYY-MM or YYYY-MM-DD)"),
        "countries": lambda: ask("countries", f"Countries ({codes})", parse=lambda s: s.replace(",", " ").upper().split()),
        "type": lambda: ask("type", f"Type ({', '.join([*dataset.types, *new_types])})"),
        "url": lambda: ask("url", "Source URL"),
    }
    for name in missing:
        fields[name] = prompts[name]()
        if name == "title" and not fields["id"] and edit.slugify(fields["title"]) in {e.id for e in dataset.events}:
            taken = {e.id for e in dataset.events}
            fields["id"] = ask("id", "Id (a slug; the title's is taken)", default=edit.free_id(edit.slugify(fields["title"]), taken))
    if not fields["description"]:
        fields["description"] = ask("description", "Description (what happened, factual)", default=fields["title"])


def _new_code_hint(line: str) -> str:
    unknown = re.search(r"unknown (country|type) '([^']+)'", line)
    return f'; to add it: --new-{unknown[1]} {unknown[2]}="..."' if unknown else ""


def _refused(exc, hint=lambda line: "") -> click.ClickException:
    """Print a refused write's problems, one per line; the error says nothing was written."""
    for line in exc.lines():
        click.echo(line + hint(line))
    count = len(exc.problems)
    return click.ClickException(f"nothing written: {count} problem{'s' * (count != 1)}")


def _example_mapping(ctx, param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from . import importer

        click.echo(importer.example_mapping(), nl=False)
        ctx.exit(0)


def _limit(ctx, param, value: str):
    from . import importer

    try:
        return importer.Limit.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, metavar="OUT", type=click.Path(path_type=Path),
              help="Events file to write; created if missing, else updated by id.")
@click.option("-m", "--mapping", required=True, metavar="MAP", type=click.Path(path_type=Path),
              help="YAML file mapping the CSV's columns to event fields (see --example-mapping).")
@click.option("--max-refused", default="1%", show_default=True, metavar="N|P%", callback=_limit,
              help="Refused rows tolerated (a number, or a share of the rows); more and nothing is written.")
@click.option("--prune", is_flag=True,
              help="Remove events an earlier import of this CSV wrote that it no longer gives.")
@click.option("--example-mapping", is_flag=True, expose_value=False, is_eager=True, callback=_example_mapping,
              help="Print the commented example mapping (for the public launch list) and exit.")
def import_command(csv_path: Path, output: Path, mapping: Path, max_refused, prune: bool) -> None:
    """Import a CSV file's rows as events, by a mapping file.

    Every row becomes an event or is reported as CSV:LINE:COL: why; repeats of one problem are
    told once, with their rows. More refused rows than --max-refused allows (default: 1% of the
    rows, so any row below 100 rows) and nothing is written (exit 1). Importing again updates
    events by id; nothing else in OUT changes.

    \b
    timeline import --example-mapping > space_missions.mapping.yaml
    timeline import space_missions.csv -o launches.yaml --mapping space_missions.mapping.yaml
    """
    from . import edit, importer

    try:
        done = importer.import_csv(csv_path, output, mapping, max_refused=max_refused, prune=prune)
    except importer.TooManyRefused as exc:
        for line in importer.summarise(exc.problems):
            click.echo(line)
        raise click.ClickException(exc.reason()) from None
    except edit.DataError as exc:
        raise _refused(exc) from None
    except edit.WriteError as exc:
        raise click.ClickException(str(exc)) from None
    for line in importer.summarise(done.reports):
        click.echo(line)
    click.echo(f"{output}: {done.rows - len(done.reports):,} of {done.rows:,} rows imported from {csv_path} "
               f"({done.created:,} new, {done.updated:,} updated, {done.unchanged:,} unchanged)")  # fmt: skip
    if done.reports:
        count = len(done.reports)
        click.echo(f"{count:,} row{'s' * (count != 1)} not imported (listed above; --max-refused "
                   f"{max_refused.text} allows {max_refused.allowed(done.rows):,})")  # fmt: skip
    if done.leftovers:
        n = len(done.leftovers)
        what = f"{n:,} event{'s' * (n != 1)} from an earlier import {'are' if n != 1 else 'is'} not in this CSV any more"
        if done.pruned:
            click.echo(f"{output}: {what}: removed (--prune)")
        elif prune:
            click.echo(f"{output}: {what}: kept, as rows were refused (one may be among them)")
        else:
            click.echo(f"{output}: {what}: kept; --prune removes them")


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
