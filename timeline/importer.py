"""Turn the rows of a CSV file (a launch list) into events, by a small YAML mapping.

A mapping names, for each event field, where its value comes from: a template over the CSV's
columns (``launch-{date}-{Mission}``), date columns tried in order with their ``strptime``
formats, a fixed value, a column's value looked up in a table (``Success: achieved``), or rules
tried in order (``Location`` matching ``Baikonur`` before 26 Dec 1991 -> ``SU``); ``missing``
names the cells that mean no value (``NA``). ``examples/space_missions.mapping.yaml``, shipped in
the package (``timeline import --example-mapping``), is a complete, commented example.

Every row is imported or refused as ``CSV:LINE:COL: why`` (COL is the CSV column, 1-based); more
refused rows than the limit allows and nothing is written. The events are written through
``edit``: the output is a complete events file, checked with ``store.load`` before it replaces
anything. Importing again updates events by id (the id template must give a row the same id each
time): changed events are rewritten in place, unchanged ones keep their bytes, new ones go in date
order, events this CSV gave before and no longer does are named (and removed only when asked),
and nothing else in the file is touched.
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
from typing import Annotated, Any, Sequence

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
from .models import (
    STATUSES,
    Code,
    Country,
    Event,
    EventType,
    Key,
    Strict,
    date_status_problem,
    unknown_message,
)
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


# Cells that mean "no value" unless the mapping (or a field) says otherwise.
MISSING = ("NA", "N/A", "-", "")

Missing = Annotated[list[str], BeforeValidator(_listed)]


def _sources(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class DateSource(Strict):
    """A column that may hold the date, and its ``strptime`` formats (tried in order)."""

    column: str
    format: Annotated[list[str], BeforeValidator(_listed), Field(min_length=1)]
    missing: Missing | None = Field(None, description="Cells meaning no value here; default: the mapping's.")


# One date source, or several tried in order: the first whose cell is not missing gives the date.
DateSources = Annotated[list[DateSource], BeforeValidator(_sources), Field(min_length=1)]


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
    missing: Missing | None = Field(None, description="Cells of column meaning no value; default: the mapping's.")

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
    date: DateSources
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

    encoding: Annotated[list[str], BeforeValidator(_listed)] = Field(
        default_factory=lambda: ["utf-8"],
        description="The CSV's text encoding, or [utf-8, ENCODING] for a file in UTF-8 but for bytes in ENCODING.",
    )
    missing: Missing = Field(default_factory=lambda: list(MISSING), description="Cells that mean no value.")
    fields: Fields
    registries: Registries

    @field_validator("encoding")
    @classmethod
    def _known(cls, names: list[str]) -> list[str]:
        for name in names:
            try:
                b"\n".decode(name, "replace")  # LookupError for a name no codec has, and for codecs of bytes (rot13)
            except LookupError:
                raise ValueError(f"unknown text encoding {name!r} (e.g. utf-8, latin-1, cp1252)") from None
        if len(names) == 1 or (len(names) == 2 and codecs.lookup(names[0]).name == "utf-8"
                               and len(bytes(range(256)).decode(names[1], "replace")) == 256):  # fmt: skip
            return names
        raise ValueError("a list of encodings is [utf-8, ENCODING], with one byte a character in ENCODING "
                         "(latin-1? cp1252?): UTF-8 where the text is UTF-8, ENCODING for the bytes that are not")  # fmt: skip


@dataclass(frozen=True)
class LoadedMapping:
    mapping: Mapping
    label: str
    positions: yamlsource.Positions


def _at(label: str, positions: yamlsource.Positions, path: tuple, message: str, key: bool = False) -> Problem:
    """``message`` at the mapping node ``path`` (or its key), prefixed with the dotted path."""
    line, col, _ = positions.locate(path, key=key)
    return Problem(label, line, col, f"{dotted(path[:-1] if key else path)}: {message}")


EXAMPLE_MAPPING = Path(__file__).resolve().parent / "examples" / "space_missions.mapping.yaml"


def example_mapping() -> str:
    """The commented example mapping shipped with timeline (for the public launch list)."""
    return EXAMPLE_MAPPING.read_text(encoding="utf-8")


MAPPING_HOLDS = ("a mapping file is a YAML mapping with 'fields' (where each event field comes from: "
                 "id, title, date, description, countries, type, status, sources) and 'registries' (the "
                 "countries and types the events use); `timeline import --example-mapping` prints an example")

# What a field of the mapping must be, for messages about a value of the wrong kind.
SHAPES = {
    ("fields",): "a mapping of event fields (id, title, date, description, countries, type, status, sources)",
    ("registries",): "a mapping with 'countries' and 'types'",
    ("fields", "date"): "a date source {column: C, format: F}, or a list of them",
    ("fields", "countries"): "one of {value: V}, {column: C, values: {A: V}} or {rules: [...]}",
    ("fields", "type"): "one of {value: V}, {column: C, values: {A: V}} or {rules: [...]}",
    ("fields", "status"): "one of {value: V}, {column: C, values: {A: V}} or {rules: [...]}",
    ("fields", "sources"): "a list of sources, each {url: TEMPLATE, title: TEMPLATE}",
    ("fields", "date", "format"): "a strptime pattern such as \"%m/%d/%Y\", or a list of them",
    ("missing",): "a list of cells that mean no value, such as [NA, N/A, \"-\", \"\"]",
    ("encoding",): "a text encoding such as utf-8 or latin-1, or [utf-8, ENCODING]",
}


def load_mapping(path: str | os.PathLike) -> LoadedMapping:
    """Read and check a mapping file; a ``DataError`` locates every problem in it."""
    label = str(path)
    parsed = yamlsource.parse(edit.read_text(Path(path), label).removeprefix("\ufeff"))
    if parsed.problems:
        raise edit.DataError(label, [replace(p, path=label) for p in parsed.problems])
    if not isinstance(parsed.data, dict):
        got = "the file is empty" if parsed.data is None else f"got {store.kind_of(parsed.data)}"
        raise edit.DataError(label, [Problem(label, 1, 1, f"{got}; {MAPPING_HOLDS}")])
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
    if err["type"] == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        return path, f"key {path[-1]!r}: {message}" if at_key else message, at_key
    shape = SHAPES.get(tuple(p for p in path if not isinstance(p, int)) if path[-1:] != (0,) else path)
    if shape is None and len(path) >= 3 and path[0] == "fields" and path[1] == "date" and isinstance(path[2], int):
        shape = SHAPES[("fields", "date")] if len(path) == 3 else None
    if shape and err["type"] in ("dict_type", "model_type", "model_attributes_type", "list_type"):
        return path, f"expected {shape}, got {store.kind_of(err.get('input'))}", at_key
    return path, store.friendly(err, at_key), at_key


# --- the CSV file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line where the row starts, cells)


def _else(encoding: str) -> str:
    """The name of a decoding error handler that reads the bytes a decoder refused in ``encoding``
    (so UTF-8 text with some Latin-1 bytes reads right throughout), registered on first use."""
    name = f"timeline-else-{codecs.lookup(encoding).name}"
    try:
        codecs.lookup_error(name)
    except LookupError:

        def handler(exc: UnicodeError) -> tuple[str, int]:
            if not isinstance(exc, UnicodeDecodeError):
                raise exc
            try:
                return exc.object[exc.start:exc.end].decode(encoding), exc.end
            except UnicodeDecodeError as inner:  # told at the byte the fallback could not read either
                raise UnicodeDecodeError(encoding, exc.object, exc.start + inner.start, exc.start + inner.end,
                                         inner.reason) from None  # fmt: skip

        codecs.register_error(name, handler)
    return name


def read_csv(path: str | os.PathLike, encodings: list[str]) -> Table:
    """The CSV's header and rows with their line numbers; ``DataError`` if it cannot be read."""
    label = str(path)

    def fail(message: str, line: int = 1, col: int = 1) -> edit.DataError:
        return edit.DataError(label, [Problem(label, line, col, message)])

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a directory, expected a CSV file") from None
    except PermissionError:
        raise fail("permission denied: cannot read the file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode(encodings[0], errors=_else(encodings[1]) if len(encodings) > 1 else "strict").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        raise fail(f"not {' or '.join(encodings)} text: byte 0x{raw[exc.start]:02x} cannot be decoded; "
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


def _blank(column: str, text: str) -> str:
    """``empty Mission``, or ``missing Mission ('NA')`` for a cell the mapping says means no value."""
    return f"empty {column}" if not text else f"missing {column} ({text!r})"


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
        self.missing = frozenset(loaded.mapping.missing) | {""}

    def _columns(self):
        """(mapping path, column, is a key) of every column the mapping reads."""
        f = self.fields
        templates = [(("id",), f.id), (("title",), f.title), (("description",), f.description)]
        for i, source in enumerate(f.sources):
            templates += [(("sources", i, "url"), source.url), (("sources", i, "title"), source.title)]
        for path, alternatives in templates:
            for n, text in enumerate(alternatives):
                yield from ((("fields", *path, n), name, False) for name in _columns_in(text) if name != DATE)
        for i, source in enumerate(f.date):
            yield ("fields", "date", i, "column"), source.column, False
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
        date, date_column = self._date(row)
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
        impossible = date_status_problem(date, data["status"])
        if impossible and impossible[0] == "error":
            raise RowProblem(date_column, f"{date_column} {row[date_column]!r}: {impossible[1]}")
        self.taken.add(event_id)
        return edit.event_data(data)

    def _missing(self, own: list[str] | None) -> frozenset[str]:
        return self.missing if own is None else frozenset(own) | {""}

    def _date(self, row: dict[str, str]) -> tuple[PartialDate, str]:
        """The date from the first source whose cell is not missing, and that source's column.

        A cell that is there but does not parse is an error, not a reason to try the next source:
        a typo must not quietly turn a day into a year.
        """
        for source in self.fields.date:
            text = row[source.column]
            if text in self._missing(source.missing):
                continue
            for fmt in source.format:
                try:
                    when = datetime.strptime(text, fmt)
                except ValueError:
                    continue
                return PartialDate(*(when.year, when.month, when.day)[: _precision(fmt)]), source.column
            raise RowProblem(source.column, f"bad {source.column} {text!r}: expected {' or '.join(source.format)}")
        first = self.fields.date[0].column
        blanks = [_blank(s.column, row[s.column]) for s in self.fields.date]
        raise RowProblem(first, " and ".join(blanks) if len(blanks) > 1 else blanks[0])

    def _text(self, field: str, alternatives: list[str], row: dict[str, str]) -> str:
        """The first alternative whose columns are all filled in."""
        for text in alternatives:
            empty = [name for name in _columns_in(text) if row[name] in self.missing]
            if not empty:
                return text.format_map(row).strip()
        raise RowProblem(empty[0], f"{_blank(empty[0], row[empty[0]])} (needed for {field})")

    def _choice(self, field: str, choice: Choice, row: dict[str, str], date: PartialDate) -> list[str]:
        if choice.value is not None:
            return choice.value
        if choice.values is not None:
            cell = row[choice.column]
            if cell not in choice.values and cell in self._missing(choice.missing):
                raise RowProblem(choice.column, f"{_blank(choice.column, cell)} (needed for {field})")
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
    """What an import did: rows turned into events (new, updated, unchanged), rows refused, and the
    events of an earlier import of this CSV that it no longer gives (kept, or removed by ``prune``)."""

    path: Path
    rows: int
    created: int
    updated: int
    unchanged: int
    reports: tuple[Problem, ...]
    leftovers: tuple[str, ...] = ()
    pruned: bool = False


# --- how many refused rows an import tolerates --------------------------------------------------

DEFAULT_MAX_REFUSED = "1%"


@dataclass(frozen=True)
class Limit:
    """``--max-refused``: a number of rows (``12``) or a share of them (``1%``, ``0.5%``)."""

    text: str
    count: int | None = None
    percent: float | None = None

    @classmethod
    def parse(cls, text: str) -> Limit:
        """Read ``N`` or ``P%``; ``ValueError`` says what is expected."""
        value = str(text).strip()
        try:
            if value.endswith("%"):
                percent = float(value[:-1])
                if 0 <= percent <= 100:
                    return cls(value, percent=percent)
            elif value.isdigit():
                return cls(value, count=int(value))
        except ValueError:
            pass
        raise ValueError(f"expected a number of rows (12) or a percentage of them (1%), got {text!r}")

    def allowed(self, rows: int) -> int:
        """How many of ``rows`` may be refused: more refuses the whole import."""
        if self.count is not None:
            return self.count
        return int(rows * self.percent / 100 + 1e-9)


class TooManyRefused(edit.DataError):
    """More rows refused than the limit allows: nothing was written."""

    def __init__(self, label: str, problems: list[Problem], rows: int, limit: Limit) -> None:
        super().__init__(label, problems)
        self.rows = rows
        self.limit = limit

    def reason(self) -> str:
        refused, allowed = len(self.problems), self.limit.allowed(self.rows)
        if refused <= allowed:  # within the limit, but every row was refused
            return f"nothing written: all {self.rows:,} rows refused"
        return (f"nothing written: {refused:,} of {self.rows:,} rows refused, more than --max-refused "
                f"{self.limit.text} allows ({allowed:,} row{'s' * (allowed != 1)})")  # fmt: skip


# --- telling many refused rows in a few lines ---------------------------------------------------

MAX_LINES = 20  # distinct kinds of problem shown; the rest are counted
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _ranges(lines: list[int]) -> str:
    """``2-5, 9, 12-14``; just first and last when that would be long."""
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    if len(spans) > 4:
        return f"{lines[0]}-{lines[-1]}"
    return ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans)


