"""Turn the rows of a CSV file (a launch list) into events, by a small YAML mapping.

A mapping names, for each event field, where its value comes from: a template over the CSV's
columns (``launch-{date}-{Mission}``), a date column and its ``strptime`` formats, a fixed value, a
column's value looked up in a table (``Success: achieved``), or rules tried in order (``Location``
matching ``Baikonur`` before 26 Dec 1991 -> ``SU``). ``examples/space_missions.mapping.yaml`` is a
complete, commented example.

Every row is imported or reported as ``CSV:LINE:COL: why`` (COL is the CSV column, 1-based), and
the events are written through ``edit``: the output is a complete events file, checked with
``store.load`` before it replaces anything. Importing again updates events by id (the id template
must give a row the same id each time): changed events are rewritten in place, unchanged ones keep
their bytes, new ones go in date order, and nothing else in the file is touched or removed.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
import string
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from . import edit, store, yamlsource
from .dates import PartialDate
from .models import STATUSES, Code, Country, Event, EventType, Key, Strict, unknown_message
from .problems import Problem, data_path, dotted

DATE = "date"  # the placeholder for the parsed date in templates: "launch-{date}-{Mission}"


# --- the mapping file ---------------------------------------------------------------------------


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


@functools.lru_cache(maxsize=256)
def _columns_in(text: str) -> tuple[str, ...]:
    """The placeholders of a template: ``"{Mission} ({Rocket})"`` -> ``("Mission", "Rocket")``."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _template(text: str) -> str:
    try:
        names = _columns_in(text)
    except ValueError as exc:
        raise ValueError(f"bad template {text!r}: {exc} (write {{{{ and }}}} for literal braces)") from None
    for name in names:
        if not name or "." in name or "[" in name:
            raise ValueError(f"bad template {text!r}: {{{name}}} must name a column, as in {{Mission}}")
    return text


# One template, or several tried in order (the first whose columns are all filled in).
Template = Annotated[list[Annotated[str, BeforeValidator(_template)]], BeforeValidator(_listed), Field(min_length=1)]


class DateField(Strict):
    """Which column holds the date, and its ``strptime`` formats (tried in order)."""

    column: str
    format: Annotated[list[str], BeforeValidator(_listed), Field(min_length=1)]


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return pattern


class Rule(Strict):
    """``value`` for a row whose columns all match their regular expressions (``re.search``)."""

    when: dict[str, Annotated[str, AfterValidator(_regex)]] = Field(default_factory=dict)
    from_: PartialDate | None = Field(None, alias="from", description="Only events on or after this date.")
    before: PartialDate | None = Field(None, description="Only events before this date.")
    value: Annotated[list[str], BeforeValidator(_listed), Field(min_length=1)]


class Choice(Strict):
    """A field's value: fixed (``value``), looked up (``column`` + ``values``) or by ``rules``."""

    value: Annotated[list[str], BeforeValidator(_listed)] | None = None
    column: str | None = None
    values: dict[str, Annotated[list[str], BeforeValidator(_listed)]] | None = None
    rules: list[Rule] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Choice:
        lookup = self.column is not None or self.values is not None
        if sum((self.value is not None, lookup, self.rules is not None)) != 1 or (
            lookup and (self.column is None or self.values is None)
        ):
            raise ValueError("give one of: value; column and values; rules")
        return self

    def outcomes(self) -> list[tuple[tuple, list[str]]]:
        """Every value this choice can give, with its path below the choice."""
        if self.value is not None:
            return [(("value",), self.value)]
        if self.values is not None:
            return [(("values", k), v) for k, v in self.values.items()]
        return [(("rules", i, "value"), rule.value) for i, rule in enumerate(self.rules or ())]


class SourceTemplate(Strict):
    url: Template
    title: Template


class Fields(Strict):
    id: Template = Field(description="Slugified and made unique (-2, -3, …) in CSV order.")
    title: Template
    date: DateField
    description: Template
    countries: Choice
    type: Choice
    status: Choice = Choice(value=["achieved"])
    sources: list[SourceTemplate] = Field(min_length=1)


class Registries(Strict):
    countries: dict[Code, Country]
    types: dict[Key, EventType]


class Mapping(Strict):
    """A mapping file: how to read the CSV and make each row an event."""

    encoding: str = "utf-8"
    fields: Fields
    registries: Registries

    @field_validator("encoding")
    @classmethod
    def _known(cls, name: str) -> str:
        try:
            codecs.lookup(name)
        except LookupError:
            raise ValueError(f"unknown text encoding {name!r} (e.g. utf-8, latin-1, cp1252)") from None
        return name


