"""The browse page's callbacks: ``register(app, data)`` wires ids to pure functions.

Server callbacks read the filters from the request's URL, never from memory, so any worker can
answer any request. Each callback is a few lines of wiring: the URL logic lives in ``urlstate``,
the panes in ``panes``, the charts in ``figures``, the page in ``layout``.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from . import figures, ids, panes, race
from .drawing import EMPTY_FIGURE, chart, chart_config, in_main_chart, main_key, parse_look, results_class
from .frame import Filters
from .layout import banner, country_options, decade_buttons
from .live import LiveData, Snapshot
from .urlstate import app_views, drawn_key, next_url, read_url, view_label


def register(app: Dash, data: LiveData) -> None:
    """Wire the page: the URL and its controls, the views, the status line, downloads, hot reload."""
    _url(app, data)
    _charts(app, data)
    _race_scores(app, data)
    _claims(app, data)
    _table(app, data)
    _status(app, data)
    _data(app, data)
    _client(app)


def redraw(data: LiveData, search: str | None, extra: Any, version: str, last: Any) -> tuple[Snapshot, Filters, list]:
    """The data, the filters to draw and what is drawn (the URL without the open event, so opening
    details keeps a chart's zoom and the table's focus); nothing to do when that was drawn already.
    ``extra`` is what else the drawing depends on (the browser's look, a sort); a chart waits for
    the look, which arrives from the browser a moment after the page."""
    if extra is None:
        raise PreventUpdate
    snapshot = data.current()
    filters, _, _ = read_url(search, snapshot)
    drawn = drawn_key(filters, extra, version)
    if drawn == last:
        raise PreventUpdate
    return snapshot, filters, drawn


def graph_outputs(graph: str) -> list[Output]:
    """A chart's figure, config (its download's file name) and style (its height): ``layout.chart``'s."""
    return [Output(graph, "figure"), Output(graph, "config"), Output(graph, "style")]


def chart_inputs(drawn: str) -> list:
    """What a chart is drawn from (the URL, the browser's look, the data) and what it last drew."""
    return [Input(ids.URL, "search"), Input(ids.LOOK, "data"), Input(ids.DATA_VERSION, "data"), State(drawn, "data")]


def _url(app: Dash, data: LiveData) -> None:
    @app.callback(
        Output(ids.URL, "search"),
        [Output(c, "value") for c in ids.CONTROLS],
        Input(ids.URL, "search"),
        [Input(c, "value") for c in ids.CONTROLS],
        Input(ids.RESET, "n_clicks"),
        Input(ids.CHART, "clickData"),
        Input(ids.CHART_ZOOM, "data"),
        Input({"type": ids.OPEN_EVENT, "id": ALL, "at": ALL}, "n_clicks"),
        Input(ids.DETAILS_CLOSE, "n_clicks"),
        Input(ids.RACE, "clickData"),
        Input({"type": ids.RACE_CELL, "id": ALL, "at": ALL}, "n_clicks"),
        Input(ids.CLAIMS, "clickData"),
    )
    def sync_url_and_controls(search, *args):
        """The URL and the controls mirror each other, in one callback so neither echoes the other."""
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        step = next_url(ctx.triggered_id, value, search, args[: len(ids.CONTROLS)], data.current())
        if step is None:
            raise PreventUpdate
        url = no_update if step.url is None else step.url
        return url, *(step.controls or [no_update] * len(ids.CONTROLS))


