"""What the URL shows besides the charts: the count, the details of an event, the table and the
race's matrix. Pure functions of the data and the filters, returning Dash components.
"""

from __future__ import annotations

from dash import dcc, html

from . import frame, race, tables
from .frame import Filters
from .ids import OPEN_EVENT, PAGE_TO, RACE_CELL, RACE_SORT_BY, SORT_BY
from .live import Snapshot
from .models import Dataset
from .urlstate import write_url

PAGE_SIZE = 100


def count_text(snapshot: Snapshot, filters: Filters) -> str:
    if not snapshot.ok:
        return "No data loaded"
    shown, total = len(frame.apply(snapshot.df, filters)), len(snapshot.df)
    return f"{shown:,} of {total:,} event{'s' * (total != 1)}"


def details(snapshot: Snapshot, event_id: str) -> list:
    """The details panel of one event: plain text, links that open in a new tab."""
    dataset, event = snapshot.dataset, snapshot.event(event_id)
    when = f"{event['date_label']} – {event['end_label']}" if event["end"] else event["date_label"]
    facts = [
        ("Date", when),
        ("Countries", ", ".join(dataset.countries[c].name for c in event["countries"])),
        ("Type", event["type_label"]),
        ("Status", event["status"].title() + (" · world first" if event["first"] else "")),
    ]
    articles = [dataset.articles[key] for key in event["mentioned_in"]]
    sources = zip(event["source_titles"], event["sources"])
    return [
        html.H2(event["title"], id="details-title", tabIndex="-1"),
        html.Dl([part for term, value in facts for part in (html.Dt(term), html.Dd(value))]),
        html.P(event["description"], className="description"),
        html.H3("Sources"),
        html.Ul([html.Li(external_link(title, url)) for title, url in sources]),
        html.H3("Mentioned in"),
        html.Ul([html.Li(article_line(a)) for a in articles]) if articles else html.P("No articles.", className="hint"),
    ]  # fmt: skip


def external_link(text: str, url: str) -> html.A:
    return html.A(text, href=url, target="_blank", rel="noopener noreferrer")


def article_line(article) -> list:
    byline = ", ".join(str(x) for x in (article.author, article.published) if x)
    title = external_link(article.title, article.url) if article.url else html.Cite(article.title)
    return [title, f" — {byline}" if byline else ""]


RACE_FILTERS_NOTE = (
    "The race uses the country, status, year and world-first filters; type and search do not apply "
    "(it compares milestones whatever their type)."
)


def race_matrix(shown: race.Race, dataset: Dataset) -> list:
    """The race as a table, milestones by countries: each date opens its event's details."""

    def cell(row: int, country: str, c: race.Cell) -> html.Td:
        if c.reach is None:
            return html.Td(c.text, className="none")
        reach = c.reach
        label = [html.Span(c.text, className="date")]
        if shown.aligned and reach.years is not None:
            label.append(html.Span(race.years_text(reach.years), className="years"))
        if reach.world_first:
            label.append(html.Span("world first", className="badge"))
        return html.Td(className=f"reach {reach.status}", children=html.Button(
            label, id={"type": RACE_CELL, "id": reach.event.id, "at": f"{row}-{country}"},
            className="link-button", title=reach.event.title,
        ))  # fmt: skip

    def milestone(key: str, label: str) -> html.Th:
        """The milestone's name and, under it, its definition: what counts, for every country alike."""
        return html.Th(scope="row", children=[
            html.Span(label, className="milestone"),
            html.Small(dataset.milestones[key].definition, className="definition"),
        ])  # fmt: skip

    rows = race.matrix(shown, dataset)
    table = html.Table(className="race-table", **{"aria-label": "Milestones by country"}, children=[
        html.Thead(html.Tr([html.Th("Milestone", scope="col"),
                            *[html.Th(dataset.countries[c].name, scope="col") for c in shown.countries]])),
        html.Tbody([
            html.Tr([milestone(key, label), *[cell(i, c, x) for c, x in zip(shown.countries, cells)]])
            for i, (key, (label, cells)) in enumerate(zip(shown.milestones, rows))
        ]),
    ])  # fmt: skip
    notes = [html.P(note, className="race-note") for note in race.notes(shown, dataset)]
    return [html.P("Dates at their precision; click one for the event and its sources.", className="race-hint"),
            html.Div(table, className="table-scroll"), *notes]


