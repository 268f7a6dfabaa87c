"""The page: the layout of the browse app, built once per page load from the data.

Controls start empty; the URL sets them once the page has loaded (``urlstate``). What the URL shows
(the chart, the table, the details, the counts) is drawn into this layout by ``callbacks`` from
``panes`` and ``figures``; the main chart comes with the page itself when the page's request says
its URL and look (``Page``), so the first chart costs no callback round trip.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from dash import dcc, html

from . import form, ids, panes
from .drawing import EMPTY_FIGURE, chart, graph_config, in_main_chart, main_key, results_class
from .live import Snapshot
from .models import STATUSES, Dataset
from .urlstate import app_views, read_url, view_label

log = logging.getLogger("timeline.server")

POLL_MS = 1000  # hot reload: a data change shows within about a second


def assets_path() -> Path:
    """CSS and JS: inside the package when installed, else the checkout's ``assets/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "assets"
    return packaged if packaged.is_dir() else here.parent / "assets"



@dataclass(frozen=True)
class Page:
    """What the browser said about the page being loaded: its URL's query (None: not known) and
    its look (``drawing.parse_look``), which ``assets/timeline.js`` keeps in cookies."""

    search: str | None = None
    look: dict | None = None


LOOK_COOKIE = "timeline-look"  # the browser's theme and chart width: light.1060
PAGE_COOKIE = "timeline-page"  # the page's URL query, as the page's script saw it


def layout(snapshot: Snapshot, poll_ms: int = POLL_MS, edits_to: Path | None = None, page: Page = Page()) -> html.Div:
    """The page. Controls start empty; the URL sets them once the page has loaded.

    ``edits_to``: the file the "Add event" form writes to; ``None``, no form. ``page``: when its
    look is known, the main chart is drawn for its URL here and its callback finds nothing to do.
    """
    dataset = snapshot.dataset
    first = first_chart(snapshot, page)
    return html.Div(className="app", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.LOOK),
        dcc.Store(id=ids.SORT, data={"key": "date", "descending": False, "page": 0}),
        dcc.Store(id=ids.CHART_DRAWN, data=first.drawn),
        dcc.Store(id=ids.CHART_ZOOM),
        html.Div(id=ids.ZOOM_WATCH, hidden=True),
        dcc.Store(id=ids.TABLE_DRAWN),
        dcc.Store(id=ids.RACE_DRAWN),
        dcc.Store(id=ids.RACE_SORT, data={"key": "country", "descending": False}),
        dcc.Store(id=ids.RACE_SCORES_DRAWN),
        dcc.Store(id=ids.CLAIMS_DRAWN),
        dcc.Store(id=ids.DATA_VERSION, data=snapshot.version),
        dcc.Interval(id=ids.POLL, interval=poll_ms),
        dcc.Download(id=ids.CSV_FILE),
        html.Div(id=ids.CLIENT_SINK, hidden=True),
        html.A("Skip to the results", href="#results", className="skip-link"),
        html.Header(className="topbar", children=[
            html.H1("Space programme timeline"),
            html.Nav(id=ids.TABS, className="tabs", **{"aria-label": "Views"}, children=[
                dcc.Link(view_label(v), id={"type": ids.TAB, "view": v}, href="?view=" + v, className="view-tab")
                for v in app_views()
            ]),
            html.Div(className="topbar-actions", children=[
                *(form.open_button() if edits_to else []),
                html.Button("Filters", id=ids.PANEL_TOGGLE, className="button panel-toggle",
                            **{"aria-controls": ids.PANEL, "aria-expanded": "false"}),
                html.Button("Dark theme", id=ids.THEME_TOGGLE, className="button"),
            ]),  # fmt: skip
        ]),
        *([form.panel(dataset, edits_to)] if edits_to else []),
        html.Div(id=ids.BANNER, className="banner", role="alert", children=banner(snapshot)),
        html.Div(className="body", children=[
            filter_panel(dataset),
            html.Main(id=ids.RESULTS, className=first.results_class, tabIndex="-1", children=[
                html.Div(id=ids.NOTES, className="notes", role="status"),
                toolbar(snapshot.df),
                dcc.Graph(id=ids.CHART, className="chart chart-only", config=first.config, figure=first.figure,
                          **({"style": first.style} if first.style else {})),
                html.Div(id=ids.RACE_AREA, className="race-area", hidden=True, children=[
                    html.Div(className="race-main", children=[
                        dcc.Graph(id=ids.RACE, className="chart", config=graph_config("race"), figure=EMPTY_FIGURE),
                        html.Div(id=ids.RACE_SCORES, className="race-scores"),
                    ]),
                    html.Div(id=ids.RACE_MATRIX, className="race-matrix"),
                ]),
                html.Div(id=ids.CLAIMS_AREA, className="claims-area", hidden=True, children=[
                    dcc.Graph(id=ids.CLAIMS, className="chart", config=graph_config("claims"), figure=EMPTY_FIGURE),
                    html.Div(id=ids.CLAIMS_LIST, className="claims-list"),
                ]),
                html.Div(id=ids.TABLE, className="table-area"),
            ]),
            html.Aside(id=ids.DETAILS, className="details", hidden=True, tabIndex="-1", **{"aria-label": "Event details"},
                       children=[html.Button("Close", id=ids.DETAILS_CLOSE, className="button details-close",
                                             title="Close (Esc)"), html.Div(id=ids.DETAILS_BODY)]),
        ]),
    ])  # fmt: skip