def _charts(app: Dash, data: LiveData) -> None:
    @app.callback(
        *graph_outputs(ids.CHART),
        Output(ids.RESULTS, "className"),
        Output(ids.CHART_DRAWN, "data"),
        *chart_inputs(ids.CHART_DRAWN),
    )  # fmt: skip
    def draw_chart(search, look, _version, last):
        """The timeline or activity; nothing when the page brought this very chart (``layout.first_chart``)."""
        look = parse_look(look)
        if look is None:  # not told yet (or nonsense)
            raise PreventUpdate
        snapshot = data.current()
        filters, event, _ = read_url(search, snapshot)
        drawn, selected = main_key(snapshot, filters, event, look)
        if drawn == last:
            raise PreventUpdate
        shown = results_class(filters.view)
        if not in_main_chart(filters.view):  # no chart, or race and claims (drawn beside their tables)
            return no_update, no_update, no_update, shown, drawn
        if not snapshot.ok:
            return EMPTY_FIGURE, chart_config(filters.view, filters, look), no_update, shown, drawn
        return *chart(filters.view, snapshot, filters, look, selected), shown, drawn

    @app.callback(
        *graph_outputs(ids.RACE),
        Output(ids.RACE_MATRIX, "children"),
        Output(ids.RACE_AREA, "hidden"), Output(ids.RACE_NOTE, "children"), Output(ids.RACE_DRAWN, "data"),
        *chart_inputs(ids.RACE_DRAWN),
    )  # fmt: skip
    def draw_race(search, look, version, last):
        look = parse_look(look)
        snapshot, filters, drawn = redraw(data, search, look, version, last)
        if filters.view != "race" or not snapshot.ok:
            note = panes.CLAIMS_FILTERS_NOTE if filters.view == "claims" else ""
            return no_update, no_update, no_update, [], True, note, drawn
        matrix = panes.race_matrix(race.of(snapshot.df, filters, snapshot.dataset), snapshot.dataset)
        return *chart("race", snapshot, filters, look), matrix, False, panes.RACE_FILTERS_NOTE, drawn


def _race_scores(app: Dash, data: LiveData) -> None:
    @app.callback(
        Output(ids.RACE_SCORES, "children"), Output(ids.RACE_SCORES_DRAWN, "data"),
        Input(ids.URL, "search"), Input(ids.RACE_SORT, "data"), Input(ids.DATA_VERSION, "data"), State(ids.RACE_SCORES_DRAWN, "data"),
    )  # fmt: skip
    def draw_scoreboard(search, sort, version, last):
        snapshot, filters, drawn = redraw(data, search, sort or {}, version, last)
        if filters.view != "race" or not snapshot.ok:
            return [], drawn
        shown = race.of(snapshot.df, filters, snapshot.dataset)
        scores = race.scoreboard(shown, snapshot.df, filters)
        return panes.race_scoreboard(scores, snapshot.dataset, filters, sort or {}), drawn

    @app.callback(
        Output(ids.RACE_SORT, "data"), Input({"type": ids.RACE_SORT_BY, "column": ALL}, "n_clicks"), State(ids.RACE_SORT, "data"),
        prevent_initial_call=True,
    )  # fmt: skip
    def sort_scoreboard(_clicks, sort):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return panes.next_race_sort(ctx.triggered_id["column"], sort or {})


def _claims(app: Dash, data: LiveData) -> None:
    @app.callback(
        *graph_outputs(ids.CLAIMS),
        Output(ids.CLAIMS_LIST, "children"),
        Output(ids.CLAIMS_AREA, "hidden"), Output(ids.CLAIMS_DRAWN, "data"),
        *chart_inputs(ids.CLAIMS_DRAWN),
    )  # fmt: skip
    def draw_claims(search, look, version, last):
        look = parse_look(look)
        snapshot, filters, drawn = redraw(data, search, look, version, last)
        if filters.view != "claims" or not snapshot.ok:
            return no_update, no_update, no_update, [], True, drawn
        return *chart("claims", snapshot, filters, look), panes.claims_list(snapshot, filters), False, drawn


