"""Charts as pure functions: ``figure(view, df, filters, dataset) -> go.Figure``, and the same
chart as plotly's JSON (``plotly_json``), which the app sends.

The Dash app and ``timeline export`` both draw through ``figure``, so what is downloaded is what is
on screen. Callers pass the whole table from ``frame.to_frame(dataset)``; ``figure`` applies the
filters itself (``frame.apply``), so every caller filters the same way.

Figures stay lean for datasets of 10,000+ events: a trace of points per colour, one for all spans,
one per overlay, never one per event; above ``GL_POINTS`` points the scatter switches to WebGL;
traces are built as plain dicts and wrapped without plotly's slow validation.
Every plotted point of the timeline carries its event id as ``customdata``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import claims, frame, race, tables
from .charts import (
    HOVER,
    LANE_PALETTE,
    OTHER_COLOR,
    THEMES,
    Look,
    Theme,
    alpha,
    base_layout,
    country_colors,
    date_range,
    empty,
    label_margin,
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


def in_view(scatter: str) -> dict:
    """The marker setting that keeps an SVG scatter's markers in the page only while inside the
    axes' ranges: plotly restyles each marker it keeps at every zoom or pan, so a zoom into ten
    years then restyles that decade's alone (BENCHMARKS.md, Peers). ``maxdisplayed`` is a cap on
    the markers inside; this one is never reached. WebGL draws every point in one call and has no
    such setting."""
    return {"maxdisplayed": 10_000_000} if scatter == "scatter" else {}


def figure(
    view: str, df: pd.DataFrame, filters: Filters, dataset: Dataset, *, theme: str = "light", width: int | None = None,
    selected: str = "",
) -> go.Figure:
    """The chart of ``view`` for the events of ``df`` (``frame.to_frame``) that ``filters`` keep.

    ``width``, when known, is the width in pixels the chart gets; below 640 the chart is laid out
    for a phone (shorter lanes, wrapped labels, a taller legend). The height is always set.
    ``selected``: the event open in the details, which the timeline shows as a marker even in a
    busy lane.
    """
    return go.Figure(plotly_json(view, df, filters, dataset, theme=theme, width=width, selected=selected), _validate=False)


def plotly_json(
    view: str, df: pd.DataFrame, filters: Filters, dataset: Dataset, *, theme: str = "light", width: int | None = None,
    selected: str = "",
) -> dict:
    """``figure``'s chart as plotly's JSON (``{"data": [...], "layout": {...}}``), as the app sends it:
    no ``go.Figure`` on the way, which copies the whole chart once to make it and once to send it."""
    if view not in BUILDERS:
        raise ValueError(f"no chart for view {view!r} (one of {', '.join(BUILDERS)})")
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (one of {', '.join(THEMES)})")
    shown = view_filters(view, filters)
    return BUILDERS[view](frame.apply(df, shown), shown, dataset, Look(THEMES[theme], width, selected))


def view_filters(view: str, filters: Filters) -> Filters:
    """The filters ``view`` applies (the race's own: ``race.shown_filters``)."""
    if view == "race":
        return race.shown_filters(filters)
    return claims.only(filters) if view == "claims" else filters


def file_stem(view: str, filters: Filters) -> str:
    """A file name that says what a download shows: ``timeline_CN-SU_1957-1975``."""
    parts = [view, *(_claims_parts(filters) if view == "claims" else _event_parts(view, filters))]
    stem = "_".join(re.sub(r"[^A-Za-z0-9-]+", "-", p).strip("-") for p in parts if p)
    return stem[:120].rstrip("-_")


def _claims_parts(filters: Filters) -> list[str]:
    """Only the article and verdict filters apply to claims."""
    return ["-".join(filters.articles), "-".join(filters.verdicts)]


def _event_parts(view: str, filters: Filters) -> list[str]:
    parts = ["-".join(filters.countries), "-".join(filters.types), "-".join(filters.statuses)]
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
    return parts


def view_csv(view: str, df: pd.DataFrame, filters: Filters, dataset: Dataset) -> tuple[str, str]:
    """The CSV a view downloads (the app's menu) and exports (``timeline export``), and its file
    stem: the race's scoreboard, the claims' fact-check table, else the filtered events."""
    if view == "race":
        return race.scoreboard_file(df, filters, dataset), file_stem("race", filters) + "_scoreboard"
    if view == "claims":
        return claims.render(df, filters, dataset, "csv"), file_stem("claims", filters) + "_fact-check"
    return tables.to_csv(df, filters), file_stem("events", filters)


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
        order = {key: i for i, key in enumerate(dataset.types)}
        at = list(range(len(rows)))
        country = [next((c for c in cs if c in selected), cs[0]) for cs in rows["countries"]]
        lane_key = rows["type"].tolist()
        labels = {key: t.label for key, t in dataset.types.items()}
        lane_colors = type_colors(dataset)
    else:  # an event once in each of its (selected) countries' lanes
        order = {code: i for i, code in enumerate(dataset.countries)}
        pairs = [(i, c) for i, cs in enumerate(rows["countries"].tolist()) for c in cs if not selected or c in selected]
        at, country = [i for i, _ in pairs], [c for _, c in pairs]
        lane_key = country
        labels = {code: c.name for code, c in dataset.countries.items()}
        lane_colors = colors
    # one take of the rows, already in lane order, then by date and id: the chart's draw order
    lane_order = np.array([order[k] for k in lane_key], dtype=np.int64)
    starts = rows["start"].to_numpy("datetime64[s]").astype(np.int64)[at]
    ids = rows["id"].to_numpy(object)[at]
    sort = np.lexsort((ids, starts, lane_order)) if len(at) else np.array([], dtype=np.int64)
    out = rows.take(np.asarray(at, dtype=np.int64)[sort]).reset_index(drop=True)
    out["country"] = [country[i] for i in sort]
    out["lane"] = [labels[lane_key[i]] for i in sort]
    out["lane_order"] = lane_order[sort]
    out["lane_color"] = [lane_colors[lane_key[i]] for i in sort]
    out["color"] = [colors[country[i]] for i in sort]
    shown = set(out["country"].tolist())
    if filters.lanes == "country" and (len(shown) > LANES_MAX or any(colors[c] == OTHER_COLOR for c in shown)):
        out = _recolor_greys(_group_others(out, dataset))
        if (out["lane"] == OTHER).any():  # "Other countries" goes last
            out = out.sort_values(["lane_order", "start", "id"], kind="stable").reset_index(drop=True)
    return out


LANES_MAX = 24  # country lanes with a colour of their own; the rest share "Other countries"
OTHER = "Other countries"


def _group_others(out: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Beyond ``LANES_MAX`` countries, the ones with the fewest events share one grey lane, the last
    one; of countries with as many events, those later in the registry go first."""
    counts = Counter(out["country"].tolist())
    if len(counts) <= LANES_MAX:
        return out
    order = {code: i for i, code in enumerate(dataset.countries)}
    busiest = sorted(counts, key=lambda code: (-counts[code], order.get(code, len(order))))
    other = ~out["country"].isin(set(busiest[: LANES_MAX - 1]))
    out = out.copy()
    out.loc[other, ["lane", "lane_color", "color"]] = [OTHER, OTHER_COLOR, OTHER_COLOR]
    out.loc[other, "lane_order"] = len(order)  # after every registered country's lane
    return out


def _recolor_greys(out: pd.DataFrame) -> pd.DataFrame:
    """A shown country lane that ``country_colors`` left grey (past the palette's 24 colours in
    registry order) takes a palette colour no shown lane has, so no two shown lanes share one."""
    grey = (out["color"] == OTHER_COLOR) & (out["lane"] != OTHER)
    if not grey.any():
        return out
    used = set(out.loc[~grey, "color"].str.upper())
    spare = iter(c for c in LANE_PALETTE if c.upper() not in used)
    fresh = {code: next(spare, OTHER_COLOR) for code in dict.fromkeys(out.loc[grey].sort_values("lane_order")["country"])}
    out = out.copy()
    out.loc[grey, "color"] = out.loc[grey, "country"].map(fresh)
    out.loc[grey, "lane_color"] = out.loc[grey, "color"]
    return out


def others_note(marks: pd.DataFrame) -> str:
    """``12 countries with fewest events share "Other countries"``, when lanes were grouped."""
    lanes = marks["lane"].tolist()
    grouped = len({c for c, lane in zip(marks["country"].tolist(), lanes) if lane == OTHER}) if OTHER in lanes else 0
    return f" · {grouped} countries with the fewest events share “{OTHER}”" if grouped else ""


def _lane_names(marks: pd.DataFrame) -> list[str]:
    return list(marks["lane"].unique())  # in order of appearance


# --- views ------------------------------------------------------------------------------------


def timeline(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
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
    dense = dense_lanes(marks, look)
    what = f"{len(rows):,} {counted(rows, dataset, len(rows))}{others_note(marks)}"
    what += (" · busy lanes: counts" if look.narrow else " · busy lanes show how many events, zoom in for each") if dense else ""
    layout = base_layout(filters, look, what, dataset)
    layout["height"] = 320
    if marks.empty:
        return _empty_window(layout, filters, look) if filters.start and filters.end else empty(layout, look.theme)
    y_of = {lane: i for i, lane in enumerate(lanes)}
    marks["y"] = [y_of[lane] for lane in marks["lane"].tolist()]
    window = time_window(marks, filters)
    labels = _lane_labels(marks, lanes, filters, look)  # every lane's, before busy lanes keep only key events
    density, placed_all = (marks[marks["lane"].isin(dense)] if dense else None), marks
    points = _points(marks[as_markers(marks, dense, dataset, look.selected)] if dense else marks, dataset, filters)
    scatter = "scattergl" if len(points["id"]) > GL_POINTS else "scatter"
    names = {code: c.name for code, c in dataset.countries.items()}
    data = _density(density, window, look) + _spans(points)
    for country, at in _groups(points["country"]).items():
        group = _subset(points, at)
        color = group["color"][0]
        sizes = [15 if first else 11 for first in group["first"]]
        data.append({
            "type": scatter, "mode": "markers", "name": "Events", "showlegend": False, "meta": country,
            "cliponaxis": False,  # an event on the window's first or last day is drawn whole
            "x": group["x"], "y": group["y"], "customdata": group["id"],
            "hovertext": group["title_text"], "text": group["detail"],
            "hovertemplate": HOVER.replace("<extra>", f"<br>{text(names[country])}<extra>"),
            "marker": {"symbol": group["symbol"], "size": sizes if len(set(sizes)) > 1 else sizes[0],
                       "color": color, "opacity": 1, "line": {"color": color, "width": 1.6}, **in_view(scatter)},
        })  # fmt: skip
    data += _overlays(points, scatter, look.theme)
    data += _disputed(points, claims.wrong_events(dataset), scatter)
    # the legend explains every mark of the lanes, density bars' events included
    key = _keys(placed_all, filters, dataset, look.theme) + (
        [legend_entry(DENSITY_LABEL, "square", look.theme.muted)] if dense else []
    )
    data += key
    lane_height = 34 if look.narrow else 46
    left = label_margin(labels)
    legend_height = look.fit_legend(layout, [entry["name"] for entry in key], left)
    layout["height"] = 150 + lane_height * max(len(lanes), 2) + legend_height
    # the room the lane labels, the dates and the legend take, said up front (plotly's own margins,
    # found while drawing, made it draw the whole chart a second time: twice the first draw's time)
    layout["margin"].update(l=left, b=legend_height + 40)
    layout["xaxis"].update(type="date", range=[w.strftime("%Y-%m-%d") for w in window])
    layout["yaxis"].update(
        type="linear", range=[len(lanes) - 0.5, -0.5], tickmode="array", tickvals=list(range(len(lanes))),
        ticktext=labels,
        fixedrange=True, showgrid=True, ticks="", automargin=True, title=None,
    )  # fmt: skip
    layout.update(barmode="overlay", hovermode="closest", dragmode="zoom")
    return {"data": data, "layout": layout}


def activity(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
    """Events per year, per 5 years or per decade (``activity_bin``: whichever keeps the bars
    readable for the filtered span), stacked by country (or type); bins only within the data."""
    marks = placed(rows, filters, dataset)
    what = counted(rows, dataset)
    layout = base_layout(filters, look, f"{what} per year", dataset)
    layout["height"] = 340 if look.narrow else 440
    if marks.empty:
        return empty(layout, look.theme)
    years = marks["start"].dt.year
    size = activity_bin(int(years.min()), int(years.max()))
    marks = marks.assign(bin=years // size * size)
    middle = (size - 1) / 2  # a bar stands over the years it counts: a quick range shows it whole
    unit = {1: "year", 5: "5 years", 10: "decade"}[size]
    layout["title"]["text"] = title(filters, f"{what} per {unit}", dataset)
    counts = marks.groupby(["lane_order", "lane", "lane_color", "bin"], sort=True).size()
    data = []
    for (_, lane, color), per_bin in counts.groupby(level=[0, 1, 2], sort=True):
        bins = per_bin.index.get_level_values("bin").tolist()
        data.append({
            "type": "bar", "name": text(lane), "x": [b + middle for b in bins], "y": per_bin.tolist(),
            "marker": {"color": color},
            "width": size * 0.8, "customdata": [bin_label(b, size) for b in bins],
            "hovertemplate": f"{text(lane)}<br>%{{customdata}}: %{{y}} {text(what)}<extra></extra>",
        })  # fmt: skip
    lo, hi = int(marks["bin"].min()), int(marks["bin"].max())
    step = size * max(1, round((hi - lo) / size / 12))
    ticks = list(range(lo, hi + 1, step))
    layout["xaxis"].update(
        tickvals=[t + middle for t in ticks], ticktext=[bin_label(t, size, short=True) for t in ticks],
        range=[lo + middle - size * 0.6, hi + middle + size * 0.6],
    )  # fmt: skip
    layout["yaxis"].update(title={"text": what.capitalize()}, rangemode="tozero", tickformat="d", fixedrange=True)
    layout.update(barmode="stack", hovermode="closest", bargap=0.15)
    layout["legend"].update(traceorder="normal")
    layout["height"] += look.fit_legend(layout, [trace["name"] for trace in data])
    return {"data": data, "layout": layout}


def activity_bin(first: int, last: int) -> int:
    """Years per activity bar: single years up to 25 years of data, 5 years up to 60, else decades."""
    span = last - first
    return 1 if span <= 25 else 5 if span <= 60 else 10


def bin_label(start: int, size: int, short: bool = False) -> str:
    if size == 1:
        return str(start)
    if size == 10:
        return f"{start}s"
    return str(start) if short else f"{start}–{start + size - 1}"


def counted(rows: pd.DataFrame, dataset: Dataset, n: int = 2) -> str:
    """What the rows are, in words: "launches" when every row is of one type labelled Launch, else
    "events" (singular when ``n`` is 1)."""
    kinds = set(rows["type"].unique())
    if len(kinds) != 1:
        return "event" if n == 1 else "events"
    label = dataset.types[kinds.pop()].label.lower()
    if n == 1:
        return label
    return label + ("es" if label.endswith(("s", "sh", "ch", "x", "z")) else "s")


# view -> builder(filtered rows, filters, dataset, look). A new view adds its entry here.
BUILDERS: dict[str, Callable[[pd.DataFrame, Filters, Dataset, Look], dict]] = {
    "timeline": timeline,
    "activity": activity,
    "race": race.figure,
    "claims": claims.figure,
}


# --- timeline pieces -----------------------------------------------------------------------------------


# --- level of detail: a lane too busy to read shows how many events, and its key events ------------

# A lane shows each event while it holds at most one per DETAIL_PX pixels of plot width: 11-pixel
# markers then overlap by about half at worst, and each can still be seen and clicked. A busier
# lane draws its events' density (shaded steps, a step per DENSITY_PX pixels as tall as its share of
# the lane's busiest step) and, as markers on top, only the events that matter: world firsts, milestones,
# failures of crewed flights, events the articles mention or the claims are about, and the event
# open in the details. Zooming in (the URL's from/to) narrows the window until every lane shows each event.
DETAIL_PX = 6
DENSITY_PX = 5
DENSITY_LABEL = "Shaded: events per period (busy lanes)"


def dense_lanes(marks: pd.DataFrame, look: Look) -> set[str]:
    """The lanes with more events than the plot's width can show one by one."""
    if marks.empty:
        return set()
    fits = look.plot_width // DETAIL_PX
    return {lane for lane, n in Counter(marks["lane"].tolist()).items() if n > fits}


def key_events(marks: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """The events a busy lane still shows as markers."""
    decided = {e for c in dataset.claims for e in c.events}
    crewed_failure = (marks["status"] == "failed") & (marks["type"] == "crewed-flight")
    return (marks["first"] | marks["milestones"].map(bool) | crewed_failure | marks["mentioned_in"].map(bool)
            | marks["id"].isin(decided))  # fmt: skip


def as_markers(marks: pd.DataFrame, dense: set[str], dataset: Dataset, selected: str = "") -> pd.Series:
    """The marks the timeline draws one by one: every mark of a lane that is not busy, and in a busy
    lane its key events and the ``selected`` one."""
    return ~marks["lane"].isin(dense) | key_events(marks, dataset) | (marks["id"] == selected)


def hidden_in_density(df: pd.DataFrame, filters: Filters, dataset: Dataset, event: str, *, width: int | None = None) -> bool:
    """Whether the timeline of ``filters`` at ``width`` shows ``event`` only in its lanes' density:
    it is one of the chart's events and none of its marks is drawn one by one (``as_markers``)."""
    rows = frame.apply(df, view_filters("timeline", filters))
    if not (rows["id"] == event).any():
        return False
    marks = placed(rows, filters, dataset)
    dense = dense_lanes(marks, Look(THEMES["light"], width))
    return not as_markers(marks, dense, dataset)[marks["id"] == event].any()


def time_window(marks: pd.DataFrame, filters: Filters) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range: exactly the URL's from/to where given (so a zoom the URL records is redrawn
    where it was), else the events' extent with a margin."""
    lo, hi = (pd.Timestamp(x) for x in date_range(marks["start"].min(), marks["stop"].max()))
    if filters.start:
        lo = pd.Timestamp(filters.start.first_day)
    if filters.end:
        hi = pd.Timestamp(filters.end.last_day) + pd.Timedelta(days=1)
    return lo, max(hi, lo + pd.Timedelta(days=1))


def _empty_window(layout: dict, filters: Filters, look: Look) -> dict:
    """A zoom window with no event in it: the empty chart, but with its date axis, so a pan or a
    zoom out (wheel, drag, "All") still works from here."""
    figure = empty(layout, look.theme)
    lo, hi = filters.start.first_day, filters.end.last_day + dt.timedelta(days=1)
    figure["layout"]["xaxis"].update(visible=True, type="date", range=[str(lo), str(hi)])
    figure["layout"]["annotations"][0]["text"] = f"No events between {filters.start} and {filters.end}: zoom out, or press All"
    return figure


def _density(marks: pd.DataFrame | None, window: tuple[pd.Timestamp, pd.Timestamp], look: Look) -> list[dict]:
    """A trace per busy lane: its events per bin across the window, as one filled step outline
    rising from the lane's foot (hover: a bin's count and span). One path per lane, not a bar per
    bin: a zoom or pan redraws a few paths, whatever the number of bins and lanes."""
    if marks is None or marks.empty:
        return []
    lo, hi = window
    bins = max(10, look.plot_width // DENSITY_PX)
    edges = pd.date_range(lo, hi, periods=bins + 1)
    cuts = edges.to_numpy()  # in the edges' own unit: a window past 2262 or before 1677 has no nanoseconds
    xs = [x.replace("T", " ") for x in np.datetime_as_string(cuts, unit="m").tolist()]
    spans = _bin_spans(cuts, xs)
    out = []
    for lane, group in marks.groupby("lane", sort=False):
        # a bin holds the events from its edge up to the next one's
        at = np.searchsorted(cuts, group["start"].to_numpy().astype(cuts.dtype), side="right") - 1
        counts = np.bincount(at[(at >= 0) & (at < bins)], minlength=bins).tolist()
        top, foot, color = max(1, max(counts)), int(group["y"].iat[0]) + DENSITY_FOOT, group["lane_color"].iat[0]
        heights = [foot - DENSITY_HEIGHT * n / top for n in counts]
        said = [f"{text(lane)}: {n:,} event{'s' * (n != 1)}<br>{span}" for n, span in zip(counts, spans)]
        out.append({
            "type": "scatter", "mode": "lines", "name": "density", "showlegend": False, "fill": "toself",
            "x": [xs[0]] + [x for i in range(bins) for x in (xs[i], xs[i + 1])] + [xs[-1]],
            "y": [foot] + [h for h in heights for _ in (0, 1)] + [foot],
            "hovertext": [said[0]] + [t for t in said for _ in (0, 1)] + [said[-1]],
            "hovertemplate": "%{hovertext}<extra></extra>", "hoveron": "points",
            "line": {"width": 0}, "fillcolor": alpha(color, 0.55),
        })  # fmt: skip
    return out


DENSITY_FOOT = 0.37  # a lane's density rises from just above its foot (lanes are a unit apart) ...
DENSITY_HEIGHT = 0.74  # ... to this at its busiest bin


def _bin_spans(cuts: np.ndarray, minutes: list[str]) -> list[str]:
    """Each density bin's period in days (``1969-01-01 – 1969-01-05``), or its hours within one day
    (``1969-07-20 06:00 – 1969-07-20 12:00 UTC``); ``cuts`` are the bins' edges, ``minutes`` the
    same as text to the minute."""
    starts, stops = cuts[:-1], cuts[1:]
    days = np.datetime_as_string(starts, unit="D").tolist()
    last = np.datetime_as_string(stops - np.timedelta64(1, "D"), unit="D").tolist()
    wide = (stops - starts >= np.timedelta64(2, "D")).tolist()
    return [f"{days[i]} – {last[i]}" if wide[i] else f"{minutes[i]} – {minutes[i + 1]} UTC" for i in range(len(wide))]


SPAN_OFFSET = 0.2  # spans run as a thin band under the lane's line of markers, never over them


def _spans(points: dict[str, list]) -> list[dict]:
    """One bar trace for every event with an end: a thin band over its span, just under the lane's
    markers (overlapping spans never hide them), faint while planned."""
    spans = _subset(points, [i for i, end in enumerate(points["end"]) if end])
    if not spans["id"]:
        return []
    return [{
        "type": "bar", "orientation": "h", "name": "Spans", "showlegend": False,
        "y": [y + SPAN_OFFSET for y in spans["y"]], "base": spans["x"], "x": [d * 86_400_000 for d in spans["days"]],
        "width": 0.16, "customdata": spans["id"], "hovertext": spans["title_text"],
        "text": spans["detail"], "textposition": "none", "hovertemplate": HOVER,
        "marker": {"color": [alpha(c, 0.15 if s == "planned" else 0.4) for c, s in zip(spans["color"], spans["status"])],
                   "line": {"color": spans["color"], "width": 1.5}},
    }]  # fmt: skip


def _overlays(points: dict[str, list], scatter: str, theme: Theme) -> list[dict]:
    """A ring around world firsts and a cross over failures: one trace each, not one per event."""
    out = []
    for picked, symbol, size, name in (
        ([i for i, first in enumerate(points["first"]) if first], "circle-open", 23, "first"),
        ([i for i, status in enumerate(points["status"]) if status == "failed"], "x-thin-open", 13, "failed"),
    ):
        if picked:
            marks = _subset(points, picked)
            out.append({
                "type": scatter, "mode": "markers", "name": name, "showlegend": False, "hoverinfo": "skip",
                "x": marks["x"], "y": marks["y"], "customdata": marks["id"],
                "marker": {"symbol": symbol, "size": size, "color": theme.text, "line": {"color": theme.text, "width": 1.6},
                           **in_view(scatter)},
            })  # fmt: skip
    return out


DISPUTED = "#D55E00"
DISPUTED_LABEL = "▼ An article got it wrong (see Claims)"


def _disputed(points: dict[str, list], wrong: set[str], scatter: str) -> list[dict]:
    """A small vermillion ▼ just above each event some article got wrong or only partly right."""
    picked = _subset(points, [i for i, event in enumerate(points["id"]) if event in wrong])
    if not picked["id"]:
        return []
    return [{
        "type": scatter, "mode": "markers", "name": "disputed", "showlegend": False, "hoverinfo": "skip",
        "x": picked["x"], "y": [y - 0.3 for y in picked["y"]], "customdata": picked["id"],
        "marker": {"symbol": "triangle-down", "size": 8, "color": DISPUTED, "line": {"width": 0}, **in_view(scatter)},
    }]  # fmt: skip


def _keys(marks: pd.DataFrame, filters: Filters, dataset: Dataset, theme: Theme) -> list[dict]:
    """Legend entries that explain the marks (types, status, firsts; countries when lanes are types)."""
    if filters.lanes == "type":
        present, colors = set(marks["country"].unique()), country_colors(dataset)
        out = [legend_entry(c.name, "square", colors[code]) for code, c in dataset.countries.items() if code in present]
    else:
        present, symbols = set(marks["type"].unique()), type_symbols(dataset)
        out = [legend_entry(t.label, symbols[key], theme.muted) for key, t in dataset.types.items() if key in present]
    out += status_keys(marks["status"].unique(), bool(marks["first"].any()), theme)
    if not claims.wrong_events(dataset).isdisjoint(marks["id"].tolist()):
        out.append(legend_entry(DISPUTED_LABEL, "triangle-down", DISPUTED, 9))
    return out


def _points(marks: pd.DataFrame, dataset: Dataset, filters: Filters) -> dict[str, list]:
    """The marks drawn one by one as plain lists, one per field a trace reads: columns taken from
    the table once, where a trace per colour would cost pandas' per-call overhead each time."""
    points = {c: marks[c].tolist() for c in ("id", "country", "color", "y", "type", "status", "first", "end")}
    points["x"] = np.datetime_as_string(marks["start"].to_numpy("datetime64[D]"), unit="D").tolist()
    days_long = (marks["stop"].to_numpy() - marks["start"].to_numpy()) // np.timedelta64(1, "D") + 1
    points["days"] = days_long.tolist()
    symbols = type_symbols(dataset)
    points["symbol"] = [status_symbol(symbols[t], s) for t, s in zip(points["type"], points["status"])]
    points["title_text"] = [text(t) for t in marks["title"].tolist()]
    points["detail"] = _details(marks, dataset, filters)
    return points


def _subset(points: dict[str, list], at: list[int]) -> dict[str, list]:
    """The points at positions ``at``, every field."""
    return {field: [values[i] for i in at] for field, values in points.items()}


def _groups(keys: list[str]) -> dict[str, list[int]]:
    """The positions of each key, keys in order of first appearance."""
    out: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        out.setdefault(key, []).append(i)
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
        out.append(text(" · ".join(parts)))
    return out


def _lane_labels(marks: pd.DataFrame, lanes: list[str], filters: Filters, look: Look) -> list[str]:
    """Lane names, wrapped; on a phone, country lanes show their codes to leave room for the events."""
    if look.narrow and filters.lanes == "country":
        codes = dict(zip(marks["lane"], marks["country"]))
        return ["Other" if lane == OTHER else codes[lane] for lane in lanes]
    return [wrap(lane, 10, 2) if look.narrow else wrap(lane, 16) for lane in lanes]  # a phone's lanes fit 2 lines


