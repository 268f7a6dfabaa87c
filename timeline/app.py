"""The browse app: ``create_app(paths) -> Dash``, importable by any WSGI host (``app.server``).

The URL query is the whole state of a view (``frame.Filters`` plus ``event=``, the open details),
so a link reproduces what is on screen and every callback is stateless apart from the data cache:
controls write the URL, and the chart, table, counts and details are drawn from the URL. Charts come
from ``figures.figure``, the table and CSV from ``tables``, so downloads match the screen. The data
is read again when its files change (``live.LiveData``); a bad edit keeps the last good data on
screen under a banner listing the errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from . import figures, form, frame, race, server, tables
from .frame import VIEWS, Filters
from .live import SETTLE_S, LiveData, Snapshot
from .models import STATUSES, Dataset

# --- component ids ----------------------------------------------------------------------------
URL = "url"
CHART = "timeline"  # the contract: the main chart is a dcc.Graph with this id
RESULTS = "results"
TABLE = "table"
TABS = "views"
COUNTRY = "filter-country"
TYPE = "filter-type"
STATUS = "filter-status"
FROM = "filter-from"
TO = "filter-to"
SEARCH = "filter-q"
FIRSTS = "filter-firsts"
LANES = "lanes"
RESET = "reset"
COUNT = "count"
NOTES = "notes"
BANNER = "banner"
PANEL = "filters"
PANEL_TOGGLE = "filters-toggle"
DETAILS = "details"
DETAILS_CLOSE = "details-close"
DETAILS_BODY = "details-body"
DECADES = "decades"
SORT = "table-sort"
CHART_DRAWN = "chart-drawn"  # what the chart and the table last showed, so that opening details
TABLE_DRAWN = "table-drawn"  # redraws neither (the zoom and the keyboard focus stay)
LOOK = "look"  # {"theme": "light" | "dark", "width": chart width in px}, from the browser
THEME_TOGGLE = "theme-toggle"
DATA_VERSION = "data-version"
POLL = "poll"
MENU = "download-menu"
PNG = "download-png"
SVG = "download-svg"
CSV = "download-csv"
CSV_FILE = "download-csv-file"
COPY_LINK = "copy-link"
MENU_STATUS = "download-status"
CLIENT_SINK = "client-sink"  # output of client-side callbacks that only act on the page
RACE = "race"  # the race view's chart: every point's customdata is its event id
RACE_AREA = "race-area"  # the race chart and, beside it, its matrix
RACE_MATRIX = "race-matrix"
RACE_NOTE = "race-note"  # in the filter panel: which filters the race uses
RACE_DRAWN = "race-drawn"
ALIGN = "align"

TAB = "view-tab"  # pattern-matching id types
DECADE = "decade"
OPEN_EVENT = "open-event"
SORT_BY = "sort-by"
PAGE_TO = "page-to"
RACE_CELL = "race-cell"

LABELS = {"timeline": "Timeline", "activity": "Activity", "table": "Table", "race": "Race"}
PAGE_SIZE = 100
POLL_MS = 1000  # hot reload: a data change shows within about a second


def app_views() -> tuple[str, ...]:
    """The views this build can show: every chart ``figures`` draws, plus the table."""
    return tuple(v for v in VIEWS if v in figures.BUILDERS or v == "table")


def assets_path() -> Path:
    """CSS and JS: inside the package when installed, else the checkout's ``assets/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "assets"
    return packaged if packaged.is_dir() else here.parent / "assets"


def create_app(
    paths: Sequence[str | os.PathLike], *, poll_ms: int = POLL_MS, allow_edits: bool = False,
    edits_from_network: bool = False,
) -> Dash:
    """The Dash app serving the events of ``paths`` (merged, reloaded when they change).

    ``allow_edits`` adds the "Add event" form (``form``), writing to the first path; without it
    the app has no form and no callback that writes.
    """
    data = LiveData(paths, settle_s=SETTLE_S)  # a file being saved is read once whole
    app = Dash(
        __name__, title="Space programme timeline", assets_folder=str(assets_path()),
        serve_locally=True, update_title=None, compress=True,  # gzip: charts shrink ~8x on the wire
    )  # fmt: skip
    app.server.extensions["timeline"] = data  # the CLI and WSGI hosts can warm or inspect it
    data.current()  # read the files now, not on the first page load
    edits_to = data.paths[0] if allow_edits else None
    app.layout = lambda: layout(data.current(), poll_ms, edits_to)
    register_callbacks(app, data)
    if edits_to is not None:
        form.register(app, data, edits_to, from_network=edits_from_network)
    server.harden(app, data)  # security headers, body limit, /healthz, request logs
    return app


