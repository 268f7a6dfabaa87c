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

import html
import itertools
import re
import textwrap
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from . import frame
from .frame import Filters
from .models import SYMBOLS, Dataset

# Okabe & Ito's colour-blind-safe palette (black left out: it vanishes on the dark theme; yellow
# last: it is faint on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
# Above this many points the scatter is drawn with WebGL (Scattergl). Below it SVG draws sooner:
# WebGL first builds a distance-field image of each symbol on the CPU (some 0.2 s each, once per
# page), so in headless Chromium a 10,000-event chart with 19 symbols drew in 5.3 s with WebGL
# and 3.0 s with SVG (zooming: 0.4-1.9 s and 1.5-1.8 s). SVG's cost grows with the points,
# WebGL's hardly: at 100,000 events only WebGL is usable.
GL_POINTS = 20_000
DECADES_AFTER_YEARS = 40  # the activity view counts per decade when the events span more years
STATUS_SYMBOL = {"achieved": "", "planned": "-open", "partial": "-open-dot", "failed": ""}
NO_DOT = {"hourglass", "bowtie", "asterisk", "y-up"}  # plotly has no "-open-dot" of these: "-open"
HOVER = "<b>%{hovertext}</b><br>%{text}<extra></extra>"
STATUS_LABEL = {"planned": "Planned (hollow)", "partial": "Partial (dotted)", "failed": "Failed (crossed)"}
FIRST_LABEL = "World first (ringed)"


@dataclass(frozen=True)
class Theme:
    """Colours of a chart's chrome; the data colours are the same in every theme."""

    background: str
    text: str
    muted: str
    grid: str


THEMES = {
    "light": Theme(background="#ffffff", text="#1f2933", muted="#52606d", grid="#e4e7eb"),
    "dark": Theme(background="#16191d", text="#e4e7eb", muted="#a5b0bc", grid="#2e353d"),
}


