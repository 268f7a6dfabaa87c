"""Charts and tables to files: PNG, SVG and PDF (kaleido and a headless Chromium), one
self-contained HTML page, and CSV.

People put these files in articles, slides and papers, so an export is what the app shows
(``figures.figure``, the one code path) plus a caption that says what was filtered, which version of
the data it is and where the sources are. Every file is built in memory first and then written to a
temporary file in the target folder and renamed into place: a failed export never leaves a
half-written file or clobbers an old one, and a missing browser fails before anything is written.

Starting Chromium costs seconds, a warm render a fraction of one, so all of a command's images go
through one ``Browser``; big ones are drawn side by side, one browser tab per core.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from . import figures, files, frame, store
from .dates import PartialDate
from .frame import Filters
from .models import STATUSES, VERDICTS, Dataset, unknown_message
from .problems import UsageProblem

IMAGE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*IMAGE_FORMATS, "html", "csv")
VIEWS = tuple(figures.BUILDERS)
THEMES = tuple(figures.THEMES)
ALIGNS = ("date", "start")  # the race's time axis: calendar dates, or years since each first satellite
CHARTS = frame.CHARTS  # the race's chart: milestones by date, or how many reached by each date
# where the count chart's caption sends a reader for what each milestone means
MILESTONE_DEFINITIONS = "README.md, section 'The race view' (the milestone table)"

DEFAULT_WIDTH = 1200  # layout pixels: the app's 13 px text is then a slide's footnote size
DEFAULT_SCALE = 2  # 1200 x 675 layout pixels -> a 2400 x 1350 PNG, crisp on a projector or in print
ASPECT = 9 / 16  # a slide; a figure that needs more height (many lanes) gets it
PAD = 20  # px of white space around a printed chart
CAPTION_SIZE = 12
HTML_DIV_ID = "timeline-export"  # fixed, so the same export gives the same bytes

log = logging.getLogger(__name__)
_CHOREOGRAPHER_LOG = logging.getLogger("choreographer")  # kaleido's browser driver


# plotly.js carries plotly's CDN address as the default map-outline URL (used by geo charts only,
# which timeline never draws); an offline file must not name a CDN at all.
_PLOTLY_TOPOJSON_DEFAULT = '"https://cdn.plot.ly/un/"'
_OFFLINE_TOPOJSON = '"topojson/"'

NO_BROWSER = (
    "PNG, SVG and PDF export needs Chrome or Chromium and none was found{where}: install one "
    "(Debian/Ubuntu: apt-get install chromium; anywhere: plotly_get_chrome) or set BROWSER_PATH "
    "to its executable; HTML and CSV export need no browser"
)
BROWSER_FAILED = (
    "Chrome/Chromium did not start ({reason}): point BROWSER_PATH at a working one, or install one "
    "(Debian/Ubuntu: apt-get install chromium; anywhere: plotly_get_chrome)"
)


class ExportFailed(RuntimeError):
    """The export could not be done (exit 1). The message is one line."""


class NoBrowser(ExportFailed):
    """No usable Chrome/Chromium for PNG, SVG or PDF."""


@dataclass(frozen=True)
class Target:
    """One file to write: where, in which format, of which view."""

    path: Path
    format: str
    view: str


# --- what to write ----------------------------------------------------------------------------


def choose(option: str, value: str, options: Sequence[str]) -> str:
    """``value`` if it is one of ``options``, else a usage error that lists them."""
    if value not in options:
        raise UsageProblem(f"{value!r} is not one of {', '.join(options)}", option)
    return value


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format of an output: ``fmt`` if given, else the file's suffix."""
    if fmt:
        return choose("--format", fmt.lower(), FORMATS)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    said = f"suffix '.{suffix}'" if suffix else "no suffix"
    raise UsageProblem(f"{path} has {said}: name it .{', .'.join(FORMATS)} or pass --format", "-o")


