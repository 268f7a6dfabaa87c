"""The dataset as a table, and the filters every view shares.

``to_frame`` gives one row per event (the charts place a joint event in each of its countries'
lanes: ``figures.placed``). ``Filters`` is the one description of "what is shown": the URL
query, the CLI options and the app's controls all read and write it, and ``apply`` is the only
place it is interpreted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .dates import PartialDate
from .models import STATUSES, VERDICTS, Dataset, Event

VIEWS = ("timeline", "activity", "table", "race", "claims")
LANES = ("country", "type")
CHARTS = ("date", "count")  # the race view's chart: milestones by date, or how many by each date

COLUMNS = (
    "id", "title", "date", "end", "date_label", "end_label", "start", "stop", "countries",
    "type", "type_label", "status", "first", "milestones", "description", "tags", "sources",
    "source_titles", "mentioned_in", "search_text",
)  # fmt: skip


def to_frame(dataset: Dataset) -> pd.DataFrame:
    """One row per event, in date order. ``start``/``stop`` are the whole period covered."""
    return table([row(e) for e in dataset.events], dataset)


def row(e: Event) -> tuple:
    """One event's row of ``to_frame``'s table, but for ``type_label`` (``table`` adds it).

    ``store.load(paths, rows=row)`` makes each row as soon as the event is read, so that 100,000
    events never exist as models at once: ``table(loaded.rows, loaded.dataset)`` is then the table.
    """
    last = e.end or e.date
    return (
        e.id, e.title, str(e.date), str(e.end) if e.end else "", e.date.label(),
        e.end.label() if e.end else "", e.date.first_day, last.last_day, tuple(e.countries),
        e.type, e.status, e.first, e.milestones, e.description,
        tuple(e.tags), tuple(s.url for s in e.sources), tuple(s.title for s in e.sources),
        tuple(e.mentioned_in), " ".join((e.title, e.description, *e.tags)).casefold(),
    )  # fmt: skip


def table(rows: Sequence[tuple], dataset: Dataset) -> pd.DataFrame:
    """``to_frame``'s table of events' ``row``s; ``dataset`` gives the types' labels."""
    labels = {key: kind.label for key, kind in dataset.types.items()}
    at = COLUMNS.index("type_label")
    df = pd.DataFrame.from_records([(*r[:at], labels[r[at - 1]], *r[at:]) for r in rows], columns=list(COLUMNS))
    df["start"] = pd.to_datetime(df["start"])
    df["stop"] = pd.to_datetime(df["stop"])
    return df.sort_values(["start", "id"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Filters:
    """What is shown. Empty tuples mean "all"; dates are inclusive partial dates."""

    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: PartialDate | None = None  # ``from`` in the URL and CLI
    end: PartialDate | None = None  # ``to``
    q: str = ""
    firsts: bool = False
    view: str = "timeline"
    lanes: str = "country"
    align: str = "date"  # race view: "date" or "start" (years since each country's first satellite)
    chart: str = "date"  # race view: "date" (milestones by date) or "count" (milestones reached so far)
    articles: tuple[str, ...] = ()  # claims view: ``article`` in the URL
    verdicts: tuple[str, ...] = ()  # claims view: ``verdict``

    # -- URL query ------------------------------------------------------------------------------
    @classmethod
    def from_query(cls, query: Mapping[str, str], dataset: Dataset | None = None) -> tuple[Filters, list[str]]:
        """Read a URL query; unknown values are dropped and described in the returned notes."""
        notes: list[str] = []

        def listed(name: str, known: Iterable[str] | None) -> tuple[str, ...]:
            raw = [v.strip() for v in query.get(name, "").split(",") if v.strip()]
            if known is None:
                return tuple(dict.fromkeys(raw))
            known = set(known)
            bad = [v for v in raw if v not in known]
            if bad:
                notes.append(f"ignored unknown {name} {', '.join(map(repr, bad))}")
            return tuple(dict.fromkeys(v for v in raw if v in known))

        def date(name: str) -> PartialDate | None:
            raw = query.get(name, "").strip()
            if not raw:
                return None
            try:
                return PartialDate.parse(raw)
            except ValueError as exc:
                notes.append(f"ignored {name}={raw!r}: {exc}")
                return None

        def choice(name: str, options: tuple[str, ...], default: str) -> str:
            raw = query.get(name, "").strip()
            if raw and raw not in options:
                notes.append(f"ignored unknown {name} {raw!r} (one of {', '.join(options)})")
            return raw if raw in options else default

        flag = query.get("firsts", "").strip().lower()
        if flag not in ("", "0", "1", "true", "false", "yes", "no"):
            notes.append(f"ignored firsts={flag!r} (use 1 or 0)")
        filters = cls(
            countries=listed("country", dataset.countries if dataset else None),
            types=listed("type", dataset.types if dataset else None),
            statuses=listed("status", STATUSES),
            start=date("from"),
            end=date("to"),
            q=query.get("q", "").strip(),
            firsts=flag in ("1", "true", "yes"),
            view=choice("view", VIEWS, "timeline"),
            lanes=choice("lanes", LANES, "country"),
            align=choice("align", ("date", "start"), "date"),
            chart=choice("chart", CHARTS, "date"),
            articles=listed("article", dataset.articles if dataset else None),
            verdicts=listed("verdict", VERDICTS),
        )
        if filters.start and filters.end and filters.end.last_day < filters.start.first_day:
            notes.append(f"'to' {filters.end} is before 'from' {filters.start}: nothing can match")
        return filters, notes

    def to_query(self) -> dict[str, str]:
        """The URL query for these filters; defaults are left out so links stay short."""
        default = Filters()
        out = {
            "country": ",".join(self.countries),
            "type": ",".join(self.types),
            "status": ",".join(self.statuses),
            "from": str(self.start) if self.start else "",
            "to": str(self.end) if self.end else "",
            "q": self.q,
            "firsts": "1" if self.firsts else "",
            "view": self.view if self.view != default.view else "",
            "lanes": self.lanes if self.lanes != default.lanes else "",
            "align": self.align if self.align != default.align else "",
            "chart": self.chart if self.chart != default.chart else "",
            "article": ",".join(self.articles),
            "verdict": ",".join(self.verdicts),
        }
        return {k: v for k, v in out.items() if v}

    def replace(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)

    def describe(self, dataset: Dataset | None = None) -> str:
        """A one-line human summary, for titles and captions: ``China, Soviet Union · 1957–1975 ·
        achieved`` (names and labels from ``dataset``; codes and keys without it)."""
        countries = dataset.countries if dataset else {}
        types = dataset.types if dataset else {}
        parts = []
        if self.countries:
            parts.append(", ".join(countries[c].name if c in countries else c for c in self.countries))
        if self.types:
            parts.append(", ".join(types[t].label if t in types else t for t in self.types))
        if self.statuses:
            parts.append(", ".join(self.statuses))
        if self.start or self.end:
            parts.append(f"{self.start or '…'}–{self.end or '…'}")
        if self.q:
            parts.append(f"“{self.q}”")
        if self.firsts:
            parts.append("world firsts")
        return " · ".join(parts) or "all events"


def apply(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of ``to_frame``'s table that ``filters`` keep. A span is kept if it overlaps."""
    mask = np.ones(len(df), dtype=bool)  # numpy, not a Series: a small table's filter is mostly pandas' own overhead
    if filters.countries:
        wanted = set(filters.countries)
        mask &= ~np.fromiter(map(wanted.isdisjoint, df["countries"].tolist()), bool, len(df))
    if filters.types:
        mask &= df["type"].isin(filters.types).to_numpy()
    if filters.statuses:
        mask &= df["status"].isin(filters.statuses).to_numpy()
    # in days: a date past 2262 or before 1677 has no nanoseconds (pandas 2's unit for these columns)
    if filters.start:
        mask &= df["stop"].to_numpy().astype("datetime64[D]") >= np.datetime64(filters.start.first_day, "D")
    if filters.end:
        mask &= df["start"].to_numpy().astype("datetime64[D]") <= np.datetime64(filters.end.last_day, "D")
    if filters.firsts:
        mask &= df["first"].to_numpy(bool)
    for word in filters.q.casefold().split():
        mask &= df["search_text"].str.contains(word, regex=False).to_numpy(bool)
    return df[mask]
