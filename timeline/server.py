"""Serving the app for real: what every host gets, and the two ways ``timeline serve`` runs it.

``harden`` is called by ``create_app``, so any WSGI host serving ``app.server`` gets it:

* security headers on every response: a Content-Security-Policy that allows only this site's own
  scripts (plus Dash's one inline bootstrap script, by its hash), no framing by other sites, no
  MIME sniffing;
* request bodies limited to ``MAX_BODY`` bytes (413 beyond): a callback's inputs are small;
* ``/healthz`` for load balancers and monitors (see ``health``);
* a callback request a browser never sends (outputs matching no callback, a body of another
  shape) answered 400 with one log line, not 500 with a traceback (``malformed_callback``);
* one log line per request at INFO on the ``timeline.access`` logger, and the failing callback
  named beside any server error.

``serve`` runs it: one process with a threaded server for a desk or a classroom, or gunicorn's
pre-forked workers (``--workers N``) for many readers. Requests share nothing but the per-process
data cache (filters come from the request, data from the files), so more workers, and more
machines behind a load balancer, scale it out. SIGTERM stops either mode with exit code 0.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Any, Callable

import flask
from dash import Dash
from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler, make_server

from .ids import URL
from .live import LiveData

MAX_BODY = 1024 * 1024  # bytes; the largest real callback body is a few kilobytes
HEALTH_PATH = "/healthz"
# Per gunicorn worker: a slow reader holds a thread, not a whole process. Browsers keep their
# connections open, and a connection waits for a free thread of its worker: 50 readers on 4 workers
# measured p95 210-235 ms with 4 threads and 184-197 ms with 12 (bench/load.py, BENCHMARKS.md);
# the median rises a little, as a worker shares its time among more requests at once.
WORKER_THREADS = 12
GRACEFUL_S = 10  # SIGTERM: in-flight requests get this long to finish
# An idle kept-alive connection closes after this long. gunicorn's 2 s default races busy clients:
# a request sent as the server closes the connection fails (the load test saw a few in 1,500).
KEEPALIVE_S = 20

access_log = logging.getLogger("timeline.access")
error_log = logging.getLogger("timeline.server")


def content_security_policy(script_hashes: list[str]) -> str:
    """The strictest policy the page works under (tests/test_security.py proves both halves).

    Scripts: only files from this site, and Dash's inline ``new DashRenderer()`` by its hash; no
    other inline script, so text from the data can never become one. ``'unsafe-eval'`` stays
    because plotly's WebGL charts (the timeline above ``figures.GL_POINTS`` points) compile their
    shaders' drawing code with ``Function`` (regl); it runs only strings built by those scripts.
    Styles allow inline because plotly and React set ``style`` attributes. Images allow ``data:``
    and ``blob:`` for plotly's icons and its PNG/SVG downloads.
    """
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'unsafe-eval'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])  # fmt: skip


def harden(app: Dash, data: LiveData) -> None:
    """Headers, body limit, ``/healthz`` and request logs on ``app``'s Flask server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    headers: dict[str, str] = {}

    @server.before_request
    def start_clock() -> None:
        flask.g.started = time.perf_counter()

    @server.after_request
    def secure(response: flask.Response) -> flask.Response:
        if not headers:  # the first response: every callback, so every inline script, is known
            headers.update({
                "Content-Security-Policy": content_security_policy(list(app.csp_hashes())),
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "SAMEORIGIN",
                "Referrer-Policy": "strict-origin-when-cross-origin",
            })  # fmt: skip
        response.headers.update(headers)
        if flask.request.path.endswith(LAYOUT_PATH):  # drawn for the page's URL and look: never reused
            response.headers["Cache-Control"] = "no-store"
        return response

    def timed_and_logged(response: flask.Response) -> flask.Response:
        """Last of all, once the body is compressed: the time the request took, as a Server-Timing
        header (a browser's developer tools show it; the benchmark reads it) and in the access log."""
        started = flask.g.get("started")
        took = (time.perf_counter() - started) * 1000 if started else None
        if took is not None:
            response.headers["Server-Timing"] = f"app;dur={took:.1f}"
        log_request(response, took)
        return response

    # Flask runs after-request functions last registered first; Dash registered its compression
    # before this: first in the list runs last, after it.
    server.after_request_funcs.setdefault(None, []).insert(0, timed_and_logged)

    @server.before_request
    def refuse_malformed_callbacks() -> flask.Response | None:
        request = flask.request
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH) or not app.callback_map:
            return None
        body = request.get_json(silent=True)  # not JSON: Dash's own get_json answers 400 or 415
        if body is None:
            return None
        reason = malformed_callback(body, app.callback_map)
        if reason is None:
            return None
        error_log.warning("refused a callback request from %s: %s", request.remote_addr, reason)
        return flask.Response(f"Bad callback request: {reason}\n", 400, mimetype="text/plain")

    @server.route(HEALTH_PATH)
    def healthz() -> flask.Response:
        body, status = health(data)
        response = flask.jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    flask.got_request_exception.connect(log_failed_callback, server, weak=False)


CALLBACK_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"


def _ids(items: Any) -> bool:
    """A callback's inputs or state: a list of {id, property}, or lists of them (pattern matching)."""
    def one(item: Any) -> bool:
        return isinstance(item, dict) and "id" in item and isinstance(item.get("property"), str)

    return isinstance(items, list) and all(one(i) or (isinstance(i, list) and all(map(one, i))) for i in items)