def targets(outputs: Sequence[Path], *, fmt: str | None = None, view: str = "timeline",
            all_views: bool = False) -> list[Target]:  # fmt: skip
    """The files to write. ``all_views`` turns ``out.png`` into ``out_timeline.png``, ... (a CSV
    is the same table for every view, so it is written once, under its own name)."""
    choose("--view", view, VIEWS)
    found: list[Target] = []
    for path in outputs:
        kind = format_of(path, fmt)
        if all_views and kind != "csv":
            found += [Target(path.with_name(f"{path.stem}_{v}{path.suffix}"), kind, v) for v in VIEWS]
        else:
            found.append(Target(path, kind, view))
    seen: set[Path] = set()
    for target in found:
        where = target.path.resolve()
        if where in seen:
            raise UsageProblem(f"{target.path} is named twice", "-o")
        seen.add(where)
        folder = target.path.parent
        if not folder.is_dir():
            raise UsageProblem(f"cannot write {target.path}: folder {folder} does not exist", "-o")
        if target.path.is_dir():
            raise UsageProblem(f"cannot write {target.path}: it is a folder", "-o")
    return found


def filters_from_options(dataset: Dataset, *, countries: Iterable[str] = (), types: Iterable[str] = (),
                         statuses: Iterable[str] = (), start: str | None = None, end: str | None = None,
                         search: str = "", firsts: bool = False, align: str = "date",
                         chart: str = "date", articles: Iterable[str] = (),
                         verdicts: Iterable[str] = ()) -> Filters:  # fmt: skip
    """The CLI's filter options as ``Filters``, read by the same ``Filters.from_query`` as the URL.

    Where the URL drops an unknown value with a note (a shared link should still open), the CLI
    refuses it as a usage error naming the option and, for codes, the nearest known code.
    ``--country SU --country US`` and ``--country SU,US`` mean the same.
    """
    query = {"q": search, "firsts": "1" if firsts else "", "align": choose("--align", align, ALIGNS),
             "chart": choose("--chart", chart, CHARTS)}  # fmt: skip
    for option, key, values, known in (
        ("--country", "country", countries, dataset.countries),
        ("--type", "type", types, dataset.types),
        ("--status", "status", statuses, STATUSES),
        ("--article", "article", articles, dataset.articles),
        ("--verdict", "verdict", verdicts, VERDICTS),
    ):
        listed = [v.strip() for value in values for v in value.split(",") if v.strip()]
        for value in listed:
            if value not in known:
                raise UsageProblem(unknown_message(key, value, known), option)
        query[key] = ",".join(listed)
    for option, key, value in (("--from", "from", start), ("--to", "to", end)):
        query[key] = (value or "").strip()
        try:
            if query[key]:
                PartialDate.parse(query[key])  # from_query parses it again; this names the option
        except ValueError as exc:
            raise UsageProblem(str(exc), option) from None
    filters, notes = Filters.from_query(query, dataset)
    if notes:  # all that is left to note: 'to' before 'from'
        raise UsageProblem(notes[0], "--to")
    return filters


# --- the chart as exported ----------------------------------------------------------------------


def caption(filters: Filters, loaded: store.Loaded) -> str:
    """What an export shows and where it comes from: filters, data version, source files."""
    names = ", ".join(dict.fromkeys(p.name for p in loaded.paths))
    return f"Filters: {filters.describe(loaded.dataset)}  |  Data version {loaded.version}  |  Sources: see {names}"


def count_note(dataset: Dataset) -> str:
    """What the race's count chart counts, and where each milestone is defined."""
    return (f"Counts the {len(dataset.milestones)} race milestones, each reached by a country's earliest achieved or "
            f"partial event for it; definitions: {MILESTONE_DEFINITIONS}")  # fmt: skip


