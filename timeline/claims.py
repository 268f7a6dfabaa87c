"""The claims view: what the articles say, checked against the record.

Each claim (``models.Claim``) is a factual statement of an article, in the project's own words, with
a verdict (supported, partly, contradicted, unverifiable), a note saying what the record says, and
the events that decide it. This module turns them into rows (``rows``), a dumbbell chart of the
claimed date against the record's (``figure``) and a fact-check table as text, Markdown or CSV
(``render``), all pure functions of the dataset and the event table.

The record's date of a claim is the date of its first deciding event (the events are listed in the
order that decides the claim). Only the ``article`` and ``verdict`` filters apply to claims.
"""

from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from dataclasses import dataclass

import pandas as pd

from .charts import Look, base_layout, empty, legend_entry, text
from .frame import Filters
from .models import VERDICTS, Claim, Dataset
from .tables import csv_safe


@dataclass(frozen=True)
class Verdict:
    """How a verdict is shown: a word, a colour and an icon, so it reads without colour too."""

    word: str
    color: str
    icon: str
    symbol: str  # plotly marker symbol of the record's end of the dumbbell


# Okabe & Ito colours (colour-blind-safe); the icon and the word carry the meaning on their own.
VERDICT = {
    "supported": Verdict("Supported", "#009E73", "✓", "circle"),
    "partly": Verdict("Partly right", "#E69F00", "◐", "diamond"),
    "contradicted": Verdict("Contradicted", "#D55E00", "✗", "x"),
    "unverifiable": Verdict("Unverifiable", "#999999", "?", "square"),
}
ICON = {v.word: v.icon for v in VERDICT.values()}  # a table row's verdict word -> its icon
WRONG = ("contradicted", "partly")  # verdicts that mark an event on the timeline


@dataclass(frozen=True)
class Row:
    """One claim as shown: the claim, its article's title, and its deciding events' titles and dates."""

    claim: Claim
    article: str
    events: tuple[tuple[str, str, str], ...]  # (id, title, date label), in the claim's order
    record: pd.Timestamp | None  # the first deciding event's date (its first day)
    record_label: str


def only(filters: Filters) -> Filters:
    """The filters the claims view applies: article and verdict, nothing about events."""
    return Filters(view=filters.view, articles=filters.articles, verdicts=filters.verdicts)


def rows(df: pd.DataFrame, filters: Filters, dataset: Dataset) -> list[Row]:
    """The claims ``filters`` keep (their article and verdict), articles in registry order, each
    article's claims in the order the article makes them."""
    by_id = df.set_index("id")
    order = {key: i for i, key in enumerate(dataset.articles)}
    out = []
    for claim in sorted(dataset.claims, key=lambda c: order.get(c.article, len(order))):
        if filters.articles and claim.article not in filters.articles:
            continue
        if filters.verdicts and claim.verdict not in filters.verdicts:
            continue
        events = tuple((i, by_id.at[i, "title"], by_id.at[i, "date_label"]) for i in claim.events if i in by_id.index)
        first = claim.events[0] if claim.events and claim.events[0] in by_id.index else None
        record = by_id.at[first, "start"] if first else None
        out.append(Row(claim, dataset.articles[claim.article].title, events, record, events[0][2] if events else ""))
    return out


def about(dataset: Dataset, event_id: str) -> list[Claim]:
    """The claims made about one event (it decides them), in article order."""
    return [c for c in dataset.claims if event_id in c.events]


def wrong_events(dataset: Dataset) -> set[str]:
    """Events some article got wrong or only partly right (marked on the timeline)."""
    return {e for c in dataset.claims if c.verdict in WRONG for e in c.events[:1]}


# --- the chart ------------------------------------------------------------------------------------


def figure(df: pd.DataFrame, filters: Filters, dataset: Dataset, look: Look) -> dict:
    """A dumbbell per dated claim: the date the article claims and the record's date on one time
    axis, joined by a line and coloured by verdict; one row per claim, top to bottom in article
    order. Every point carries its claim id as ``customdata``."""
    shown = [r for r in rows(df, filters, dataset) if r.claim.claimed_date is not None and r.record is not None]
    layout = base_layout(filters, look, f"{len(shown)} dated claim{'s' * (len(shown) != 1)} against the record")
    layout["title"]["text"] = text(_title(filters, dataset, len(shown)))
    if not shown:
        layout["height"] = 320
        return empty(layout, look.theme)
    data, verdicts = [], []
    for y, r in enumerate(shown):
        style = VERDICT[r.claim.verdict]
        claimed = pd.Timestamp(r.claim.claimed_date.first_day)
        hover = [
            f"<b>{text(r.claim.claim)}</b><br>{style.icon} {style.word}: the article says "
            f"{text(r.claim.claimed_date.label())}; the record says {text(r.record_label)}",
        ] * 2
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": r.claim.id, "showlegend": False,
            "x": [claimed.strftime("%Y-%m-%d"), r.record.strftime("%Y-%m-%d")], "y": [y, y],
            "customdata": [r.claim.id, r.claim.id], "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
            "line": {"color": style.color, "width": 2.5},
            "marker": {"symbol": ["circle-open", style.symbol], "size": [12, 13], "color": style.color,
                       "line": {"color": style.color, "width": 2}},
        })  # fmt: skip
        verdicts.append(r.claim.verdict)
    data += [legend_entry(f"{VERDICT[v].icon} {VERDICT[v].word}", VERDICT[v].symbol, VERDICT[v].color) for v in VERDICTS
             if v in verdicts]  # fmt: skip
    data += [legend_entry("The article's date", "circle-open", look.theme.muted),
             legend_entry("The record's date (filled)", "circle", look.theme.muted)]  # fmt: skip
    lane = 30 if look.narrow else 36
    layout["height"] = 140 + lane * len(shown) + look.fit_legend(layout, [t["name"] for t in data if t.get("showlegend", True)])
    labels = [_label(r, 28 if look.narrow else 48) for r in shown]
    layout["yaxis"].update(
        tickvals=list(range(len(shown))), ticktext=labels, range=[len(shown) - 0.5, -0.5], fixedrange=True,
        showgrid=True, ticks="", automargin=True, title=None,
    )  # fmt: skip
    starts = [pd.Timestamp(r.claim.claimed_date.first_day) for r in shown] + [r.record for r in shown]
    lo, hi = min(starts), max(starts)
    pad = max(pd.Timedelta(days=365), (hi - lo) * 0.05)
    layout["xaxis"].update(type="date", range=[(lo - pad).strftime("%Y-%m-%d"), (hi + pad).strftime("%Y-%m-%d")])
    layout.update(hovermode="closest", dragmode="zoom")
    layout["legend"].update(traceorder="normal")
    return {"data": data, "layout": layout}


