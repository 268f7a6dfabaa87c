"""Charts as pure functions: ``figure(view, df, filters, dataset) -> go.Figure``.

The Dash app and ``timeline export`` both draw through ``figure``, so what is downloaded is what is
on screen. Callers pass the whole table from ``frame.to_frame(dataset)``; ``figure`` applies the
filters itself (``frame.apply``), so every caller filters the same way.

Figures stay lean for datasets of 10,000+ events: a trace of points per colour, one for all spans,
one per overlay, never one per event; above ``GL_POINTS`` points the scatter switches to WebGL;
traces are built as plain dicts and wrapped without plotly's slow validation.
Every plotted point of the timeline carries its event id as ``customdata``.
"""

from __future__ import annotations

import re
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from . import frame, race
from .charts import (
    HOVER,
    THEMES,
    Look,
    Theme,
    alpha,
    base_layout,
    country_colors,
    date_range,
    empty,
    legend_entry,
    status_keys,
    status_symbol,
    text,
    title,
    type_colors,
    type_symbols,
    wrap,
)
from .frame import Filters
from .models import Dataset

# Above this many points the scatter is drawn with WebGL (Scattergl). Below it SVG draws sooner:
# WebGL first builds a distance-field image of each symbol on the CPU (some 0.2 s each, once per
# page), so in headless Chromium a 10,000-event chart with 19 symbols drew in 5.3 s with WebGL
# and 3.0 s with SVG (zooming: 0.4-1.9 s and 1.5-1.8 s). SVG's cost grows with the points,
# WebGL's hardly: at 100,000 events only WebGL is usable.
GL_POINTS = 20_000
DECADES_AFTER_YEARS = 40  # the activity view counts per decade when the events span more years
def figure(
    view: str, df: pd.DataFrame, filters: Filters, dataset: Dataset, *, theme: str = "light", width: int | None = None
) -> go.Figure:
    """The chart of ``view`` for the events of ``df`` (``frame.to_frame``) that ``filters`` keep.

    ``width``, when known, is the width in pixels the chart gets; below 640 the chart is laid out
    for a phone (shorter lanes, wrapped labels, a taller legend). The height is always set.
    """
    if view not in BUILDERS:
        raise ValueError(f"no chart for view {view!r} (one of {', '.join(BUILDERS)})")
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (one of {', '.join(THEMES)})")
    shown = view_filters(view, filters)
    return BUILDERS[view](frame.apply(df, shown), shown, dataset, Look(THEMES[theme], width))


def view_filters(view: str, filters: Filters) -> Filters:
    """The filters ``view`` applies (the race's own: ``race.shown_filters``)."""
    return race.shown_filters(filters) if view == "race" else filters


def file_stem(view: str, filters: Filters) -> str:
    """A file name that says what a download shows: ``timeline_CN-SU_1957-1975``."""
    parts = [view, "-".join(filters.countries), "-".join(filters.types), "-".join(filters.statuses)]
    if filters.start or filters.end:
        window = (filters.start.year if filters.start else None, filters.end.year if filters.end else None)
        parts.append("-".join(map(str, window)) if all(window) else f"from-{window[0]}" if window[0] else f"to-{window[1]}")
    parts.append(filters.q)
    if filters.firsts:
        parts.append("firsts")
    if filters.lanes != "country":
        parts.append(f"by-{filters.lanes}")
    if view == "race" and filters.chart == "count":
        parts.append("count")
    if view == "race" and filters.align == "start":
        parts.append("since-first-satellite")
    stem = "_".join(re.sub(r"[^A-Za-z0-9-]+", "-", p).strip("-") for p in parts if p)
    return stem[:120].rstrip("-_")


# --- colours, symbols and lanes ---------------------------------------------------------------


def placed(rows: pd.DataFrame, filters: Filters, dataset: Dataset) -> pd.DataFrame:
    """One row per plotted mark, with ``lane`` (its label) and ``color``, lanes in registry order.

    By country, a joint event sits in each of its countries' lanes, or only in the selected ones
    when a country filter is on. By type, each event sits once in its type's lane, coloured by its
    first (selected) country.
    """
    colors = country_colors(dataset)
    selected = set(filters.countries)
    if filters.lanes == "type":
        out = rows.copy()
        out["country"] = [next((c for c in cs if c in selected), cs[0]) for cs in rows["countries"]]
        order = {key: i for i, key in enumerate(dataset.types)}
        out["lane"] = [dataset.types[t].label for t in out["type"]]
        out["lane_order"] = out["type"].map(order)
        out["lane_color"] = out["type"].map(type_colors(dataset))
    else:
        out = frame.lanes(rows.assign(joint=rows["countries"])).rename(columns={"joint": "countries"})
        if selected:
            out = out[out["country"].isin(selected)]
        order = {code: i for i, code in enumerate(dataset.countries)}
        out["lane"] = [dataset.countries[c].name for c in out["country"]]
        out["lane_order"] = out["country"].map(order)
        out["lane_color"] = out["country"].map(colors)
    out["color"] = out["country"].map(colors)
    return out.sort_values(["lane_order", "start", "id"], kind="stable").reset_index(drop=True)


