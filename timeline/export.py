"""Charts and tables to files: PNG, SVG and PDF (kaleido and a headless Chromium), one
self-contained HTML page, and CSV.

People put these files in articles, slides and papers, so an export is what the app shows
(``figures.figure``, the one code path) plus a caption that says what was filtered, which version of
the data it is and where the sources are. Every file is built in memory first and then written to a
temporary file in the target folder and renamed into place: a failed export never leaves a
half-written file or clobbers an old one, and a missing browser fails before anything is written.

Starting Chromium costs seconds, a warm render a fraction of one, so all of a command's images go
through one ``Browser``.
"""

from __future__ import annotations

import asyncio
import html
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from . import figures, frame, store, tables
from .dates import PartialDate
from .frame import Filters
from .models import STATUSES, Dataset, unknown_message

IMAGE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*IMAGE_FORMATS, "html", "csv")
VIEWS = tuple(figures.BUILDERS)
THEMES = tuple(figures.THEMES)
ALIGNS = ("date", "start")  # the race's time axis: calendar dates, or years since each first satellite

DEFAULT_WIDTH = 1200  # layout pixels: the app's 13 px text is then a slide's footnote size
DEFAULT_SCALE = 2  # 1200 x 675 layout pixels -> a 2400 x 1350 PNG, crisp on a projector or in print
ASPECT = 9 / 16  # a slide; a figure that needs more height (many lanes) gets it
PAD = 20  # px of white space around a printed chart
CAPTION_SIZE = 12
HTML_DIV_ID = "timeline-export"  # fixed, so the same export gives the same bytes


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


class UsageProblem(ValueError):
    """An option the user can correct (exit 2); ``option`` names it, e.g. ``--country``."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


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
        raise UsageProblem(option, f"{value!r} is not one of {', '.join(options)}")
    return value


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format of an output: ``fmt`` if given, else the file's suffix."""
    if fmt:
        return choose("--format", fmt.lower(), FORMATS)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    said = f"suffix '.{suffix}'" if suffix else "no suffix"
    raise UsageProblem("-o", f"{path} has {said}: name it .{', .'.join(FORMATS)} or pass --format")


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
            raise UsageProblem("-o", f"{target.path} is named twice")
        seen.add(where)
        folder = target.path.parent
        if not folder.is_dir():
            raise UsageProblem("-o", f"cannot write {target.path}: folder {folder} does not exist")
        if target.path.is_dir():
            raise UsageProblem("-o", f"cannot write {target.path}: it is a folder")
    return found


def filters_from_options(dataset: Dataset, *, countries: Iterable[str] = (), types: Iterable[str] = (),
                         statuses: Iterable[str] = (), start: str | None = None, end: str | None = None,
                         search: str = "", firsts: bool = False, align: str = "date") -> Filters:  # fmt: skip
    """The CLI's filter options as ``Filters``, read by the same ``Filters.from_query`` as the URL.

    Where the URL drops an unknown value with a note (a shared link should still open), the CLI
    refuses it as a usage error naming the option and, for codes, the nearest known code.
    ``--country SU --country US`` and ``--country SU,US`` mean the same.
    """
    query = {"q": search, "firsts": "1" if firsts else "", "align": choose("--align", align, ALIGNS)}
    for option, key, values, known in (
        ("--country", "country", countries, dataset.countries),
        ("--type", "type", types, dataset.types),
        ("--status", "status", statuses, STATUSES),
    ):
        listed = [v.strip() for value in values for v in value.split(",") if v.strip()]
        for value in listed:
            if value not in known:
                raise UsageProblem(option, unknown_message(key, value, known))
        query[key] = ",".join(listed)
    for option, key, value in (("--from", "from", start), ("--to", "to", end)):
        query[key] = (value or "").strip()
        try:
            if query[key]:
                PartialDate.parse(query[key])  # from_query parses it again; this names the option
        except ValueError as exc:
            raise UsageProblem(option, str(exc)) from None
    filters, notes = Filters.from_query(query, dataset)
    if notes:  # all that is left to note: 'to' before 'from'
        raise UsageProblem("--to", notes[0])
    return filters


# --- the chart as exported ----------------------------------------------------------------------


def caption(filters: Filters, loaded: store.Loaded) -> str:
    """What an export shows and where it comes from: filters, data version, source files."""
    names = ", ".join(dict.fromkeys(p.name for p in loaded.paths))
    return f"Filters: {filters.describe()}  |  Data version {loaded.version}  |  Sources: see {names}"


