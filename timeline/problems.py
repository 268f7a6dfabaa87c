"""What timeline says when something is wrong: located problems and usage errors.

A ``Problem`` is one message about a file, printed as ``FILE:LINE:COL: message`` (yamllint's
parsable form; a warning says ``warning:`` before its message). Every part of timeline reports
with it: the YAML parser (which does not know the file's name yet, so ``path`` is empty until the
caller names it), ``store`` (a file's structure and references), ``edit`` and ``importer``. A
problem about a field of an event not yet written has no line: it names the ``field`` instead,
for a form to show next to its input, and prints as ``FILE: message``.

``UsageProblem`` is the one usage error (exit 2): a command line the user can correct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Mapping

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One located message about a file (or, with ``field`` and no line, about a new event's field)."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"
    field: str | None = None

    @property
    def warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        if not self.line:
            return f"{self.path}: {self.message}" if self.path else self.message
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}:{self.col}: {kind}{self.message}"


def field_problem(field: str, message: str, path: str = "") -> Problem:
    """A problem with one field of a new event; ``message`` starts with the field's path."""
    return Problem(path, 0, 0, message, field=field)


class UsageProblem(click.ClickException, ValueError):
    """Bad usage the user can correct, told in one line (no usage text); the exit code is 2.

    ``option`` names the option at fault (``--country``) where there is one.
    """

    exit_code = 2

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


# --- where in the data a pydantic error is ---------------------------------------------------------


def dotted(loc: Iterable[Any]) -> str:
    """``("events", 3, "sources", 0, "url")`` -> ``events[3].sources[0].url``; ``(top)`` for none."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def data_path(loc: tuple, data: Any, aliases: Mapping[str, str] | None = None) -> tuple[tuple, bool]:
    """A pydantic error's ``loc`` as a path in the parsed ``data``, and whether it ends at a key.

    Drops pydantic's union-branch names (``str``, ``list[...]``); keeps a missing or unknown key
    (spelt by its alias, from ``aliases``: it names the field) and stops there.
    """
    path: list[Any] = []
    node = data
    for part in loc:
        if part == "[key]":
            return tuple(path), True
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int):
            path.append((aliases or {}).get(part, part))  # a missing or unknown key: it names the field
            return tuple(path), False
        else:
            continue  # a union branch such as 'str' or 'list[...]'
        path.append(part)
    return tuple(path), False


PER_KIND = 5  # problems of one kind printed in full before the rest are counted


def problem_kind(problem: Problem) -> str:
    """What a problem says, less where and about which value: ``events[].date: '' is in the future``."""
    text = re.sub(r"\[\d+\]", "[]", problem.message)
    return re.sub(r"'[^']*'|\d[\d,.\-]*", "''", text)


def summarised(problems: Iterable[Problem], per_kind: int = PER_KIND) -> list[str]:
    """Each problem as a line, but at most ``per_kind`` of one kind (``problem_kind``); the rest of a kind
    are counted in one line after its last shown one, so 40,000 alike never flood the terminal."""
    shown: dict[str, int] = {}
    rest: dict[str, list[Problem]] = {}
    lines: list[tuple[str, str]] = []
    for problem in problems:
        kind = problem_kind(problem)
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= per_kind:
            lines.append((kind, str(problem)))
        else:
            rest.setdefault(kind, []).append(problem)
    out = []
    for i, (kind, line) in enumerate(lines):
        out.append(line)
        last_of_kind = all(k != kind for k, _ in lines[i + 1 :])
        if last_of_kind and kind in rest:
            more = rest[kind]
            severity = "warning" if more[0].warning else "problem"
            out.append(f"... and {len(more):,} more {severity}{'s' * (len(more) != 1)} like the one above "
                       f"({more[0].path}:{more[0].line} to {more[-1].path}:{more[-1].line})")  # fmt: skip
    return out
