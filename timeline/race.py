"""The race view: each country's milestones side by side, by date or by years since its own start.

Everyone who writes about the space race asks who did what first, how long each programme took
from its first satellite to its first crew, station, landing or sample return, and who is catching
up. This module answers from the data, with pure functions: ``select`` picks, for each country and
milestone of the registry, the event that reached it; ``figure`` draws those picks, either one row
per milestone with a sub-lane per country so markers never pile up (``chart=date``), or a step line
per country of how many it had reached by each date (``chart=count``, from ``steps``); ``matrix``
gives the same picks as a table of dates, and ``scoreboard`` sums them up per country.

The rules, stated once so that chart, table and exports agree:

- An event counts for every milestone it names and every country it lists (a joint event counts
  for each of its countries).
- A country reaches a milestone with its earliest achieved or partial event for it. A planned
  event shows only while the milestone is not reached. Failures never count.
- The world first of a milestone is the earliest reach of it anywhere in the data, if the data marks
  that event ``first: true``. Filters change what is shown, never who was first.
- ``align=start`` measures time in years since each country's own first satellite (its earliest
  reach of ``first-satellite`` in the whole data). A country without one cannot be aligned; it is
  left out of the aligned chart and named in a note.
- Each event stays with the state that carried it out: the Soviet Union and Russia are separate
  countries, and Russia does not inherit Soviet milestones (``SUCCESSORS`` only adds a note).
- The country, status, year and world-first filters apply; type and search filters do not (the race
  compares milestones whatever their type or wording: ``shown_filters``).
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from . import frame
from .charts import (
    STATUS_SYMBOL,
    Look,
    base_layout,
    country_colors,
    date_range,
    empty,
    status_keys,
    text,
    wrap,
)
from .frame import Filters
from .models import Dataset, Event
from .tables import csv_safe

ANCHOR = "first-satellite"  # aligned time counts from each country's reach of this milestone
REACHED = ("achieved", "partial")
DAYS_PER_YEAR = 365.25
# successor -> predecessor. Russia continued the Soviet programme after 1991; the data records
# each event under the state that carried it out, and the view says so whenever either is shown.
SUCCESSORS = {"RU": "SU"}
# One marker shape per country (registry order), so countries differ by more than colour.
COUNTRY_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "pentagon", "hexagon", "triangle-down", "star")
BAND = 0.72  # share of a milestone row the countries' sub-lanes spread over


@dataclass(frozen=True)
class Reach:
    """How far ``country`` got with ``milestone``: the event that reached it, or the plan to."""

    milestone: str
    country: str
    event: Event
    world_first: bool = False
    years: float | None = None  # since the country's first satellite, when the data has one
    completed_by: Event | None = None  # a later full success, when ``event`` was a partial one

    @property
    def status(self) -> str:
        return self.event.status


@dataclass(frozen=True)
class Race:
    """What the race view shows for one set of filters."""

    milestones: tuple[str, ...]  # registry order: the chart's rows, top to bottom
    countries: tuple[str, ...]  # registry order: the sub-lanes and the matrix columns
    reaches: tuple[Reach, ...]  # milestone by milestone, country by country
    aligned: bool
    unaligned: tuple[str, ...] = ()  # countries with no first satellite in the data

    def at(self, milestone: str, country: str) -> Reach | None:
        return next((r for r in self.reaches if (r.milestone, r.country) == (milestone, country)), None)


def milestone_order(dataset: Dataset) -> tuple[str, ...]:
    """Milestone keys by their ``order`` (then key), the race's rows from top to bottom."""
    return tuple(sorted(dataset.milestones, key=lambda key: (dataset.milestones[key].order, key)))