@dataclass(frozen=True)
class FirstChart:
    """The main chart as the page brings it, and what its callback compares to skip drawing it again."""

    figure: Any = None
    config: dict | None = None
    style: dict | None = None
    results_class: str = "results"
    drawn: list | None = None


def first_chart(snapshot: Snapshot, page: Page) -> FirstChart:
    """The main chart for the page's URL, drawn as its callback would for the page's look; the empty
    chart when the URL or the look is not known, or the drawing fails (the callback then draws it,
    or says what failed, once the browser has told it)."""
    filters, event, _ = read_url(page.search, snapshot)
    empty = FirstChart(EMPTY_FIGURE, graph_config("timeline"), None, results_class(filters.view))
    if page.search is None or page.look is None or not in_main_chart(filters.view) or not snapshot.ok:
        return empty
    try:
        key, selected = main_key(snapshot, filters, event, page.look)
        return FirstChart(*chart(filters.view, snapshot, filters, page.look, selected), empty.results_class, key)
    except Exception:  # the page must come whatever a chart does; its callback reports the error
        log.exception("the first chart of %r could not be drawn", page.search)
        return empty


def filter_panel(dataset: Dataset | None) -> html.Aside:
    def field(label: str, control, for_id: str, hint: str = "") -> html.Div:
        return html.Div(className="field", children=[
            html.Label(label, htmlFor=for_id), control, html.Small(hint, className="hint") if hint else None,
        ])  # fmt: skip

    date_pattern = r"\d{4}(-\d{2}(-\d{2})?)?"
    return html.Aside(id=ids.PANEL, className="panel", **{"aria-label": "Filters"}, children=[
        html.Div(className="panel-head", children=[
            html.P(id=ids.COUNT, className="count", **{"aria-live": "polite"}),
            html.Button("Reset", id=ids.RESET, className="button", title="Clear every filter"),
        ]),
        html.P(id=ids.RACE_NOTE, className="panel-note", role="note"),
        field("Countries", dcc.Dropdown(id=ids.COUNTRY, options=country_options(dataset), multi=True,
                                        placeholder="All countries"), ids.COUNTRY),
        field("Types", dcc.Dropdown(id=ids.TYPE, options=panes.type_options(dataset), multi=True,
                                    placeholder="All types"), ids.TYPE),
        html.Fieldset(className="field", children=[
            html.Legend("Status"),
            dcc.Checklist(id=ids.STATUS, options=[{"label": s.title(), "value": s} for s in STATUSES],
                          value=[], className="choices", inline=True),
        ]),
        html.Fieldset(className="field years", children=[
            html.Legend("Years"),
            html.Div(className="year-inputs", children=[
                html.Label("From", htmlFor=ids.FROM, className="sr-only"),
                dcc.Input(id=ids.FROM, type="text", placeholder="from", debounce=True, pattern=date_pattern,
                          inputMode="numeric", maxLength=10, className="year"),
                html.Span("–", **{"aria-hidden": "true"}),
                html.Label("To", htmlFor=ids.TO, className="sr-only"),
                dcc.Input(id=ids.TO, type="text", placeholder="to", debounce=True, pattern=date_pattern,
                          inputMode="numeric", maxLength=10, className="year"),
            ]),
            html.Small("YYYY, YYYY-MM or YYYY-MM-DD", className="hint"),
        ]),
        field("Search", dcc.Input(id=ids.SEARCH, type="search", placeholder="title, description, tags",
                                  debounce=0.4, className="search"), ids.SEARCH),
        dcc.Checklist(id=ids.FIRSTS, options=[{"label": "World firsts only", "value": "1"}], value=[],
                      className="choices"),
    ])  # fmt: skip


