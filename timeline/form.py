"""The opt-in "Add event" form of the app (``timeline serve --allow-edits``).

Without the flag none of this is part of the app: no button, no form in the layout, and no callback
that writes, so a request to ``/_dash-update-component`` naming the form finds nothing to run. With
it, the form writes through ``edit.add_event`` exactly as ``timeline add`` does (the same checks,
the same locked atomic write, the file's comments and layout kept) to the first served file.

Each field is checked with ``edit.check_field`` against the data on screen as soon as it is left
(or Enter is pressed: checking on every key would flag a date half typed); a submit checks every
field again, then ``add_event`` has the last word: it reads the file under its
lock, so an event someone added meanwhile still counts. Its ``DataError.fields`` are shown next to
their inputs, problems of the file itself (an earlier bad edit, a full disk) in a summary. After an
add the form closes and empties, the top bar says "Added <title>", and once hot reload has read the
file the new event's details open (so it is on the chart as they do).

A browser can be made to send requests on another site's behalf, so writes are refused (403) when
the request's ``Origin`` is not this server (cross-site request forgery) and, unless edits from the
network were allowed, when its ``Host`` is not a loopback name (DNS rebinding: another site's name
pointed at 127.0.0.1).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple
from urllib.parse import urlsplit

import flask
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from . import edit, frame
from .ids import DATA_VERSION, URL
from .live import LiveData, Snapshot
from .models import STATUSES, Dataset, date_status_problem
from .panes import type_options
from .urlstate import read_url, write_url

# --- component ids ----------------------------------------------------------------------------
OPEN = "add-open"  # the top bar's "Add event" button
STATUS = "add-status"  # "Added <title>", beside it
PANEL = "add-panel"
CLOSE = "add-close"
CANCEL = "add-cancel"
SUBMIT = "add-submit"
SUMMARY = "add-summary"  # why nothing was written, when it is not one field's fault
BODY = "add-body"  # the fields: drawn again, empty, after an add
SECOND = "add-second"  # the second source's row
SECOND_SHOW = "add-second-show"
SECOND_HIDE = "add-second-hide"
PENDING = "add-pending"  # {"id", "title"} of an event written but not yet read back by hot reload
FOCUS_SINK = "add-focus"  # output of the client-side focus callback

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Field(NamedTuple):
    label: str
    hint: str = ""
    required: bool = False


# The form's fields by name, in page order. Most are the event's own fields; ``url`` and
# ``source_title`` (``url2``, ``source_title2``) make its sources.
FIELDS: dict[str, Field] = {
    "title": Field("Title", "Short and factual, e.g. “Chang'e 7 launch”", True),
    "date": Field("Date", "UTC: YYYY, YYYY-MM or YYYY-MM-DD", True),
    "end": Field("End", "For a span, e.g. a station in orbit"),
    "countries": Field("Countries", "A joint event shows in each lane", True),
    "type": Field("Type", "", True),
    "status": Field("Status", "", True),
    "first": Field("World first"),
    "description": Field("Description", "What happened, factual and neutral; dates in UTC", True),
    "url": Field("Source URL", "Agency page, NSSDC, Wikipedia", True),
    "source_title": Field("Source title", "Default: the event title and the site"),
    "url2": Field("Second source URL"),
    "source_title2": Field("Second source title", "Default: the event title and the site"),
    "tags": Field("Tags", "Separated by commas"),
    "milestone": Field("Milestones", "The steps this event reaches for its countries"),
    "id": Field("Id", "Default: made from the title"),
}

# Fields checked as they are typed: the check_field name, and the fields whose values it reads.
LIVE = {
    "title": ("title", ("title",)),
    "date": ("date", ("date", "status")),  # an event that happened cannot be dated after today
    "end": ("end", ("end",)),
    "url": ("url", ("url",)),
    "url2": ("url", ("url2",)),
    "tags": ("tags", ("tags",)),
    "id": ("id", ("id", "title")),  # an empty id is the title's slug: a clash shows as it is typed
}

def input_id(name: str) -> str:
    """``new-title``, ``new-source-title``: the new event's fields."""
    return "new-" + name.replace("_", "-")


def error_id(name: str) -> str:
    return input_id(name) + "-error"


