"""Safe YAML 1.2 parsing that remembers where every value came from.

PyYAML's C parser composes the node tree (fast, and it never constructs objects); this module then
turns nodes into plain Python data itself, so that it can:

* resolve scalars by YAML 1.2's core schema: ``NO`` (Norway) stays a string, ``1957-10-04`` stays a
  string for ``dates`` to read at its precision, only ``true``/``false`` are booleans;
* refuse tags that would construct objects (``!!python/object``) — nothing is ever run;
* report duplicate keys in a mapping, which most loaders silently resolve by dropping data;
* bound alias expansion, so a "billion laughs" document is refused quickly in little memory;
* remember the line and column of every key and value (``Positions``), so validation errors can
  be reported as ``FILE:LINE:COL``.

That careful path costs about a second per thousand events. ``fast_load`` is the quick path for
the common case, a plain file that is fine: yaml_rs (Rust, YAML 1.2 core schema, duplicate keys
are errors) reads it some 40 times faster. It answers only where both paths agree: it returns
``None`` for anything unusual (tags, aliases, forbidden characters, several documents, syntax
errors), and callers then take the careful path, which also locates every error. Tests compare
the two paths on generated documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import yaml
import yaml.reader
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .problems import Problem

try:  # libyaml is in PyYAML's wheels; the pure-Python parser is the same grammar, only slower
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


try:
    import yaml_rs
except ImportError:  # pragma: no cover - yaml_rs ships wheels for the platforms we support
    yaml_rs = None

TAG = "tag:yaml.org,2002:"
# Aliases may repeat at most this many nodes, plus one per character of the document: room for
# any honest use (a shared list of sources), none for a "billion laughs" bomb.
ALIAS_BUDGET = 10_000


class Core12Resolver(BaseResolver):
    """Implicit scalar types of the YAML 1.2 core schema (no timestamps, no yes/no booleans)."""


for tag, pattern, first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):  # fmt: skip
    Core12Resolver.add_implicit_resolver(TAG + tag, re.compile(pattern), list(first))


class _Composer(_Parser, Core12Resolver):
    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        Core12Resolver.__init__(self)


@dataclass
class Positions:
    """Line/column (1-based) of each key and value, addressed by their path in the data."""

    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: tuple, *, key: bool = False) -> tuple[int, int, tuple]:
        """The closest known position for ``path``: itself, else its nearest ancestor.

        Returns ``(line, col, found_path)``; ``found_path`` is shorter than ``path`` when the
        exact node does not exist (a missing field is reported at the mapping that lacks it).
        """
        for cut in range(len(path), -1, -1):
            sub = path[:cut]
            table = self.keys if key and cut == len(path) else self.values
            if sub in table:
                line, col = table[sub]
                return line, col, sub
        return 1, 1, ()


@dataclass
class Parsed:
    data: Any
    positions: Positions
    problems: list[Problem]


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == TAG + "str" or tag == "!":
        return value
    if tag == TAG + "null":
        return None
    if tag == TAG + "bool":
        return value.lower() == "true"
    if tag == TAG + "int":
        text = value.replace("_", "")
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)
    if tag == TAG + "float":
        low = value.lower()
        return float("nan") if low.endswith("nan") else float(low.replace(".inf", "inf"))
    if tag == TAG + "timestamp":  # explicit !!timestamp: dates read the text at its precision
        return value
    raise ValueError(tag)


class _Builder:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.positions = Positions()
        self.problems: list[Problem] = []
        self.done: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, size) for aliases
        self.alias_nodes = 0

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem("", *_mark(node), message))

    def build(self, node: Node, path: tuple) -> tuple[Any, int]:
        self.positions.values[path] = _mark(node)
        seen = self.done.get(id(node))
        if seen is not None:  # an alias: share the value, but count what it repeats
            self.alias_nodes += seen[1]
            if self.alias_nodes > self.budget:
                raise _AliasBomb(node)
            return seen
        if isinstance(node, ScalarNode):
            try:
                result = _scalar(node), 1
            except ValueError:
                self.problem(node, f"tag {node.tag.replace(TAG, '!!')!r} is not allowed here; "
                                   "only plain text, numbers, booleans and null")  # fmt: skip
                result = None, 1
        elif isinstance(node, SequenceNode):
            result = self.sequence(node, path)
        else:
            result = self.mapping(node, path)
        if node.tag not in (TAG + "seq", TAG + "map") and not isinstance(node, ScalarNode):
            self.problem(node, f"tag {node.tag.replace(TAG, '!!')!r} is not allowed here")
            result = None, result[1]
        self.done[id(node)] = result
        return result

    def sequence(self, node: SequenceNode, path: tuple) -> tuple[list, int]:
        items, size = [], 1
        for i, child in enumerate(node.value):
            value, n = self.build(child, path + (i,))
            items.append(value)
            size += n
        return items, size

    def mapping(self, node: MappingNode, path: tuple) -> tuple[dict, int]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        size = 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, "a key must be plain text, not a list or mapping")
                continue
            if key_node.value == "<<" and not key_node.style:  # a plain <<: YAML 1.1's merge key
                self.problem(key_node, "merge keys ('<<') are not supported; write the fields out")
                continue
            try:
                key = _scalar(key_node)  # typed as 1.2 reads it: `1957:` is a number, not text
            except ValueError:
                self.problem(key_node, f"tag {key_node.tag.replace(TAG, '!!')!r} is not allowed on a key")
                continue
            if key in first_line:
                self.problem(key_node, f"duplicate key {key_node.value!r} (first at line {first_line[key]}); "
                                       "YAML keeps only one of them, remove the other")  # fmt: skip
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.positions.keys[path + (key,)] = _mark(key_node)
            value, n = self.build(value_node, path + (key,))
            result[key] = value
            size += n
        return result, size


# What the parser was reading when it gave up (its error's context), and how to name it. The
# start of an unclosed quote or bracket is where the mistake is; the parser notices only where the
# text stops making sense, often hundreds of lines later.
_UNCLOSED = {"quoted scalar": "unclosed quoted string", "flow mapping": "unclosed '{'",
             "flow sequence": "unclosed '['"}  # fmt: skip
_STARTED = {"block mapping": "the mapping", "block collection": "the list", "simple key": "the key",
            "block scalar": "the block of text", "alias": "the alias", "anchor": "the anchor",
            "tag": "the tag", "plain scalar": "the text", "node": "the value"}  # fmt: skip


def _where_it_started(exc: yaml.MarkedYAMLError, found: list[Problem]) -> list[Problem]:
    """Syntax problems with the start of what was unclosed or broken first, when the parser says it.

    ``broken.yaml:75:12: unclosed quoted string starting here (the parser gave up at line 407)``;
    for a broken block, the place the parser gave up follows as its own problem.
    """
    context, start, end = exc.context or "", exc.context_mark, exc.problem_mark
    what = context.removeprefix("while scanning ").removeprefix("while parsing ").removeprefix("a ").removeprefix("an ")
    if start is None or end is None or not context.startswith("while ") or (start.line, start.column) == (end.line, end.column):
        return found
    problem = exc.problem or ""
    if what in _UNCLOSED:
        detail = "" if "end of stream" in problem or what == "quoted scalar" else f": {problem}"
        message = f"{_UNCLOSED[what]} starting here (the parser gave up at line {end.line + 1}{detail})"
        return [Problem("", start.line + 1, start.column + 1, message)]
    name = _STARTED.get(what, f"the {what}")
    message = f"{name} starting here is broken (the parser gave up at line {end.line + 1}: {problem})"
    return [Problem("", start.line + 1, start.column + 1, message), *found]


class _AliasBomb(Exception):
    def __init__(self, node: Node) -> None:
        self.node = node


def parse(text: str) -> Parsed:
    """Parse one YAML document safely; syntax errors come back as ``Problem``s.

    Their ``path`` is empty: the caller names the file.
    """
    composer = None
    try:
        composer = _Composer(text)
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context and "expected a single document" in exc.context:
            message = "expected one YAML document, found a second one ('---'); split it into two files"
        elif "\t" in message or "'\\t'" in message or "tab character" in message:
            message = "tab character: YAML indents with spaces only"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        found = [Problem("", line, col, f"YAML syntax error: {message}")]
        return Parsed(None, Positions(), _where_it_started(exc, found))
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; located by its offset
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - text.rfind("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"character {chr(code)!r} (#x{code:04x}) is not allowed in YAML; remove it"
        return Parsed(None, Positions(), [Problem("", line, col, message)])
    except yaml.YAMLError as exc:  # pragma: no cover - every other error carries a mark
        return Parsed(None, Positions(), [Problem("", 1, 1, f"YAML error: {exc}")])
    finally:
        if composer is not None:
            composer.dispose()
    if root is None:
        return Parsed(None, Positions(), [])
    builder = _Builder(ALIAS_BUDGET + len(text))
    try:
        data, _ = builder.build(root, ())
    except _AliasBomb as bomb:
        line, col = _mark(bomb.node)
        message = (f"aliases repeat more than {builder.budget:,} nodes (a 'billion laughs' "
                   "document?); refusing to expand them")  # fmt: skip
        return Parsed(None, builder.positions, [Problem("", line, col, message)])
    return Parsed(data, builder.positions, builder.problems)


# Characters YAML forbids (yaml_rs lets some through), the ones YAML 1.1 (libyaml, the careful
# path) reads as line breaks but 1.2 does not, and tabs (libyaml refuses more of them); tags
# (yaml_rs ignores unknown ones); merge keys.
# Documents with any of them go the careful way. The patterns may match prose ("Wow !", "<<"):
# that only costs speed.
_CAREFUL_CHARS = re.compile(
    "[\x00-\x08\t\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]"
)
# A token starting with "!" (a tag), "&" or "*" (anchors, aliases) or "_" and a digit (yaml_rs
# reads `_0` as 0); "?" or ":" glued to text where a key may start (`{?name: x}`, read differently
# by 1.1 and 1.2). A "?" inside a title ("M-69 ???522") is fine.
_INDICATORS = (  # three simple patterns scan faster than their alternation
    re.compile(r"[ \t\n\[{,](?:!|[&*]\S|_[0-9_])"),
    re.compile(r"[\[{,][ \t]*[?:]\S"),
    re.compile(r"\n[ \t]*(?:-[ \t]+)*[ \t]*[?:]\S"),
)
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0) if yaml_rs else None


def fast_load(text: str) -> dict[str, Any] | None:
    """The plain data of a simple, well-formed mapping document, or ``None`` (use ``parse``)."""
    return _fast(text, dict) if _plain(text) else None


def _plain(text: str) -> bool:
    if yaml_rs is None or "<<" in text or _CAREFUL_CHARS.search(text):
        return False
    # The patterns read a line break before a line's start: the first line gets one of its own (a
    # copy of the whole text with one in front would double a 200 MB file's memory for a moment).
    first_line = "\n" + text[: text.find("\n") + 1 or len(text)]
    return not any(pattern.search(text) or pattern.search(first_line) for pattern in _INDICATORS)


def _fast(text: str, kind: type) -> Any:
    """yaml_rs's reading of a document that is a ``kind`` (dict or list), else ``None``."""
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_NO_ALIASES)
    except (yaml_rs.YAMLDecodeError, ValueError, TypeError, RecursionError):  # TypeError: a list as a key
        return None
    return data if isinstance(data, kind) else None