def captioned(fig: go.Figure, text: str, theme: str = "light") -> go.Figure:
    """A copy of ``fig`` with ``text`` as a subtitle under its title and print margins.

    The caption sits at the top because only the title can be placed in figure pixels: an
    annotation below the chart would be placed relative to a plot area whose size the legend
    changes at render time.
    """
    out = go.Figure(fig.to_dict(), _validate=False)
    layout = out.layout
    title_size = layout.title.font.size or layout.font.size or 13
    top = PAD + round(1.5 * title_size) + round(1.6 * CAPTION_SIZE) + PAD // 2
    grown = max(0, top - (layout.margin.t or 0))
    out.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": PAD, "l": PAD},
               "subtitle": {"text": html.escape(text, quote=False),
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
                  theme: str = "light") -> dict[str, go.Figure]:  # fmt: skip
    """Each view's chart, as the app draws it (``df`` is ``frame.to_frame``), with the caption."""
    text = caption(filters, loaded)
    charts = {}
    for view in dict.fromkeys(views):
        chart = figures.figure(view, df, filters.replace(view=view), loaded.dataset, theme=theme)
        charts[view] = captioned(chart, text, theme)
    return charts


def html_page(fig: go.Figure, title: str, theme: str = "light", width: int | None = None,
              height: int | None = None) -> str:  # fmt: skip
    """One file that works offline: plotly.js embedded, interactive, no CDN named anywhere.

    As tall as an image export (``image_size``); as wide as the window unless ``width`` is given.
    """
    sized = go.Figure(fig.to_dict(), _validate=False)
    sized.update_layout(width=width, height=image_size(fig, width, height)[1])
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



def vector(fig: go.Figure) -> go.Figure:
    """``fig`` with its WebGL traces drawn as SVG ones, for images.

    On screen WebGL keeps 10,000+ points fluid; in an image it is a bitmap inside the SVG or PDF,
    and a headless browser draws it in software: at 10,000 events a PNG took 16 s with WebGL and
    4.5 s with SVG traces, and SVG and PDF stay true vectors.
    """
    if not any(trace.type == "scattergl" for trace in fig.data):
        return fig
    data = [{**trace.to_plotly_json(), "type": "scatter"} if trace.type == "scattergl" else trace
            for trace in fig.data]  # fmt: skip
    return go.Figure({"data": data, "layout": fig.layout}, _validate=False)


class Browser:
    """One headless Chromium (through kaleido) for all of a command's images.

    Used as a context manager; ``render`` returns the bytes of one image. The event loop is ours
    and runs in this thread, so a browser that cannot start raises here, not in a worker thread.
    """

    def __init__(self) -> None:
        self._runner: asyncio.Runner | None = None
        self._kaleido = None

    def __enter__(self) -> Browser:
        import kaleido  # imported here: HTML and CSV exports never pay for it
        from choreographer.errors import BrowserDepsError, BrowserFailedError, ChromeNotFoundError

        self._runner = asyncio.Runner()
        try:
            self._kaleido = kaleido.Kaleido(mathjax=False)  # no MathJax: nothing fetched from a CDN
            self._runner.run(self._kaleido.open())
        except ChromeNotFoundError:
            self._runner.close()
            where = os.environ.get("BROWSER_PATH")
            raise NoBrowser(NO_BROWSER.format(where=f" at BROWSER_PATH={where}" if where else "")) from None
        except (BrowserFailedError, BrowserDepsError) as exc:
            self._runner.close()
            reason = " ".join(str(exc.args[0] if exc.args else exc).split())
            raise NoBrowser(BROWSER_FAILED.format(reason=reason)) from None
        return self

    def render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> bytes:
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return self._runner.run(self._kaleido.calc_fig(vector(fig), opts=opts))


    def __exit__(self, *exc_info) -> None:
        try:
            self._runner.run(self._kaleido.close())
        finally:
            self._runner.close()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def export(loaded: store.Loaded, filters: Filters, wanted: Sequence[Target], *, width: int | None = None,
           height: int | None = None, scale: float = DEFAULT_SCALE,
           theme: str = "light") -> list[Path]:  # fmt: skip
    """Write every target. Everything is rendered before the first file is written."""
    choose("--theme", theme, THEMES)
    df = frame.to_frame(loaded.dataset)
    charts = build_figures(loaded, df, filters, (t.view for t in wanted if t.format != "csv"), theme)
    contents: dict[Path, bytes] = {}
    for t in wanted:
        if t.format == "csv":
            contents[t.path] = tables.to_csv(df, filters).encode()  # the app's CSV download
        elif t.format == "html":
            title = f"{t.view.capitalize()}: {filters.describe()}"
            contents[t.path] = html_page(charts[t.view], title, theme, width, height).encode()
    images = [t for t in wanted if t.format in IMAGE_FORMATS]
    if images:
        with Browser() as browser:
            for t in images:
                size = image_size(charts[t.view], width, height)
                pixels_per_point = scale if t.format == "png" else 1  # SVG and PDF are vectors
                contents[t.path] = browser.render(charts[t.view], t.format, *size, pixels_per_point)
    for t in wanted:
        try:
            write_atomic(t.path, contents[t.path])
        except OSError as exc:
            raise ExportFailed(f"cannot write {t.path}: {exc.strerror or exc}") from None
    return [t.path for t in wanted]