def summarise(reports: Sequence[Problem], limit: int = MAX_LINES) -> list[str]:
    """Refused rows as at most ``limit`` lines, one per kind of problem, plus a count of the rest.

    A kind is a message with its quoted values left out, in one column: 5,726 rows with a bad
    date in another format read as one line, ``FILE:LINE:COL: bad launch_date '1967-06-29':
    expected %d/%m/%Y — rows 2-5727, 5,726 rows``, placed at the first of them.
    """
    groups: dict[tuple, list[Problem]] = {}
    for problem in reports:
        groups.setdefault((problem.col, _QUOTED.sub("'…'", problem.message)), []).append(problem)
    out = []
    for found in list(groups.values())[:limit]:
        first = str(found[0])
        if len(found) > 1:
            first += f" — rows {_ranges([p.line for p in found])}, {len(found):,} rows"
        out.append(first)
    rest = list(groups.values())[limit:]
    if rest:
        count = sum(map(len, rest))
        out.append(f"{reports[0].path}: and {count:,} more row{'s' * (count != 1)} refused for "
                   f"{len(rest):,} other reason{'s' * (len(rest) != 1)}")  # fmt: skip
    return out


# --- importing ------------------------------------------------------------------------------------


def import_csv(
    csv_path: str | os.PathLike,
    out_path: str | os.PathLike,
    mapping_path: str | os.PathLike,
    *,
    max_refused: Limit | str = DEFAULT_MAX_REFUSED,
    prune: bool = False,
) -> Imported:
    """Import the CSV's rows into the events file ``out_path`` (created if missing).

    More refused rows than ``max_refused`` allows writes nothing (``TooManyRefused``). Events an
    earlier import of a CSV of this name wrote, that this one no longer gives, are kept and
    named in ``leftovers``; ``prune`` removes them (only when no row was refused: a refused row
    may be one of them).

    Raises ``edit.DataError`` (a bad mapping, an unreadable CSV, too many refused rows, an invalid
    output file; nothing written) or ``edit.WriteError``.
    """
    limit = max_refused if isinstance(max_refused, Limit) else Limit.parse(max_refused)
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
    if not table.rows:
        raise edit.DataError(table.label, [Problem(table.label, 1, 1, "no rows to import: the file has only a header")])
    if len(reports) > limit.allowed(len(table.rows)) or not events:
        raise TooManyRefused(table.label, reports, len(table.rows), limit)
    label = str(out_path)
    real = Path(os.path.realpath(out_path))
    marker = f"imported from {Path(table.label).name}"
    with edit.locked(real):
        text = edit.read_text(real, label) if real.exists() else _skeleton(loaded, table, real, events)
        layout = edit.Layout(text, label)
        edits, created, updated, leftovers = _edits(layout, loaded.mapping.registries, table.label, events, marker)
        pruned = prune and bool(leftovers) and not reports
        if pruned:
            edits += [_removal(layout, n) for n in leftovers.values()]
        if edits:
            edit.write_checked(real, label, layout, edits)
    unchanged = len(events) - created - updated
    return Imported(Path(out_path), len(table.rows), created, updated, unchanged, tuple(reports),
                    tuple(leftovers), pruned)  # fmt: skip


