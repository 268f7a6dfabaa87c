"""Add events to a hand-edited events file without disturbing a byte of what people wrote.

Round-tripping a file through a YAML dumper reflows it: comments move, quoting and key order
change, and ``git diff`` drowns the one new event in noise. So this module edits the *text*: the
parsed positions (``yamlsource``) say where each event and registry entry starts, new lines are
rendered in the file's own layout and spliced in between existing lines, and every other byte is
kept. ``git diff`` after an add shows added lines only.

Writing is safe against the three ways a file gets lost:

* **bad data**: the new text is written to a temporary file beside the target and checked with
  ``store.load`` — the very bytes checked are the bytes renamed into place; any problem refuses the
  write and comes back as a ``DataError`` (problems in the new lines name the field at fault, so a
  form can show them next to its inputs);
* **crashes**: temporary file, fsync, atomic rename, then fsync of the folder; the old file is
  whole until the rename and the new one whole after it (a full disk is a ``WriteError``);
* **two writers**: an exclusive ``fcntl`` lock on a sidecar ``.NAME.lock`` file, taken before the
  file is read, so concurrent adds queue up and each sees the others' events.

``add_event`` is the one way to add an event: ``timeline add`` and the app's form both call it.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import fcntl
import functools
import itertools
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Container, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

import yaml.resolver
from pydantic import TypeAdapter, ValidationError

from . import files, store, yamlsource
from .dates import PATTERN as DATE_PATTERN
from .dates import PartialDate
from .models import KEY_MAX, Dataset, Event, Source, unknown_message
from .problems import Problem, field_problem

# Set to "crash" to make a write stop dead (os._exit) after the temporary file is complete and
# before the rename, as a power cut would: tests prove the original survives.
FAULT_ENV = "TIMELINE_FAULT"
CRASH_EXIT = 75
ID_MAX = KEY_MAX  # the longest id
FIELDS = tuple(Event.model_fields)  # the order keys are written in, as in the curated file
DEFAULTS = {"status": "achieved", "first": False}  # left out when written: the file stays terse
LISTS = ("countries", "sources", "tags", "mentioned_in", "milestone")  # one value may be given bare


# --- problems ------------------------------------------------------------------------------


class _FieldErrorView(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Problem) and obj.field is not None


class FieldError(metaclass=_FieldErrorView):
    """A form's view of ``Problem``: ``FieldError(field, message)`` makes a problem with one field
    of the new event (``field`` names it for a form to highlight; ``message`` starts with the
    field's path: "countries[0]: unknown country 'CNN' ..."), and ``isinstance`` tells one apart.
    """

    def __new__(cls, field: str, message: str) -> Problem:  # type: ignore[misc]
        return field_problem(field, message)


class DataError(Exception):
    """The write was refused; the file is unchanged. ``problems`` says where and what."""

    def __init__(self, label: str, problems: Sequence[Problem]) -> None:
        self.label = label
        # a field problem is about the file being written: it takes the file's name
        self.problems = tuple(replace(p, path=label) if p.field is not None and not p.path else p
                              for p in problems)  # fmt: skip
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One ``FILE:LINE:COL: message`` (or ``FILE: field: message``) per problem."""
        return [str(p) for p in self.problems]

    @property
    def fields(self) -> dict[str, list[str]]:
        """Messages per field of the new event (for a form)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            if p.field is not None:
                out.setdefault(p.field, []).append(p.message)
        return out


class WriteError(Exception):
    """The file system refused the write (disk full, permissions); the file is unchanged."""

    def __init__(self, label: str, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason = "no space left on the device"
        super().__init__(f"{label}: cannot write: {reason}; the file is unchanged")


# --- rendering YAML text ---------------------------------------------------------------------

_STR = yamlsource.TAG + "str"
_RESOLVERS = (yamlsource.Core12Resolver(), yaml.resolver.Resolver())  # YAML 1.2 and 1.1 readers
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_ESCAPES = {"\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\", '"': '\\"'}


def _printable(ch: str) -> bool:
    """Characters YAML lets through unescaped (never a line break, in YAML 1.1 or 1.2)."""
    o = ord(ch)
    return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF and o not in (0x2028, 0x2029)
            or 0xE000 <= o <= 0xFFFD and o != 0xFEFF or o >= 0x10000)  # fmt: skip


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS or text.endswith(":"):
        return False
    if ": " in text or " #" in text or not all(map(_printable, text)):
        return False
    if flow and any(c in ",[]{}?:" for c in text):  # PyYAML ends a plain scalar at these in [...]
        return False
    return all(r.resolve(yaml.ScalarNode, text, (True, False)) == _STR for r in _RESOLVERS)


@functools.lru_cache(maxsize=8192)  # an import repeats its sources, types and codes thousands of times
def scalar(text: str, *, flow: bool = False, quote: bool = False) -> str:
    """``text`` as a YAML scalar that every reader takes back as the same string.

    Plain when that is safe; double-quoted (with escapes) when a reader would take it for
    something else: ``NO`` or ``yes`` (booleans in YAML 1.1), ``1957`` (a number), ``a: b`` (a
    mapping), ``#x`` (a comment), leading/trailing spaces, control characters.
    """
    if not quote and _plain_ok(text, flow):
        return text
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        else:
            o = ord(ch)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
    return '"' + "".join(out) + '"'


def flow_mapping(entries: Mapping[str, Any]) -> str:
    """``{url: "https://…", title: Sputnik 1}``: one-line mappings, as the curated file writes them."""
    parts = [f"{k}: {_value(k, v, flow=True)}" for k, v in entries.items()]
    return "{" + ", ".join(parts) + "}"


def _value(key: str, value: Any, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(key, v, flow=True) for v in value) + "]"
    if isinstance(value, Mapping):
        return flow_mapping(value)
    text = str(value)
    if key in ("date", "end", "published") and re.fullmatch(DATE_PATTERN, text):
        return text  # the curated style; dates read as text at their precision
    return scalar(text, flow=flow, quote=key == "url")


def render_event(data: Mapping[str, Any], dash: int, key: int) -> tuple[list[str], list[str]]:
    """An event as block-sequence item lines (``dash``/``key``: columns of ``-`` and of keys).

    Returns the lines and, for each, the field it writes.
    """
    lines, fields = [], []
    for i, (name, value) in enumerate(data.items()):
        prefix = " " * dash + "-" + " " * (key - dash - 1) if i == 0 else " " * key
        if name == "sources" and isinstance(value, (list, tuple)) and value:
            lines.append(f"{prefix}sources:")
            lines += [" " * (key + 2) + "- " + _value(name, s, flow=True) for s in value]
            fields += [name] * (len(value) + 1)
        else:
            lines.append(f"{prefix}{name}: {_value(name, value)}")
            fields.append(name)
    return lines, fields


def event_data(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The event's keys in the file's order, without empty values or defaults.

    Accepts what a form or the CLI gives: a country as text or a list, dates as text or
    ``PartialDate``, sources as mappings or ``Source`` models. Unknown keys are kept (last) so
    validation names them.
    """
    out: dict[str, Any] = {}
    for name in sorted(fields, key=lambda k: FIELDS.index(k) if k in FIELDS else len(FIELDS)):
        value = fields[name]
        if hasattr(value, "model_dump"):
            value = value.model_dump(exclude_none=True)
        if isinstance(value, str):
            value = value.strip()
        if name in LISTS and isinstance(value, (str, dict)):
            value = [value]
        if isinstance(value, (list, tuple)):
            value = [v.model_dump(exclude_none=True) if hasattr(v, "model_dump") else v for v in value]
            value = [v.strip() if isinstance(v, str) else v for v in value if v not in (None, "")]
            if name == "milestone" and len(value) == 1:
                value = value[0]  # one milestone is written as a key, several as a list
        if isinstance(value, PartialDate):
            value = str(value)
        if value in (None, "", []) or (name in DEFAULTS and value == DEFAULTS[name]):
            continue
        out[name] = value
    return out


# --- ids ---------------------------------------------------------------------------------------


def slugify(text: str, max_length: int = ID_MAX) -> str:
    """``Chang'e-7 launch`` -> ``change-7-launch``: lower-case ASCII, digits, single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "").lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def free_id(base: str, taken: Container[str]) -> str:
    """``base`` if it is free, else ``base-2``, ``base-3``, … (kept within the id length limit)."""
    if base not in taken:
        return base
    for n in itertools.count(2):
        suffix = f"-{n}"
        candidate = slugify(base, ID_MAX - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


# --- where things are in the text ---------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace original lines ``[start, stop)`` (0-based) with ``lines``; ``start == stop`` inserts.

    ``fields`` names, per new line, the event field it writes, so a problem found on that line
    can be reported against the field; ``origin`` says where the lines came from (a CSV row).
    """

    start: int
    stop: int
    lines: tuple[str, ...]
    fields: tuple[str, ...] = ()
    origin: str = ""


class Layout:
    """An events file's text and where its parts are: event items, registries, indentation."""

    def __init__(self, text: str, label: str) -> None:
        self.label = label
        self.lines = text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        parsed = yamlsource.parse(text.removeprefix("\ufeff"))
        self.positions = parsed.positions
        if parsed.problems or not isinstance(parsed.data, dict):
            problems = [replace(p, path=label) for p in parsed.problems]
            raise DataError(label, problems or [self._problem((), "expected a mapping with countries, types, events")])
        self.data: dict[str, Any] = parsed.data
        events = self.data.get("events")
        if events not in (None, []) and not isinstance(events, list):
            raise DataError(label, [self._problem(("events",), "events: expected a list of events")])
        if events and self.positions.values[("events",)][0] == self.positions.keys[("events",)][0]:
            raise DataError(label, [self._problem(("events",), "events are written as a one-line [...] list; "
                                                  "write one '- ' item per event to add to it")])  # fmt: skip
        self.events: list[Any] = events or []
        self.items = [self._dash(i) for i in range(len(self.events))]  # (line, column) of each "-"
        if self.items:
            dash = self.items[0][1]
            first_key = self.positions.values[("events", 0)][1] - 1
            self.dash, self.key = dash, first_key if first_key > dash else dash + 2
        else:
            self.dash = self.positions.keys[("events",)][1] + 1 if "events" in self.data else 2
            self.key = self.dash + 2
        self.blank_between = len(self.items) > 1 and self._blank_gap(0)
        self._running_max: list | None = None

    def _problem(self, path: tuple, message: str) -> Problem:
        line, col, _ = self.positions.locate(path)
        return Problem(self.label, line, col, message)

    def _dash(self, i: int) -> tuple[int, int]:
        """The 0-based line and column of the ``-`` that starts event ``i``."""
        line, col = self.positions.values[("events", i)]
        line, before = line - 1, self.lines[line - 1][: col - 1]
        if not before.strip():  # "-" alone, the item's first key on the next line
            line, before = line - 1, self.lines[line - 1]
        before = before.rstrip()
        if not before.endswith("-"):
            raise DataError(self.label, [self._problem(("events", i), "cannot find the '-' starting this event")])
        return line, len(before) - 1

    def _is_gap(self, index: int, col: int) -> bool:
        """A blank line, or a comment at or left of ``col`` (so not inside a block scalar)."""
        text = self.lines[index].lstrip(" ")
        return not text.strip() or (text.startswith("#") and len(self.lines[index]) - len(text) <= col)

    def _end(self, boundary: int, col: int, floor: int) -> int:
        """Walk back from ``boundary`` over blank lines and comments: where content ends."""
        while boundary > floor and self._is_gap(boundary - 1, col):
            boundary -= 1
        return boundary

    def _next_top_key(self, key: str) -> int:
        """The 0-based line of the top-level key after ``key``, or the end of the file."""
        after = self.positions.keys[(key,)][0]
        later = [line for path, (line, _) in self.positions.keys.items() if len(path) == 1 and line > after]
        return min(later) - 1 if later else len(self.lines)

    def item_span(self, i: int) -> tuple[int, int]:
        """Lines ``[start, stop)`` of event ``i``: its ``-`` line to its last content line."""
        start = self.items[i][0]
        boundary = self.items[i + 1][0] if i + 1 < len(self.items) else self._next_top_key("events")
        return start, self._end(boundary, self.dash, start + 1)

    def _blank_gap(self, i: int) -> bool:
        stop, nxt = self.item_span(i)[1], self.items[i + 1][0]
        return any(not self.lines[n].strip() for n in range(stop, nxt))

    def position_for(self, date: Any) -> int:
        """The list position for an event dated ``date``: before the first event dated later.

        A running maximum of the events' first days makes this a bisection even when the file
        is not in date order; an undated or badly dated event goes at the end.
        """
        day = _first_day(date)
        if day is None:
            return len(self.events)
        if self._running_max is None:
            self._running_max, top = [], None
            for item in self.events:
                first = _first_day(item.get("date") if isinstance(item, dict) else None)
                top = first if top is None or (first is not None and first > top) else top
                self._running_max.append(top)
        dated = next((n for n, d in enumerate(self._running_max) if d is not None), len(self.events))
        return bisect.bisect_right(self._running_max, day, lo=dated)

    def insert_events(self, at: int, blocks: list[tuple[list[str], list[str], str]]) -> Edit:
        """An edit putting rendered events (lines, fields, origin) before event ``at``.

        After the previous event's last line (so comments heading the next one stay with it),
        or before the first event when ``at`` is 0, or into an empty or missing list.
        """
        sep = [""] if self.blank_between else []
        lines: list[str] = []
        fields: list[str] = []
        for block, names, _ in blocks:
            lines += sep + block
            fields += [""] * len(sep) + names
        origin = blocks[0][2] if len(blocks) == 1 else ""
        if at > 0:
            stop = self.item_span(at - 1)[1]
            return Edit(stop, stop, tuple(lines), tuple(fields), origin)
        lines, fields = lines[len(sep) :], fields[len(sep) :]  # no separator before the first event
        if self.items:
            start = self.items[0][0]
            return Edit(start, start, (*lines, *sep), (*fields, *[""] * len(sep)), origin)
        if "events" not in self.data:
            return Edit(len(self.lines), len(self.lines), ("", "events:", *lines), ("", "", *fields), origin)
        row = self.positions.keys[("events",)][0] - 1  # "events:" or "events: []" on this line
        head = self.lines[row][: self.positions.keys[("events",)][1] - 1] + "events:"
        return Edit(row, row + 1, (head, *lines), ("", *fields), origin)

    def registry_entries(self, name: str, entries: Mapping[str, Mapping[str, Any]], field_name: str) -> Edit:
        """An edit adding ``code: {…}`` lines after the last entry of registry ``name``."""
        keys = [pos for path, pos in self.positions.keys.items() if len(path) == 2 and path[0] == name]
        if not keys or self.positions.values[(name,)][0] == self.positions.keys[(name,)][0]:
            message = f"{name}: the registry is not one entry per line, so {', '.join(entries)} cannot be added"
            raise DataError(self.label, [field_problem(field_name, message)])
        line, col = max(keys)
        stop = self._end(self._next_top_key(name), col - 1, line)
        lines = tuple(" " * (col - 1) + f"{scalar(code)}: {flow_mapping(value)}" for code, value in entries.items())
        return Edit(stop, stop, lines, (field_name,) * len(lines))


def _first_day(value: Any):
    try:
        return PartialDate.parse(value).first_day
    except ValueError:
        return None


def apply(layout: Layout, edits: Sequence[Edit]) -> tuple[str, list[int]]:
    """The new text, and the 1-based line where each edit's lines start in it."""
    nl = layout.newline
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].stop, i))
    out: list[str] = []
    starts = [0] * len(edits)
    done = 0
    for i in order:
        e = edits[i]
        out += layout.lines[done : e.start]
        if e.lines and out and not out[-1].endswith(("\n", "\r")):
            out[-1] += nl  # the file did not end with a newline: the new lines need one
        starts[i] = len(out) + 1
        out += [line + nl for line in e.lines]
        done = max(done, e.stop)
    out += layout.lines[done:]
    return "".join(out), starts