def malformed_callback(body: Any, callbacks: dict[str, Any]) -> str | None:
    """Why ``body`` is not a request for one of ``callbacks`` (Dash's ``callback_map``), or None.

    Dash reads the body without checking it, so a request a browser never sends (outputs that
    match no callback, inputs of another shape) would end in a KeyError or a TypeError: a 500
    with a traceback. It is the client's mistake, so it is answered 400 here, before Dash runs.
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str):
        return "no 'output' naming the callback"
    spec = callbacks.get(output)
    if spec is None or "callback" not in spec:
        return f"no server callback has the outputs {output[:200]!r}"
    for key, wanted in (("inputs", spec.get("inputs", [])), ("state", spec.get("state", []))):
        given = body.get(key, [])
        if not _ids(given):
            return f"'{key}' is not a list of {{id, property, value}}"
        if len(given) != len(wanted):
            return f"{output[:200]!r} takes {len(wanted)} {key}, got {len(given)}"
    outputs = body.get("outputs")
    if outputs is not None and not (isinstance(outputs, dict) or _ids(outputs)):
        return "'outputs' is not an {id, property} or a list of them"
    count = output.count("...") + 1 if output.startswith("..") else 1
    if output.startswith("..") and outputs is not None and (not isinstance(outputs, list) or len(outputs) != count):
        return f"{output[:200]!r} has {count} outputs, the request names {len(outputs) if isinstance(outputs, list) else 1}"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' is not a list of text"
    return None


def health(data: LiveData) -> tuple[dict[str, Any], int]:
    """``/healthz``: 200 while data is served, 503 when nothing good was ever loaded.

    ``status`` is ``ok``; ``stale`` when the files' latest read failed but the last good data is
    still served (``errors`` says why); ``error`` with no data at all. ``version`` is the hash of
    the files as last read, ``events`` the number of events served, ``pid`` the process that
    answered (each gunicorn worker holds its own copy of the data).
    """
    snapshot = data.current()
    status = "error" if not snapshot.ok else "stale" if snapshot.errors else "ok"
    body = {
        "status": status,
        "version": snapshot.version,
        "events": len(snapshot.df) if snapshot.ok else 0,
        "errors": [str(p) for p in snapshot.errors],
        "pid": os.getpid(),
    }
    return body, 503 if status == "error" else 200


def log_request(response: flask.Response, took_ms: float | None) -> None:
    """``ADDRESS "METHOD PATH PROTOCOL" STATUS BYTES TIME``; a GET's query is the page's filters,
    a POST's only Dash's page token (its body holds the callback), so it is left out."""
    request = flask.request
    took = f"{took_ms:.1f}ms" if took_ms is not None else "-"
    size = response.content_length if response.content_length is not None else "-"
    path = request.full_path.rstrip("?") if request.method == "GET" else request.path
    access_log.info('%s "%s %s %s" %s %s %s', request.remote_addr, request.method, path,
                    request.environ.get("SERVER_PROTOCOL", "-"), response.status_code, size, took)  # fmt: skip


def log_failed_callback(sender, exception: BaseException, **_) -> None:
    """Beside Flask's traceback: which callback failed, for which page (the URL query)."""
    body = flask.request.get_json(silent=True) if flask.request.is_json else None
    if not isinstance(body, dict) or "output" not in body:
        return
    search = next((i.get("value") for i in body.get("inputs", []) if isinstance(i, dict)
                   and i.get("id") == URL and i.get("property") == "search"), None)  # fmt: skip
    error_log.error("callback %s failed (url query %r): %s: %s", body["output"], search,
                    type(exception).__name__, exception)  # fmt: skip


# --- running --------------------------------------------------------------------------------


def configure_logging() -> None:
    """INFO and above to stderr, one line each, with the process id, in gunicorn's own layout."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, datefmt="%Y-%m-%d %H:%M:%S %z",
                        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")  # fmt: skip


def serve(app: Dash, data: LiveData, host: str, port: int, workers: int = 1) -> None:
    """Serve ``app`` (drawing ``data``) until SIGTERM or Ctrl+C, in this process or, above one
    worker, with gunicorn; each process watches the data's files."""
    configure_logging()
    if workers > 1:
        Gunicorn(app.server, host, port, workers, post_fork=lambda arbiter, worker: data.watch()).run()
    else:
        data.watch()
        serve_single(app.server, host, port)


class _Quiet(WSGIRequestHandler):
    """Werkzeug's handler without its own request lines: ``harden`` logs every request once."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve_single(server: flask.Flask, host: str, port: int) -> None:
    """One process, a thread per connection: enough for a desk, a classroom or a kiosk."""
    httpd = make_server(host, port, server, threaded=True, request_handler=_Quiet)

    def stop(signum, frame):
        raise KeyboardInterrupt  # serve_forever ends on it and closes the socket

    signal.signal(signal.SIGTERM, stop)
    error_log.info("listening on http://%s:%s (pid %s)", host, port, os.getpid())
    httpd.serve_forever()
    error_log.info("stopped")


class Gunicorn(BaseApplication):
    """gunicorn, configured here rather than from a command line or a config file.

    The app is built once in the master, before the workers fork, so a worker that dies is
    replaced at once with the data already parsed; each worker then reloads on its own.
    ``post_fork`` runs in each new worker (threads do not survive a fork: start them there).
    """

    def __init__(self, server: flask.Flask, host: str, port: int, workers: int,
                 post_fork: Callable[[Any, Any], None]) -> None:
        self.server = server
        self.options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "keepalive": KEEPALIVE_S,
            "threads": WORKER_THREADS,
            "graceful_timeout": GRACEFUL_S,
            "accesslog": None,  # harden logs each request
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "timeline",
            "control_socket_disable": True,  # one shared socket path would clash between servers
            "post_fork": post_fork,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> flask.Flask:
        return self.server