def _title(filters: Filters, dataset: Dataset, count: int) -> str:
    which = ", ".join(dataset.articles[a].title for a in filters.articles) if filters.articles else "All articles"
    if filters.verdicts:
        which += " · " + ", ".join(VERDICT[v].word.lower() for v in filters.verdicts)
    return f"{which} · {count} dated claim{'s' * (count != 1)}: the article's date against the record's"


def _label(row: Row, width: int) -> str:
    words = row.claim.claim
    short = words if len(words) <= width else words[: width - 1].rsplit(" ", 1)[0] + "…"
    return text(f"{VERDICT[row.claim.verdict].icon} {short}")


# --- the fact-check table -----------------------------------------------------------------------

COLUMNS = ("article", "claim", "quote", "claimed_date", "verdict", "record", "note", "events")
FORMATS = ("text", "md", "csv")


def table(df: pd.DataFrame, filters: Filters, dataset: Dataset) -> list[dict[str, str]]:
    """The claims as plain rows of ``COLUMNS`` (a newsroom's or a class's fact-check sheet)."""
    return [
        {
            "article": r.article, "claim": r.claim.claim, "quote": r.claim.quote or "",
            "claimed_date": str(r.claim.claimed_date or ""), "verdict": VERDICT[r.claim.verdict].word,
            "record": r.record_label, "note": r.claim.note or "",
            "events": "; ".join(f"{title} ({when})" for _, title, when in r.events),
        }  # fmt: skip
        for r in rows(df, filters, dataset)
    ]


def render(df: pd.DataFrame, filters: Filters, dataset: Dataset, fmt: str) -> str:
    """The fact-check table as ``text`` (for a terminal), ``md`` (Markdown) or ``csv``."""
    found = table(df, filters, dataset)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in found)
        return out.getvalue()
    if fmt == "md":
        return _markdown(found, filters, dataset)
    return _text(found)


def md_text(value: str) -> str:
    """``value`` as Markdown text that renders as typed: no HTML, link, emphasis or table cell
    breaks out of it (the fact-check is meant to be published)."""
    value = html.escape(value.replace("\n", " "), quote=False)
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", value)


def md_url(url: str) -> str:
    """A link target that cannot end early or carry markup: ``<...>`` with spaces and brackets encoded."""
    return "<" + urllib.parse.quote(url, safe=":/?#@!$&'*+,;=%~-._") + ">"


def _markdown(found: list[dict[str, str]], filters: Filters, dataset: Dataset) -> str:
    lines = []
    for key, article in dataset.articles.items():
        mine = [r for r in found if r["article"] == article.title]
        if not mine:
            continue
        byline = ", ".join(str(x) for x in (article.author, article.published) if x)
        title = md_text(article.title)
        link = f"[{title}]({md_url(article.url)})" if article.url else title
        lines += [f"## {link}" + (f" ({md_text(byline)})" if byline else ""), "",
                  "| # | Claim | Verdict | The record | Events |", "| ---: | --- | --- | --- | --- |"]  # fmt: skip
        for i, r in enumerate(mine, 1):
            record = r["note"] or f"Confirmed ({r['record']})."
            lines.append(f"| {i} | {md_text(r['claim'])} | {ICON[r['verdict']]} {r['verdict']} | {md_text(record)} | "
                         f"{md_text(r['events'])} |")  # fmt: skip
        lines.append("")
    return "\n".join(lines) if lines else "No claims match.\n"


def _text(found: list[dict[str, str]]) -> str:
    if not found:
        return "No claims match.\n"
    out, article = [], None
    for r in found:
        if r["article"] != article:
            article = r["article"]
            out += ["" if out else None, article, "=" * len(article)]
        out.append(f"{ICON[r['verdict']]} {r['verdict'].upper()}: {r['claim']}")
        if r["note"]:
            out.append(f"    The record: {r['note']}")
        if r["events"]:
            out.append(f"    Events: {r['events']}")
    return "\n".join(line for line in out if line is not None) + "\n"