_MARKED = re.compile(r"#\s*(imported from \S.*?)\s*$")


def _edits(
    layout: edit.Layout, registries: Registries, csv_label: str, events: list[tuple[int, dict[str, Any]]],
    marker: str,
) -> tuple[list[edit.Edit], int, int, dict[str, int]]:
    """Registry entries the events need, events rewritten in place, new events in date order, and
    the events marked as from this CSV that it does not give any more (id -> position)."""
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
        lines[0] += f"  # {marker}"
        origin = f"{csv_label}:{line}"
        n = where.get(data["id"])
        if n is None:
            new[layout.position_for(data["date"])].append((lines, names, origin))
        elif not _same(layout.events[n], data):
            start, stop = layout.item_span(n)
            edits.append(edit.Edit(start, stop, tuple(lines), tuple(names), origin))
            updated += 1
    edits += [layout.insert_events(at, blocks) for at, blocks in new.items()]
    given = {data["id"] for _, data in events}
    leftovers = {}
    for item_id, n in where.items():
        mark = _MARKED.search(layout.lines[layout.items[n][0]].rstrip("\r\n"))
        if item_id not in given and mark and mark.group(1) == marker:
            leftovers[item_id] = n
    return edits, sum(map(len, new.values())), updated, leftovers


def _removal(layout: edit.Layout, n: int) -> edit.Edit:
    """An edit removing event ``n`` and the blank lines that separate it from its neighbour."""
    start, stop = layout.item_span(n)
    if n + 1 < len(layout.items):
        while stop < layout.items[n + 1][0] and not layout.lines[stop].strip():
            stop += 1
    elif n > 0:
        floor = layout.item_span(n - 1)[1]
        while start > floor and not layout.lines[start - 1].strip():
            start -= 1
    return edit.Edit(start, stop, ())