def captioned(fig: go.Figure, text: str, theme: str = "light") -> go.Figure:
    """A copy of ``fig`` with ``text`` (its lines split at newlines) as a subtitle under its title and
    print margins.

    The caption sits at the top because only the title can be placed in figure pixels: an
    annotation below the chart would be placed relative to a plot area whose size the legend
    changes at render time.
    """
    out = go.Figure(fig.to_dict(), _validate=False)
    layout = out.layout
    title_size = layout.title.font.size or layout.font.size or 13
    lines = text.split("\n")  # one caption line each
    top = PAD + round(1.5 * title_size) + round(1.6 * CAPTION_SIZE) * len(lines) + PAD // 2
    grown = max(0, top - (layout.margin.t or 0))
    out.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": PAD, "l": PAD},
               "subtitle": {"text": "<br>".join(html.escape(line, quote=False) for line in lines),
                            "font": {"size": CAPTION_SIZE, "color": figures.THEMES[theme].muted}}},
        margin={"t": max(top, layout.margin.t or 0), "l": max(PAD, layout.margin.l or 0),
                "r": max(PAD, layout.margin.r or 0), "b": max(PAD, layout.margin.b or 0)},
    )  # fmt: skip
    if layout.height:
        layout.height += grown
    return out


def image_size(fig: go.Figure, width: int | None = None, height: int | None = None) -> tuple[int, int]:
    """Width and height in layout pixels: given, else a slide (or taller, if the chart needs it)."""
    width = width or DEFAULT_WIDTH
    return width, height or max(round(width * ASPECT), fig.layout.height or 0)


def build_figures(loaded: store.Loaded, df: pd.DataFrame, filters: Filters, views: Iterable[str],
                  theme: str = "light", selected: str = "", width: int | None = None) -> dict[str, go.Figure]:  # fmt: skip
    """Each view's chart, as the app draws it for a chart ``width`` pixels wide (``df`` is
    ``frame.to_frame``), with the caption; ``selected`` is the event the app's details would show
    (kept as a marker in a busy lane)."""
    text = caption(filters, loaded)
    charts = {}
    for view in dict.fromkeys(views):
        chart = figures.figure(view, df, filters.replace(view=view), loaded.dataset, theme=theme, width=width,
                               selected=selected)  # fmt: skip
        said = f"{text}\n{count_note(loaded.dataset)}" if view == "race" and filters.chart == "count" else text
        charts[view] = captioned(chart, said, theme)
    return charts


def html_page(fig: go.Figure, title: str, theme: str = "light", width: int | None = None,
              height: int | None = None) -> str:  # fmt: skip
    """One file that works offline: plotly.js embedded, interactive, no CDN named anywhere.

    As tall as an image export (``image_size``); as wide as the window unless ``width`` is given.
    """
    sized = go.Figure(fig.to_dict(), _validate=False)
    sized.update_layout(width=width, height=image_size(fig, width, height)[1])
    if width is None:  # the legend's rows follow the window's width: plotly finds the room below
        sized.update_layout(margin_b=PAD)
    chart = sized.to_html(
        full_html=False, include_plotlyjs=True, div_id=HTML_DIV_ID,
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendChartToCloud"]},
    )  # fmt: skip
    chart = chart.replace(_PLOTLY_TOPOJSON_DEFAULT, _OFFLINE_TOPOJSON, 1)
    background = figures.THEMES[theme].background
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<style>body {{ margin: 0; padding: 8px; background: {background}; }}</style>\n"
        f"</head>\n<body>\n{chart}\n</body>\n</html>\n"
    )


# --- rendering and writing ----------------------------------------------------------------------

RENDER_SECONDS = 90  # a browser that draws nothing for this long (plus the per-point allowance) is stuck
RENDER_SECONDS_PER_POINT = 0.002  # a 100,000-event chart draws in tens of seconds, slower side by side
# Opening a second tab takes about 2 s on 2 cores (kaleido opens tabs one after another); drawing
# takes about 0.4 s plus 0.2 ms per point. Below this many points in all of a command's images,
# drawing them one after another is as quick.
SIDE_BY_SIDE_POINTS = 20_000
MARGIN_PROBE_POINTS = 5_000  # from here on, measuring the margins first costs less than drawing twice
HOVER_ONLY = ("customdata", "hovertext", "hovertemplate")  # what only the app's hover and clicks use
_PLOT_AREA = re.compile(  # the subplot's clip rectangle in plotly's SVG: the plot area in layout pixels
    r'<clipPath class="axesclip" id="clip[^"]*xy"><rect x="([\d.]+)" y="([\d.]+)" '
    r'width="([\d.]+)" height="([\d.]+)"/>'
)


