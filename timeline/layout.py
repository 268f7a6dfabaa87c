"""The page: the static layout of the browse app, built once per page load from the data.

Controls start empty; the URL sets them once the page has loaded (``urlstate``). What the URL shows
(the chart, the table, the details, the counts) is drawn into this layout by ``callbacks`` from
``panes`` and ``figures``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from dash import dcc, html

from . import form, panes
from .ids import *  # noqa: F403 (the page is made of these ids)
from .live import Snapshot
from .models import STATUSES, Dataset
from .urlstate import app_views, view_label

POLL_MS = 1000  # hot reload: a data change shows within about a second


def assets_path() -> Path:
    """CSS and JS: inside the package when installed, else the checkout's ``assets/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "assets"
    return packaged if packaged.is_dir() else here.parent / "assets"



def layout(snapshot: Snapshot, poll_ms: int = POLL_MS, edits_to: Path | None = None) -> html.Div:
    """The page. Controls start empty; the URL sets them once the page has loaded.

    ``edits_to``: the file the "Add event" form writes to; ``None``, no form.
    """
    dataset = snapshot.dataset
    return html.Div(className="app", children=[
        dcc.Location(id=URL, refresh=False),
        dcc.Store(id=LOOK),
        dcc.Store(id=SORT, data={"key": "date", "descending": False, "page": 0}),
        dcc.Store(id=CHART_DRAWN),
        dcc.Store(id=TABLE_DRAWN),
        dcc.Store(id=RACE_DRAWN),
        dcc.Store(id=RACE_SORT, data={"key": "country", "descending": False}),
        dcc.Store(id=RACE_SCORES_DRAWN),
        dcc.Store(id=DATA_VERSION, data=snapshot.version),
        dcc.Interval(id=POLL, interval=poll_ms),
        dcc.Download(id=CSV_FILE),
        html.Div(id=CLIENT_SINK, hidden=True),
        html.A("Skip to the results", href="#results", className="skip-link"),
        html.Header(className="topbar", children=[
            html.H1("Space programme timeline"),
            html.Nav(id=TABS, className="tabs", **{"aria-label": "Views"}, children=[
                dcc.Link(view_label(v), id={"type": TAB, "view": v}, href="?view=" + v, className="view-tab")
                for v in app_views()
            ]),
            html.Div(className="topbar-actions", children=[
                *(form.open_button() if edits_to else []),
                html.Button("Filters", id=PANEL_TOGGLE, className="button panel-toggle",
                            **{"aria-controls": PANEL, "aria-expanded": "false"}),
                html.Button("Dark theme", id=THEME_TOGGLE, className="button"),
            ]),  # fmt: skip
        ]),
        *([form.panel(dataset, edits_to)] if edits_to else []),
        html.Div(id=BANNER, className="banner", role="alert", children=banner(snapshot)),
        html.Div(className="body", children=[
            filter_panel(dataset),
            html.Main(id=RESULTS, className="results", tabIndex="-1", children=[
                html.Div(id=NOTES, className="notes", role="status"),
                toolbar(snapshot.df),
                dcc.Graph(id=CHART, className="chart chart-only", config=graph_config("timeline"), figure=EMPTY_FIGURE),
                html.Div(id=RACE_AREA, className="race-area", hidden=True, children=[
                    html.Div(className="race-main", children=[
                        dcc.Graph(id=RACE, className="chart", config=graph_config("race"), figure=EMPTY_FIGURE),
                        html.Div(id=RACE_SCORES, className="race-scores"),
                    ]),
                    html.Div(id=RACE_MATRIX, className="race-matrix"),
                ]),
                html.Div(id=TABLE, className="table-area"),
            ]),
            html.Aside(id=DETAILS, className="details", hidden=True, tabIndex="-1", **{"aria-label": "Event details"},
                       children=[html.Button("Close", id=DETAILS_CLOSE, className="button details-close",
                                             title="Close (Esc)"), html.Div(id=DETAILS_BODY)]),
        ]),
    ])  # fmt: skip


def filter_panel(dataset: Dataset | None) -> html.Aside:
    def field(label: str, control, for_id: str, hint: str = "") -> html.Div:
        return html.Div(className="field", children=[
            html.Label(label, htmlFor=for_id), control, html.Small(hint, className="hint") if hint else None,
        ])  # fmt: skip

    date_pattern = r"\d{4}(-\d{2}(-\d{2})?)?"
    return html.Aside(id=PANEL, className="panel", **{"aria-label": "Filters"}, children=[
        html.Div(className="panel-head", children=[
            html.P(id=COUNT, className="count", **{"aria-live": "polite"}),
            html.Button("Reset", id=RESET, className="button", title="Clear every filter"),
        ]),
        html.P(id=RACE_NOTE, className="panel-note", role="note"),
        field("Countries", dcc.Dropdown(id=COUNTRY, options=country_options(dataset), multi=True,
                                        placeholder="All countries"), COUNTRY),
        field("Types", dcc.Dropdown(id=TYPE, options=panes.type_options(dataset), multi=True,
                                    placeholder="All types"), TYPE),
        html.Fieldset(className="field", children=[
            html.Legend("Status"),
            dcc.Checklist(id=STATUS, options=[{"label": s.title(), "value": s} for s in STATUSES],
                          value=[], className="choices", inline=True),
        ]),
        html.Fieldset(className="field years", children=[
            html.Legend("Years"),
            html.Div(className="year-inputs", children=[
                html.Label("From", htmlFor=FROM, className="sr-only"),
                dcc.Input(id=FROM, type="text", placeholder="from", debounce=True, pattern=date_pattern,
                          inputMode="numeric", maxLength=10, className="year"),
                html.Span("–", **{"aria-hidden": "true"}),
                html.Label("To", htmlFor=TO, className="sr-only"),
                dcc.Input(id=TO, type="text", placeholder="to", debounce=True, pattern=date_pattern,
                          inputMode="numeric", maxLength=10, className="year"),
            ]),
            html.Small("YYYY, YYYY-MM or YYYY-MM-DD", className="hint"),
        ]),
        field("Search", dcc.Input(id=SEARCH, type="search", placeholder="title, description, tags",
                                  debounce=0.4, className="search"), SEARCH),
        dcc.Checklist(id=FIRSTS, options=[{"label": "World firsts only", "value": "1"}], value=[],
                      className="choices"),
    ])  # fmt: skip