def _origin(line: int, edits: Sequence[Edit], starts: Sequence[int]) -> tuple[Edit | None, int]:
    """Map a line of the new text to (edit, index in its lines) or (None, line in the old text)."""
    shift = 0
    for i in sorted(range(len(edits)), key=lambda i: starts[i]):
        e = edits[i]
        if line < starts[i]:
            break
        if line < starts[i] + len(e.lines):
            return e, line - starts[i]
        shift += len(e.lines) - (e.stop - e.start)
    return None, line - shift


# --- safe writing --------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s sidecar ``.NAME.lock`` (removed when done).

    The lock file is unlinked while still locked; a waiter that then gets the lock on the
    unlinked file notices (the path no longer names its inode) and tries again.
    """
    lock = path.with_name(f".{path.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WriteError(str(path), exc) from None
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)


def read_text(path: Path, label: str) -> str:
    """The file's text, or a ``DataError`` saying, as ``timeline validate`` would, why not."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        problems = [replace(p, path=label) if p.path == str(path) else p for p in store.load([path]).errors]
        raise DataError(label, problems or [Problem(label, 1, 1, "cannot read the file")]) from None


@dataclass(frozen=True)
class Written:
    """What a checked write produced: where each edit's lines start, and store.load's warnings."""

    starts: list[int]
    warnings: tuple[Problem, ...]


