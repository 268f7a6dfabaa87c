"""Read events files into a validated ``Dataset``, or into every problem, located.

``load`` never raises for bad data: it returns a ``Loaded`` with either a dataset or a list of
``Problem``s printed as ``FILE:LINE:COL: message`` (yamllint's parsable form). Structure is checked
per file; references (ids unique, codes known) are checked over all files merged, so an imported
launch list may lean on the curated file's registries.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import gc
import hashlib
import os
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import cache, dates, models
from .models import Claim, DataFile, Dataset, Event
from .problems import Problem, Severity, data_path, dotted
from .yamlsource import NotFast, Positions, Split, fast_load, fast_split, parse

REGISTRIES = ("countries", "types", "articles", "milestones")
Rows = Callable[[Event], Any]  # what ``load`` makes of each event when it is not to keep them all


@dataclass(frozen=True)
class Loaded:
    """The outcome of reading one or more files."""

    paths: tuple[Path, ...]
    dataset: Dataset | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    version: str  # short content hash of every file, for captions and cache keys
    rows: tuple | None = None  # each event's ``rows(event)``, in the dataset's order, when load had ``rows``

    @property
    def ok(self) -> bool:
        return self.dataset is not None and not self.errors


@dataclass(frozen=True)
class Report:
    """What ``timeline validate`` says about files: a verdict and counts, not the data itself."""

    paths: tuple[Path, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    version: str
    counts: dict[str, int]  # events, countries, types

    @property
    def ok(self) -> bool:
        return not self.errors


def check(paths: Sequence[str | os.PathLike], *, use_cache: bool = True) -> Report:
    """Validate ``paths`` like ``load``, remembering valid verdicts by content (``cache``).

    A file that was valid is not parsed again until its bytes (or timeline itself) change: a
    10,000-event file re-checks in the time it takes to hash it.
    """
    paths = tuple(Path(p) for p in paths)
    name = None
    if use_cache:
        try:
            parts = [part for p in paths for part in (str(p).encode(), p.read_bytes())]
        except OSError:
            parts = None  # unreadable: load() says so, with its location
        if parts is not None:
            name = cache.key("validate", str(dates.today()).encode(), *parts)  # past and future move daily
            hit = cache.get(name)
            if hit is not None:
                warnings = tuple(Problem(**w) for w in hit["warnings"])
                return Report(paths, (), warnings, hit["version"], hit["counts"])
    loaded = load(paths, rows=_nothing)  # the verdict needs no event kept whole
    ds = loaded.dataset
    counts = {"events": len(loaded.rows), "countries": len(ds.countries), "types": len(ds.types)} if ds else {}
    report = Report(paths, loaded.errors, loaded.warnings, loaded.version, counts)
    if name is not None and report.ok:
        cache.put(name, {"version": report.version, "counts": counts,
                         "warnings": [dataclasses.asdict(w) for w in report.warnings]})  # fmt: skip
    return report


def bundled_path() -> Path:
    """The events file shipped with the package (or the checkout's, in a source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "events.yaml", here.parent / "events.yaml"):
        if candidate.is_file():
            return candidate
    return here / "_data" / "events.yaml"


def default_paths(paths: Sequence[str | os.PathLike] = ()) -> list[Path]:
    """The files a command works on: those given, else ``./events.yaml``, else the bundled copy."""
    if paths:
        return [Path(p) for p in paths]
    local = Path("events.yaml")
    return [local if local.exists() else bundled_path()]


@dataclass
class _File:
    """One file's parse: the events that validated, and (on demand) node positions."""

    label: str
    raw: bytes  # the file, UTF-8 without a byte order mark: as a str it can take 2 or 4 times as much
    model: DataFile | None  # the whole file, when it validated
    events: list[tuple[int, Event]]  # (index in the file, event) of the events that validated
    registries: dict[str, dict[str, Any]]
    known_positions: Positions | None = None
    claims: list[tuple[int, Claim]] = dataclasses.field(default_factory=list)  # (index in the file, claim)
    split: Split | None = None  # where each event starts (in bytes), when the file was read the fast way
    rows: list | None = None  # each event's row, when ``load`` was given ``rows``
    _first_lines: array | None = None  # the line each event starts on

    def locate(self, path: tuple, *, key: bool = False) -> tuple[int, int, tuple]:
        """``Positions.locate``, but a field of one event of a file read the fast way is found in
        that event's own lines: a warning about one event never costs a careful read of all."""
        found = self._event_field(path, key) if self.known_positions is None and self.split else None
        return found or self.positions.locate(path, key=key)

    def _event_field(self, path: tuple, key: bool) -> tuple[int, int, tuple] | None:
        if len(path) != 3 or path[0] != "events" or not isinstance(path[1], int) or not isinstance(path[2], str):
            return None
        starts, index = self.split.starts, path[1]
        if not 0 <= index < len(starts):
            return None
        end = starts[index + 1] if index + 1 < len(starts) else self.split.stop
        text = self.raw[starts[index]:end].decode("utf-8")  # this event's lines

        def line(offset: int) -> int:
            return self._first_line(index) + text.count("\n", 0, offset)

        dash = re.compile(r"([ \t]*)-[ \t]+").match(text)  # "  - id: ..." : keys start after it
        if dash is None or dash.end() == len(text) or text[dash.end()] in "{[\n#":
            return None
        column = dash.end()
        field = re.escape(path[2])
        pattern = re.compile(rf"^(?:{re.escape(text[:dash.end()])}|[ ]{{{column}}})({field}):[ \t]*", re.M)
        match = pattern.search(text)
        if match is None:
            return None
        if key:
            return line(match.start()), match.start(1) - match.start() + 1, path
        value = re.compile(r"[ \t]*(?:#[^\n]*)?\n").match(text, match.end())  # nothing after the colon: a block
        if value is None:
            return line(match.start()), match.end() - match.start() + 1, path
        below = re.compile(r"^([ \t]*)(?=[^\s#])", re.M).search(text, value.end())
        if below is None:
            return None
        return line(below.start()), below.end() - below.start() + 1, path

    def _first_line(self, index: int) -> int:
        """The line event ``index`` starts on."""
        if self._first_lines is None:
            lines, line, last = array("q"), 1, 0
            for start in self.split.starts:
                line += self.raw.count(b"\n", last, start)
                lines.append(line)
                last = start
            self._first_lines = lines
        return self._first_lines[index]

    @property
    def positions(self) -> Positions:
        """Where each value is; parsed again the careful way only when a problem needs placing."""
        if self.known_positions is None:
            self.known_positions = parse(self.raw.decode("utf-8")).positions
        return self.known_positions


def load(paths: Sequence[str | os.PathLike], *, rows: Rows | None = None) -> Loaded:
    """Read, parse and validate ``paths`` as one dataset; problems come back, never raise.

    With ``rows``, each event is made into ``rows(event)`` as soon as it is validated
    (``Loaded.rows``), and the dataset keeps as models only the events that reach a milestone
    (the race view reads those): with their registries and claims, that is all the app and the
    exports read as models. Every event as a model would be some 440 MB at 100,000 events with
    1,000-character descriptions and five sources each; this way they never exist all at once.
    The checks, errors and warnings are the same either way.
    """
    paths = tuple(Path(p) for p in paths)
    digest = hashlib.sha256()
    errors: list[Problem] = []
    files: list[_File] = []
    with _no_cycle_collection():
        for path in paths:
            raw, problem = _read_bytes(path)
            digest.update(str(len(raw or b"")).encode() + b"\0" + (raw or b""))
            if problem:
                errors.append(problem)
                continue
            raw = raw.removeprefix(codecs.BOM_UTF8)
            parsed_file, file_errors = _parse_file(str(path), raw, rows)
            errors.extend(file_errors)
            if parsed_file is not None:
                files.append(parsed_file)
        version = digest.hexdigest()[:10]
        dataset, merge_errors, warnings = _merge(files)
    errors.extend(merge_errors)
    made = None
    if errors:
        dataset = None
    elif rows is not None and dataset is not None:
        made = tuple(row for f in files for row in f.rows)
        dataset = dataset.model_copy(update={"events": [e for e in dataset.events if e.milestone]})
    return Loaded(paths, dataset, tuple(sorted(set(errors))), tuple(warnings), version, made)


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while millions of acyclic objects are made.

    Parsed data and pydantic models hold no reference cycles, so the collector would find nothing;
    left on, it walks every object made so far again and again, which is most of the time it takes
    to validate 100,000 events. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_bytes(path: Path) -> tuple[bytes | None, Problem | None]:
    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, Problem]:
        return None, Problem(str(path), line, col, message)

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return fail("no such file")
    except IsADirectoryError:
        return fail("is a directory, expected a YAML file")
    except PermissionError:
        return fail("permission denied: cannot read the file")
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror or exc}")
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _line_col(raw, nul)
        return fail("binary data (a NUL byte), expected a UTF-8 YAML text file", line, col)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        return fail(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; "
                    "save the file as UTF-8", line, col)  # fmt: skip
    return raw, None


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