class NotFast(Exception):
    """A chunk of ``fast_split``'s events did not read as the items it was cut at: use ``parse``."""


@dataclass(frozen=True)
class Split:
    """A document read the fast way with its ``events`` list in chunks (see ``fast_split``).

    Offsets count characters of the text, or bytes once it is ``in_utf8``.
    """

    head: dict[str, Any]  # every top-level key but ``events``
    count: int  # how many events
    size: int  # events per chunk
    _text: str | bytes = field(repr=False)
    _cuts: tuple[int, ...] = field(repr=False)  # where each chunk starts, and the list's end
    starts: tuple[int, ...] = field(default=(), repr=False)  # where each event's "-" is
    stop: int = 0  # where the list ends

    def chunks(self) -> Iterator[list[Any]]:
        """The events, a chunk of plain data at a time; raises ``NotFast`` if a chunk misreads."""
        text, cuts, size = self._text, self._cuts, self.size
        for n, (start, stop) in enumerate(zip(cuts, cuts[1:])):
            piece = text[start:stop]
            items = _fast(piece.decode("utf-8") if isinstance(piece, bytes) else piece, list)
            if items is None or len(items) != min(size, self.count - n * size):
                raise NotFast(f"events {n * size}..: read differently in a chunk")
            yield items

    def in_utf8(self, encoded: bytes) -> Split:
        """The same split over ``encoded``, its text in UTF-8, with every offset in bytes.

        A Python string takes 2 bytes a character as soon as one character is beyond Latin-1 (4
        beyond the Basic Multilingual Plane): a 200 MB file with one Greek letter or emoji is a
        400 or 800 MB string, its UTF-8 bytes stay 200 MB. Lines start at the same places in both.
        """
        text = self._text
        if isinstance(text, bytes) or text.isascii():
            return replace(self, _text=encoded)
        places = sorted({*self._cuts, *self.starts, self.stop})
        in_bytes, done, last = {}, 0, 0
        for place in places:  # one event's text encoded at a time
            done += len(text[last:place].encode("utf-8"))
            in_bytes[place], last = done, place
        return replace(self, _text=encoded, _cuts=tuple(in_bytes[c] for c in self._cuts),
                       starts=tuple(in_bytes[s] for s in self.starts), stop=in_bytes[self.stop])  # fmt: skip