# --- URL state ----------------------------------------------------------------------------------


def read_url(search: str | None, snapshot: Snapshot | None) -> tuple[Filters, str, list[str]]:
    """Filters, open event id and notes about what was ignored, from a URL query string."""
    query = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    filters, notes = Filters.from_query(query, snapshot.dataset if snapshot else None)
    if filters.view not in app_views():
        notes.append(f"ignored view {filters.view!r} (one of {', '.join(app_views())})")
        filters = filters.replace(view="timeline")
    event = query.get("event", "").strip()
    if event and snapshot is not None and snapshot.ok and not snapshot.has(event):
        notes.append(f"ignored unknown event {event!r}")
        event = ""
    return filters, event, notes


def write_url(filters: Filters, event: str = "") -> str:
    query = filters.to_query()
    if event:
        query["event"] = event
    return "?" + urlencode(query, safe=",") if query else ""


def control_values(filters: Filters) -> tuple:
    """The filter controls' values that show ``filters`` (the order of ``CONTROLS``)."""
    return (
        list(filters.countries), list(filters.types), list(filters.statuses),
        str(filters.start or ""), str(filters.end or ""), filters.q, ["1"] if filters.firsts else [],
        filters.lanes, filters.align,
    )  # fmt: skip


CONTROLS = (COUNTRY, TYPE, STATUS, FROM, TO, SEARCH, FIRSTS, LANES, ALIGN)
CONTROL_PROPS = ("value",) * len(CONTROLS)


def controls_query(countries, types, statuses, start, end, q, firsts, lanes, align) -> dict[str, str]:
    """The URL query the controls describe (``Filters.from_query`` validates it)."""
    return {
        "country": ",".join(countries or ()), "type": ",".join(types or ()),
        "status": ",".join(statuses or ()), "from": start or "", "to": end or "", "q": q or "",
        "firsts": "1" if firsts else "", "lanes": lanes or "country", "align": align or "date",
    }  # fmt: skip