def _parse_file(label: str, raw: bytes, rows: Rows | None = None) -> tuple[_File | None, list[Problem]]:
    model, split, made = _fast_model(raw, rows)
    if model is not None:
        registries = {name: getattr(model, name) for name in REGISTRIES}
        return _File(label, raw, model, list(enumerate(model.events)), registries,
                     claims=list(enumerate(model.claims)), split=split, rows=made), []  # fmt: skip
    parsed = parse(raw.decode("utf-8"))
    problems = [dataclasses.replace(p, path=label) for p in parsed.problems]
    if parsed.data is None and not parsed.problems:
        message = "the file is empty; expected a mapping with 'countries', 'types' and 'events'"
        return None, [Problem(label, 1, 1, message)]
    if parsed.data is None:
        return None, problems
    if not isinstance(parsed.data, dict):
        kind = kind_of(parsed.data)
        message = f"expected a mapping with 'countries', 'types' and 'events' at the top, got {kind}"
        return None, problems + [Problem(label, 1, 1, message)]
    data = parsed.data
    try:
        model = DataFile.model_validate(data)
    except ValidationError as exc:
        problems.extend(_from_validation(exc, label, parsed.positions, data))
        registries, events = _salvage(data)
        return _File(label, raw, None, events, registries, parsed.positions, _salvage_items(data, "claims", Claim, _claim_references)), problems
    model, made = _thinned(model, rows)
    events = list(enumerate(model.events))
    registries = {name: getattr(model, name) for name in REGISTRIES}
    return _File(label, raw, model, events, registries, parsed.positions, list(enumerate(model.claims)),
                 rows=made), problems  # fmt: skip


