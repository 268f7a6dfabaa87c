"""The data model of an events file, as pydantic v2 models.

Every model forbids unknown keys, so a typo (``titel:``) is an error instead of a silently lost
field. ``DataFile`` is the shape of one YAML file; ``Dataset`` is one or more files merged, and it
adds the rules that need the whole picture (unique ids, codes that exist in the registries). No I/O
happens here: reading files and locating errors is ``store``'s job.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from . import dates
from .dates import PartialDate

Status = Literal["achieved", "planned", "failed", "partial"]
STATUSES: tuple[Status, ...] = ("achieved", "planned", "failed", "partial")
Verdict = Literal["supported", "partly", "contradicted", "unverifiable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "partly", "contradicted", "unverifiable")

# Marker symbols a type may ask for (plotly's names, without the -open/-dot variants, which the
# charts use to show status).
SYMBOLS = (
    "circle", "square", "diamond", "cross", "x", "triangle-up", "triangle-down", "triangle-left",
    "triangle-right", "pentagon", "hexagon", "hexagon2", "octagon", "star", "hexagram",
    "star-triangle-up", "star-square", "star-diamond", "diamond-tall", "diamond-wide",
    "hourglass", "bowtie", "asterisk", "hash", "y-up",
)  # fmt: skip
# Symbols a reader cannot tell apart at marker size (an octagon of 11 px is a circle): one shape.
LOOKS_ALIKE = {"octagon": "circle", "hexagon2": "hexagon"}


def shape(symbol: str) -> str:
    """What a reader sees of ``symbol`` at marker size: itself, or the symbol it looks like."""
    return LOOKS_ALIKE.get(symbol, symbol)


Code = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,5}$"),
    Field(description="Country or agency code: ISO 3166 alpha-2 where one exists (SU, ESA, ...)."),
]
KEY_MAX = 80  # the longest key (an id, a type, ...) in characters
Key = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=KEY_MAX),
    Field(description="A slug: lower-case letters, digits and single hyphens."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def _http_url(url: str) -> str:
    # A regex, not urlsplit: it runs for every source of every event (tens of thousands).
    if not _HTTP_URL.fullmatch(url):
        raise PydanticCustomError("http_url", "{message}", {"message": f"expected an http:// or https:// URL, got {url!r}"})
    return url


HttpUrl = Annotated[str, AfterValidator(_http_url), Field(examples=["https://nssdc.gsfc.nasa.gov/"])]


DONE = ("achieved", "failed", "partial")  # statuses that say the event has happened


def date_status_problem(date: PartialDate, status: str, today=None) -> tuple[str, str] | None:
    """``("error" | "warning", message)`` when ``date`` cannot be right for ``status``, else None.

    An achieved, failed or partial event cannot be dated after today (its whole period must have
    begun); a planned event dated before today (its whole period over) needs its status updated.
    ``end`` is not checked: a mission still under way ends in the future.
    """
    today = today or dates.today()
    if status in DONE and date.first_day > today:
        return "error", f"{date} is in the future, but status is {status}"
    if status == "planned" and date.last_day < today:
        return "warning", (f"{date} is in the past, but status is still planned: "
                           "update the status (achieved, failed or partial) or the date")  # fmt: skip
    return None


class Strict(BaseModel):
    """A model that refuses unknown keys (a typo is an error) and cannot be changed once made."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of field names the data gave (``model_fields_set``) with every model of
        this kind that was given the same fields.

        pydantic makes a new set for each model; for an event and its sources that is some 1.8 KB,
        a third of what the model holds, 180 MB at 100,000 events. A frozen model never changes its
        set in place (``model_copy`` copies it before adding to it), so one set can serve them all.
        """
        given = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault((type(self), frozenset(given)), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


_FIELDS_SETS: dict[tuple[type, frozenset[str]], set[str]] = {}  # see Strict.model_post_init


class Country(Strict):
    """A country or agency whose programme has its own lane."""

    name: Text
    color: Color | None = Field(None, description="Lane colour as #rrggbb; a colour-blind-safe default otherwise.")


class EventType(Strict):
    """A kind of event (satellite, crewed flight, ...): its label and marker symbol."""

    label: Text
    symbol: Literal[SYMBOLS] | None = Field(None, description="Plotly marker symbol name.")  # type: ignore[valid-type]


class Article(Strict):
    """A published article whose claims the dataset checks against the record."""

    title: Text
    author: Text | None = None
    published: PartialDate | None = None
    url: HttpUrl | None = None


class Milestone(Strict):
    """A step every space programme takes (first satellite, first human in orbit, ...)."""

    label: Text
    order: int = Field(description="Position in the race view, top to bottom.")
    definition: Annotated[Text, StringConstraints(max_length=400)] = Field(
        description="One sentence: what reaching it means, applied the same way to every country."
    )


class Source(Strict):
    """Where a fact comes from."""

    url: HttpUrl
    title: Text


class Event(Strict):
    """One dated event in the history of a space programme."""

    id: Key = Field(description="Unique slug, e.g. sputnik-1.")
    title: Annotated[Text, StringConstraints(max_length=200)]
    date: PartialDate
    end: PartialDate | None = Field(None, description="End of a span (a station in orbit); not before date.")
    countries: list[Code] = Field(min_length=1, description="One or more country codes; a joint event shows in each lane.")
    type: Key = Field(description="A key of the types registry.")
    status: Status = "achieved"
    first: bool = Field(False, description="A world first.")
    milestone: Key | list[Key] | None = Field(None, description="Milestone key(s) this event reaches for its countries.")
    description: Text = Field(description="Plain text, factual and neutral; dates in UTC.")
    sources: list[Source] = Field(min_length=1)
    mentioned_in: list[Key] = Field(default_factory=list, description="Keys of the articles registry.")
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _end_not_before_date(self) -> Event:
        if self.end is not None and self.end.last_day < self.date.first_day:
            raise _located(
                "Event",
                [("end_before_date", f"end {self.end} is before date {self.date}", ("end",), {})],
            )  # fmt: skip
        return self

    @property
    def milestones(self) -> tuple[str, ...]:
        if self.milestone is None:
            return ()
        return (self.milestone,) if isinstance(self.milestone, str) else tuple(self.milestone)


class Claim(Strict):
    """A factual statement an article makes, in the project's own words, judged against the record."""

    id: Key = Field(description="Unique slug, e.g. mao-far-side-2021.")
    article: Key = Field(description="The article that makes it: a key of the articles registry.")
    claim: Annotated[Text, StringConstraints(max_length=400)] = Field(description="The claim, in our own neutral words.")
    quote: Annotated[Text, StringConstraints(max_length=120)] | None = Field(
        None, description="A few decisive words of the article, exactly as written (never more)."
    )
    claimed_date: PartialDate | None = Field(None, description="The date the claim asserts, if it asserts one.")
    verdict: Verdict = Field(description="supported, partly, contradicted or unverifiable, by the sourced record.")
    events: list[Key] = Field(default_factory=list, description="Ids of the events that decide it, deciding one first.")
    note: Text | None = Field(None, description="What the record says; required unless the verdict is supported.")

    @model_validator(mode="after")
    def _explained(self) -> Claim:
        problems = []
        if self.note is None and self.verdict != "supported":
            problems.append(("note_required", f"a note is required when the verdict is {self.verdict}: "
                             "say what the record says", ("note",), {}))  # fmt: skip
        if not self.events and self.verdict != "unverifiable":
            problems.append(("events_required", f"name the events that decide a claim judged {self.verdict}",
                             ("events",), {}))  # fmt: skip
        if problems:
            raise _located("Claim", problems)
        return self