@dataclass(frozen=True)
class Render:
    """One image to draw: ``fig`` (an ``image_figure``) at ``width`` x ``height`` layout pixels,
    ``scale`` pixels each (PNG); ``name`` says which in an error (the file it is for). Renders of
    one chart share one ``fig``."""

    fig: dict
    format: str
    width: int
    height: int
    scale: float = 1
    name: str = "the image"


def image_figure(fig: go.Figure) -> dict:
    """``fig`` as the browser should draw it for an image: what it shows, drawn the fast way.

    - WebGL traces become SVG ones. On screen WebGL keeps big charts fluid; in an image it is a
      bitmap inside the SVG or PDF, and a headless browser draws it in software: at 10,000 events a
      PNG took 16 s with WebGL and 4.5 s with SVG traces, and SVG and PDF stay true vectors.
    - Hover texts and ids go: an image has no hover or clicks, and plotly.js spends time on them
      (a tenth of a 10,000-point draw); the SVG loses only a class name per point.
    """
    out = fig.to_dict()
    for trace in out["data"]:
        if trace.get("type") == "scattergl":
            trace["type"] = "scatter"
        for key in HOVER_ONLY:
            trace.pop(key, None)
    return out


def points(fig: dict) -> int:
    """How many marks the figure draws, about: what its drawing time grows with."""
    return sum(len(trace.get("x") or ()) for trace in fig["data"])


def margin_probe(fig: dict) -> dict | None:
    """``fig`` without its unlabelled traces, to measure the margins on, or None if those traces
    could change the margins.

    plotly.js sizes the margins after drawing: the axes' labels, known only once drawn, push them,
    and then it draws everything again. Given the final margins up front it draws once, half the
    time of a big chart. The margins depend on the axes' labels, the legend and the title; with
    every axis of fixed type and range, the axes' labels do not depend on the data, so the traces
    that the legend does not list can go. Whatever the probe misses can only make its margins
    smaller than the real ones, and then plotly.js grows them as before: the image is the same.
    """
    layout = fig["layout"]
    axes = [key for key in layout if re.fullmatch(r"[xy]axis\d*", key)]
    if sorted(axes) != ["xaxis", "yaxis"]:
        return None
    for axis in (layout["xaxis"], layout["yaxis"]):
        bounds = axis.get("range") or [None]
        if None in bounds or axis.get("autorange") or axis.get("type") not in ("linear", "log", "date"):
            return None
    if any(trace.get("xaxis", "x") != "x" or trace.get("yaxis", "y") != "y" for trace in fig["data"]):
        return None
    return {"data": [t for t in fig["data"] if t.get("showlegend", True)], "layout": layout}


def plot_margins(svg: bytes, width: int, height: int) -> dict[str, int] | None:
    """The margins around the plot area of plotly's SVG of a one-subplot chart."""
    found = _PLOT_AREA.search(svg.decode())
    if not found:
        return None
    left, top, inner_width, inner_height = (round(float(v)) for v in found.groups())
    return {"l": left, "t": top, "r": width - left - inner_width, "b": height - top - inner_height}


def render_timeout(render: Render) -> float:
    """Seconds the browser may take to draw ``render`` before it counts as stuck."""
    return RENDER_SECONDS + RENDER_SECONDS_PER_POINT * points(render.fig)


def tabs_for(renders: Sequence[Render]) -> int:
    """Browser tabs to draw ``renders`` side by side: one per image, at most one per core (a tab
    draws on one core), and just one unless the images are big enough to pay for the others."""
    if sum(points(r.fig) for r in renders) < SIDE_BY_SIDE_POINTS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(len(renders), cores))


