"""The URL is the state of a view: URL <-> filters, open event and controls, as pure functions.

A view's whole state is its URL query (``frame.Filters`` plus ``event=``, the open details), so a
link reproduces what is on screen. The controls mirror the URL: ``next_url`` decides, for whatever
changed (the URL itself, a control, a click on an event, Reset), what the URL and the controls
become. No Dash here: the callbacks only wire these functions to the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import parse_qsl, urlencode

from . import figures
from .dates import PartialDate
from .frame import VIEWS, Filters
from .ids import CHART, CHART_ZOOM, CLAIMS, DETAILS_CLOSE, OPEN_EVENT, RACE, RACE_CELL, RESET, URL
from .live import Snapshot

LABELS = {"timeline": "Timeline", "activity": "Activity", "table": "Table", "race": "Race", "claims": "Claims"}


def app_views() -> tuple[str, ...]:
    """The views this build can show: every chart ``figures`` draws, plus the table."""
    return tuple(v for v in VIEWS if v in figures.BUILDERS or v == "table")


def view_label(view: str) -> str:
    return LABELS.get(view, view.title())


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


def drawn_key(filters: Filters, extra: Any, version: str) -> list:
    """What a pane was drawn from: the URL without the open event (opening details redraws no
    chart), what else the drawing depends on (the browser's look, a sort) and the data's version."""
    return [write_url(filters), extra, version]


def control_values(filters: Filters) -> tuple:
    """The filter controls' values that show ``filters``, in the order of ``ids.CONTROLS``."""
    return (
        list(filters.countries), list(filters.types), list(filters.statuses),
        str(filters.start or ""), str(filters.end or ""), filters.q, ["1"] if filters.firsts else [],
        filters.lanes, filters.align, filters.chart,
    )  # fmt: skip


def controls_query(countries, types, statuses, start, end, q, firsts, lanes, align, chart) -> dict[str, str]:
    """The URL query the controls describe (``Filters.from_query`` validates it)."""
    return {
        "country": ",".join(countries or ()), "type": ",".join(types or ()),
        "status": ",".join(statuses or ()), "from": start or "", "to": end or "", "q": q or "",
        "firsts": "1" if firsts else "", "lanes": lanes or "country", "align": align or "date",
        "chart": chart or "date",
    }  # fmt: skip


def clicked_event(click: dict | None, snapshot: Snapshot) -> str:
    """The event id of a chart click (its point's customdata), if it names an event."""
    try:
        value = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return ""
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, str) and snapshot.has(value) else ""


def claim_event(click: dict | None, snapshot: Snapshot) -> str:
    """The first deciding event of the claim a click on the claims chart names (its customdata)."""
    try:
        claim_id = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return ""
    claim = next((c for c in snapshot.dataset.claims if c.id == claim_id), None) if snapshot.ok else None
    return next((e for e in claim.events if snapshot.has(e)), "") if claim else ""


def zoomed_window(relayout: dict | None) -> tuple[PartialDate | None, PartialDate | None] | None:
    """The from/to a zoom or pan of the timeline shows (plotly's ``relayoutData``): the first and
    the last whole day in view, or ``(None, None)`` when zoomed back out; ``None`` when it was no
    change of the time axis (a resize, a first draw)."""
    if not isinstance(relayout, dict):
        return None
    if relayout.get("xaxis.autorange"):
        return None, None
    ends = relayout.get("xaxis.range") or [relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")]
    try:
        lo, hi = (dt.datetime.fromisoformat(str(x).strip()[:19]) for x in ends)
    except (TypeError, ValueError):
        return None
    first = lo.date() if lo.time() == dt.time() else lo.date() + dt.timedelta(days=1)
    last = hi.date() - dt.timedelta(days=1)  # the range ends where the next day begins
    if last < first:
        return None
    return PartialDate(first.year, first.month, first.day), PartialDate(last.year, last.month, last.day)


@dataclass(frozen=True)
class Step:
    """What a change does: the new URL query (``None``: keep it) and the controls' new values
    (``None``: keep them)."""

    url: str | None = None
    controls: tuple | None = None


def next_url(trigger: Any, value: Any, search: str | None, values: Sequence, snapshot: Snapshot) -> Step | None:
    """The URL and the controls after ``trigger`` (a component id) changed to ``value``.

    ``search`` is the URL query, ``values`` the controls' values. Loading a link or going back
    (``trigger`` ``None`` or the URL) sets the controls; a control, a click on an event or Reset
    writes the URL. ``None``: nothing changes.
    """
    filters, event, _ = read_url(search, snapshot)
    shown, _ = Filters.from_query(controls_query(*values), snapshot.dataset)
    # the panel's controls say everything but the view and the claims' article and verdict
    new = shown.replace(view=filters.view, articles=filters.articles, verdicts=filters.verdicts)
    if trigger in (None, URL):  # page load or history navigation
        return None if new == filters else Step(controls=control_values(filters))
    new_event, controls = event, None
    if trigger == CHART_ZOOM:
        if filters.view != "timeline":
            return None  # the activity chart's axis is years; its zoom is its own
        window = zoomed_window(value)
        if window is None:
            return None
        new = filters.replace(start=window[0], end=window[1])
        return None if new == filters else Step(url=write_url(new, event), controls=control_values(new))
    if trigger == RESET:
        new = Filters(view=filters.view, lanes=filters.lanes, align=filters.align, chart=filters.chart)
        new_event = ""
        controls = control_values(new)
    elif trigger in (CHART, RACE):
        new_event = clicked_event(value, snapshot) or event
    elif trigger == CLAIMS:  # a claim's point opens the event that decides it
        new_event = claim_event(value, snapshot) or event
    elif trigger == DETAILS_CLOSE:
        new_event = ""
    elif isinstance(trigger, dict) and trigger.get("type") in (OPEN_EVENT, RACE_CELL):
        if not value:
            return None  # a table row or a matrix cell appeared; nothing was clicked
        new_event = trigger["id"]
    if (new, new_event) == (filters, event):
        return None
    return Step(url=write_url(new, new_event), controls=controls)