@dataclass(frozen=True)
class LoadedMapping:
    mapping: Mapping
    label: str
    positions: yamlsource.Positions


def _at(label: str, positions: yamlsource.Positions, path: tuple, message: str, key: bool = False) -> Problem:
    """``message`` at the mapping node ``path`` (or its key), prefixed with the dotted path."""
    line, col, _ = positions.locate(path, key=key)
    return Problem(label, line, col, f"{dotted(path[:-1] if key else path)}: {message}")


def load_mapping(path: str | os.PathLike) -> LoadedMapping:
    """Read and check a mapping file; a ``DataError`` locates every problem in it."""
    label = str(path)
    parsed = yamlsource.parse(edit.read_text(Path(path), label).removeprefix("\ufeff"))
    if parsed.problems:
        raise edit.DataError(label, [replace(p, path=label) for p in parsed.problems])
    try:
        mapping = Mapping.model_validate(parsed.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise edit.DataError(label, [_at(label, parsed.positions, *_where(e, parsed.data)) for e in errors]) from None
    problems = []
    registries = mapping.registries
    for name, noun, known, where in (("countries", "country", registries.countries, " in registries.countries"),
                                     ("type", "type", registries.types, " in registries.types"),
                                     ("status", "status", STATUSES, "")):  # fmt: skip
        for sub, values in getattr(mapping.fields, name).outcomes():
            node = ("fields", name, *sub)
            if name != "countries" and len(values) != 1:
                problems.append(_at(label, parsed.positions, node, f"expected one value, got {len(values)}"))
            problems += [_at(label, parsed.positions, node, unknown_message(noun, code, list(known)) + where)
                         for code in values if code not in known]  # fmt: skip
    if problems:
        raise edit.DataError(label, problems)
    return LoadedMapping(mapping, label, parsed.positions)


def _where(err: dict, data: Any) -> tuple[tuple, str, bool]:
    """(path in the mapping, message, whether it is about a key) for one pydantic error."""
    path, at_key = data_path(err["loc"], data, aliases={"from_": "from"})
    if err["type"] == "missing":
        return path[:-1], f"missing required field {path[-1]!r}", False
    if err["type"] == "extra_forbidden":
        return path, f"unknown field {path[-1]!r}", True
    message = str(err["msg"]).removeprefix("Value error, ")
    return path, f"key {path[-1]!r}: {message}" if at_key else message, at_key


# --- the CSV file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line where the row starts, cells)


def read_csv(path: str | os.PathLike, encoding: str) -> Table:
    """The CSV's header and rows with their line numbers; ``DataError`` if it cannot be read."""
    label = str(path)

    def fail(message: str, line: int = 1, col: int = 1) -> edit.DataError:
        return edit.DataError(label, [Problem(label, line, col, message)])

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        raise fail(f"not {encoding} text: byte 0x{raw[exc.start]:02x} cannot be decoded; "
                   "set the mapping's 'encoding:' to the file's (latin-1? cp1252?)",
                   raw.count(b"\n", 0, exc.start) + 1, exc.start - start + 1) from None  # fmt: skip
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows = []
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not cells:
                continue  # a blank line is no row
            if header is None:
                header = [c.strip() for c in cells]
                twice = sorted({c for c in header if header.count(c) > 1})
                if twice:
                    raise fail(f"column {twice[0]!r} appears twice in the header", line, header.index(twice[0]) + 1)
            else:
                rows.append((line, cells))
    except csv.Error as exc:
        raise fail(f"CSV error: {exc}", reader.line_num) from None
    if header is None:
        raise fail("the file is empty; expected a header line and rows")
    return Table(label, header, rows)


# --- rows to events -----------------------------------------------------------------------------


class RowProblem(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        self.column = column
        self.message = message


def _precision(fmt: str) -> int:
    """How much of the date a strptime format gives: 3 (day), 2 (month) or 1 (year)."""
    return 3 if re.search(r"%[dj]", fmt) else 2 if re.search(r"%[mbB]", fmt) else 1


class Rows:
    """The mapping compiled against one CSV's header: turns a row into an event's data."""

    def __init__(self, loaded: LoadedMapping, table: Table) -> None:
        self.fields = loaded.mapping.fields
        self.table = table
        self.index = {name: n for n, name in enumerate(table.header)}
        problems = [_at(loaded.label, loaded.positions, path, f"{unknown_message('column', column, table.header)} "
                                                              f"in {table.label}", key)  # fmt: skip
                    for path, column, key in self._columns() if column not in self.index]
        if problems:
            raise edit.DataError(loaded.label, problems)
        self.taken: set[str] = set()

    def _columns(self):
        """(mapping path, column, is a key) of every column the mapping reads."""
        f = self.fields
        templates = [(("id",), f.id), (("title",), f.title), (("description",), f.description)]
        for i, source in enumerate(f.sources):
            templates += [(("sources", i, "url"), source.url), (("sources", i, "title"), source.title)]
        for path, alternatives in templates:
            for n, text in enumerate(alternatives):
                yield from ((("fields", *path, n), name, False) for name in _columns_in(text) if name != DATE)
        yield ("fields", "date", "column"), f.date.column, False
        for name in ("countries", "type", "status"):
            choice = getattr(f, name)
            if choice.column is not None:
                yield ("fields", name, "column"), choice.column, False
            for i, rule in enumerate(choice.rules or ()):
                yield from ((("fields", name, "rules", i, "when", c), c, True) for c in rule.when)

    def event(self, cells: list[str]) -> dict[str, Any]:
        """The event's data for one row; ``RowProblem`` says why there is none."""
        header = self.table.header
        if len(cells) != len(header):
            raise RowProblem(None, f"expected {len(header)} fields ({', '.join(header)}), found {len(cells)}")
        row = {name: cell.strip() for name, cell in zip(header, cells)}
        date = self._date(row)
        row[DATE] = str(date)
        base = edit.slugify(self._text("id", self.fields.id, row))
        if not base:
            raise RowProblem(None, "the id template gives an empty id")
        event_id = edit.free_id(base, self.taken)
        data = {
            "id": event_id,
            "title": self._text("title", self.fields.title, row),
            "date": row[DATE],
            "countries": self._choice("countries", self.fields.countries, row, date),
            "type": self._choice("type", self.fields.type, row, date)[0],
            "status": self._choice("status", self.fields.status, row, date)[0],
            "description": self._text("description", self.fields.description, row),
            "sources": [{"url": self._text("sources", s.url, row), "title": self._text("sources", s.title, row)}
                        for s in self.fields.sources],  # fmt: skip
        }
        try:
            Event.model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            raise RowProblem(None, f"{dotted(err['loc'])}: {err['msg']}") from None
        self.taken.add(event_id)
        return edit.event_data(data)

    def _date(self, row: dict[str, str]) -> PartialDate:
        spec = self.fields.date
        text = row[spec.column]
        if not text:
            raise RowProblem(spec.column, f"empty {spec.column}")
        for fmt in spec.format:
            try:
                when = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return PartialDate(*(when.year, when.month, when.day)[: _precision(fmt)])
        raise RowProblem(spec.column, f"bad {spec.column} {text!r}: expected {' or '.join(spec.format)}")

    def _text(self, field: str, alternatives: list[str], row: dict[str, str]) -> str:
        """The first alternative whose columns are all filled in."""
        for text in alternatives:
            empty = [name for name in _columns_in(text) if not row[name]]
            if not empty:
                return text.format_map(row).strip()
        raise RowProblem(empty[0], f"empty {empty[0]} (needed for {field})")

    def _choice(self, field: str, choice: Choice, row: dict[str, str], date: PartialDate) -> list[str]:
        if choice.value is not None:
            return choice.value
        if choice.values is not None:
            cell = row[choice.column]
            if cell not in choice.values:
                raise RowProblem(choice.column, unknown_message(choice.column, cell, list(choice.values))
                                 + f" for {field}")  # fmt: skip
            return choice.values[cell]
        for rule in choice.rules or ():
            if rule.from_ and date.first_day < rule.from_.first_day:
                continue
            if rule.before and date.first_day >= rule.before.first_day:
                continue
            if all(re.search(pattern, row[column]) for column, pattern in rule.when.items()):
                return rule.value
        columns = list(dict.fromkeys(c for rule in choice.rules or () for c in rule.when))
        seen = ", ".join(f"{c} {row[c]!r}" for c in columns)
        raise RowProblem(columns[0] if columns else None, f"no {field} rule matches this row ({seen})")


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """What an import did: rows turned into events (new, updated, unchanged) and rows reported."""

    path: Path
    rows: int
    created: int
    updated: int
    unchanged: int
    reports: tuple[Problem, ...]


def import_csv(
    csv_path: str | os.PathLike, out_path: str | os.PathLike, mapping_path: str | os.PathLike
) -> Imported:
    """Import the CSV's rows into the events file ``out_path`` (created if missing).

    Raises ``edit.DataError`` (a bad mapping, an unreadable CSV, no row to import, an invalid
    output file; nothing written) or ``edit.WriteError``.
    """
    loaded = load_mapping(mapping_path)
    table = read_csv(csv_path, loaded.mapping.encoding)
    rows = Rows(loaded, table)
    events: list[tuple[int, dict[str, Any]]] = []
    reports = []
    for line, cells in table.rows:
        try:
            events.append((line, rows.event(cells)))
        except RowProblem as problem:
            col = rows.index[problem.column] + 1 if problem.column in rows.index else 1
            reports.append(Problem(table.label, line, col, problem.message))
    if not events:
        raise edit.DataError(table.label, reports or [Problem(table.label, 1, 1, "no rows to import")])
    label = str(out_path)
    real = Path(os.path.realpath(out_path))
    with edit.locked(real):
        text = edit.read_text(real, label) if real.exists() else _skeleton(loaded, table, real, events)
        layout = edit.Layout(text, label)
        edits, created, updated = _edits(layout, loaded.mapping.registries, table.label, events)
        if edits:
            edit.write_checked(real, label, layout, edits)
    unchanged = len(events) - created - updated
    return Imported(Path(out_path), len(table.rows), created, updated, unchanged, tuple(reports))


def _edits(
    layout: edit.Layout, registries: Registries, csv_label: str, events: list[tuple[int, dict[str, Any]]]
) -> tuple[list[edit.Edit], int, int]:
    """Registry entries the events need, events rewritten in place, new events in date order."""
    wanted = {}
    for name, key in (("countries", "countries"), ("types", "type")):
        known = getattr(registries, name)
        used = dict.fromkeys(code for _, data in events for code in _listed(data[key]))
        wanted[name] = {code: known[code].model_dump(exclude_none=True) for code in used}
    edits, _ = edit.plan_registries(layout, wanted)  # an entry the file has already stays as it is
    where = {item.get("id"): n for n, item in enumerate(layout.events) if isinstance(item, dict)}
    new: dict[int, list] = defaultdict(list)
    updated = 0
    for line, data in sorted(events, key=lambda e: PartialDate.parse(e[1]["date"]).first_day):
        lines, names = edit.render_event(data, layout.dash, layout.key)
        origin = f"{csv_label}:{line}"
        n = where.get(data["id"])
        if n is None:
            new[layout.position_for(data["date"])].append((lines, names, origin))
        elif not _same(layout.events[n], data):
            start, stop = layout.item_span(n)
            edits.append(edit.Edit(start, stop, tuple(lines), tuple(names), origin))
            updated += 1
    edits += [layout.insert_events(at, blocks) for at, blocks in new.items()]
    return edits, sum(map(len, new.values())), updated


def _same(item: Any, data: dict[str, Any]) -> bool:
    try:
        return Event.model_validate(item) == Event.model_validate(data)
    except ValidationError:
        return False


def _skeleton(loaded: LoadedMapping, table: Table, out: Path, events) -> str:
    """A new output file: schema comment, what made it, the registries its events use, no events."""
    schema = Path(os.path.relpath(store.bundled_path().with_name("events.schema.json"), out.parent)).as_posix()
    registries = loaded.mapping.registries
    used = {"countries": {code for _, d in events for code in d["countries"]},
            "types": {d["type"] for _, d in events}}  # fmt: skip
    lines = [
        f"# yaml-language-server: $schema={schema if schema.startswith('.') else './' + schema}",
        "#",
        f"# Events imported from {Path(table.label).name} by `timeline import` with {Path(loaded.label).name}.",
        "# Importing again updates them by id and adds new rows; events and comments added by hand stay.",
    ]
    for name in ("countries", "types"):
        known = getattr(registries, name)
        lines += ["", f"{name}:"]
        lines += [f"  {edit.scalar(code)}: {edit.flow_mapping(entry.model_dump(exclude_none=True))}"
                  for code, entry in known.items() if code in used[name]]  # fmt: skip
    return "\n".join([*lines, "", "events:", ""])