def select(rows: pd.DataFrame, filters: Filters, dataset: Dataset) -> Race:
    """The race of the events in ``rows`` (what ``frame.apply`` kept for ``filters``).

    Countries are the selected ones, else every country with a milestone in ``rows``.
    """
    kept = set(rows["id"])
    shown = _picks(e for e in dataset.events if e.milestones and e.id in kept)
    everywhere = _picks((e for e in dataset.events if e.milestones), planned=False)
    firsts = _world_firsts(everywhere)
    anchors = {code: event for (code, key), (event, _) in everywhere.items() if key == ANCHOR}
    selected = set(filters.countries) or {code for code, _ in shown}
    countries = tuple(code for code in dataset.countries if code in selected)
    milestones = milestone_order(dataset)
    reaches = []
    for key in milestones:
        for code in countries:
            if (code, key) not in shown:
                continue
            event, completed_by = shown[code, key]
            anchor = anchors.get(code)
            years = (event.date.first_day - anchor.date.first_day).days / DAYS_PER_YEAR if anchor else None
            world_first = event.status in REACHED and firsts.get(key) == event.id
            reaches.append(Reach(key, code, event, world_first, years, completed_by))
    aligned = filters.align == "start"
    unaligned = tuple(code for code in countries if code not in anchors) if aligned else ()
    return Race(milestones, countries, tuple(reaches), aligned, unaligned)


def shown_filters(filters: Filters) -> Filters:
    """The filters the race applies: it compares milestones whatever their type or wording."""
    return filters.replace(types=(), q="")


def of(df: pd.DataFrame, filters: Filters, dataset: Dataset) -> Race:
    """The race for ``filters`` over the whole table (``frame.to_frame``), as ``figure`` draws it."""
    shown = shown_filters(filters)
    return select(frame.apply(df, shown), shown, dataset)


def _picks(events: Iterable[Event], planned: bool = True) -> dict[tuple[str, str], tuple[Event, Event | None]]:
    """(country, milestone) -> (the event that reached it, a later full success after a partial one).

    Where nothing reached a milestone, its earliest plan (when ``planned``).
    """
    reached: dict[tuple[str, str], Event] = {}
    completed: dict[tuple[str, str], Event] = {}
    plans: dict[tuple[str, str], Event] = {}
    for event in sorted(events, key=lambda e: (e.date.first_day, e.id)):
        for key in event.milestones:
            for code in event.countries:
                spot = (code, key)
                if event.status in REACHED:
                    if reached.setdefault(spot, event).status == "partial" and event.status == "achieved":
                        completed.setdefault(spot, event)
                elif event.status == "planned" and planned:
                    plans.setdefault(spot, event)
    return {spot: (event, completed.get(spot)) for spot, event in {**plans, **reached}.items()}


def _world_firsts(everywhere: dict[tuple[str, str], tuple[Event, Event | None]]) -> dict[str, str]:
    """milestone -> id of its world first: the earliest reach anywhere, if marked ``first``."""
    earliest: dict[str, Event] = {}
    by_date = sorted(everywhere.items(), key=lambda item: (item[1][0].date.first_day, item[1][0].id))
    for (_, key), (event, _) in by_date:
        earliest.setdefault(key, event)
    return {key: event.id for key, event in earliest.items() if event.first}


# --- the matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One milestone of one country in the matrix: its text and the event it opens (if any)."""

    reach: Reach | None
    text: str


def cell_text(reach: Reach | None) -> str:
    """``4 Oct 1957``, ``4 Jan 1959 (partial)``, ``planned 2030`` (dates at their precision), or a dash."""
    if reach is None:
        return "–"
    when = reach.event.date.label()
    if reach.status == "planned":
        return f"planned {when}"
    return f"{when} (partial)" if reach.status == "partial" else when


def years_text(years: float | None) -> str:
    """``+3.5 yr`` after the country's first satellite (``0 yr`` for the satellite itself)."""
    if years is None:
        return ""
    return "0 yr" if abs(years) < 0.05 else f"{years:+.1f} yr"


def matrix(race: Race, dataset: Dataset) -> list[tuple[str, list[Cell]]]:
    """Milestone label -> one cell per country of ``race``, rows in registry order."""
    return [
        (dataset.milestones[key].label, [Cell(r, cell_text(r)) for r in (race.at(key, c) for c in race.countries)])
        for key in race.milestones
    ]