class Browser:
    """One headless Chromium (through kaleido) for all of a command's images.

    Used as a context manager; ``render`` returns the bytes of each image. Starting the browser
    costs seconds and a big chart's drawing keeps one core busy, so images are drawn side by side
    in ``tabs`` tabs (kaleido gives each drawing a free tab; each tab has its own renderer process).
    The event loop is ours and runs in this thread, so a browser that cannot start raises here,
    not in a worker thread.

    The browser opens with one tab and the first image starts on it while the others load:
    kaleido opens a browser's tabs one after another, about 2 s each on 2 cores. It has no public
    way to add a tab to an open browser, so this uses the one its ``open`` uses; should that go,
    the images are drawn in one tab, more slowly but the same.
    """

    def __init__(self, tabs: int = 1) -> None:
        self._tabs = tabs
        self._free_tabs = asyncio.Semaphore(1)  # one per loaded tab: a time limit starts with a tab
        self._runner: asyncio.Runner | None = None
        self._kaleido = None
        self._adding: list[asyncio.Future] = []

    def __enter__(self) -> Browser:
        import kaleido  # imported here: HTML and CSV exports never pay for it
        from choreographer.errors import BrowserDepsError, BrowserFailedError, ChromeNotFoundError

        # choreographer logs to stderr when Chromium dies ("Browser is being closed by watchdog")
        # and, now and then, from its reader thread after closing ("JSONError decoding message.
        # Ignoring"): what matters reaches us as an exception, said in the export's one line.
        # Left so after closing: that thread may outlive the browser.
        _CHOREOGRAPHER_LOG.setLevel(logging.CRITICAL)
        self._runner = asyncio.Runner()
        # A drawing given up on (a failure elsewhere, a time limit) still ends inside kaleido, in
        # errors nobody waits for; the export has failed in one line already, so they stay quiet.
        self._runner.get_loop().set_exception_handler(_quiet)
        try:  # no MathJax: nothing fetched from a CDN; the time limit is ours (``_draw``)
            self._kaleido = kaleido.Kaleido(n=1, timeout=None, mathjax=False)
            self._runner.run(self._open())
        except ChromeNotFoundError:
            self._runner.close()
            where = os.environ.get("BROWSER_PATH")
            raise NoBrowser(NO_BROWSER.format(where=f" at BROWSER_PATH={where}" if where else "")) from None
        except (BrowserFailedError, BrowserDepsError) as exc:
            self._runner.close()
            reason = " ".join(str(exc.args[0] if exc.args else exc).split())
            raise NoBrowser(BROWSER_FAILED.format(reason=reason)) from None
        return self

    async def _open(self) -> None:
        await self._kaleido.open()
        # they load while the first tab draws (``render``); asyncio keeps only weak references
        self._adding = [asyncio.ensure_future(self._add_tab()) for _ in range(self._tabs - 1)]

    async def _add_tab(self) -> None:
        await self._kaleido._create_kaleido_tab()  # kaleido internal: see the class docstring
        self._free_tabs.release()

    def render(self, renders: Sequence[Render]) -> list[bytes]:
        """The bytes of every image, in order. The first failure stops the rest (ExportFailed)."""
        try:
            return self._runner.run(self._render_all(renders))
        except BaseExceptionGroup as group:
            raise group.exceptions[0] from None

    async def _render_all(self, renders: Sequence[Render]) -> list[bytes]:
        async with asyncio.TaskGroup() as group:  # a failure cancels the others
            sized = {}  # one figure per chart and size, shared by its formats
            for r in renders:
                if (id(r.fig), r.width, r.height) not in sized:
                    sized[id(r.fig), r.width, r.height] = group.create_task(self._with_margins(r))
        figs = [sized[id(r.fig), r.width, r.height].result() for r in renders]
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._draw(replace(r, fig=fig))) for r, fig in zip(renders, figs)]
        return [task.result() for task in tasks]

    async def _with_margins(self, render: Render) -> dict:
        """``render.fig`` with its final margins at this size, if a probe can tell them."""
        fig = render.fig
        probe = margin_probe(fig) if points(fig) >= MARGIN_PROBE_POINTS else None
        if probe is None:
            return fig
        svg = await self._draw(replace(render, fig=probe, format="svg", scale=1))
        margins = plot_margins(svg, render.width, render.height)
        if not margins:
            return fig
        layout = fig["layout"]
        return {**fig, "layout": {**layout, "margin": {**layout.get("margin", {}), **margins}}}

    async def _draw(self, render: Render) -> bytes:
        from choreographer.errors import BrowserClosedError, ChannelClosedError, DevtoolsProtocolError
        from kaleido.errors import JavascriptError, KaleidoError

        opts = {"format": render.format, "width": render.width, "height": render.height,
                "scale": render.scale}  # fmt: skip
        async with self._free_tabs:
            # Not kaleido's own time limit: it cancels the drawing, and a drawing cancelled while
            # its figure is being sent ends in choreographer's "channel closed", not a timeout.
            drawing = asyncio.ensure_future(self._kaleido.calc_fig(render.fig, opts=opts))
            limit = render_timeout(render)
            if not (await asyncio.wait({drawing}, timeout=limit))[0]:
                raise ExportFailed(f"cannot draw {render.name}: the browser took more than {limit:.3g} s")
        try:
            return drawing.result()
        except (BrowserClosedError, ChannelClosedError):
            raise ExportFailed(f"cannot draw {render.name}: Chrome/Chromium stopped drawing it") from None
        except (KaleidoError, JavascriptError, DevtoolsProtocolError) as exc:
            reason = " ".join(str(exc).split())
            raise ExportFailed(f"cannot draw {render.name}: the browser said: {reason}") from None

    def __exit__(self, *exc_info) -> None:
        try:
            self._runner.run(self._kaleido.close())
        finally:
            self._runner.close()