_EVENTS = TypeAdapter(list[Event])


def _fast_model(raw: bytes, rows: Rows | None = None) -> tuple[DataFile | None, Split | None, list | None]:
    """The file's model when it reads the fast way and is valid, where its events start, and their
    rows (with ``rows``, see ``load``); ``None`` sends it the careful way, which finds and places
    every problem.

    A file whose events are a top-level block list is read and validated a chunk of events at a
    time (``fast_split``), so the plain data of 100,000 events never exists all at once (nor, with
    ``rows``, their models); the chunks are read from the file's bytes, and the whole file as a
    string is let go before the models are made (``Split.in_utf8``).
    """
    text = raw.decode("utf-8")
    split = fast_split(text)
    try:
        if split is None:
            return _whole(fast_load(text), rows)
        split = split.in_utf8(raw)
        del text
        head = DataFile.model_validate({**split.head, "events": []})
        events: list[Event] = []
        made: list | None = None if rows is None else []
        for chunk in split.chunks():
            validated = _EVENTS.validate_python(chunk)
            if rows is None:
                events.extend(validated)
            else:
                made.extend(rows(e) for e in validated)
                events.extend(_kept(e) for e in validated)
        return head.model_copy(update={"events": events}), split, made
    except (ValidationError, NotFast):
        return None, None, None


def _whole(data: dict[str, Any] | None, rows: Rows | None) -> tuple[DataFile | None, None, list | None]:
    """``_fast_model`` of a file read in one piece."""
    if data is None:
        return None, None, None
    model, made = _thinned(DataFile.model_validate(data), rows)
    return model, None, made


def _thinned(model: DataFile, rows: Rows | None) -> tuple[DataFile, list | None]:
    """``model`` and its events' rows; with ``rows``, its events ``_kept`` as ``load`` says."""
    if rows is None:
        return model, None
    return model.model_copy(update={"events": [_kept(e) for e in model.events]}), [rows(e) for e in model.events]