CHUNK = 500  # events read at a time: small enough that their plain data is a passing cost
_EVENTS = re.compile(r"^events:[ \t\r]*(?:#[^\n]*)?\n(?:[ \t\r]*(?:#[^\n]*)?\n)*( *)-(?=[ \t\r\n])", re.M)


def fast_split(text: str) -> Split | None:
    """``fast_load`` for a file whose ``events`` is a top-level block list, without holding it all.

    A 100,000-event file is 80 MB of YAML and some 330 MB as plain data, and its validated models
    are as big again: reading the list a chunk at a time lets callers validate each chunk and drop
    its plain data before reading the next. Items are cut where a line starts the list's ``-`` at
    its own indent; each chunk must then read as exactly the items it was cut at (a cut inside a
    quoted scalar cannot), or ``chunks`` raises ``NotFast``. ``None``: use ``fast_load`` or ``parse``.
    """
    if not _plain(text):
        return None
    found = _EVENTS.search(text)
    if found is None:
        return None
    indent = found.group(1)
    first = found.end() - 1 - len(indent)
    # the list runs until a line that is neither an item, nor deeper, nor blank, nor a comment
    end = re.compile(rf"^(?!{indent}-[ \t\r]|{indent}-$|{indent} |[ \t\r]*#|[ \t\r]*$)", re.M).search(text, first)
    stop = end.start() if end else len(text)
    starts = [m.start() for m in re.compile(rf"^{indent}-(?=[ \t\r\n]|$)", re.M).finditer(text, first, stop)]
    head = _fast(text[: found.start()] + "events: []\n" + text[stop:], dict)
    if head is None or head.get("events") != []:
        return None
    del head["events"]
    return Split(head, len(starts), CHUNK, text, (*starts[::CHUNK], stop), tuple(starts), stop)