SCORE_HEADERS = (
    ("country", "Country"), ("reached", "Milestones reached"), ("firsts", "World firsts"),
    ("first", "First milestone"), ("latest", "Latest milestone"),
    ("to_orbit", "Years from first satellite to first citizen in orbit"), ("failures", "Failures recorded"),
)  # fmt: skip


def race_scoreboard(scores: list[race.Score], dataset: Dataset, filters: Filters, sort: dict) -> list:
    """The race summed up, a row per country; sortable by each column (header buttons, like the table).

    Each number opens the events behind it: milestones reached and the latest milestone open the
    latest reach, world firsts the latest world first, the first milestone the first reach, the
    years to orbit the first citizen in orbit; failures open the table view of that country's failed
    events in the filters' years (the count is that table's length).
    """
    key, descending = sort.get("key", "country"), bool(sort.get("descending"))
    key = key if key in race.SCORE_COLUMNS else "country"

    def header(column: str, label: str) -> html.Th:
        active = column == key
        arrow = ("▼" if descending else "▲") if active else ""
        aria = {"aria-sort": ("descending" if descending else "ascending")} if active else {}
        return html.Th(scope="col", **aria, children=html.Button(
            [label, html.Span(arrow, className="arrow", **{"aria-hidden": "true"})],
            id={"type": RACE_SORT_BY, "column": column}, className="sort", title=f"Sort by {label.lower()}",
        ))  # fmt: skip

    def opens(text: str, reach: race.Reach | None, what: str, code: str) -> html.Td:
        if reach is None:
            return html.Td(text, className="none")
        return html.Td(html.Button(
            text, id={"type": RACE_CELL, "id": reach.event.id, "at": f"score-{what}-{code}"}, className="link-button",
            title=f"{reach.event.title} ({dataset.milestones[reach.milestone].label}, {reach.event.date.label()})",
        ))  # fmt: skip

    def row(s: race.Score) -> html.Tr:
        name = dataset.countries[s.country].name
        years = "–" if s.to_orbit is None else f"{s.to_orbit:.1f}"
        count = str(s.failures)
        failed = count if not s.failures else dcc.Link(
            count, href=write_url(race.failures_filters(filters, s.country)),
            title=f"{name}'s failed events in the table",
        )  # fmt: skip
        return html.Tr([
            html.Th(name, scope="row"),
            opens(f"{len(s.reached)} of {s.defined}", s.latest, "reached", s.country),
            opens(str(len(s.firsts)), s.firsts[-1] if s.firsts else None, "firsts", s.country),
            opens(s.first.event.date.label() if s.first else "–", s.first, "first", s.country),
            opens(s.latest.event.date.label() if s.latest else "–", s.latest, "latest", s.country),
            opens(years, s.orbit if s.to_orbit is not None else None, "orbit", s.country),
            html.Td(failed, className="none" if not s.failures else ""),
        ])  # fmt: skip

    shown = race.sorted_scores(scores, key, descending)
    table = html.Table(className="race-table scoreboard", children=[
        html.Caption("Scoreboard: click a number for the events behind it"),
        html.Thead(html.Tr([header(column, label) for column, label in SCORE_HEADERS])),
        html.Tbody([row(s) for s in shown] or [html.Tr(html.Td("No countries to compare", colSpan=7))]),
    ])  # fmt: skip
    return [html.Div(table, className="table-scroll")]