def _kept(event: Event) -> Event:
    """What ``load`` with ``rows`` keeps of a valid event: the whole model if it reaches a milestone,
    else what the dataset's checks and warnings read of it."""
    if event.milestone:
        return event
    return Event.model_construct(  # every list given: a default_factory costs pydantic a signature() each time
        id=event.id, date=event.date, status=event.status, countries=event.countries, type=event.type,
        mentioned_in=event.mentioned_in, tags=event.tags,
    )  # fmt: skip


def _salvage(data: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[tuple[int, Event]]]:
    """The parts of an invalid file that are valid, so references can still be checked. An entry
    that is there but invalid stays known, as a blank stand-in: its own error says what is wrong,
    and the events that name it are not told that it does not exist (one error, not thousands)."""
    fields = DataFile.model_fields
    registries: dict[str, dict[str, Any]] = {}
    for name in REGISTRIES:
        adapter = TypeAdapter(fields[name].annotation)
        entry = get_args(fields[name].annotation)[1]
        entries = data.get(name) if isinstance(data.get(name), dict) else {}
        registries[name] = {}
        for key, value in entries.items():
            try:
                registries[name].update(adapter.validate_python({key: value}))
            except ValidationError as exc:
                if isinstance(key, str) and not any(e["loc"][1:2] == ("[key]",) for e in exc.errors()):
                    registries[name][key] = entry.model_construct()  # an invalid key is left out: no one can name it
    return registries, _salvage_items(data, "events", Event, _event_references)


def _salvage_items(data: dict[str, Any], key: str, model: type[BaseModel], stand_in) -> list[tuple[int, Any]]:
    """(index, model) of each item of the list ``key``; an invalid one is ``stand_in(item)``."""
    out = []
    raw = data.get(key) if isinstance(data.get(key), list) else []
    for i, item in enumerate(raw):
        try:
            out.append((i, model.model_validate(item)))
        except ValidationError:
            if isinstance(item, dict):
                out.append((i, stand_in(item)))
    return out


def _text_at(item: dict[str, Any], key: str) -> str | None:
    return item[key] if isinstance(item.get(key), str) else None


def _texts_at(item: dict[str, Any], key: str) -> list[str]:
    value = item.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _event_references(item: dict[str, Any]) -> Event:
    """An unvalidated stand-in for an invalid event, carrying just what reference checks read."""
    milestone = _text_at(item, "milestone") or _texts_at(item, "milestone")
    return Event.model_construct(
        id=_text_at(item, "id"), countries=_texts_at(item, "countries"), type=_text_at(item, "type") or "",
        milestone=milestone or None, mentioned_in=_texts_at(item, "mentioned_in"),
    )  # fmt: skip


def _nothing(event: Event) -> None:
    """``load``'s ``rows`` when nothing of the events is wanted but their checks."""


def _claim_references(item: dict[str, Any]) -> Claim:
    """An unvalidated stand-in for an invalid claim, carrying just what reference checks read."""
    return Claim.model_construct(
        id=_text_at(item, "id"), article=_text_at(item, "article"), events=_texts_at(item, "events"),
        verdict="unverifiable", claim="", quote=None, claimed_date=None, note="(invalid claim: its references only)",
    )  # fmt: skip


def _merge(files: list[_File]) -> tuple[Dataset | None, list[Problem], list[Problem]]:
    if not files:
        return None, [], []
    registries: dict[str, dict[str, Any]] = {name: {} for name in REGISTRIES}
    lists: dict[str, list] = {"events": [], "claims": []}
    origins: dict[str, list[tuple[_File, int]]] = {"events": [], "claims": []}
    for f in files:
        for name in REGISTRIES:
            for key, value in f.registries[name].items():
                registries[name].setdefault(key, value)  # the first file's definition wins
        for name, found in (("events", f.events), ("claims", f.claims)):
            for index, item in found:
                lists[name].append(item)
                origins[name].append((f, index))

    def place(loc: tuple) -> tuple[_File, tuple]:
        if len(loc) >= 2 and loc[0] in origins and isinstance(loc[1], int):
            f, index = origins[loc[0]][loc[1]]
            return f, (loc[0], index, *loc[2:])
        if len(loc) >= 2 and loc[0] in registries:  # a registry entry: in the file whose definition won
            return next((f for f in files if loc[1] in f.registries[loc[0]]), files[0]), loc
        return files[0], loc

    def located(loc: tuple, message: str, severity: Severity = "error") -> Problem:
        f, local = place(loc)
        line, col, _ = f.locate(local)
        return Problem(f.label, line, col, message, severity)

    errors: list[Problem] = []
    dataset = None
    try:
        dataset = Dataset(**registries, **lists)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            message = f"{dotted(place(err['loc'])[1])}: {err['msg']}"
            first = (err.get("ctx") or {}).get("first")
            if first:
                other = located(first, "")
                message += f" (first at {other.path}:{other.line})"
            errors.append(located(err["loc"], message))
    warnings = []
    if dataset is not None and not any(f.model is None for f in files):
        warnings = [located(loc, f"{dotted(place(loc)[1])}: {msg}", "warning")
                    for loc, msg in dataset.warnings()]  # fmt: skip
    return dataset, errors, warnings