def toolbar(df: pd.DataFrame | None) -> html.Div:
    """Above the results: lanes and decade zoom (chart views only), and the download menu."""
    return html.Div(className="toolbar", children=[
        html.Fieldset(className="lanes chart-only", children=[
            html.Legend("Lanes", className="toolbar-label"),
            dcc.RadioItems(id=ids.LANES, options=[{"label": "Country", "value": "country"},
                                              {"label": "Type", "value": "type"}],
                           value="country", inline=True, className="segmented"),
        ]),
        html.Fieldset(className="align", children=[
            html.Legend("Time", className="toolbar-label"),
            dcc.RadioItems(id=ids.ALIGN, options=[{"label": "Calendar", "value": "date"},
                                              {"label": "Years since first satellite", "value": "start"}],
                           value="date", inline=True, className="segmented"),
        ]),
        html.Fieldset(className="align", children=[
            html.Legend("Chart", className="toolbar-label"),
            dcc.RadioItems(id=ids.RACE_CHART, options=[{"label": "Milestones by date", "value": "date"},
                                                   {"label": "Count reached", "value": "count"}],
                           value="date", inline=True, className="segmented"),
        ]),
        html.Div(id=ids.DECADES, className="decades chart-only", role="group", **{"aria-label": "Zoom to a decade"},
                 children=decade_buttons(df)),
        download_menu(),
    ])  # fmt: skip


def download_menu() -> html.Div:
    def item(label: str, id_: str, chart_only: bool = False) -> html.Li:
        return html.Li(html.Button(label, id=id_, className="menu-item"), className="chart-only" if chart_only else "")

    return html.Div(className="menu-wrap", children=[
        html.P(id=ids.MENU_STATUS, className="menu-status", role="status"),
        html.Details(id=ids.MENU, className="menu", children=[
            html.Summary("Download", className="button"),
            html.Ul(className="menu-list", children=[
                item("PNG image (what is on screen)", ids.PNG, True),
                item("SVG image (what is on screen)", ids.SVG, True),
                html.Li(html.Button([html.Span("CSV of the filtered events", className="not-race not-claims"),
                                     html.Span("CSV of the scoreboard", className="race-only"),
                                     html.Span("CSV of the fact-check", className="claims-only")],
                                    id=ids.CSV, className="menu-item")),
                item("Copy link to this view", ids.COPY_LINK),
            ]),
        ]),
    ])  # fmt: skip


def country_options(dataset: Dataset | None) -> list[dict]:
    return [{"label": c.name, "value": code} for code, c in (dataset.countries if dataset else {}).items()]


QUICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)  # years per quick-range button
QUICK_MAX = 10  # buttons at most, besides "All"


def quick_ranges(first: int, last: int) -> tuple[int, list[int]]:
    """Years per button and each button's first year: the smallest step of ``QUICK_STEPS`` that
    covers ``first``..``last`` in at most ``QUICK_MAX`` buttons (decades for 70 years, single years
    for a decade), aligned on multiples of the step."""
    for step in QUICK_STEPS:
        starts = list(range(first // step * step, last // step * step + 1, step))
        if len(starts) <= QUICK_MAX:
            return step, starts
    step = QUICK_STEPS[-1]
    return step, list(range(first // step * step, last // step * step + 1, step))


def quick_label(start: int, step: int) -> str:
    if step == 1:
        return str(start)
    if step == 10:
        return f"{start}s"
    return f"{start}–{start + step - 1}"


def decade_buttons(df: pd.DataFrame | None) -> list:
    """Quick-range zoom buttons that fit the data's span (``quick_ranges``), and one back to everything."""
    buttons = []
    if df is not None and len(df):
        step, starts = quick_ranges(int(df["start"].dt.year.min()), int(df["stop"].dt.year.max()))
        buttons = [html.Button(quick_label(d, step), id={"type": ids.DECADE, "start": d, "years": step}, className="chip",
                               title=f"Zoom to {quick_label(d, step)}") for d in starts]  # fmt: skip
    return [*buttons, html.Button("All", id={"type": ids.DECADE, "start": 0, "years": 0}, className="chip",
                                  title="Show every year")]  # fmt: skip


def banner(snapshot: Snapshot) -> list:
    if not snapshot.errors:
        return []
    head = ("The data file has errors; showing the last good data until they are fixed:"
            if snapshot.ok else "The data could not be loaded. Fix these errors and the page updates:")  # fmt: skip
    return [html.P(head), html.Ul([html.Li(html.Code(str(p))) for p in snapshot.errors])]