def write_checked(
    path: Path, label: str, layout: Layout, edits: Sequence[Edit], problems: Sequence[Problem] = ()
) -> Written:
    """Apply ``edits``, check the result with ``store.load``, and atomically replace ``path``.

    ``problems`` found before (an id already taken) refuse the write too, reported with the
    check's own. Call it holding ``locked(path)``. Raises ``DataError`` (nothing written) or
    ``WriteError``.
    """
    text, starts = apply(layout, edits)
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):  # left by a crashed writer: we hold the lock
        orphan.unlink(missing_ok=True)
    checked: list[tuple[Path, store.Loaded]] = []

    def check(tmp: Path) -> None:
        loaded = store.load([tmp])
        checked.append((tmp, loaded))
        if loaded.errors or problems:
            found = [_relocate(p, label, tmp, edits, starts) for p in loaded.errors]
            if path.exists() and any(p.field is None for p in found):
                # Problems outside the new lines: the file was already invalid; say it as validate would.
                found = [p for p in found if p.field is not None] + list(store.load([path]).errors)
            raise DataError(label, [*problems, *found])
        if os.environ.get(FAULT_ENV) == "crash":
            os._exit(CRASH_EXIT)

    try:
        files.write_atomic(path, text, check=check)
    except OSError as exc:
        raise WriteError(label, exc) from None
    tmp, loaded = checked[0]
    return Written(starts, tuple(replace(w, path=label, message=w.message.replace(str(tmp), label))
                                 for w in loaded.warnings))  # fmt: skip