# --- turning pydantic's errors into messages people can act on --------------------------------

_KINDS = {str: "text", int: "a number", float: "a number", bool: "a boolean", dict: "a mapping",
          list: "a list", type(None): "nothing (null)"}  # fmt: skip


def kind_of(value: Any) -> str:
    """What a value is, for messages: ``text 'x'``, ``a number 5``, ``a list``."""
    kind = _KINDS.get(type(value), type(value).__name__)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{kind} {value!r}"
    return kind


def _model_at(path: tuple) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` (for suggesting field names)."""
    if not path:
        return DataFile
    if path[0] == "events":
        return Event if len(path) == 2 else models.Source if len(path) == 4 and path[2] == "sources" else None
    if path[0] == "claims":
        return Claim if len(path) == 2 else None
    kinds = {"countries": models.Country, "types": models.EventType, "articles": models.Article,
             "milestones": models.Milestone}  # fmt: skip
    return kinds.get(path[0]) if len(path) == 2 else None


def _from_validation(exc: ValidationError, label: str, positions: Positions, data: Any) -> list[Problem]:
    problems: dict[tuple[int, int], Problem] = {}
    for err in exc.errors(include_url=False):
        path, at_key = data_path(err["loc"], data)
        kind = err["type"]
        if kind == "missing":
            where = positions.locate(path[:-1])
            message = f"{dotted(path[:-1])}: missing required field {path[-1]!r}"
        elif kind == "extra_forbidden":
            where = positions.locate(path, key=True)
            model = _model_at(path[:-1])
            known = list(model.model_fields) if model else []
            message = f"{dotted(path[:-1])}: {models.unknown_message('field', str(path[-1]), known)}"
        else:
            where = positions.locate(path, key=at_key)
            what = f"key {path[-1]!r}" if at_key else dotted(path)
            message = f"{what}: {friendly(err, at_key)}"
        line, col, _ = where
        problems.setdefault((line, col), Problem(label, line, col, message))
    return list(problems.values())


def friendly(err: dict[str, Any], at_key: bool) -> str:
    """A pydantic error told in our words (its own wording only for a kind not foreseen)."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    got = kind_of(value)
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern", "").startswith("^[A-Z]"):
            return f"expected an upper-case code such as 'CN', 'SU' or 'ESA', got {got}"
        if ctx.get("pattern", "").startswith("^#"):
            return f"expected a colour as #rrggbb, got {got}"
        return f"expected a lower-case slug such as 'sputnik-1' (a-z, 0-9, single hyphens), got {got}"
    simple = {
        "string_type": "expected text",
        "string_too_short": "must not be empty",
        "string_too_long": f"is too long (at most {ctx.get('max_length')} characters)",
        "list_type": "expected a list",
        "too_short": "needs at least one item, got an empty list",
        "dict_type": "expected a mapping (key: value lines)",
        "model_type": "expected a mapping (key: value lines)",
        "model_attributes_type": "expected a mapping (key: value lines)",
        "bool_type": "expected true or false",
        "bool_parsing": "expected true or false",
        "int_type": "expected a whole number",
        "int_parsing": "expected a whole number",
        "int_from_float": "expected a whole number",
    }
    if kind == "string_too_long" and isinstance(value, str):  # the text itself would fill the line
        return f"is too long: {len(value)} characters, at most {ctx.get('max_length')}"
    if kind in simple:
        return simple[kind] if ", got" in simple[kind] else f"{simple[kind]}, got {got}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {got}"
    return str(err["msg"])
