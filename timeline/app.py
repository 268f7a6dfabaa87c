"""The browse app: ``create_app(data) -> Dash`` and ``wsgi(*paths)``, for any WSGI host.

The URL query is the whole state of a view (``urlstate``), so a link reproduces what is on screen
and every callback is stateless apart from the data: controls write the URL, and the chart, table,
counts and details are drawn from the URL (``callbacks``). The page is ``layout``; what it shows
comes from ``panes`` and ``figures``. The data is read again when its files change
(``live.LiveData``); a bad edit keeps the last good data on screen under a banner listing the errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence
from urllib.parse import unquote, urlsplit

import flask
import plotly
from dash import Dash
from dash.fingerprint import build_fingerprint

from . import callbacks, form, server, store
from .drawing import parse_look
from .layout import LOOK_COOKIE, PAGE_COOKIE, POLL_MS, Page, assets_path, layout
from .live import SETTLE_S, LiveData


def create_app(
    data: LiveData | Sequence[str | os.PathLike], *, poll_ms: int = POLL_MS, allow_edits: bool = False,
    edits_from_network: bool = False,
) -> Dash:
    """The Dash app serving ``data`` (a ``LiveData``, or the paths of files to merge and reload).

    ``allow_edits`` adds the "Add event" form (``form``), writing to the first path; without it
    the app has no form and no callback that writes.
    """
    if not isinstance(data, LiveData):
        data = LiveData(data, settle_s=SETTLE_S)  # a file being saved is read once whole
    app = Dash(
        __name__, title="Space programme timeline", assets_folder=str(assets_path()),
        serve_locally=True, update_title=None, compress=True,  # gzip: charts shrink ~8x on the wire
    )  # fmt: skip
    data.current()  # read the files now, not on the first page load
    preload_plotly(app)
    keep_builtins(app)
    edits_to = data.paths[0] if allow_edits else None
    app.layout = lambda: layout(data.current(), poll_ms, edits_to, page())
    callbacks.register(app, data)
    if edits_to is not None:
        form.register(app, data, edits_to, from_network=edits_from_network)
    server.harden(app, data)  # security headers, body limit, /healthz, request logs
    share_pages(app, data)
    return app


def share_pages(app: Dash, data: LiveData) -> None:
    """Make the page once for every reader: its HTML is the same for every URL (the page's script
    reads the URL), made once per process; its layout (``/_dash-layout``) depends on the data, the
    page's URL and look, made once per snapshot of the data for each (``Snapshot.pages``). Dash
    would make both anew for every page load, some 6 and 8-11 ms. (Dash's HTML also carries a
    token per page load that only background callbacks use; this app has none.)"""
    views, prefix = app.server.view_functions, app.config.routes_pathname_prefix
    html_of = {rule: views[rule] for rule in (prefix, prefix + "<path:path>")}
    made: dict[str, bytes] = {}

    def html(rule: str):
        def view(*args, **kwargs) -> flask.Response:
            if "page" not in made:
                made["page"] = flask.make_response(html_of[rule](*args, **kwargs)).get_data()
            return flask.Response(made["page"], mimetype="text/html")

        return view

    layout_rule = prefix + "_dash-layout"
    dash_layout = views[layout_rule]

    def layout_json() -> flask.Response:
        shown = page()
        key = (shown.search, tuple(sorted((shown.look or {}).items())))
        body = data.current().pages.get(key, lambda: dash_layout().get_data())
        return flask.Response(body, mimetype="application/json")

    views.update({rule: html(rule) for rule in html_of}, **{layout_rule: layout_json})


def preload_plotly(app: Dash) -> None:
    """plotly.js as a plain script of the page, before Dash's renderer starts: the chart, drawn as
    soon as the layout arrives, finds it ready instead of asking for it once it is on the page
    (and the renderer never starts before it has run, so it never runs twice). Its address carries
    plotly's version and the file's time, as Dash gives its own scripts: the browser then keeps it
    for a year instead of asking for it again, and the server compressing its 4.8 MB, at each page."""
    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    path = build_fingerprint("package_data/plotly.min.js", plotly.__version__, int(bundle.stat().st_mtime))
    src = f"{app.config.requests_pathname_prefix}_dash-component-suites/plotly/{path}"
    script_before(app, "{%renderer%}", src)


def keep_builtins(app: Dash) -> None:
    """``assets/builtins.js`` once more before Dash's scripts, so that it can put back the browser's
    own functions that Dash's polyfill swaps for slower copies (the file says which, and why)."""
    src = f"{app.get_asset_url('builtins.js')}?m={os.path.getmtime(assets_path() / 'builtins.js')}"  # Dash's own address: one copy kept
    script_before(app, "{%scripts%}", src)


def script_before(app: Dash, place: str, src: str) -> None:
    """A ``<script src>`` in the page, just before ``place`` of Dash's page template."""
    app.index_string = app.index_string.replace(place, f'<script src="{src}"></script>\n            {place}', 1)


def page() -> Page:
    """The page being loaded, as its layout request tells. Its URL: the request's referrer (a
    same-origin request, so the browser sends it whole) when the ``timeline-page`` cookie that the
    page's script wrote says the same (a referrer cut to the site by a proxy's policy, or another
    tab's cookie, then leaves it unknown); its look: the ``timeline-look`` cookie."""
    if not flask.has_request_context():
        return Page()
    request = flask.request
    referrer = urlsplit(request.referrer or "")
    same_origin = request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin" and referrer.scheme in ("http", "https")
    search = "?" + referrer.query if referrer.query else ""
    told = unquote(request.cookies.get(PAGE_COOKIE, "\0"))
    return Page(search if same_origin and told == search else None, parse_look(request.cookies.get(LOOK_COOKIE)))


def wsgi(*paths: str) -> flask.Flask:
    """A WSGI application for any host: ``gunicorn 'timeline.app:wsgi("events.yaml")'``.

    With no path, ``./events.yaml``, else the bundled copy (as ``timeline serve``). Call it in each
    worker process (gunicorn without ``--preload``): it starts the process's file watcher.
    """
    data = LiveData(store.default_paths(paths), settle_s=SETTLE_S)
    app = create_app(data)
    data.watch()
    return app.server