class DataFile(Strict):
    """One events file: registries and events. Several files merge into one ``Dataset``."""

    model_config = ConfigDict(
        title="timeline events file",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    countries: dict[Code, Country] = Field(description="Registry of actors: code -> {name, color?}.")
    types: dict[Key, EventType] = Field(description="Registry of event types: key -> {label, symbol?}.")
    articles: dict[Key, Article] = Field(default_factory=dict, description="Source articles: key -> {title, author?, published?, url?}.")
    milestones: dict[Key, Milestone] = Field(default_factory=dict, description="Programme milestones for the race view: key -> {label, order, definition}.")
    events: list[Event] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list, description="What the articles claim, checked against the record.")


class Dataset(DataFile):
    """Merged files, checked as a whole: ids unique, every code known to its registry."""

    @model_validator(mode="after")
    def _references(self) -> Dataset:
        problems = list(self._reference_problems())
        if problems:
            raise _located("Dataset", problems)
        return self

    def _reference_problems(self):
        first_index: dict[str, int] = {}
        today = dates.today()
        registries = (
            ("countries", "country", self.countries),
            ("type", "type", self.types),
            ("mentioned_in", "article", self.articles),
            ("milestone", "milestone", self.milestones),
        )
        yield from _duplicate_ids(self.events, "events", "id", first_index)
        for i, event in enumerate(self.events):
            if isinstance(getattr(event, "date", None), PartialDate):  # a stand-in for an invalid event may have none
                found = date_status_problem(event.date, event.status, today)
                if found and found[0] == "error":
                    yield ("date_status", found[1], ("events", i, "date"), {})
            for field, noun, registry in registries:
                value = getattr(event, field)
                if not value:  # no milestone, or a stand-in event without a usable type
                    continue
                values = [value] if isinstance(value, str) else value
                for j, code in enumerate(values):
                    if code in registry:
                        continue
                    loc = ("events", i, field) if isinstance(value, str) else ("events", i, field, j)
                    yield ("unknown_" + noun, unknown_message(noun, code, registry), loc, {})
        yield from self._claim_problems(first_index)

    def _claim_problems(self, events: dict[str, int]):
        """Each claim's id is unique, its article is registered and its events exist."""
        yield from _duplicate_ids(self.claims, "claims", "claim id", {})
        for i, claim in enumerate(self.claims):
            if claim.article and claim.article not in self.articles:
                yield ("unknown_article", unknown_message("article", claim.article, self.articles),
                       ("claims", i, "article"), {})  # fmt: skip
            for j, event in enumerate(claim.events or ()):
                if event not in events:
                    yield ("unknown_event", unknown_message("event", event, list(events)), ("claims", i, "events", j), {})

    def warnings(self) -> list[tuple[tuple[Any, ...], str]]:
        """Doubtful but valid data: a type drawn with another type's symbol, a plan dated in the
        past, a country reaching one milestone twice."""
        seen: dict[tuple[str, str], int] = {}
        found = []
        today = dates.today()
        drawn: dict[str, tuple[str, str]] = {}  # shape: (type, its symbol)
        for key, kind in self.types.items():
            if not kind.symbol:
                continue
            if shape(kind.symbol) in drawn:
                other, symbol = drawn[shape(kind.symbol)]
                uses = f"reuses symbol {symbol!r}" if symbol == kind.symbol else f"draws {kind.symbol!r}, which looks like {symbol!r},"
                found.append((("types", key, "symbol"), f"type {key!r} {uses} of type {other!r}: "
                              "the charts cannot tell them apart; choose another"))  # fmt: skip
            else:
                drawn[shape(kind.symbol)] = (key, kind.symbol)
        for i, event in enumerate(self.events):
            late = date_status_problem(event.date, event.status, today)
            if late and late[0] == "warning":
                found.append((("events", i, "date"), late[1]))
            if event.status != "achieved":
                continue
            for key in event.milestones:
                for code in event.countries:
                    if (code, key) in seen:
                        other = self.events[seen[code, key]].id
                        found.append(((("events", i, "milestone")),
                                      f"{code} already reached milestone {key!r} with {other!r}; "
                                      "the race view uses the earlier one"))  # fmt: skip
                    else:
                        seen[code, key] = i
        return found