def table_view(snapshot: Snapshot, filters: Filters, sort: dict) -> list:
    """The filtered events as a sortable, paged HTML table (the accessible way to read the data)."""
    key, descending = sort.get("key", "date"), bool(sort.get("descending"))
    rows = tables.sorted_rows(snapshot.df, filters, key, descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(0, int(sort.get("page", 0))), pages - 1)
    shown = rows.iloc[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = {code: c.name for code, c in snapshot.dataset.countries.items()}

    def header(label: str, column: str | None) -> html.Th:
        if column is None:
            return html.Th(label, scope="col")
        active = column == key
        arrow = ("▼" if descending else "▲") if active else ""
        aria = {"aria-sort": ("descending" if descending else "ascending")} if active else {}
        return html.Th(scope="col", **aria, children=html.Button(
            [label, html.Span(arrow, className="arrow", **{"aria-hidden": "true"})],
            id={"type": SORT_BY, "column": column}, className="sort", title=f"Sort by {label.lower()}",
        ))  # fmt: skip

    body = [
        html.Tr([
            html.Td(f"{r.date_label} – {r.end_label}" if r.end_label else r.date_label, className="nowrap"),
            html.Td(html.Button(r.title, id={"type": OPEN_EVENT, "id": r.id}, className="link-button",
                                title="Show details")),
            html.Td(", ".join(names[c] for c in r.countries), **{"data-label": "Countries"}),
            html.Td(r.type_label, **{"data-label": "Type"}),
            html.Td(r.status.title() + (" · world first" if r.first else ""), **{"data-label": "Status"}),
            html.Td(**{"data-label": "Sources"}, children=html.Ul(className="sources", children=[
                html.Li(external_link(t, u)) for u, t in zip(r.sources, r.source_titles)
            ])),
        ])  # fmt: skip
        for r in shown.itertuples(index=False)
    ]
    table = html.Table(className="events", children=[
        html.Caption(f"{len(rows)} events · {filters.describe()}"),
        html.Thead(html.Tr([header("Date", "date"), header("Title", "title"), header("Countries", "countries"),
                            header("Type", "type"), header("Status", "status"), header("Sources", None)])),
        html.Tbody(body or [html.Tr(html.Td("No events match these filters", colSpan=6))]),
    ])  # fmt: skip
    pager = [] if pages == 1 else [html.Nav(className="pager", **{"aria-label": "Table pages"}, children=[
        html.Button("Previous", id={"type": PAGE_TO, "page": page - 1}, className="button", disabled=page == 0),
        html.Span(f"Rows {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + len(shown)} of {len(rows)}"),
        html.Button("Next", id={"type": PAGE_TO, "page": page + 1}, className="button", disabled=page >= pages - 1),
    ])]  # fmt: skip
    return [html.Div(table, className="table-scroll"), *pager]


def type_options(dataset: Dataset | None) -> list[dict]:
    """Dropdown options of the event types, in registry order."""
    return [{"label": t.label, "value": key} for key, t in (dataset.types if dataset else {}).items()]


def next_sort(clicked: dict, sort: dict) -> dict:
    """The table's sort and page after a click on a column header (``SORT_BY``) or a pager button
    (``PAGE_TO``): a header sorts by its column, ascending, or flips the order if it already does."""
    if clicked["type"] == PAGE_TO:
        return {**sort, "page": clicked["page"]}
    column = clicked["column"]
    descending = not sort["descending"] if column == sort["key"] else False
    return {"key": column, "descending": descending, "page": 0}


def next_race_sort(column: str, sort: dict) -> dict:
    """The scoreboard's sort after a click on ``column``'s header: the country column sorts A to Z
    first, the others most first; a second click flips the order."""
    if column == sort.get("key", "country"):
        return {"key": column, "descending": not sort.get("descending", False)}
    return {"key": column, "descending": column != "country"}


def view_tabs(views: tuple[str, ...], filters: Filters, event: str, label) -> tuple[list, list, list]:
    """Each view tab's link (this view's filters and open event), class and text (the current one
    says so to a screen reader)."""
    hrefs = [write_url(filters.replace(view=v), event) or "?" for v in views]
    classes = ["view-tab current" if v == filters.view else "view-tab" for v in views]
    texts = [[label(v), html.Span(" (current view)", className="sr-only")] if v == filters.view else label(v)
             for v in views]  # fmt: skip
    return hrefs, classes, texts


def link_notes(notes: list[str]) -> list:
    """What the link asked for that was ignored (an unknown country, a bad date, ...)."""
    return [html.P("Link note: " + "; ".join(notes))] if notes else []