def _quiet(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    log.debug("after the export stopped: %s", context.get("exception") or context.get("message"))


def export(loaded: store.Loaded, filters: Filters, wanted: Sequence[Target], *, width: int | None = None,
           height: int | None = None, scale: float = DEFAULT_SCALE, theme: str = "light",
           selected: str = "") -> list[Path]:  # fmt: skip
    """Write every target. Everything is rendered before the first file is written.

    ``loaded`` is best read with ``store.load(paths, rows=frame.row)``: the events then come as the
    table's rows, never all as models at once; a whole dataset works too.
    """
    choose("--theme", theme, THEMES)
    df = frame.to_frame(loaded.dataset) if loaded.rows is None else frame.table(loaded.rows, loaded.dataset)
    selected = selected.strip()
    if selected and not (df["id"] == selected).any():
        raise UsageProblem(f"no event {selected!r} in the data", "--event")
    charts = build_figures(loaded, df, filters, (t.view for t in wanted if t.format != "csv"), theme, selected,
                           width or DEFAULT_WIDTH)  # busy lanes and the legend as the image's width allows  # fmt: skip
    contents: dict[Path, bytes] = {}
    for t in wanted:
        if t.format == "csv":  # the app's CSV download of that view
            contents[t.path] = figures.view_csv(t.view, df, filters, loaded.dataset)[0].encode()
        elif t.format == "html":
            title = f"{t.view.capitalize()}: {filters.describe(loaded.dataset)}"
            contents[t.path] = html_page(charts[t.view], title, theme, width, height).encode()
    images = [t for t in wanted if t.format in IMAGE_FORMATS]
    drawn = {view: image_figure(charts[view]) for view in dict.fromkeys(t.view for t in images)}
    renders = [Render(drawn[t.view], t.format, *image_size(charts[t.view], width, height),
                      scale if t.format == "png" else 1, name=str(t.path))  # SVG and PDF are vectors
               for t in images]  # fmt: skip
    if renders:
        with Browser(tabs_for(renders)) as browser:
            contents.update(zip((t.path for t in images), browser.render(renders)))
    for t in wanted:
        try:
            files.write_atomic(t.path, contents[t.path])
        except OSError as exc:
            raise ExportFailed(f"cannot write {t.path}: {exc.strerror or exc}") from None
    return [t.path for t in wanted]