def toolbar(df: pd.DataFrame | None) -> html.Div:
    """Above the results: lanes and decade zoom (chart views only), and the download menu."""
    return html.Div(className="toolbar", children=[
        html.Fieldset(className="lanes chart-only", children=[
            html.Legend("Lanes", className="toolbar-label"),
            dcc.RadioItems(id=LANES, options=[{"label": "Country", "value": "country"},
                                              {"label": "Type", "value": "type"}],
                           value="country", inline=True, className="segmented"),
        ]),
        html.Fieldset(className="align", children=[
            html.Legend("Time", className="toolbar-label"),
            dcc.RadioItems(id=ALIGN, options=[{"label": "Calendar", "value": "date"},
                                              {"label": "Years since first satellite", "value": "start"}],
                           value="date", inline=True, className="segmented"),
        ]),
        html.Fieldset(className="align", children=[
            html.Legend("Chart", className="toolbar-label"),
            dcc.RadioItems(id=RACE_CHART, options=[{"label": "Milestones by date", "value": "date"},
                                                   {"label": "Count reached", "value": "count"}],
                           value="date", inline=True, className="segmented"),
        ]),
        html.Div(id=DECADES, className="decades chart-only", role="group", **{"aria-label": "Zoom to a decade"},
                 children=decade_buttons(df)),
        download_menu(),
    ])  # fmt: skip


EMPTY_FIGURE: dict[str, Any] = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def download_menu() -> html.Div:
    def item(label: str, id_: str, chart_only: bool = False) -> html.Li:
        return html.Li(html.Button(label, id=id_, className="menu-item"), className="chart-only" if chart_only else "")

    return html.Div(className="menu-wrap", children=[
        html.P(id=MENU_STATUS, className="menu-status", role="status"),
        html.Details(id=MENU, className="menu", children=[
            html.Summary("Download", className="button"),
            html.Ul(className="menu-list", children=[
                item("PNG image (what is on screen)", PNG, True),
                item("SVG image (what is on screen)", SVG, True),
                html.Li(html.Button([html.Span("CSV of the filtered events", className="not-race"),
                                     html.Span("CSV of the scoreboard", className="race-only")],
                                    id=CSV, className="menu-item")),
                item("Copy link to this view", COPY_LINK),
            ]),
        ]),
    ])  # fmt: skip


def graph_config(stem: str, narrow: bool = False) -> dict:
    """Plotly's config: the camera button saves ``stem``.png at twice the screen's resolution.

    On a phone the mode bar would cover the title; the Download menu and the decade buttons do its job.
    """
    return {
        "displaylogo": False, "scrollZoom": True, "responsive": True, "displayModeBar": not narrow,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"filename": stem, "scale": 2, "format": "png"},
    }  # fmt: skip


def graph_style(figure) -> dict:
    """The chart's height as the graph's own: a responsive graph otherwise drops the figure's
    height when its column narrows (the details panel opening beside it) and collapses. The
    height is the content's (the graph's card has padding), so the plot is exactly the figure."""
    return {"height": f"{figure.layout.height}px", "boxSizing": "content-box"}


def country_options(dataset: Dataset | None) -> list[dict]:
    return [{"label": c.name, "value": code} for code, c in (dataset.countries if dataset else {}).items()]


def decade_buttons(df: pd.DataFrame | None) -> list:
    """A zoom button per decade the data covers, and one back to everything."""
    years = df["start"].dt.year if df is not None and len(df) else None
    starts = range(years.min() // 10 * 10, years.max() // 10 * 10 + 10, 10) if years is not None else ()
    return [
        *(html.Button(f"{d}s", id={"type": DECADE, "start": d}, className="chip") for d in starts),
        html.Button("All", id={"type": DECADE, "start": 0}, className="chip", title="Show every year"),
    ]


def banner(snapshot: Snapshot) -> list:
    if not snapshot.errors:
        return []
    head = ("The data file has errors; showing the last good data until they are fixed:"
            if snapshot.ok else "The data could not be loaded. Fix these errors and the page updates:")  # fmt: skip
    return [html.P(head), html.Ul([html.Li(html.Code(str(p))) for p in snapshot.errors])]