def _relocate(
    problem: Problem, label: str, tmp: Path, edits: Sequence[Edit], starts: Sequence[int]
) -> Problem:
    """A problem found in the new text, told against the file as it still is.

    In new lines it becomes a problem with the field the line writes; elsewhere its line
    is moved back to the unchanged file's numbering.
    """
    message = problem.message.replace(str(tmp), label)
    edit, at = _origin(problem.line, edits, starts)
    if edit is None:
        return replace(problem, path=label, line=at, message=message)
    name = edit.fields[at] if edit.fields else ""
    missing = re.match(r"events\[\d+\]: missing required field '(\w+)'", message)
    name = missing.group(1) if missing else name
    message = re.sub(r"^events\[\d+\](\.|: )", "", message)
    return field_problem(name, f"{edit.origin}: {message}" if edit.origin else message)


# --- adding one event ------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """The event as written, where it went, and any warning the new file raises."""

    event: Event
    path: Path
    line: int
    warnings: tuple[Problem, ...]


# The registries an add or an import may add entries to, and the field (of a form, of ``timeline
# add``) that asks for them.
NEW_ENTRIES = {"countries": "new_countries", "types": "new_types"}


def plan_registries(
    layout: Layout, wanted: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> tuple[list[Edit], list[Problem]]:
    """Edits adding the entries ``wanted`` (registry -> code -> entry) that the file lacks.

    A code already in its registry is not added again; where the file's entry says otherwise than
    the wanted one (another name), a problem for the ``new_countries`` / ``new_types`` field
    says so, and the caller decides whether that refuses the write.
    """
    edits: list[Edit] = []
    problems: list[Problem] = []
    for name, field_name in NEW_ENTRIES.items():
        registry = layout.data.get(name) if isinstance(layout.data.get(name), dict) else {}
        wanted_here = wanted.get(name) or {}
        entries = {code: entry for code, entry in wanted_here.items() if code not in registry}
        for code, entry in wanted_here.items():
            have = registry.get(code)
            if code in entries or (isinstance(have, dict) and all(have.get(k) == v for k, v in entry.items())):
                continue  # to be added, or already there as wanted
            known = have.get(next(iter(entry), None)) if isinstance(have, dict) else have
            problems.append(field_problem(field_name, f"{field_name}: {code} is already in the {name} "
                                                      f"registry, as {known!r}"))  # fmt: skip
        if entries:
            edits.append(layout.registry_entries(name, entries, field_name))
    return edits, problems


def plan_add(
    layout: Layout,
    fields: Mapping[str, Any],
    *,
    new_countries: Mapping[str, str] | None = None,
    new_types: Mapping[str, str] | None = None,
) -> tuple[list[Edit], dict[str, Any], list[Problem]]:
    """The edits that add one event (and any new registry entries, first) to ``layout``'s text.

    Returns the edits, the event's data and what the text alone tells is wrong: an id already
    taken (the edits then use a free one, so validation can still find every other problem), a
    registry entry already there under another name.
    """
    data = event_data(fields)
    if not data.get("id") and isinstance(data.get("title"), str):
        data = {"id": slugify(data["title"]) or "event", **data}
    taken = {item.get("id"): n for n, item in enumerate(layout.events) if isinstance(item, dict)}
    problems: list[Problem] = []
    rendered = data
    if data.get("id") in taken:
        line = layout.items[taken[data["id"]]][0] + 1
        rendered = {**data, "id": free_id(data["id"], taken)}
        problems.append(field_problem("id", f"id: {data['id']!r} is already used by the event at line {line}; "
                                            f"choose another, e.g. {rendered['id']!r}"))  # fmt: skip
    missing = [name for name, info in Event.model_fields.items() if info.is_required() and name not in rendered]
    if "title" in missing and "id" in missing:
        missing.remove("id")  # the id comes from the title
    problems += [field_problem(name, f"{name}: missing required field") for name in missing]
    edits, conflicts = plan_registries(layout, {
        "countries": {code: {"name": text} for code, text in (new_countries or {}).items()},
        "types": {key: {"label": text} for key, text in (new_types or {}).items()},
    })  # fmt: skip
    problems += conflicts
    lines, names = render_event(rendered, layout.dash, layout.key)
    edits.append(layout.insert_events(layout.position_for(data.get("date")), [(lines, names, "")]))
    return edits, data, problems


def add_event(
    path: str | os.PathLike,
    fields: Mapping[str, Any],
    *,
    new_countries: Mapping[str, str] | None = None,
    new_types: Mapping[str, str] | None = None,
) -> Added:
    """Add one event to the events file at ``path``, safely; return it as written.

    ``fields`` holds the event's fields by their YAML names (``id`` defaults to a slug of the
    title). ``new_countries`` (code -> name) and ``new_types`` (key -> label) add registry
    entries in the same write. The event goes before the first event dated later than it (at
    the end of a chronological file), after any event of the same date.

    Raises ``DataError`` (with every problem; nothing written) or ``WriteError``.
    """
    label = str(path)
    real = Path(os.path.realpath(path))
    with locked(real):
        layout = Layout(read_text(real, label), label)
        edits, data, problems = plan_add(layout, fields, new_countries=new_countries, new_types=new_types)
        written = write_checked(real, label, layout, edits, problems)
    first = next(n for n, name in enumerate(edits[-1].fields) if name)  # past a blank separator
    return Added(Event.model_validate(data), Path(path), written.starts[-1] + first, written.warnings)


def preview(path: str | os.PathLike, fields: Mapping[str, Any], **registries: Mapping[str, str] | None) -> str:
    """The lines ``add_event`` would write now, for a person to confirm (nothing is written).

    ``registries``: ``new_countries`` and ``new_types``, as ``add_event`` takes them."""
    label = str(path)
    layout = Layout(read_text(Path(path), label), label)
    edits, _, problems = plan_add(layout, fields, **registries)
    if problems:
        raise DataError(label, problems)
    return "".join(line + "\n" for e in edits for line in e.lines if line)


# --- checking one answer (prompts and forms) ----------------------------------------------------


def check_field(
    name: str,
    value: Any,
    dataset: Dataset,
    *,
    new_countries: Iterable[str] = (),
    new_types: Iterable[str] = (),
    taken: Container[str] | None = None,
) -> Any:
    """Check one field of a new event as it is typed; return it or raise ValueError(message).

    ``name`` is an event field, or ``url`` for a source's address. The model's own rules, one
    field at a time, and the file's registries (plus codes about to be added), so a prompt or a
    form can re-ask at once.
    """
    info = Source.model_fields["url"] if name == "url" else Event.model_fields[name]
    kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    try:
        checked = TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        def told(err: dict) -> str:  # in validate's words, not pydantic's
            at = "".join(f"[{part}]" for part in err["loc"] if isinstance(part, int))
            return f"{name}{at}: {store.friendly(err, False)}" if at else store.friendly(err, False)

        raise ValueError("; ".join(dict.fromkeys(map(told, exc.errors(include_url=False))))) from None
    taken = {e.id for e in dataset.events} if taken is None else taken
    if name == "id" and checked in taken:
        raise ValueError(f"{checked!r} is already used; choose another, e.g. {free_id(checked, taken)!r}")
    registries = {"countries": ("country", {**dataset.countries, **dict.fromkeys(new_countries)}),
                  "type": ("type", {**dataset.types, **dict.fromkeys(new_types)}),
                  "milestone": ("milestone", dataset.milestones),
                  "mentioned_in": ("article", dataset.articles)}  # fmt: skip
    if name in registries:
        noun, known = registries[name]
        for code in [checked] if isinstance(checked, str) else checked:
            if code not in known:
                raise ValueError(unknown_message(noun, code, known))
    return checked


def source_title(url: str, title: str) -> str:
    """A default title for a source: the event title and the site (``… - en.wikipedia.org``)."""
    host = urlsplit(url).netloc.removeprefix("www.")
    return f"{title} - {host}" if host else title
