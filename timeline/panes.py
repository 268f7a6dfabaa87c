"""What the URL shows besides the charts: the count, the details of an event, the table and the
race's matrix. Pure functions of the data and the filters, returning Dash components.
"""

from __future__ import annotations

from dash import dcc, html

from . import claims, frame, race, tables
from .frame import Filters
from .ids import OPEN_EVENT, PAGE_TO, RACE_CELL, RACE_SORT_BY, SORT_BY
from .live import Snapshot
from .models import VERDICTS, Dataset
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
        *claims_about(dataset, event_id),
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
        return sort_header(label, {"type": RACE_SORT_BY, "column": column}, column == key, descending)

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
        return sort_header(label, {"type": SORT_BY, "column": column}, column == key, descending)

    body = [
        html.Tr([
            html.Td(f"{r.date_label} – {r.end_label}" if r.end_label else r.date_label, className="nowrap"),
            html.Td(html.Button(r.title, id={"type": OPEN_EVENT, "id": r.id, "at": "table"}, className="link-button",
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
        html.Caption(f"{len(rows)} events · {filters.describe(snapshot.dataset)}"),
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


# --- the claims view --------------------------------------------------------------------------

CLAIMS_FILTERS_NOTE = (
    "The claims view filters by article and verdict (the links above the claims); the event filters "
    "here do not apply to it."
)
CLAIMS_HINT = (
    "Each factual claim of the articles, in our words, judged against the sourced record; opinions "
    "are not judged. The chart sets each dated claim against the record's date; click a point, or an "
    "event under a claim, for the event and its sources."
)


def verdict_badge(verdict: str) -> html.Span:
    """The verdict as an icon, a word and a colour: readable without the colour."""
    style = claims.VERDICT[verdict]
    return html.Span(className=f"verdict verdict-{verdict}", children=[
        html.Span(style.icon, className="verdict-icon", **{"aria-hidden": "true"}), style.word,
    ])  # fmt: skip


def claims_list(snapshot: Snapshot, filters: Filters) -> list:
    """Per article: its title, author, date and link; then its claims in article order, each with
    its verdict, the claim, what the record says and the events that decide it."""
    dataset = snapshot.dataset
    found = claims.rows(snapshot.df, filters, dataset)
    sections = []
    for key, article in dataset.articles.items():
        mine = [r for r in found if r.claim.article == key]
        if not mine:
            continue
        items = [html.Li(id=f"claim-{r.claim.id}", className=f"claim verdict-{r.claim.verdict}", children=[
            verdict_badge(r.claim.verdict),
            html.P(r.claim.claim, className="claim-text"),
            html.P(["The article: ", html.Q(r.claim.quote)], className="claim-quote") if r.claim.quote else None,
            html.P(["The record: ", r.claim.note], className="claim-note") if r.claim.note else None,
            html.P(className="claim-events", children=["Events: ", *_joined([
                html.Button(f"{title} ({when})", id={"type": OPEN_EVENT, "id": event_id, "at": r.claim.id},
                            className="link-button")
                for event_id, title, when in r.events
            ])]) if r.events else None,
        ]) for r in mine]  # fmt: skip
        sections.append(html.Section(className="article", children=[
            html.H2(article_line(article), className="article-title"),
            html.Ol(items, className="claims"),
        ]))  # fmt: skip
    if not sections:
        none = "No claims match these filters." if filters.articles or filters.verdicts else "This dataset records no claims."
        sections = [html.P(none, className="hint")]
    return [html.P(CLAIMS_HINT, className="race-hint"), claims_filters(dataset, filters), *sections]


def claims_filters(dataset: Dataset, filters: Filters) -> html.Nav:
    """Links that filter the claims by article and by verdict (``article=``, ``verdict=``)."""

    def link(label, changes: dict, current: bool) -> html.Li:
        href = write_url(filters.replace(**changes)) or "?"
        return html.Li(html.A(label, href=href, className="chip current" if current else "chip",
                              **({"aria-current": "true"} if current else {})))  # fmt: skip

    articles = [link("All articles", {"articles": ()}, not filters.articles)] + [
        link(a.title, {"articles": (key,)}, filters.articles == (key,)) for key, a in dataset.articles.items()
    ]
    verdicts = [link("Every verdict", {"verdicts": ()}, not filters.verdicts)] + [
        link([claims.VERDICT[v].icon, " ", claims.VERDICT[v].word], {"verdicts": (v,)}, filters.verdicts == (v,))
        for v in VERDICTS if any(c.verdict == v for c in dataset.claims)
    ]  # fmt: skip
    return html.Nav(className="claims-filters", **{"aria-label": "Filter the claims"}, children=[
        html.Ul(articles, className="chips"), html.Ul(verdicts, className="chips"),
    ])  # fmt: skip


def claims_about(dataset: Dataset, event_id: str) -> list:
    """The details' section on what the articles claim about this event, with the verdicts."""
    found = claims.about(dataset, event_id)
    if not found:
        return []
    return [html.H3("Claims about it"), html.Ul(className="claims-about", children=[
        html.Li([verdict_badge(c.verdict), " ", c.claim, html.Span(f" ({dataset.articles[c.article].title})",
                                                                      className="hint-inline")])
        for c in found
    ])]  # fmt: skip


def _joined(parts: list) -> list:
    out: list = []
    for i, part in enumerate(parts):
        out += [", "] * bool(i) + [part]
    return out


def sort_header(label: str, button_id: dict, active: bool, descending: bool) -> html.Th:
    """A column header that sorts its table: a button (mouse or keyboard) saying which way it sorts."""
    arrow = ("▼" if descending else "▲") if active else ""
    aria = {"aria-sort": ("descending" if descending else "ascending")} if active else {}
    return html.Th(scope="col", **aria, children=html.Button(
        [label, html.Span(arrow, className="arrow", **{"aria-hidden": "true"})],
        id=button_id, className="sort", title=f"Sort by {label.lower()}",
    ))  # fmt: skip
