"""A view's chart for a URL and a browser's look, as the app sends it: drawn once per snapshot of
the data and shared by every reader of that view (``Snapshot.memo``), with the key it was drawn
from, so that neither the page's first chart nor an opened event draws a chart twice.

``layout`` puts the main chart's first drawing into the page; ``callbacks`` draws every later one.
"""

from __future__ import annotations

from typing import Any

from . import figures, frame
from .charts import THEMES
from .frame import Filters
from .live import Snapshot
from .urlstate import drawn_key, write_url

EMPTY_FIGURE: dict[str, Any] = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
OWN_CHART = ("race", "claims")  # views drawn in their own graph, beside their tables
WIDTH_STEP = 20  # chart widths are told in steps (assets/timeline.js): readers share more drawings
WIDTHS = (280, 20_000)


def parse_look(value: Any) -> dict | None:
    """The browser's look, ``{"theme": "light", "width": 1060}``, from the ``look`` store or from the
    ``timeline-look`` cookie (``light.1060``), as ``assets/timeline.js`` tells it; anything else,
    none. The width is kept within ``WIDTHS`` and to a ``WIDTH_STEP``."""
    if isinstance(value, str):
        theme, _, width = value.partition(".")
        value = {"theme": theme, "width": int(width)} if width.isdigit() and len(width) < 7 else None
    if not isinstance(value, dict) or value.get("theme") not in THEMES:
        return None
    width = value.get("width")
    if not isinstance(width, int) or isinstance(width, bool):
        return None
    return {"theme": value["theme"], "width": min(max(width, WIDTHS[0]), WIDTHS[1]) // WIDTH_STEP * WIDTH_STEP}


def in_main_chart(view: str) -> bool:
    """Whether ``view`` is drawn in the main chart (``ids.CHART``): the timeline and activity."""
    return view in figures.BUILDERS and view not in OWN_CHART


def results_class(view: str) -> str:
    """The results area's class: which of its parts show (``timeline.css``)."""
    if view in OWN_CHART:
        return f"results {view}-view"
    return "results" if in_main_chart(view) else "results no-chart"


def chart(view: str, snapshot: Snapshot, filters: Filters, look: dict, selected: str = "") -> tuple[dict, dict, dict]:
    """A view's figure (as plotly's JSON), its graph's config (the download's file name) and style
    (height); ``selected`` is an event to keep as a marker (``figures.figure``). Drawn once per
    view, filters and look of the data: readers of the same view share it."""

    def draw() -> tuple[dict, dict, dict]:
        figure = figures.plotly_json(view, snapshot.df, filters, snapshot.dataset, theme=look["theme"],
                                     width=look["width"], selected=selected)  # fmt: skip
        return figure, chart_config(view, filters, look), graph_style(figure)

    return snapshot.memo.get(_memo_key(view, filters, look, selected), draw, cost=_points)


def _memo_key(view: str, filters: Filters, look: dict, selected: str = "") -> tuple:
    return "chart", view, write_url(filters), look["theme"], look["width"], selected


def _points(drawn: tuple[dict, dict, dict]) -> int:
    """What a drawing costs the memo to keep: its points."""
    return 1 + sum(len(trace.get("x") or ()) for trace in drawn[0]["data"])


def main_key(snapshot: Snapshot, filters: Filters, event: str, look: dict) -> tuple[list, str]:
    """What the main chart is drawn from (``drawn_key``: the URL without the open event, the look,
    the data's version) and the open event when the chart must show it as a marker (``pinned``),
    which the key then names too."""
    selected = pinned(snapshot, filters, event, look)
    return drawn_key(filters, look, snapshot.version) + ([selected] if selected else []), selected


def pinned(snapshot: Snapshot, filters: Filters, event: str, look: dict) -> str:
    """The open event when the main chart must be drawn to show it (a busy lane shows it only in
    its density), else "": opening details redraws no chart that already shows the event."""
    if not event or filters.view != "timeline" or not snapshot.ok:
        return ""
    drawn = snapshot.memo.peek(_memo_key(filters.view, filters, look))
    if drawn is None:  # not drawn here yet: decide from the data as the chart would
        hidden = figures.hidden_in_density(snapshot.df, filters, snapshot.dataset, event, width=look["width"])
    else:  # the chart on screen: the event is hidden if it is not one of its marks but one of its events
        marked = any(event in (trace.get("customdata") or ()) for trace in drawn[0]["data"])
        hidden = not marked and (frame.apply(snapshot.df, figures.view_filters(filters.view, filters))["id"] == event).any()
    return event if hidden else ""


def chart_config(view: str, filters: Filters, look: dict) -> dict:
    """The graph's config: its camera button saves a file named for what it shows."""
    return graph_config(figures.file_stem(view, filters), narrow=look["width"] < 640)


def graph_config(stem: str, narrow: bool = False) -> dict:
    """Plotly's config: the camera button saves ``stem``.png at twice the screen's resolution.

    On a phone the mode bar would cover the title; the Download menu and the decade buttons do its job.
    """
    return {
        "displaylogo": False, "scrollZoom": True, "responsive": True, "displayModeBar": not narrow,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"filename": stem, "scale": 2, "format": "png"},
    }  # fmt: skip


def graph_style(figure: dict) -> dict:
    """The chart's height as the graph's own: a responsive graph otherwise drops the figure's
    height when its column narrows (the details panel opening beside it) and collapses. The
    height is the content's (the graph's card has padding), so the plot is exactly the figure."""
    return {"height": f"{figure['layout']['height']}px", "boxSizing": "content-box"}