def _table(app: Dash, data: LiveData) -> None:
    @app.callback(
        Output(ids.TABLE, "children"), Output(ids.TABLE_DRAWN, "data"),
        Input(ids.URL, "search"), Input(ids.SORT, "data"), Input(ids.DATA_VERSION, "data"),
        State(ids.TABLE_DRAWN, "data"),
    )  # fmt: skip
    def draw_table(search, sort, version, last):
        snapshot, filters, drawn = redraw(data, search, sort or {}, version, last)
        if filters.view != "table" or not snapshot.ok:
            return [], drawn
        return panes.table_view(snapshot, filters, sort or {}), drawn

    @app.callback(
        Output(ids.SORT, "data"),
        Input({"type": ids.SORT_BY, "column": ALL}, "n_clicks"),
        Input({"type": ids.PAGE_TO, "page": ALL}, "n_clicks"),
        State(ids.SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(_sorts, _pages, sort):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return panes.next_sort(ctx.triggered_id, sort)

    @app.callback(Output(ids.CSV_FILE, "data"), Input(ids.CSV, "n_clicks"), State(ids.URL, "search"), prevent_initial_call=True)
    def download_csv(_n, search):
        snapshot = data.current()
        if not snapshot.ok:
            raise PreventUpdate
        filters, _, _ = read_url(search, snapshot)
        content, stem = figures.view_csv(filters.view, snapshot.df, filters, snapshot.dataset)
        return {"content": content, "filename": f"{stem}.csv", "type": "text/csv"}


def _status(app: Dash, data: LiveData) -> None:
    @app.callback(
        Output(ids.COUNT, "children"), Output(ids.NOTES, "children"), Output(ids.BANNER, "children"),
        Output({"type": ids.TAB, "view": ALL}, "href"), Output({"type": ids.TAB, "view": ALL}, "className"),
        Output({"type": ids.TAB, "view": ALL}, "children"),
        Input(ids.URL, "search"), Input(ids.DATA_VERSION, "data"),
    )  # fmt: skip
    def draw_status(search, _version):
        snapshot = data.current()
        filters, event, notes = read_url(search, snapshot)
        tabs = panes.view_tabs(app_views(), filters, event, view_label)
        return panes.count_text(snapshot, filters), panes.link_notes(notes), banner(snapshot), *tabs

    @app.callback(
        Output(ids.DETAILS_BODY, "children"), Output(ids.DETAILS, "hidden"),
        Input(ids.URL, "search"), Input(ids.DATA_VERSION, "data"),
    )  # fmt: skip
    def draw_details(search, _version):
        snapshot = data.current()
        _, event, _ = read_url(search, snapshot)
        if not event or not snapshot.ok:
            return [], True
        return panes.details(snapshot, event), False


def _data(app: Dash, data: LiveData) -> None:
    @app.callback(
        Output(ids.DATA_VERSION, "data"), Input(ids.POLL, "n_intervals"), State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )  # fmt: skip
    def poll(_n, version):
        """Hot reload: a cheap stat per tick; the views redraw only when the files changed."""
        current = data.current().version
        if current == version:
            raise PreventUpdate
        return current

    @app.callback(
        Output(ids.COUNTRY, "options"), Output(ids.TYPE, "options"), Output(ids.DECADES, "children"),
        Input(ids.DATA_VERSION, "data"), prevent_initial_call=True,
    )  # fmt: skip
    def refresh_options(_version):
        snapshot = data.current()
        return country_options(snapshot.dataset), panes.type_options(snapshot.dataset), decade_buttons(snapshot.df)


def _client(app: Dash) -> None:
    """Callbacks that run in the browser (``assets/timeline.js``): nothing to ask the server."""
    for function, outputs, inputs in (
        ("look", [Output(ids.LOOK, "data"), Output(ids.THEME_TOGGLE, "children")], [Input(ids.THEME_TOGGLE, "n_clicks")]),
        ("downloadImage", [Output(ids.MENU_STATUS, "children")],
         [Input(ids.PNG, "n_clicks"), Input(ids.SVG, "n_clicks"), State(ids.CHART, "config")]),
        ("copyLink", [Output(ids.MENU_STATUS, "children", allow_duplicate=True)], [Input(ids.COPY_LINK, "n_clicks")]),
        ("zoomDecade", [Output(ids.CLIENT_SINK, "children")],
         [Input({"type": ids.DECADE, "start": ALL, "years": ALL}, "n_clicks"), State(ids.CHART, "figure")]),
        ("watchZoom", [Output(ids.ZOOM_WATCH, "children")], [Input(ids.CHART, "figure")]),
        ("focusDetails", [Output(ids.CLIENT_SINK, "title")], [Input(ids.DETAILS, "hidden")]),
        ("togglePanel", [Output(ids.PANEL, "className"), Output(ids.PANEL_TOGGLE, "aria-expanded")],
         [Input(ids.PANEL_TOGGLE, "n_clicks")]),
    ):  # fmt: skip
        app.clientside_callback(
            ClientsideFunction("timeline", function), *outputs, *inputs,
            prevent_initial_call=function not in ("look", "watchZoom"),  # the page may bring its chart
        )