def _duplicate_ids(items: list, where: str, noun: str, first: dict[str, int]):
    """A problem for each id seen before in ``items``; ``first`` collects each id's first index.
    An invalid item standing in for its references only has no id."""
    for i, item in enumerate(items):
        if item.id is None:
            continue
        if item.id in first:
            yield ("duplicate_id", f"duplicate {noun} {item.id!r}", (where, i, "id"), {"first": (where, first[item.id], "id")})
        else:
            first[item.id] = i


def unknown_message(noun: str, value: str, known: dict[str, Any] | list[str]) -> str:
    """``unknown country 'CNN' (did you mean 'CN'?)`` — names the nearest known code."""
    names = list(known)
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.5) or difflib.get_close_matches(
        value.upper() if noun == "country" else value.lower(), names, n=1, cutoff=0.5
    )
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    if not close and len(names) <= 12:
        hint = f" (known: {', '.join(names)})" if names else f" (the {noun} registry is empty)"
    return f"unknown {noun} {value!r}{hint}"


def _located(title: str, problems) -> ValidationError:
    """A ValidationError whose line errors point at the fields at fault, not the whole model."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(kind, "{message}", {"message": message, **ctx}), loc=loc, input=None
            )
            for kind, message, loc, ctx in problems
        ],
    )