def _same(item: Any, data: dict[str, Any]) -> bool:
    try:
        return Event.model_validate(item) == Event.model_validate(data)
    except ValidationError:
        return False


def _skeleton(loaded: LoadedMapping, table: Table, out: Path, events) -> str:
    """A new output file: schema comment, what made it, the registries its events use, no events."""
    registries = loaded.mapping.registries
    used = {"countries": {code for _, d in events for code in d["countries"]},
            "types": {d["type"] for _, d in events}}  # fmt: skip
    schema = _schema_beside(out)
    lines = [f"# yaml-language-server: $schema={schema}", "#"] if schema else []
    lines += [
        f"# Events imported from {Path(table.label).name} by `timeline import` with {Path(loaded.label).name}.",
        "# Importing again updates them by id and adds new rows; events and comments added by hand stay.",
    ]
    for name in ("countries", "types"):
        known = getattr(registries, name)
        lines += ["", f"{name}:"]
        lines += [f"  {edit.scalar(code)}: {edit.flow_mapping(entry.model_dump(exclude_none=True))}"
                  for code, entry in known.items() if code in used[name]]  # fmt: skip
    return "\n".join([*lines, "", "events:", ""])


def _schema_beside(out: Path, levels: int = 3) -> str | None:
    """``./events.schema.json`` or ``../events.schema.json`` when the schema is in the output's
    folder or just above it (a checkout); ``None`` otherwise: a written file never names a path
    of the machine that wrote it."""
    folder = out.parent
    for up in range(levels + 1):
        if (folder / "events.schema.json").is_file():
            return "./events.schema.json" if up == 0 else "../" * up + "events.schema.json"
        if folder.parent == folder:
            break
        folder = folder.parent
    return None