# --- checking and writing (no Dash) ----------------------------------------------------------


def tags(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def field_value(name: str, values: Mapping[str, Any]) -> Any:
    """What ``check_field`` is given for form field ``name``: tags as a list, the id or the title's slug."""
    if name == "tags":
        return tags(values.get("tags"))
    if name == "id":
        return (values.get("id") or "").strip() or edit.slugify(values.get("title") or "")
    value = values.get(name)
    return value.strip() if isinstance(value, str) else value


def required(name: str, values: Mapping[str, Any]) -> bool:
    """A second source needs its URL once it has a title; the rest as ``FIELDS`` says."""
    if name == "url2":
        return bool((values.get("source_title2") or "").strip())
    return FIELDS[name].required


def field_problems(
    name: str, values: Mapping[str, Any], snapshot: Snapshot | None, *, submitting: bool = False
) -> list[str]:
    """What is wrong with form field ``name`` (as typed; ``submitting`` also asks for required ones),
    against the data on screen."""
    value = field_value(name, values)
    if value in (None, "", []):
        return ["Required."] if submitting and required(name, values) else []
    if name not in LIVE or snapshot is None or not snapshot.ok:  # add_event will say what the file lacks
        return []
    try:
        checked = edit.check_field(LIVE[name][0], value, snapshot.dataset, taken=snapshot.row_of)
    except ValueError as exc:
        return [str(exc)]
    if name == "date" and values.get("status"):
        impossible = date_status_problem(checked, values["status"])
        if impossible and impossible[0] == "error":
            return [impossible[1]]
    return []


def event_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as ``add_event`` takes them (it drops empty values and defaults)."""
    title = (values.get("title") or "").strip()
    rows = [(values.get(f"url{n}"), values.get(f"source_title{n}")) for n in ("", "2")]
    sources = [
        {"url": url.strip(), "title": (text or "").strip() or edit.source_title(url.strip(), title)}
        for url, text in rows
        if url and url.strip()
    ]  # fmt: skip
    return {
        "id": values.get("id"), "title": title, "date": values.get("date"), "end": values.get("end"),
        "countries": values.get("countries") or [], "type": values.get("type"),
        "status": values.get("status"),
        "first": bool(values.get("first")), "milestone": values.get("milestone") or [],
        "description": values.get("description"), "sources": sources, "tags": tags(values.get("tags")),
    }  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """A submit's result: messages per form field and for the file, or the event added."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    added: edit.Added | None = None


def submit(values: Mapping[str, Any], path: str | os.PathLike, snapshot: Snapshot | None) -> Outcome:
    """Check every field, then add the event with ``edit.add_event``; nothing is written on a problem."""
    errors = {n: found for n in FIELDS if (found := field_problems(n, values, snapshot, submitting=True))}
    if errors:
        return Outcome(errors)
    try:
        added = edit.add_event(path, event_fields(values))
    except edit.DataError as exc:
        return refused(exc)
    except edit.WriteError as exc:
        return Outcome(summary=[str(exc)])
    return Outcome(added=added)


_SOURCE = re.compile(r"sources\[(\d+)\]\.(url|title)")
_PATH = re.compile(r"^[\w.\[\]]+: ")  # "date: ", "sources[0].url: " at the start of a message


def refused(exc: edit.DataError) -> Outcome:
    """``add_event``'s problems: each field's next to its input, the file's in the summary."""
    errors: dict[str, list[str]] = {}
    summary = [str(p) for p in exc.problems if not isinstance(p, edit.FieldError)]
    for name, messages in exc.fields.items():
        for message in messages:
            target = form_field(name, message)
            if target:
                errors.setdefault(target, []).append(_PATH.sub("", message))
            else:
                summary.append(f"{exc.label}: {message}")
    return Outcome(errors, summary)


def form_field(name: str, message: str) -> str | None:
    """The form field showing a problem with event field ``name`` (``None``: the form has none)."""
    if name == "sources":
        match = _SOURCE.match(message)
        index, part = (int(match[1]), match[2]) if match else (0, "url")
        names = (("url", "source_title"), ("url2", "source_title2"))
        return names[index][part == "title"] if index < len(names) else None
    return name if name in FIELDS else None


def serve_refusal(host: str, allow_edits: bool, from_network: bool) -> str | None:
    """Why ``timeline serve`` must not start with these options, or ``None``.

    The form writes to the data file, so it is for the person at this computer unless they say
    otherwise: on any address but a loopback one, ``--allow-edits-from-network`` is required.
    """
    if from_network and not allow_edits:
        return "--allow-edits-from-network only applies with --allow-edits"
    if allow_edits and not from_network and host.strip("[]").lower() not in LOOPBACK:
        return (f"--allow-edits on {host} lets anyone who can reach it write the events file; "
                "serve on 127.0.0.1, or add --allow-edits-from-network if that is meant")  # fmt: skip
    return None


def request_refusal(headers: Mapping[str, str], from_network: bool) -> str | None:
    """Why a write request must be refused (another site's page sent it), or ``None``."""
    host = headers.get("Host", "")
    origin = headers.get("Origin")
    forwarded = [h.strip() for h in headers.get("X-Forwarded-Host", "").split(",") if h.strip()]
    this = {h.lower() for h in (host, *forwarded)}
    if origin is not None and urlsplit(origin).netloc.lower() not in this:
        return f"refused: a page of {origin} cannot add events here"
    if not from_network and (urlsplit("//" + host).hostname or "") not in LOOPBACK:
        return f"refused: edits are local only, and {host!r} is not a loopback name"
    return None


# --- layout -------------------------------------------------------------------------------------


def open_button() -> list:
    """The top bar's "Add event" button and the status beside it."""
    return [
        html.P(id=STATUS, className="add-status", role="status"),
        html.Button("Add event", id=OPEN, className="button primary",
                    **{"aria-controls": PANEL, "aria-expanded": "false"}),
    ]  # fmt: skip


def panel(dataset: Dataset | None, path: str | os.PathLike) -> html.Section:
    """The form, hidden until "Add event" opens it; it writes to ``path``."""
    return html.Section(id=PANEL, className="add-panel", hidden=True, role="dialog",
                        **{"aria-labelledby": "add-heading"}, children=[
        dcc.Store(id=PENDING),
        html.Div(id=FOCUS_SINK, hidden=True),
        html.Div(className="add-head", children=[
            html.H2("Add an event", id="add-heading"),
            html.Button("Close", id=CLOSE, className="button", title="Close (Esc); what you typed stays"),
            html.P(className="hint add-file", children=[
                "Written to ", html.Code(str(path)), ", checked as ",
                html.Code("timeline add"), " checks it.",
            ]),
        ]),
        html.Div(id=SUMMARY, className="add-summary", role="alert"),
        html.Div(id=BODY, className="add-body", children=form_body(dataset)),
        html.Div(className="add-actions", children=[
            html.Button("Add event", id=SUBMIT, className="button primary"),
            html.Button("Cancel", id=CANCEL, className="button"),
        ]),
    ])  # fmt: skip


def form_body(dataset: Dataset | None) -> list:
    """The fields, empty, with their labels, hints and (empty) error slots."""
    milestones = milestone_options(dataset)

    def box(name: str, kind: str = "text", **props) -> dcc.Input:
        """A text box, sent to the server when it is left (or on Enter): then it is checked."""
        return dcc.Input(id=input_id(name), type=kind, value="", debounce=True, **props)

    def pick(name: str, options: list[dict], **props) -> dcc.Dropdown:
        return dcc.Dropdown(id=input_id(name), options=options, **props)

    return [
        labelled("title", box("title", maxLength=200), wide=True),
        labelled("date", box("date", inputMode="numeric", maxLength=10)),
        labelled("end", box("end", inputMode="numeric", maxLength=10)),
        labelled("countries", pick("countries", country_options(dataset), multi=True, value=[],
                                   placeholder="Choose one or more")),
        labelled("type", pick("type", type_options(dataset), value=None, placeholder="Choose a type")),
        labelled("status", dcc.RadioItems(id=input_id("status"), value="achieved", inline=True,
                                          options=[{"label": s.title(), "value": s} for s in STATUSES],
                                          className="choices"), wide=True, group=True),
        html.Div(className="add-field wide", children=[
            dcc.Checklist(id=input_id("first"), options=[{"label": FIELDS["first"].label, "value": "1"}],
                          value=[], className="choices"),
            error_slot("first"),
        ]),
        labelled("description", dcc.Textarea(id=input_id("description"), value="", rows=3), wide=True),
        html.Fieldset(className="add-sources wide", children=[
            html.Legend("Sources"),
            html.Div(className="add-row", children=[
                labelled("url", box("url", "url", placeholder="https://")),
                labelled("source_title", box("source_title")),
            ]),
            html.Div(id=SECOND, className="add-row", hidden=True, children=[
                labelled("url2", box("url2", "url", placeholder="https://")),
                labelled("source_title2", box("source_title2")),
                html.Button("Remove the second source", id=SECOND_HIDE, className="link-button"),
            ]),
            html.Button("+ Add a second source", id=SECOND_SHOW, className="link-button"),
        ]),
        labelled("tags", box("tags", placeholder="lunar, sample return")),
        labelled("milestone", pick("milestone", milestones, multi=True, value=[], disabled=not milestones,
                                   placeholder="Choose" if milestones else "None in the registry")),
        labelled("id", box("id", maxLength=edit.ID_MAX)),
    ]  # fmt: skip


def labelled(name: str, control, *, wide: bool = False, group: bool = False) -> html.Div:
    """A field: its label (with the hint and the error message, so a screen reader reads them with
    the label), then the control. ``group``: a set of radio buttons, labelled by a legend."""
    spec = FIELDS[name]
    optional = "" if spec.required or name == "url2" else " (optional)"
    parts = [spec.label, html.Span(optional, className="optional") if optional else None,
             html.Span(spec.hint, className="hint") if spec.hint else None, error_slot(name)]  # fmt: skip
    head = html.Legend(parts) if group else html.Label(parts, htmlFor=input_id(name))
    kind = html.Fieldset if group else html.Div
    return kind(className="add-field wide" if wide else "add-field", children=[head, control])


def summary(outcome: Outcome) -> list:
    """Above the fields: nothing was written, which fields to fix, and the file's own problems."""
    fix = [FIELDS[n].label for n in FIELDS if n in outcome.errors]
    return [
        html.P("Nothing was written." + (f" Fix: {', '.join(fix)}." if fix else "")),
        html.Ul([html.Li(html.Code(line)) for line in outcome.summary]) if outcome.summary else None,
    ]


def error_slot(name: str) -> html.Span:
    return html.Span(id=error_id(name), className="field-error", **{"aria-live": "polite"})


def error_children(messages: list[str]) -> list:
    return [html.Span([html.Span("Error: ", className="sr-only"), m], className="message") for m in messages]


def country_options(dataset: Dataset | None) -> list[dict]:
    found = dataset.countries if dataset else {}
    return [{"label": f"{c.name} ({code})", "value": code} for code, c in found.items()]


def milestone_options(dataset: Dataset | None) -> list[dict]:
    found = sorted((dataset.milestones if dataset else {}).items(), key=lambda kv: kv[1].order)
    return [{"label": m.label, "value": key} for key, m in found]


# --- callbacks --------------------------------------------------------------------------------


def register(app: Dash, data: LiveData, path: str | os.PathLike, *, from_network: bool = False) -> None:
    """Add the form's callbacks to ``app`` (only ever called for ``--allow-edits``)."""
    _submit_callbacks(app, data, path, from_network)
    _field_callbacks(app, data)


def _submit_callbacks(app: Dash, data: LiveData, path: str | os.PathLike, from_network: bool) -> None:
    """The submit (checked, then written) and, once hot reload has read it, the new event opened."""

    @app.callback(
        output={
            "errors": [Output(error_id(n), "children", allow_duplicate=True) for n in FIELDS],
            "summary": Output(SUMMARY, "children"),
            "hidden": Output(PANEL, "hidden", allow_duplicate=True),
            "expanded": Output(OPEN, "aria-expanded", allow_duplicate=True),
            "body": Output(BODY, "children"),
            "status": Output(STATUS, "children"),
            "pending": Output(PENDING, "data"),
        },
        inputs={"_": Input(SUBMIT, "n_clicks"), "values": [State(input_id(n), "value") for n in FIELDS]},
        running=[(Output(SUBMIT, "disabled"), True, False)],
        prevent_initial_call=True,
    )  # fmt: skip
    def add(_, values):
        refusal = request_refusal(flask.request.headers, from_network)
        if refusal:
            flask.abort(403, refusal)
        snapshot = data.current()
        outcome = submit(dict(zip(FIELDS, values)), path, snapshot)
        if outcome.added is None:
            return {
                "errors": [error_children(outcome.errors.get(n, [])) for n in FIELDS],
                "summary": summary(outcome),
                **dict.fromkeys(("hidden", "expanded", "body", "status", "pending"), no_update),
            }  # fmt: skip
        event = outcome.added.event
        return {
            "errors": [no_update] * len(FIELDS), "summary": [], "hidden": True, "expanded": "false",
            "body": form_body(snapshot.dataset), "status": f"Added {event.title}",
            "pending": {"id": event.id, "title": event.title},
        }  # fmt: skip

    @app.callback(
        Output(URL, "search", allow_duplicate=True), Output(PENDING, "data", allow_duplicate=True),
        Output(STATUS, "children", allow_duplicate=True),
        Input(PENDING, "data"), Input(DATA_VERSION, "data"), State(URL, "search"),
        prevent_initial_call=True,
    )  # fmt: skip
    def open_added(pending, _version, search):
        """Once hot reload has read the new event, open its details (a URL change, like a click)."""
        snapshot = data.current()
        if not pending or not snapshot.ok or not snapshot.has(pending["id"]):
            raise PreventUpdate
        filters, _, _ = read_url(search, snapshot)
        hidden = pending["id"] not in set(frame.apply(snapshot.df, filters)["id"])
        status = f"Added {pending['title']} (the filters hide it on the chart)" if hidden else no_update
        return write_url(filters, pending["id"]), None, status



def _field_callbacks(app: Dash, data: LiveData) -> None:
    """Each field checked as it is left; options refreshed with the data; the id suggested; the
    second source shown or hidden; the form opened and closed."""
    for name, (_, reads) in LIVE.items():
        app.callback(
            Output(error_id(name), "children"), [Input(input_id(n), "value") for n in reads],
            prevent_initial_call=True,
        )(live_check(name, reads, data))  # fmt: skip

    @app.callback(
        Output(input_id("countries"), "options"), Output(input_id("type"), "options"),
        Output(input_id("milestone"), "options"), Input(DATA_VERSION, "data"), prevent_initial_call=True,
    )  # fmt: skip
    def refresh_options(_version):
        dataset = data.current().dataset
        return country_options(dataset), type_options(dataset), milestone_options(dataset)

    @app.callback(
        Output(input_id("id"), "placeholder"), Input(input_id("title"), "value"), prevent_initial_call=True
    )
    def suggest_id(title):
        """An empty Id field shows the id it stands for: the title's slug."""
        return edit.slugify(title or "")

    @app.callback(
        Output(SECOND, "hidden"), Output(SECOND_SHOW, "hidden"),
        Output(input_id("url2"), "value"), Output(input_id("source_title2"), "value"),
        Input(SECOND_SHOW, "n_clicks"), Input(SECOND_HIDE, "n_clicks"), prevent_initial_call=True,
    )  # fmt: skip
    def second_source(_show, _hide):
        """Show the second source's row, or hide and empty it."""
        if ctx.triggered_id == SECOND_SHOW:
            return False, True, no_update, no_update
        return True, False, "", ""

    @app.callback(
        Output(PANEL, "hidden"), Output(OPEN, "aria-expanded"),
        Input(OPEN, "n_clicks"), Input(CLOSE, "n_clicks"), Input(CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )  # fmt: skip
    def toggle(*_):
        """"Add event" opens the form; Close and Cancel close it, keeping what was typed."""
        opened = ctx.triggered_id == OPEN
        return not opened, "true" if opened else "false"

    app.clientside_callback(
        ClientsideFunction("timelineForm", "focus"), Output(FOCUS_SINK, "children"), Input(PANEL, "hidden"),
        prevent_initial_call=True,
    )  # fmt: skip


def live_check(name: str, reads: tuple[str, ...], data: LiveData):
    """The callback checking field ``name`` as it is typed."""

    def check(*values):
        return error_children(field_problems(name, dict(zip(reads, values)), data.current()))

    return check