@dataclass(frozen=True)
class Look:
    """How a chart is drawn: its theme and, when known, the width in pixels it will get."""

    theme: Theme
    width: int | None = None

    @property
    def narrow(self) -> bool:
        return self.width is not None and self.width < 640

    def legend_height(self, names: list[str]) -> int:
        """Room for a horizontal legend of ``names``: as many a row as the longest name allows."""
        entry = 40 + 6 * max(map(len, names), default=0) * (11 if self.narrow else 13) // 13
        per_row = max(1, min(5, ((self.width or 1100) - 40) // entry))
        return 22 * -(-len(names) // per_row)


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
    """The filters ``view`` applies: the race compares milestones whatever their type or wording."""
    return filters.replace(types=(), q="") if view == "race" else filters


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
    if view == "race" and filters.align == "start":
        parts.append("since-first-satellite")
    stem = "_".join(re.sub(r"[^A-Za-z0-9-]+", "-", p).strip("-") for p in parts if p)
    return stem[:120].rstrip("-_")


# --- colours, symbols and lanes ---------------------------------------------------------------


def country_colors(dataset: Dataset) -> dict[str, str]:
    """Each country's registry colour, else the next palette colour no registry colour took."""
    taken = {c.color.upper() for c in dataset.countries.values() if c.color}
    spare = itertools.cycle([c for c in PALETTE if c.upper() not in taken] or PALETTE)
    return {code: c.color or next(spare) for code, c in dataset.countries.items()}


def type_colors(dataset: Dataset) -> dict[str, str]:
    """A palette colour per event type, in registry order (for lanes by type)."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(dataset.types)}


def type_symbols(dataset: Dataset) -> dict[str, str]:
    """Each type's registry symbol, else the next symbol no registry entry took."""
    taken = {t.symbol for t in dataset.types.values() if t.symbol}
    spare = itertools.cycle([s for s in SYMBOLS if s not in taken] or SYMBOLS)
    return {key: t.symbol or next(spare) for key, t in dataset.types.items()}


def status_symbol(symbol: str, status: str) -> str:
    """A type's symbol as drawn for ``status``: filled, hollow (planned) or dotted (partial)."""
    suffix = STATUS_SYMBOL[status]
    return symbol + ("-open" if suffix == "-open-dot" and symbol in NO_DOT else suffix)


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
    layout = _layout(filters, look, f"{len(rows):,} event{'s' * (len(rows) != 1)}")
    layout["height"] = 320
    if marks.empty:
        return _empty(layout, look.theme)
    marks["y"] = marks["lane"].map({lane: i for i, lane in enumerate(lanes)})
    marks["x"] = marks["start"].dt.strftime("%Y-%m-%d")
    symbols = type_symbols(dataset)
    marks["symbol"] = [status_symbol(symbols[t], s) for t, s in zip(marks["type"], marks["status"])]
    marks["title_text"] = [_text(t) for t in marks["title"]]
    marks["detail"] = _details(marks, dataset, filters)
    scatter = "scattergl" if len(marks) > GL_POINTS else "scatter"
    names = {code: c.name for code, c in dataset.countries.items()}
    data = []
    spans = marks[marks["end"] != ""]
    if not spans.empty:
        days = (spans["stop"] - spans["start"]).dt.days + 1
        data.append({
            "type": "bar", "orientation": "h", "name": "Spans", "showlegend": False,
            "y": spans["y"].tolist(), "base": spans["x"].tolist(), "x": (days * 86_400_000).tolist(),
            "width": 0.34, "customdata": spans["id"].tolist(), "hovertext": spans["title_text"].tolist(),
            "text": spans["detail"].tolist(), "textposition": "none", "hovertemplate": HOVER,
            "marker": {"color": [_alpha(c, 0.2 if s == "planned" else 0.55) for c, s in zip(spans["color"], spans["status"])],
                       "line": {"color": spans["color"].tolist(), "width": 1.5}},
        })  # fmt: skip
    for country, group in marks.groupby("country", sort=False):
        color = group["color"].iat[0]
        sizes = [15 if f else 11 for f in group["first"]]
        data.append({
            "type": scatter, "mode": "markers", "name": "Events", "showlegend": False, "meta": country,
            "x": group["x"].tolist(), "y": group["y"].tolist(), "customdata": group["id"].tolist(),
            "hovertext": group["title_text"].tolist(), "text": group["detail"].tolist(),
            "hovertemplate": HOVER.replace("<extra>", f"<br>{_text(names[country])}<extra>"),
            "marker": {"symbol": group["symbol"].tolist(), "size": sizes if len(set(sizes)) > 1 else sizes[0],
                       "color": color, "opacity": 1, "line": {"color": color, "width": 1.6}},
        })  # fmt: skip
    data += _overlays(marks, scatter, look.theme)
    key = _key(marks, filters, dataset, type_symbols(dataset), look.theme)
    data += key
    lane_height = 34 if look.narrow else 46
    layout["height"] = 130 + lane_height * max(len(lanes), 2) + look.legend_height([entry["name"] for entry in key])
    layout["xaxis"].update(type="date", range=_date_range(marks))
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
    layout = _layout(filters, look, "events per year")
    layout["height"] = 340 if look.narrow else 440
    if marks.empty:
        return _empty(layout, look.theme)
    years = marks["start"].dt.year
    by_decade = years.max() - years.min() > DECADES_AFTER_YEARS
    marks = marks.assign(bin=years // 10 * 10 if by_decade else years)
    unit = "decade" if by_decade else "year"
    layout["title"]["text"] = _title(filters, f"events per {unit}")
    counts = marks.groupby(["lane_order", "lane", "lane_color", "bin"], sort=True).size()
    data = []
    for (_, lane, color), per_bin in counts.groupby(level=[0, 1, 2], sort=True):
        bins = per_bin.index.get_level_values("bin").tolist()
        label = [f"{b}s" if by_decade else str(b) for b in bins]
        data.append({
            "type": "bar", "name": _text(lane), "x": bins, "y": per_bin.tolist(), "marker": {"color": color},
            "width": 8 if by_decade else 0.8, "customdata": label,
            "hovertemplate": f"{_text(lane)}<br>%{{customdata}}: %{{y}} event(s)<extra></extra>",
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


def race(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> go.Figure:
    """Each country's milestones side by side (``timeline.race``, which builds on this module)."""
    from . import race as race_view  # imported here: it imports this module

    return race_view.figure(rows, filters, dataset, look)


# view -> builder(filtered rows, filters, dataset, look). A new view adds its entry here.
BUILDERS: dict[str, Callable[[pd.DataFrame, Filters, Dataset, Look], go.Figure]] = {
    "timeline": timeline,
    "activity": activity,
    "race": race,
}


# --- pieces -----------------------------------------------------------------------------------


def _layout(filters: Filters, look: Look, what: str) -> dict:
    theme, small = look.theme, look.narrow
    axis = {"gridcolor": theme.grid, "linecolor": theme.grid, "zeroline": False, "color": theme.muted}
    return {
        "title": {"text": _title(filters, what), "x": 0, "xref": "container", "xanchor": "left", "pad": {"l": 10},
                  "font": {"size": 13 if small else 15}},
        "paper_bgcolor": theme.background, "plot_bgcolor": theme.background,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "color": theme.text, "size": 13},
        "margin": {"l": 10, "r": 16, "t": 48, "b": 10}, "xaxis": dict(axis), "yaxis": dict(axis),
        "legend": {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container", "yanchor": "bottom",
                   "itemclick": False, "itemdoubleclick": False,
                   "font": {"color": theme.muted, "size": 11 if small else 13}},
        "hoverlabel": {"font": {"family": "system-ui, sans-serif"}}, "autosize": True,
    }  # fmt: skip


def _title(filters: Filters, what: str) -> str:
    shown = filters.describe()
    return _text(f"{shown[0].upper()}{shown[1:]} · {what}")


def _empty(layout: dict, theme: Theme) -> go.Figure:
    layout["xaxis"].update(visible=False)
    layout["yaxis"].update(visible=False)
    layout["annotations"] = [{
        "text": "No events match these filters", "showarrow": False, "xref": "paper", "yref": "paper",
        "x": 0.5, "y": 0.5, "font": {"size": 16, "color": theme.muted},
    }]  # fmt: skip
    return go.Figure({"data": [], "layout": layout}, _validate=False)


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


def _key(marks: pd.DataFrame, filters: Filters, dataset: Dataset, symbols: dict[str, str], theme: Theme) -> list[dict]:
    """Legend entries that explain the marks (types, status, firsts; countries when lanes are types)."""

    def entry(name: str, symbol: str, color: str = theme.muted, size: int = 11) -> dict:
        return {
            "type": "scatter", "mode": "markers", "name": _text(name), "x": [None], "y": [None], "hoverinfo": "skip",
            "marker": {"symbol": symbol, "size": size, "color": color, "line": {"color": color, "width": 1.6}},
        }  # fmt: skip

    out = []
    if filters.lanes == "type":
        present = set(marks["country"])
        colors = country_colors(dataset)
        out += [entry(c.name, "square", colors[code]) for code, c in dataset.countries.items() if code in present]
    else:
        present = set(marks["type"])
        out += [entry(t.label, symbols[key]) for key, t in dataset.types.items() if key in present]
    statuses = set(marks["status"])
    out += [entry(label, "circle" + STATUS_SYMBOL[s]) for s, label in STATUS_LABEL.items() if s in statuses and s != "failed"]
    if "failed" in statuses:
        out.append(entry(STATUS_LABEL["failed"], "x-thin-open", theme.text))
    if marks["first"].any():
        out.append(entry(FIRST_LABEL, "circle-open", theme.text, 16))
    return out


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
        out.append(_text(" · ".join(parts)))
    return out


def _lane_labels(marks: pd.DataFrame, lanes: list[str], filters: Filters, look: Look) -> list[str]:
    """Lane names, wrapped; on a phone, country lanes show their codes to leave room for the events."""
    if look.narrow and filters.lanes == "country":
        codes = dict(zip(marks["lane"], marks["country"]))
        return [codes[lane] for lane in lanes]
    return [_wrap(lane, 10 if look.narrow else 16) for lane in lanes]


def _wrap(label: str, width: int) -> str:
    """A lane label broken over lines so long names do not squeeze the chart."""
    return "<br>".join(_text(line) for line in textwrap.wrap(label, width)) or _text(label)


def _text(value: str) -> str:
    """Plotly reads a few HTML tags in labels; escaping keeps titles plain text."""
    return html.escape(value, quote=False)


def _alpha(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _date_range(marks: pd.DataFrame) -> list[str]:
    """The events' extent with a margin (at least a year each side, so one event is not a dot)."""
    lo, hi = marks["start"].min(), marks["stop"].max()
    pad = max(pd.Timedelta(days=365), (hi - lo) * 0.04)
    return [(lo - pad).strftime("%Y-%m-%d"), (hi + pad).strftime("%Y-%m-%d")]