# --- layout -----------------------------------------------------------------------------------


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
        dcc.Store(id=DATA_VERSION, data=snapshot.version),
        dcc.Interval(id=POLL, interval=poll_ms),
        dcc.Download(id=CSV_FILE),
        html.Div(id=CLIENT_SINK, hidden=True),
        html.A("Skip to the results", href="#results", className="skip-link"),
        html.Header(className="topbar", children=[
            html.H1("Space programme timeline"),
            html.Nav(id=TABS, className="tabs", **{"aria-label": "Views"}, children=[
                dcc.Link(LABELS.get(v, v.title()), id={"type": TAB, "view": v}, href="?view=" + v, className="view-tab")
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
                    dcc.Graph(id=RACE, className="chart", config=graph_config("race"), figure=EMPTY_FIGURE),
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
        field("Types", dcc.Dropdown(id=TYPE, options=type_options(dataset), multi=True,
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
                item("CSV of the filtered events", CSV),
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


def type_options(dataset: Dataset | None) -> list[dict]:
    return [{"label": t.label, "value": key} for key, t in (dataset.types if dataset else {}).items()]


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


# --- what the URL shows -----------------------------------------------------------------------


def count_text(snapshot: Snapshot, filters: Filters) -> str:
    if not snapshot.ok:
        return "No data loaded"
    shown, total = len(frame.apply(snapshot.df, filters)), len(snapshot.df)
    return f"{shown:,} of {total:,} event{'s' * (total != 1)}"


def details(snapshot: Snapshot, event_id: str) -> list:
    """The details panel of one event: plain text, links that open in a new tab."""
    dataset, event = snapshot.dataset, snapshot.event(event_id)
    when = f"{event['date_label']} – {event['end_label']}" if event["end"] else event["date_label"]
    facts = [
        ("Date", when),
        ("Countries", ", ".join(dataset.countries[c].name for c in event["countries"])),
        ("Type", event["type_label"]),
        ("Status", event["status"].title() + (" · world first" if event["first"] else "")),
    ]
    articles = [dataset.articles[key] for key in event["mentioned_in"]]
    sources = zip(event["source_titles"], event["sources"])
    return [
        html.H2(event["title"], id="details-title", tabIndex="-1"),
        html.Dl([part for term, value in facts for part in (html.Dt(term), html.Dd(value))]),
        html.P(event["description"], className="description"),
        html.H3("Sources"),
        html.Ul([html.Li(external_link(title, url)) for title, url in sources]),
        html.H3("Mentioned in"),
        html.Ul([html.Li(article_line(a)) for a in articles]) if articles else html.P("No articles.", className="hint"),
    ]  # fmt: skip


def external_link(text: str, url: str) -> html.A:
    return html.A(text, href=url, target="_blank", rel="noopener noreferrer")


def article_line(article) -> list:
    byline = ", ".join(str(x) for x in (article.author, article.published) if x)
    title = external_link(article.title, article.url) if article.url else html.Cite(article.title)
    return [title, f" — {byline}" if byline else ""]


RACE_FILTERS_NOTE = (
    "The race uses the country, status, year and world-first filters; type and search do not apply "
    "(it compares milestones whatever their type)."
)


def race_matrix(shown: race.Race, dataset: Dataset) -> list:
    """The race as a table, milestones by countries: each date opens its event's details."""

    def cell(row: int, country: str, c: race.Cell) -> html.Td:
        if c.reach is None:
            return html.Td(c.text, className="none")
        reach = c.reach
        label = [html.Span(c.text, className="date")]
        if shown.aligned and reach.years is not None:
            label.append(html.Span(race.years_text(reach.years), className="years"))
        if reach.world_first:
            label.append(html.Span("world first", className="badge"))
        return html.Td(className=f"reach {reach.status}", children=html.Button(
            label, id={"type": RACE_CELL, "id": reach.event.id, "at": f"{row}-{country}"},
            className="link-button", title=reach.event.title,
        ))  # fmt: skip

    rows = race.matrix(shown, dataset)
    table = html.Table(className="race-table", **{"aria-label": "Milestones by country"}, children=[
        html.Thead(html.Tr([html.Th("Milestone", scope="col"),
                            *[html.Th(dataset.countries[c].name, scope="col") for c in shown.countries]])),
        html.Tbody([
            html.Tr([html.Th(label, scope="row"), *[cell(i, c, x) for c, x in zip(shown.countries, cells)]])
            for i, (label, cells) in enumerate(rows)
        ]),
    ])  # fmt: skip
    notes = [html.P(note, className="race-note") for note in race.notes(shown, dataset)]
    return [html.P("Dates at their precision; click one for the event and its sources.", className="race-hint"),
            html.Div(table, className="table-scroll"), *notes]


def table_view(snapshot: Snapshot, filters: Filters, sort: dict) -> list:
    """The filtered events as a sortable, paged HTML table (the accessible way to read the data)."""
    key, descending = sort.get("key", "date"), bool(sort.get("descending"))
    rows = tables.sorted_rows(snapshot.df, filters, key, descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(0, int(sort.get("page", 0))), pages - 1)
    shown = rows.iloc[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = {code: c.name for code, c in snapshot.dataset.countries.items()}

    def header(label: str, column: str | None) -> html.Th:
        if column is None:
            return html.Th(label, scope="col")
        active = column == key
        arrow = ("▼" if descending else "▲") if active else ""
        aria = {"aria-sort": ("descending" if descending else "ascending")} if active else {}
        return html.Th(scope="col", **aria, children=html.Button(
            [label, html.Span(arrow, className="arrow", **{"aria-hidden": "true"})],
            id={"type": SORT_BY, "column": column}, className="sort", title=f"Sort by {label.lower()}",
        ))  # fmt: skip

    body = [
        html.Tr([
            html.Td(f"{r.date_label} – {r.end_label}" if r.end_label else r.date_label, className="nowrap"),
            html.Td(html.Button(r.title, id={"type": OPEN_EVENT, "id": r.id}, className="link-button",
                                title="Show details")),
            html.Td(", ".join(names[c] for c in r.countries), **{"data-label": "Countries"}),
            html.Td(r.type_label, **{"data-label": "Type"}),
            html.Td(r.status.title() + (" · world first" if r.first else ""), **{"data-label": "Status"}),
            html.Td(**{"data-label": "Sources"}, children=html.Ul(className="sources", children=[
                html.Li(external_link(t, u)) for u, t in zip(r.sources, r.source_titles)
            ])),
        ])  # fmt: skip
        for r in shown.itertuples(index=False)
    ]
    table = html.Table(className="events", children=[
        html.Caption(f"{len(rows)} events · {filters.describe()}"),
        html.Thead(html.Tr([header("Date", "date"), header("Title", "title"), header("Countries", "countries"),
                            header("Type", "type"), header("Status", "status"), header("Sources", None)])),
        html.Tbody(body or [html.Tr(html.Td("No events match these filters", colSpan=6))]),
    ])  # fmt: skip
    pager = [] if pages == 1 else [html.Nav(className="pager", **{"aria-label": "Table pages"}, children=[
        html.Button("Previous", id={"type": PAGE_TO, "page": page - 1}, className="button", disabled=page == 0),
        html.Span(f"Rows {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + len(shown)} of {len(rows)}"),
        html.Button("Next", id={"type": PAGE_TO, "page": page + 1}, className="button", disabled=page >= pages - 1),
    ])]  # fmt: skip
    return [html.Div(table, className="table-scroll"), *pager]


# --- callbacks --------------------------------------------------------------------------------


def register_callbacks(app: Dash, data: LiveData) -> None:
    """Wire the page. Server callbacks read the filters from the request's URL, never from memory."""

    @app.callback(
        Output(URL, "search"),
        [Output(c, p) for c, p in zip(CONTROLS, CONTROL_PROPS)],
        Input(URL, "search"),
        [Input(c, p) for c, p in zip(CONTROLS, CONTROL_PROPS)],
        Input(RESET, "n_clicks"),
        Input(CHART, "clickData"),
        Input({"type": OPEN_EVENT, "id": ALL}, "n_clicks"),
        Input(DETAILS_CLOSE, "n_clicks"),
        Input(RACE, "clickData"),
        Input({"type": RACE_CELL, "id": ALL, "at": ALL}, "n_clicks"),
    )
    def sync_url_and_controls(search, *args):
        """The URL and the controls mirror each other, in one callback so neither echoes the other.

        Loading a link or going back sets the controls; a control, a click on an event or a reset
        writes the URL (a history entry).
        """
        values = args[: len(CONTROLS)]
        snapshot = data.current()
        filters, event, _ = read_url(search, snapshot)
        shown, _ = Filters.from_query(controls_query(*values), snapshot.dataset)
        trigger = ctx.triggered_id
        keep_controls = [no_update] * len(CONTROLS)
        if trigger in (None, URL):  # page load or history navigation
            if shown.replace(view=filters.view) == filters:
                raise PreventUpdate
            return no_update, *control_values(filters)
        new, new_event = shown.replace(view=filters.view), event
        if trigger == RESET:
            new, new_event = Filters(view=filters.view, lanes=filters.lanes, align=filters.align), ""
            keep_controls = control_values(new)
        elif trigger in (CHART, RACE):
            new_event = clicked_event(ctx.triggered[0]["value"], snapshot) or event
        elif trigger == DETAILS_CLOSE:
            new_event = ""
        elif isinstance(trigger, dict) and trigger.get("type") in (OPEN_EVENT, RACE_CELL):
            if not ctx.triggered[0]["value"]:
                raise PreventUpdate  # a table row appeared; nothing was clicked
            new_event = trigger["id"]
        if (new, new_event) == (filters, event):
            raise PreventUpdate
        return write_url(new, new_event), *keep_controls

    @app.callback(
        Output(CHART, "figure"), Output(CHART, "config"), Output(CHART, "style"), Output(RESULTS, "className"),
        Output(CHART_DRAWN, "data"),
        Input(URL, "search"), Input(LOOK, "data"), Input(DATA_VERSION, "data"), State(CHART_DRAWN, "data"),
    )  # fmt: skip
    def draw_chart(search, look, version, last):
        if look is None:
            raise PreventUpdate  # theme and width arrive from the browser a moment after the page
        snapshot = data.current()
        filters, _, _ = read_url(search, snapshot)
        drawn = [write_url(filters), look, version]  # without the open event: the zoom survives
        if drawn == last:
            raise PreventUpdate
        if filters.view == "race":  # drawn by draw_race, beside its matrix
            return no_update, no_update, no_update, "results race-view", drawn
        if filters.view not in figures.BUILDERS:
            return no_update, no_update, no_update, "results no-chart", drawn
        config = graph_config(figures.file_stem(filters.view, filters), narrow=(look.get("width") or 1000) < 640)
        if not snapshot.ok:
            return EMPTY_FIGURE, config, no_update, "results", drawn
        figure = figures.figure(
            filters.view, snapshot.df, filters, snapshot.dataset, theme=look["theme"], width=look.get("width")
        )  # fmt: skip
        figure.layout.meta = {"fullRange": figure.layout.xaxis.range}  # for "All": zooming changes the range
        return figure, config, graph_style(figure), "results", drawn

    @app.callback(
        Output(RACE, "figure"), Output(RACE, "config"), Output(RACE, "style"), Output(RACE_MATRIX, "children"),
        Output(RACE_AREA, "hidden"),
        Output(RACE_NOTE, "children"), Output(RACE_DRAWN, "data"),
        Input(URL, "search"), Input(LOOK, "data"), Input(DATA_VERSION, "data"), State(RACE_DRAWN, "data"),
    )  # fmt: skip
    def draw_race(search, look, version, last):
        if look is None:
            raise PreventUpdate
        snapshot = data.current()
        filters, _, _ = read_url(search, snapshot)
        drawn = [write_url(filters), look, version]  # without the open event: the zoom survives
        if drawn == last:
            raise PreventUpdate
        if filters.view != "race" or not snapshot.ok:
            return no_update, no_update, no_update, [], True, "", drawn
        width = look.get("width")
        figure = figures.figure("race", snapshot.df, filters, snapshot.dataset, theme=look["theme"], width=width)
        config = graph_config(figures.file_stem("race", filters), narrow=(width or 1000) < 640)
        matrix = race_matrix(race.of(snapshot.df, filters, snapshot.dataset), snapshot.dataset)
        return figure, config, graph_style(figure), matrix, False, RACE_FILTERS_NOTE, drawn

    @app.callback(
        Output(TABLE, "children"), Output(TABLE_DRAWN, "data"),
        Input(URL, "search"), Input(SORT, "data"), Input(DATA_VERSION, "data"), State(TABLE_DRAWN, "data"),
    )  # fmt: skip
    def draw_table(search, sort, version, last):
        snapshot = data.current()
        filters, _, _ = read_url(search, snapshot)
        drawn = [write_url(filters), sort, version]
        if drawn == last:
            raise PreventUpdate
        if filters.view != "table" or not snapshot.ok:
            return [], drawn
        return table_view(snapshot, filters, sort or {}), drawn

    @app.callback(
        Output(SORT, "data"),
        Input({"type": SORT_BY, "column": ALL}, "n_clicks"),
        Input({"type": PAGE_TO, "page": ALL}, "n_clicks"),
        State(SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(_sorts, _pages, sort):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        trigger = ctx.triggered_id
        if trigger["type"] == PAGE_TO:
            return {**sort, "page": trigger["page"]}
        column = trigger["column"]
        descending = not sort["descending"] if column == sort["key"] else False
        return {"key": column, "descending": descending, "page": 0}

    @app.callback(
        Output(COUNT, "children"), Output(NOTES, "children"), Output(BANNER, "children"),
        Output({"type": TAB, "view": ALL}, "href"), Output({"type": TAB, "view": ALL}, "className"),
        Output({"type": TAB, "view": ALL}, "children"),
        Input(URL, "search"), Input(DATA_VERSION, "data"),
    )  # fmt: skip
    def draw_status(search, _version):
        snapshot = data.current()
        filters, event, notes = read_url(search, snapshot)
        views = app_views()
        hrefs = [write_url(filters.replace(view=v), event) or "?" for v in views]
        classes = ["view-tab current" if v == filters.view else "view-tab" for v in views]
        labels = [
            [LABELS.get(v, v.title()), html.Span(" (current view)", className="sr-only")]
            if v == filters.view else LABELS.get(v, v.title())
            for v in views
        ]  # fmt: skip
        note = [html.P("Link note: " + "; ".join(notes))] if notes else []
        return count_text(snapshot, filters), note, banner(snapshot), hrefs, classes, labels

    @app.callback(
        Output(DETAILS_BODY, "children"), Output(DETAILS, "hidden"),
        Input(URL, "search"), Input(DATA_VERSION, "data"),
    )  # fmt: skip
    def draw_details(search, _version):
        snapshot = data.current()
        _, event, _ = read_url(search, snapshot)
        if not event or not snapshot.ok:
            return [], True
        return details(snapshot, event), False

    @app.callback(
        Output(DATA_VERSION, "data"), Input(POLL, "n_intervals"), State(DATA_VERSION, "data"),
        prevent_initial_call=True,
    )  # fmt: skip
    def poll(_n, version):
        """Hot reload: a cheap stat per tick; the views redraw only when the files changed."""
        current = data.current().version
        if current == version:
            raise PreventUpdate
        return current

    @app.callback(
        Output(COUNTRY, "options"), Output(TYPE, "options"), Output(DECADES, "children"),
        Input(DATA_VERSION, "data"), prevent_initial_call=True,
    )  # fmt: skip
    def refresh_options(_version):
        snapshot = data.current()
        return country_options(snapshot.dataset), type_options(snapshot.dataset), decade_buttons(snapshot.df)

    @app.callback(Output(CSV_FILE, "data"), Input(CSV, "n_clicks"), State(URL, "search"), prevent_initial_call=True)
    def download_csv(_n, search):
        snapshot = data.current()
        if not snapshot.ok:
            raise PreventUpdate
        filters, _, _ = read_url(search, snapshot)
        stem = figures.file_stem("events", filters)
        return {"content": tables.to_csv(snapshot.df, filters), "filename": f"{stem}.csv", "type": "text/csv"}

    client = "timeline"
    app.clientside_callback(
        ClientsideFunction(client, "look"),
        Output(LOOK, "data"), Output(THEME_TOGGLE, "children"), Input(THEME_TOGGLE, "n_clicks"),
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction(client, "downloadImage"),
        Output(MENU_STATUS, "children"), Input(PNG, "n_clicks"), Input(SVG, "n_clicks"),
        State(CHART, "config"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction(client, "copyLink"),
        Output(MENU_STATUS, "children", allow_duplicate=True), Input(COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction(client, "zoomDecade"),
        Output(CLIENT_SINK, "children"), Input({"type": DECADE, "start": ALL}, "n_clicks"),
        State(CHART, "figure"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction(client, "focusDetails"),
        Output(CLIENT_SINK, "title"), Input(DETAILS, "hidden"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction(client, "togglePanel"),
        Output(PANEL, "className"), Output(PANEL_TOGGLE, "aria-expanded"), Input(PANEL_TOGGLE, "n_clicks"),
        prevent_initial_call=True,
    )  # fmt: skip


def clicked_event(click: dict | None, snapshot: Snapshot) -> str:
    """The event id of a chart click (its point's customdata), if it names an event."""
    try:
        value = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return ""
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, str) and snapshot.has(value) else ""
