"""Chart pieces every chart shares: theme, palette, status symbols, the base layout, the empty
chart, legend keys, text escaping and wrapping, the date range.

``figures`` (timeline, activity) and ``race`` build on these, so every chart looks and reads alike;
nothing here knows a view.
"""

from __future__ import annotations

import html
import itertools
import math
import textwrap
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from .frame import Filters
from .models import SYMBOLS, Dataset, shape

# Okabe & Ito's colour-blind-safe palette (black left out: it vanishes on the dark theme; yellow
# last: it is faint on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
# Lanes beyond the first eight: Okabe & Ito's seven colours, then Paul Tol's "muted" and "light"
# qualitative schemes (grey is kept for "Other countries"): 24 distinct colours in all.
LANE_PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
    "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00",
)  # fmt: skip
OTHER_COLOR = "#999999"
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


CHAR_PX = 7.5  # a 13 px character of the chart's font, on the wide side (DejaVu Sans, "European", "W")
PLOT_MARGIN_PX = 230  # lane labels and margins: the plot is the chart's width less this ...
PLOT_MARGIN_NARROW_PX = 70  # ... and on a phone, where the lanes are labelled with codes
PLOT_RIGHT_PX = 16  # the charts' right margin


@dataclass(frozen=True)
class Look:
    """How a chart is drawn: its theme, when known the width in pixels it will get, and the event
    open in the details (a busy lane of the timeline keeps it as a marker)."""

    theme: Theme
    width: int | None = None
    selected: str = ""

    @property
    def narrow(self) -> bool:
        return self.width is not None and self.width < 640

    @property
    def plot_width(self) -> int:
        """The plot's width: the chart's less its lane labels and margins (codes only on a phone)."""
        return max(200, (self.width or 1100) - (PLOT_MARGIN_NARROW_PX if self.narrow else PLOT_MARGIN_PX))

    def fit_legend(self, layout: dict, names: list[str], left: int | None = None) -> int:
        """Lay the horizontal legend of ``names`` out as a grid of equal columns, each as wide as the
        longest name needs (plotly's own flow puts one entry a row as soon as one name is long),
        and return the height it needs: as many columns as fit the plot's width, at most five.
        ``left``: the chart's left margin, when known (else the usual room for lane labels)."""
        entry = 40 + int(CHAR_PX * max(map(len, names), default=0) * (11 if self.narrow else 13) / 13)
        plot = self.plot_width if left is None else (self.width or 1100) - left - PLOT_RIGHT_PX
        per_row = max(1, min(5, plot // entry))  # plotly lays the legend out within the plot's width
        layout["legend"].update(entrywidthmode="pixels", entrywidth=entry - 40)  # plotly adds the symbol's 40
        return 22 * -(-len(names) // per_row)


def country_colors(dataset: Dataset) -> dict[str, str]:
    """Each country's registry colour, else the next ``LANE_PALETTE`` colour that no registry colour
    and no earlier country took, in registry order: up to 24 lanes never share a colour."""
    taken = {c.color.upper() for c in dataset.countries.values() if c.color}
    spare = iter([c for c in LANE_PALETTE if c.upper() not in taken])
    return {code: c.color or next(spare, OTHER_COLOR) for code, c in dataset.countries.items()}


def type_colors(dataset: Dataset) -> dict[str, str]:
    """A palette colour per event type, in registry order (for lanes by type): 24 distinct."""
    return {key: LANE_PALETTE[i % len(LANE_PALETTE)] for i, key in enumerate(dataset.types)}


def type_symbols(dataset: Dataset) -> dict[str, str]:
    """Each type's registry symbol, else the next symbol that looks like none a registry entry took."""
    taken = {shape(t.symbol) for t in dataset.types.values() if t.symbol}
    free = [s for s in SYMBOLS if s == shape(s) and s not in taken]
    spare = itertools.cycle(free or SYMBOLS)
    return {key: t.symbol or next(spare) for key, t in dataset.types.items()}


def status_symbol(symbol: str, status: str) -> str:
    """A type's symbol as drawn for ``status``: filled, hollow (planned) or dotted (partial)."""
    suffix = STATUS_SYMBOL[status]
    return symbol + ("-open" if suffix == "-open-dot" and symbol in NO_DOT else suffix)


def base_layout(filters: Filters, look: Look, what: str, dataset: Dataset | None = None) -> dict:
    """Theme colours, fonts, margins, a title saying what is shown, a horizontal legend below."""
    theme, small = look.theme, look.narrow
    axis = {"gridcolor": theme.grid, "linecolor": theme.grid, "zeroline": False, "color": theme.muted}
    return {
        "title": {"text": title(filters, what, dataset), "x": 0, "xref": "container", "xanchor": "left", "pad": {"l": 10},
                  "font": {"size": 13 if small else 15}},
        "paper_bgcolor": theme.background, "plot_bgcolor": theme.background,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "color": theme.text, "size": 13},
        "margin": {"l": 10, "r": PLOT_RIGHT_PX, "t": 48, "b": 10}, "xaxis": dict(axis), "yaxis": dict(axis),
        "legend": {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container", "yanchor": "bottom",
                   "itemclick": False, "itemdoubleclick": False,
                   "font": {"color": theme.muted, "size": 11 if small else 13}},
        "hoverlabel": {"font": {"family": "system-ui, sans-serif"}}, "autosize": True, "template": template(theme),
    }  # fmt: skip


def template(theme: Theme) -> dict:
    """What every chart takes from plotly's default template, said once and small: the charts set
    their own colours, so the rest of plotly's (7 KB in every figure) is left out."""
    axis = {"automargin": True, "ticks": "", "title": {"standoff": 15}}
    return {
        "layout": {"autotypenumbers": "strict", "hoverlabel": {"align": "left"}, "xaxis": axis, "yaxis": axis},
        "data": {"bar": [{"marker": {"line": {"color": theme.background, "width": 0.5}}}]},
    }


def title(filters: Filters, what: str, dataset: Dataset | None = None) -> str:
    """``All countries, 1957-1975 · 48 events``: the filters in words, then what is counted."""
    shown = filters.describe(dataset)
    return text(f"{shown[0].upper()}{shown[1:]} · {what}")


def empty(layout: dict, theme: Theme) -> dict:
    """The chart when nothing matches: hidden axes and a line saying so."""
    layout["xaxis"].update(visible=False)
    layout["yaxis"].update(visible=False)
    layout["annotations"] = [{
        "text": "No events match these filters", "showarrow": False, "xref": "paper", "yref": "paper",
        "x": 0.5, "y": 0.5, "font": {"size": 16, "color": theme.muted},
    }]  # fmt: skip
    return {"data": [], "layout": layout}


def legend_entry(name: str, symbol: str, color: str, size: int = 11) -> dict:
    """A legend-only trace: a marker and a name, no data."""
    return {
        "type": "scatter", "mode": "markers", "name": text(name), "x": [None], "y": [None], "hoverinfo": "skip",
        "marker": {"symbol": symbol, "size": size, "color": color, "line": {"color": color, "width": 1.6}},
    }  # fmt: skip


def status_keys(statuses: Iterable[str], firsts: bool, theme: Theme) -> list[dict]:
    """Legend entries for the status marks shown (hollow, dotted, crossed) and the world-first ring."""
    shown = set(statuses)
    out = [legend_entry(label, "circle" + STATUS_SYMBOL[s], theme.muted)
           for s, label in STATUS_LABEL.items() if s in shown and s != "failed"]  # fmt: skip
    if "failed" in shown:
        out.append(legend_entry(STATUS_LABEL["failed"], "x-thin-open", theme.text))
    if firsts:
        out.append(legend_entry(FIRST_LABEL, "circle-open", theme.text, 16))
    return out


def label_margin(labels: Iterable[str]) -> int:
    """The left margin for the y axis' labels (lines joined by ``<br>``, escaped), a little more than
    they take: plotly makes room itself when a margin is short, but by drawing the chart twice."""
    longest = max((len(html.unescape(line)) for label in labels for line in label.split("<br>")), default=0)
    return 21 + math.ceil(CHAR_PX * longest)


def wrap(label: str, width: int, lines: int = 3) -> str:
    """A lane label broken over lines of about ``width`` characters so long names do not squeeze the
    chart, and over ``lines`` at most (wider where a long name needs it, up to twice ``width``; a
    name longer still is cut short with "…") so it does not run into the next lane's label. A word
    is never broken ("Organisati / on")."""
    most = 2 * width
    width = min(most, max(width, -(-len(label) // lines)))
    broken = textwrap.wrap(label, width, break_long_words=False)
    while len(broken) > lines and width < most:
        width += 2
        broken = textwrap.wrap(label, width, break_long_words=False)
    if len(broken) > lines or any(len(line) > most for line in broken):  # too long even so: cut short
        broken = textwrap.wrap(label, most, max_lines=lines, placeholder=" …")
    return "<br>".join(text(line) for line in broken) or text(label)


def text(value: str) -> str:
    """Plotly reads a few HTML tags in labels; escaping keeps titles plain text."""
    return html.escape(value, quote=False)


def alpha(color: str, alpha: float) -> str:
    """``#rrggbb`` as ``rgba(...)`` with the given opacity."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def date_range(lo: pd.Timestamp, hi: pd.Timestamp) -> list[str]:
    """The extent ``lo``..``hi`` with a margin (at least a year each side, so one event is not a dot)."""
    pad = max(pd.Timedelta(days=365), (hi - lo) * 0.04)
    return [(lo - pad).strftime("%Y-%m-%d"), (hi + pad).strftime("%Y-%m-%d")]