def _lane_names(marks: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(marks["lane"]))


# --- views ------------------------------------------------------------------------------------


def timeline(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> go.Figure:
    """One lane per country (or type); symbol by type, colour by country, status by fill.

    Lean on the wire (the app sends this figure on every filter change, and datasets run to
    tens of thousands of events): one trace of points per colour, so colour, country and the
    hover's last line are said once per trace; lanes are numbers with the names as tick labels;
    each point carries only its date, lane, id, title and one line of detail. Overlays and spans add
    little: firsts and failures are rare, spans too.

    Symbols are plotly's names, not its numeric codes: plotly.js reads a point's symbol as
    ``point || trace``, and for circle's falsy code 0 it converted the trace's whole symbol list to
    a string once per circle (quadratic: a fifth of a 10,000-event SVG draw).
    """
    marks = placed(rows, filters, dataset)
    lanes = _lane_names(marks)
    layout = base_layout(filters, look, f"{len(rows):,} event{'s' * (len(rows) != 1)}")
    layout["height"] = 320
    if marks.empty:
        return empty(layout, look.theme)
    marks["y"] = marks["lane"].map({lane: i for i, lane in enumerate(lanes)})
    marks["x"] = marks["start"].dt.strftime("%Y-%m-%d")
    symbols = type_symbols(dataset)
    marks["symbol"] = [status_symbol(symbols[t], s) for t, s in zip(marks["type"], marks["status"])]
    marks["title_text"] = [text(t) for t in marks["title"]]
    marks["detail"] = _details(marks, dataset, filters)
    scatter = "scattergl" if len(marks) > GL_POINTS else "scatter"
    names = {code: c.name for code, c in dataset.countries.items()}
    data = _spans(marks[marks["end"] != ""])
    for country, group in marks.groupby("country", sort=False):
        color = group["color"].iat[0]
        sizes = [15 if f else 11 for f in group["first"]]
        data.append({
            "type": scatter, "mode": "markers", "name": "Events", "showlegend": False, "meta": country,
            "x": group["x"].tolist(), "y": group["y"].tolist(), "customdata": group["id"].tolist(),
            "hovertext": group["title_text"].tolist(), "text": group["detail"].tolist(),
            "hovertemplate": HOVER.replace("<extra>", f"<br>{text(names[country])}<extra>"),
            "marker": {"symbol": group["symbol"].tolist(), "size": sizes if len(set(sizes)) > 1 else sizes[0],
                       "color": color, "opacity": 1, "line": {"color": color, "width": 1.6}},
        })  # fmt: skip
    data += _overlays(marks, scatter, look.theme)
    key = _keys(marks, filters, dataset, look.theme)
    data += key
    lane_height = 34 if look.narrow else 46
    layout["height"] = 130 + lane_height * max(len(lanes), 2) + look.legend_height([entry["name"] for entry in key])
    layout["xaxis"].update(type="date", range=date_range(marks["start"].min(), marks["stop"].max()))
    layout["yaxis"].update(
        type="linear", range=[len(lanes) - 0.5, -0.5], tickmode="array", tickvals=list(range(len(lanes))),
        ticktext=_lane_labels(marks, lanes, filters, look),
        fixedrange=True, showgrid=True, ticks="", automargin=True, title=None,
    )  # fmt: skip
    layout.update(barmode="overlay", hovermode="closest", dragmode="zoom")
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def activity(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> go.Figure:
    """Events per year (per decade over long spans), stacked by country (or type)."""
    marks = placed(rows, filters, dataset)
    layout = base_layout(filters, look, "events per year")
    layout["height"] = 340 if look.narrow else 440
    if marks.empty:
        return empty(layout, look.theme)
    years = marks["start"].dt.year
    by_decade = years.max() - years.min() > DECADES_AFTER_YEARS
    marks = marks.assign(bin=years // 10 * 10 if by_decade else years)
    unit = "decade" if by_decade else "year"
    layout["title"]["text"] = title(filters, f"events per {unit}")
    counts = marks.groupby(["lane_order", "lane", "lane_color", "bin"], sort=True).size()
    data = []
    for (_, lane, color), per_bin in counts.groupby(level=[0, 1, 2], sort=True):
        bins = per_bin.index.get_level_values("bin").tolist()
        label = [f"{b}s" if by_decade else str(b) for b in bins]
        data.append({
            "type": "bar", "name": text(lane), "x": bins, "y": per_bin.tolist(), "marker": {"color": color},
            "width": 8 if by_decade else 0.8, "customdata": label,
            "hovertemplate": f"{text(lane)}<br>%{{customdata}}: %{{y}} event(s)<extra></extra>",
        })  # fmt: skip
    lo, hi = int(marks["bin"].min()), int(marks["bin"].max())
    step = 10 if by_decade else max(1, round((hi - lo) / 12))
    ticks = list(range(lo, hi + 1, step))
    layout["xaxis"].update(
        tickvals=ticks, ticktext=[f"{t}s" if by_decade else str(t) for t in ticks],
        range=[lo - step * 0.6, hi + step * 0.6] if by_decade else [lo - 0.7, hi + 0.7],
    )  # fmt: skip
    layout["yaxis"].update(title={"text": "Events"}, rangemode="tozero", tickformat="d", fixedrange=True)
    layout.update(barmode="stack", hovermode="closest", bargap=0.15)
    layout["legend"].update(traceorder="normal")
    layout["height"] += look.legend_height([trace["name"] for trace in data])
    return go.Figure({"data": data, "layout": layout}, _validate=False)


# view -> builder(filtered rows, filters, dataset, look). A new view adds its entry here.
BUILDERS: dict[str, Callable[[pd.DataFrame, Filters, Dataset, Look], go.Figure]] = {
    "timeline": timeline,
    "activity": activity,
    "race": race.figure,
}


# --- timeline pieces -----------------------------------------------------------------------------------


def _spans(spans: pd.DataFrame) -> list[dict]:
    """One bar trace for every event with an end: a bar over its span, faint while planned."""
    if spans.empty:
        return []
    days = (spans["stop"] - spans["start"]).dt.days + 1
    return [{
        "type": "bar", "orientation": "h", "name": "Spans", "showlegend": False,
        "y": spans["y"].tolist(), "base": spans["x"].tolist(), "x": (days * 86_400_000).tolist(),
        "width": 0.34, "customdata": spans["id"].tolist(), "hovertext": spans["title_text"].tolist(),
        "text": spans["detail"].tolist(), "textposition": "none", "hovertemplate": HOVER,
        "marker": {"color": [alpha(c, 0.2 if s == "planned" else 0.55) for c, s in zip(spans["color"], spans["status"])],
                   "line": {"color": spans["color"].tolist(), "width": 1.5}},
    }]  # fmt: skip


def _overlays(marks: pd.DataFrame, scatter: str, theme: Theme) -> list[dict]:
    """A ring around world firsts and a cross over failures: one trace each, not one per event."""
    out = []
    for mask, symbol, size, name in (
        (marks["first"], "circle-open", 23, "first"),
        (marks["status"] == "failed", "x-thin-open", 13, "failed"),
    ):
        picked = marks[mask]
        if not picked.empty:
            out.append({
                "type": scatter, "mode": "markers", "name": name, "showlegend": False, "hoverinfo": "skip",
                "x": picked["x"].tolist(), "y": picked["y"].tolist(), "customdata": picked["id"].tolist(),
                "marker": {"symbol": symbol, "size": size, "color": theme.text, "line": {"color": theme.text, "width": 1.6}},
            })  # fmt: skip
    return out


def _keys(marks: pd.DataFrame, filters: Filters, dataset: Dataset, theme: Theme) -> list[dict]:
    """Legend entries that explain the marks (types, status, firsts; countries when lanes are types)."""
    if filters.lanes == "type":
        present, colors = set(marks["country"]), country_colors(dataset)
        out = [legend_entry(c.name, "square", colors[code]) for code, c in dataset.countries.items() if code in present]
    else:
        present, symbols = set(marks["type"]), type_symbols(dataset)
        out = [legend_entry(t.label, symbols[key], theme.muted) for key, t in dataset.types.items() if key in present]
    return out + status_keys(marks["status"], bool(marks["first"].any()), theme)


def _details(marks: pd.DataFrame, dataset: Dataset, filters: Filters) -> list[str]:
    """Each mark's hover line under its title: the date at its precision, the type, and what else
    matters (other countries of a joint event, a status other than achieved, a world first)."""
    names = {code: c.name for code, c in dataset.countries.items()}
    columns = ("date_label", "end_label", "countries", "country", "type_label", "status", "first")
    out = []
    for date, end, countries, country, kind, status, first in zip(*(marks[c].tolist() for c in columns)):
        parts = [f"{date} – {end}" if end else date, kind]
        others = [names[c] for c in countries if c != country]
        if others:
            parts.append(("with " if filters.lanes == "country" else "also ") + ", ".join(others))
        if status != "achieved":
            parts.append(status)
        if first:
            parts.append("world first")
        out.append(text(" · ".join(parts)))
    return out


def _lane_labels(marks: pd.DataFrame, lanes: list[str], filters: Filters, look: Look) -> list[str]:
    """Lane names, wrapped; on a phone, country lanes show their codes to leave room for the events."""
    if look.narrow and filters.lanes == "country":
        codes = dict(zip(marks["lane"], marks["country"]))
        return [codes[lane] for lane in lanes]
    return [wrap(lane, 10 if look.narrow else 16) for lane in lanes]