def notes(race: Race, dataset: Dataset) -> list[str]:
    """What the view must say about what it leaves out or keeps apart."""
    names = {code: c.name for code, c in dataset.countries.items()}
    out = []
    if race.unaligned:
        left_out = ", ".join(names[c] for c in race.unaligned)
        out.append(f"Not in the aligned chart (no first satellite in the data): {left_out}.")
    for successor, predecessor in SUCCESSORS.items():
        if {successor, predecessor} & set(race.countries) and {successor, predecessor} <= set(names):
            then, now = names[predecessor], names[successor]
            out.append(f"{now} continued the {then}'s programme after 1991. Each event stays with the state that "
                       f"carried it out, so {then} milestones are not counted for {now}.")  # fmt: skip
    return out


# --- the chart ------------------------------------------------------------------------------------


def figure(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
    """The race chart ``filters.chart`` asks for: milestones by date (``dates``) or the count (``count``)."""
    return (count if filters.chart == "count" else dates)(rows, filters, dataset, look)


def _titled(filters: Filters, race: Race) -> Filters:
    """The filters a race chart's title says, by name: the countries raced when some were chosen."""
    return filters.replace(countries=race.countries) if filters.countries else filters


def dates(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
    """One row per milestone, time across; a sub-lane per country, a dot per milestone reached.

    Filled: achieved; dotted: partial; hollow: planned; ringed: the world first. ``align=start``
    plots years since each country's first satellite instead of dates.
    """
    race = select(rows, filters, dataset)
    theme, narrow = look.theme, look.narrow
    if race.aligned:
        what = "years since first satellite" if narrow else "years since each country's first satellite"
    else:
        what = "milestones by date"
    layout = base_layout(_titled(filters, race), look, what, dataset)
    plotted = [r for r in race.reaches if r.years is not None or not race.aligned]
    if not plotted:
        layout["height"] = 320
        return empty(layout, theme)
    data = _traces(race, plotted, dataset, look)
    # the timeline's legend keys for status and world firsts (no type keys: the race has no types)
    data += status_keys((r.status for r in plotted), any(r.world_first for r in plotted), theme)
    labels = [dataset.milestones[m].label for m in race.milestones]
    countries = len({r.country for r in plotted})
    lane = max(34, (9 if narrow else 10) * countries + 8)
    legend = [t["name"] for t in data if t.get("showlegend", True)]
    layout["height"] = 118 + lane * len(labels) + look.fit_legend(layout, legend)
    layout["yaxis"].update(
        tickvals=list(range(len(labels))), ticktext=[wrap(label, 16 if narrow else 22) for label in labels],
        range=[len(labels) - 0.5, -0.5], showgrid=False, fixedrange=True, ticks="", automargin=True, title=None,
    )  # fmt: skip
    layout["shapes"] = [
        {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": i - 0.5, "y1": i + 0.5,
         "fillcolor": theme.grid, "opacity": 0.4, "line": {"width": 0}, "layer": "below"}
        for i in range(0, len(labels), 2)
    ]  # fmt: skip
    layout["xaxis"].update(_time_axis(race, [_x(r, race.aligned) for r in plotted], dataset, look))
    layout.update(hovermode="closest", dragmode="zoom")
    layout["legend"].update(traceorder="normal")
    return {"data": data, "layout": layout}


def _traces(race: Race, plotted: list[Reach], dataset: Dataset, look: Look) -> list[dict]:
    """A markers trace per country (its own sub-lane of every row), and one ring trace.

    No lines: joined in row order a country's line ran back and forth in time, and joined in time
    order it zigzagged up and down the rows, crossing every other country's (screenshots of SU, US,
    CN, IN, JP and ESA compared). Each country keeps its own sub-lane, colour and marker shape, so
    the dots read as a matrix; the path through time is the count chart's (``chart=count``).
    """
    countries = [c for c in race.countries if any(r.country == c for r in plotted)]
    colors = country_colors(dataset)
    symbols = {code: COUNTRY_SYMBOLS[i % len(COUNTRY_SYMBOLS)] for i, code in enumerate(dataset.countries)}
    row = {key: i for i, key in enumerate(race.milestones)}
    size = 9 if look.narrow else 10
    data, firsts = [], []
    for k, code in enumerate(countries):
        mine = [r for r in plotted if r.country == code]
        offset = (k - (len(countries) - 1) / 2) * BAND / len(countries)
        x = [_x(r, race.aligned) for r in mine]
        y = [row[r.milestone] + offset for r in mine]
        color = colors[code]
        data.append({
            "type": "scatter", "mode": "markers", "name": text(dataset.countries[code].name), "legendgroup": code,
            "x": x, "y": y, "customdata": [r.event.id for r in mine], "cliponaxis": False,
            "hovertext": [_hover(r, dataset) for r in mine], "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"symbol": [symbols[code] + STATUS_SYMBOL[r.status] for r in mine], "size": size,
                       "color": color, "opacity": 1, "line": {"color": color, "width": 1.8}},
        })  # fmt: skip
        firsts += [(xi, yi, r.event.id) for xi, yi, r in zip(x, y, mine) if r.world_first]
    return data + _rings(firsts, size, look)


def _time_axis(race: Race, xs: list, dataset: Dataset, look: Look) -> dict:
    """Dates, or years since the first satellite (naming the countries that could not be aligned)."""
    if not race.aligned:
        starts = pd.to_datetime(pd.Series(xs))
        return {"type": "date", "range": date_range(starts.min(), starts.max())}
    lo, hi = min(0.0, min(xs)), max(xs)
    pad = max(1.0, (hi - lo) * 0.04)
    title = "Years since the country's first satellite"
    if race.unaligned:
        left_out = text(", ".join(dataset.countries[c].name for c in race.unaligned))
        note = f"Not shown (no first satellite in the data): {left_out}"
        title += f"<br><span style='font-size:0.85em'>{note}</span>"
    return {
        "type": "linear", "range": [lo - pad, hi + pad], "zeroline": True, "zerolinecolor": look.theme.muted,
        "zerolinewidth": 1, "title": {"text": title, "font": {"size": 12 if look.narrow else 13}},
    }  # fmt: skip


def _x(reach: Reach, aligned: bool) -> float | str:
    return round(reach.years, 3) if aligned else str(reach.event.date.first_day)


def _hover(reach: Reach, dataset: Dataset) -> str:
    """Title; country and milestone; date at its precision and the years since the first satellite."""
    event = reach.event
    country, milestone = dataset.countries[reach.country].name, dataset.milestones[reach.milestone].label
    lines = [f"<b>{text(event.title)}</b>", text(f"{country} · {milestone}")]
    when = event.date.label()
    if reach.years is not None and reach.milestone != ANCHOR:
        if abs(reach.years) < 0.05:
            when += " · with its first satellite"
        else:
            side = "after" if reach.years > 0 else "before"
            when += f" · {abs(reach.years):.1f} years {side} its first satellite"
    lines.append(when)
    if reach.status == "planned":
        lines.append("planned")
    elif reach.status == "partial":
        done = reach.completed_by
        full = f"; in full: {text(done.title)}, {done.date.label()}" if done else ""
        lines.append("partial success" + full)
    if reach.world_first:
        lines.append("world first")
    return "<br>".join(lines)


# --- the count chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a country's count: the milestones it reached (or plans to) at one time."""

    country: str
    count: int  # milestones reached by then (planned steps: would have reached)
    reaches: tuple[Reach, ...]  # the milestones this step adds, in registry order
    planned: bool = False

    @property
    def event(self) -> Event:
        """The event a click on the step opens: the first of the milestones it adds."""
        return self.reaches[0].event


def steps(race: Race) -> dict[str, list[Step]]:
    """Country -> its count of milestones reached, step by step in time (the picks of ``select``).

    A step per date (two milestones reached the same day are one step of two); achieved and partial
    reaches count, in date order; the plans follow, counting on from the last reach, in date order.
    With ``race.aligned``, countries without a first satellite have no steps.
    """
    order = {key: i for i, key in enumerate(race.milestones)}
    out: dict[str, list[Step]] = {}
    for code in race.countries:
        mine = [r for r in race.reaches if r.country == code and (r.years is not None or not race.aligned)]
        done = sorted((r for r in mine if r.status in REACHED), key=lambda r: (r.event.date.first_day, order[r.milestone]))
        plans = sorted((r for r in mine if r.status == "planned"),
                       key=lambda r: (r.event.date.first_day, order[r.milestone]))  # fmt: skip
        out[code], total = [], 0
        for planned, group in ((False, done), (True, plans)):
            for _, same_day in itertools.groupby(group, key=lambda r: r.event.date.first_day):
                added = tuple(same_day)
                total += len(added)
                out[code].append(Step(code, total, added, planned))
    return out


def count(rows: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
    """For each country a step line of how many milestones it has reached by each date.

    Markers sit on the steps (filled: achieved; dotted: a partial success; ringed: the world first)
    and carry the event id. Plans continue the line dashed to their dates, with hollow markers.
    ``align=start`` counts by years since each country's first satellite.
    """
    race = select(rows, filters, dataset)
    theme, narrow = look.theme, look.narrow
    since = "years since first satellite" if narrow else "years since each country's first satellite"
    what = f"milestones reached, by {since}" if race.aligned else "milestones reached, by date"
    layout = base_layout(_titled(filters, race), look, what, dataset)
    stepped = {code: s for code, s in steps(race).items() if s}
    if not stepped:
        layout["height"] = 320
        return empty(layout, theme)
    data = _count_traces(race, stepped, dataset, look)
    shown = [r for s in stepped.values() for step in s for r in step.reaches]
    data += status_keys((r.status for r in shown), any(r.world_first for r in shown), theme)
    legend = [t["name"] for t in data if t.get("showlegend", True)]
    layout["height"] = (340 if narrow else 460) + look.fit_legend(layout, legend)
    top = max(step.count for s in stepped.values() for step in s)
    layout["yaxis"].update(
        title={"text": f"Milestones reached (of {len(race.milestones)})", "font": {"size": 12 if narrow else 13}},
        range=[0, top + 0.6], tick0=0, dtick=1 if top <= 12 else 2, fixedrange=True, rangemode="tozero",
        showgrid=True, automargin=True,
    )  # fmt: skip
    xs = [_x(r, race.aligned) for r in shown]
    layout["xaxis"].update(_time_axis(race, xs, dataset, look))
    layout.update(hovermode="closest", dragmode="zoom")
    layout["legend"].update(traceorder="normal")
    return {"data": data, "layout": layout}


def _count_traces(race: Race, stepped: dict[str, list[Step]], dataset: Dataset, look: Look) -> list[dict]:
    """Per country: one solid step trace of its reaches (named by the country), one dashed trace of
    its plans (in the country's legend group, not in the legend), and one ring trace for world firsts."""
    colors = country_colors(dataset)
    symbols = {code: COUNTRY_SYMBOLS[i % len(COUNTRY_SYMBOLS)] for i, code in enumerate(dataset.countries)}
    size = 9 if look.narrow else 10
    total = len(race.milestones)
    data, firsts = [], []

    def trace(code: str, shown: list[Step], dash: str, **extra) -> dict:
        name = dataset.countries[code].name
        color = colors[code]
        return {
            "type": "scatter", "mode": "lines+markers", "legendgroup": code,
            "x": [_x(step.reaches[0], race.aligned) for step in shown], "y": [step.count for step in shown],
            "customdata": [step.event.id for step in shown], "cliponaxis": False,
            "hovertext": [_step_hover(step, name, total, dataset) for step in shown],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "line": {"shape": "hv", "color": color, "width": 2, "dash": dash},
            "marker": {"symbol": [symbols[code] + STATUS_SYMBOL[_step_status(step)] for step in shown], "size": size,
                       "color": color, "opacity": 1, "line": {"color": color, "width": 1.8}},
            **extra,
        }  # fmt: skip

    for code, all_steps in stepped.items():
        name = text(dataset.countries[code].name)
        reached = [s for s in all_steps if not s.planned]
        plans = [s for s in all_steps if s.planned]
        data.append(trace(code, reached, "solid", name=name))
        if plans:  # the dashed line starts from the last reach, so the plans continue the count
            data.append(trace(code, reached[-1:] + plans, "dash", name=f"{name} (planned)", showlegend=False))
        firsts += [(_x(s.reaches[0], race.aligned), s.count, s.event.id)
                   for s in reached if any(r.world_first for r in s.reaches)]  # fmt: skip
    return data + _rings(firsts, size, look)


def _step_status(step: Step) -> str:
    """How a step's marker is drawn: planned (hollow), partial (dotted) if any of it is, else achieved."""
    if step.planned:
        return "planned"
    return "partial" if any(r.status == "partial" for r in step.reaches) else "achieved"


def _step_hover(step: Step, country: str, total: int, dataset: Dataset) -> str:
    """``Soviet Union · 3 of 18``, then each milestone the step adds: its event, date, status."""
    head = f"{country} · {step.count} of {total}" + (" (planned)" if step.planned else "")
    lines = [f"<b>{text(head)}</b>"]
    for reach in step.reaches:
        label = dataset.milestones[reach.milestone].label
        when = reach.event.date.label()
        tags = [t for t, on in (("planned", reach.status == "planned"), ("partial success", reach.status == "partial"),
                                ("world first", reach.world_first)) if on]  # fmt: skip
        lines.append(text(f"{label}: {reach.event.title}, {when}" + (f" ({', '.join(tags)})" if tags else "")))
    if step.reaches[0].years is not None and step.reaches[0].milestone != ANCHOR:
        lines.append(f"{step.reaches[0].years:.1f} years after its first satellite")
    return "<br>".join(lines)


# --- the scoreboard -------------------------------------------------------------------------------

ORBIT = "first-human-in-orbit"  # the scoreboard's "years from first satellite to first citizen in orbit"
SCORE_COLUMNS = ("country", "reached", "firsts", "first", "latest", "to_orbit", "failures")  # sort keys


@dataclass(frozen=True)
class Score:
    """One country's row of the scoreboard, from the reaches of ``select`` (plans do not count)."""

    country: str
    order: int  # the country's place in the registry (the default sort)
    reached: tuple[Reach, ...]  # achieved or partial, in date order
    defined: int  # milestones in the registry
    firsts: tuple[Reach, ...]  # the world firsts among ``reached``, in date order
    orbit: Reach | None  # its reach of ``ORBIT``, if reached
    failures: int  # its failed events in the filters' years (``failures_filters``)

    @property
    def first(self) -> Reach | None:
        return self.reached[0] if self.reached else None

    @property
    def latest(self) -> Reach | None:
        return self.reached[-1] if self.reached else None

    @property
    def to_orbit(self) -> float | None:
        """Years from the country's first satellite to its first citizen in orbit."""
        return self.orbit.years if self.orbit else None


def failures_filters(filters: Filters, country: str) -> Filters:
    """The table view of ``country``'s failed events in the years of ``filters``: what the
    scoreboard's failure count counts, and where its link goes."""
    return Filters(view="table", countries=(country,), statuses=("failed",), start=filters.start, end=filters.end)


def scoreboard(race: Race, df: pd.DataFrame, filters: Filters) -> list[Score]:
    """A row per country of ``race``: milestones reached (of how many defined), world firsts, first and
    latest reach, years from first satellite to first citizen in orbit, failures recorded.

    ``df`` is the whole table (``frame.to_frame``); the reaches follow the race's filters.
    """
    out = []
    for i, code in enumerate(race.countries):
        mine = sorted((r for r in race.reaches if r.country == code and r.status in REACHED),
                      key=lambda r: (r.event.date.first_day, race.milestones.index(r.milestone)))  # fmt: skip
        orbit = next((r for r in mine if r.milestone == ORBIT), None)
        failed = len(frame.apply(df, failures_filters(filters, code)))
        out.append(Score(code, i, tuple(mine), len(race.milestones), tuple(r for r in mine if r.world_first),
                         orbit, failed))  # fmt: skip
    return out


def sort_key(column: str):
    """``scores.sort(key=sort_key(column))``; rows without a value go last (``_Last``)."""

    def value(score: Score):
        if column == "country":
            return score.order
        if column == "reached":
            return len(score.reached)
        if column == "firsts":
            return len(score.firsts)
        if column == "failures":
            return score.failures
        if column == "to_orbit":
            return score.to_orbit
        reach = score.first if column == "first" else score.latest
        return reach.event.date.first_day if reach else None

    return value


def sorted_scores(scores: list[Score], column: str = "country", descending: bool = False) -> list[Score]:
    """The scoreboard sorted by ``column`` (one of ``SCORE_COLUMNS``); blanks last either way."""
    column = column if column in SCORE_COLUMNS else "country"
    key = sort_key(column)
    by_order = sorted(scores, key=lambda s: s.order)  # ties keep the registry order (a stable sort, even reversed)
    known = sorted((s for s in by_order if key(s) is not None), key=key, reverse=descending)
    return known + [s for s in by_order if key(s) is None]


SCORE_CSV_HEADER = (
    "country", "name", "milestones_reached", "milestones_defined", "world_firsts", "first_milestone",
    "first_milestone_date", "first_milestone_event", "latest_milestone", "latest_milestone_date",
    "latest_milestone_event", "years_first_satellite_to_first_citizen_in_orbit", "failures_recorded",
)  # fmt: skip


def scoreboard_csv(scores: list[Score], dataset: Dataset) -> str:
    """The scoreboard as CSV: one row per country; dates at their precision (``1957-10-04``, ``2030``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as the events CSV: RFC 4180
    writer.writerow(SCORE_CSV_HEADER)

    def reach(r: Reach | None) -> list[str]:
        return [dataset.milestones[r.milestone].label, str(r.event.date), r.event.id] if r else ["", "", ""]

    for s in scores:
        years = "" if s.to_orbit is None else f"{s.to_orbit:.1f}"
        row = [s.country, dataset.countries[s.country].name, len(s.reached), s.defined, len(s.firsts),
               *reach(s.first), *reach(s.latest), years, s.failures]  # fmt: skip
        writer.writerow(csv_safe(v) for v in row)  # a name or label never runs as a spreadsheet formula
    return buffer.getvalue()


def scoreboard_file(df: pd.DataFrame, filters: Filters, dataset: Dataset) -> str:
    """The scoreboard CSV of ``filters``' race over the whole table (the app's download, the export)."""
    shown = shown_filters(filters)
    return scoreboard_csv(scoreboard(of(df, filters, dataset), df, shown), dataset)


def _rings(firsts: list[tuple], size: int, look: Look) -> list[dict]:
    """One trace ringing the world firsts, ``(x, y, event id)`` each, around markers of ``size``."""
    if not firsts:
        return []
    xs, ys, ids = zip(*firsts)
    ring = {"symbol": "circle-open", "size": size + 9, "color": look.theme.text,
            "line": {"color": look.theme.text, "width": 1.4}}  # fmt: skip
    return [{
        "type": "scatter", "mode": "markers", "name": "first", "showlegend": False, "hoverinfo": "skip",
        "x": list(xs), "y": list(ys), "customdata": list(ids), "cliponaxis": False, "marker": ring,
    }]  # fmt: skip
