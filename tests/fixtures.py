"""Test data shared by several test files: plain constants and helpers (pytest fixtures are in
conftest.py).
"""

from __future__ import annotations

import difflib
import os
import textwrap
from pathlib import Path
from typing import Callable

# --- a small events file: the app, its figures and its faults --------------------------------------

FIXTURE = """\
countries:
  SU: {name: Soviet Union, color: "#D55E00"}
  RU: {name: Russia}
  US: {name: United States}
  CN: {name: China, color: "#0072B2"}
types:
  satellite: {label: Satellite, symbol: circle}
  crewed-flight: {label: Crewed flight, symbol: star}
  space-station: {label: Space station}
events:
  - id: sputnik-1
    title: Sputnik 1
    date: 1957-10-04
    countries: [SU]
    type: satellite
    first: true
    description: First artificial satellite.
    sources: [{url: "https://example.org/s1", title: S1}]
  - id: vanguard-tv3
    title: "Vanguard <b>TV3</b> & co"
    date: 1957-12
    countries: [US]
    type: satellite
    status: failed
    description: Exploded on the pad.
    sources: [{url: "https://example.org/v", title: V}]
  - id: dongfanghong-1
    title: Dong Fang Hong 1
    date: 1970-04-24
    countries: [CN]
    type: satellite
    description: First Chinese satellite.
    sources: [{url: "https://example.org/d", title: D}]
  - id: zarya
    title: Zarya
    date: 1998-11-20
    end: 2024
    countries: [RU, US]
    type: space-station
    description: First ISS module.
    sources: [{url: "https://example.org/z", title: Z}]
  - id: crewed-cn-2030
    title: Chinese crewed landing
    date: 2030
    countries: [CN]
    type: crewed-flight
    status: planned
    description: Planned.
    sources: [{url: "https://example.org/c", title: C}]
"""


# --- faults: what can happen to a file while it is served -------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(b"")


def _half(path: Path) -> None:
    path.write_text(FIXTURE[: len(FIXTURE) // 2], encoding="utf-8")


def _delete(path: Path) -> None:
    path.unlink()


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _garble(path: Path) -> None:
    path.write_bytes(FIXTURE.encode()[:300] + b"\xff\xfe garbled \x80")


# fault -> (what it does to the file, what the errors say)
FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncate, ":1:1: the file is empty"),
    "half-saved": (_half, ""),
    "deleted": (_delete, ":1:1: no such file"),
    "replaced by a folder": (_folder, ":1:1: is a directory, expected a YAML file"),
    "replaced by a named pipe": (_pipe, ":1:1: not a regular file (a pipe or a device); expected a YAML file"),
    "invalid bytes": (_garble, ": not UTF-8 text: byte 0xff cannot be decoded"),
}


def restore(path: Path, text: str) -> None:
    """Put a good file back, whatever the fault left at ``path``."""
    if path.is_dir():
        path.rmdir()
    elif path.exists() or path.is_fifo():
        path.unlink()
    path.write_text(text, encoding="utf-8")


def retitled(title: str) -> str:
    return FIXTURE.replace("title: Zarya", f"title: {title}")


# --- `timeline validate`: a valid file and a corpus of broken ones -----------------------------

GOOD = textwrap.dedent(
    """\
    countries:
      SU: {name: Soviet Union}
      US: {name: United States}
    types:
      satellite: {label: Satellite}
    events:
      - id: sputnik-1
        title: Sputnik 1
        date: 1957-10-04
        countries: [SU]
        type: satellite
        description: First satellite.
        sources:
          - url: https://nssdc.gsfc.nasa.gov/
            title: NSSDC
    """
)


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


CASES = {
    "yaml-syntax": (broken("countries: [SU]", "countries: [SU"), 10, 16, "unclosed '[' starting here (the parser gave up at line 11: did not find expected ',' or ']')"),
    "unclosed-quote": (broken("title: Sputnik 1", 'title: "Sputnik 1'), 8, 12, "unclosed quoted string starting here (the parser gave up at line 16)"),
    "unclosed-single-quote": (broken("First satellite.", "'First satellite."), 12, 18, "unclosed quoted string starting here (the parser gave up at line 16)"),
    "unclosed-brace": (broken("  SU: {name: Soviet Union}", "  SU: {name: Soviet Union"), 2, 7, "unclosed '{' starting here (the parser gave up at line 3: did not find expected ',' or '}')"),
    "broken-block": (broken("    type: satellite", "   type: satellite"), 7, 3, "the list starting here is broken (the parser gave up at line 11: did not find expected '-' indicator)"),
    "tab": (broken("    title: Sputnik 1", "\ttitle: Sputnik 1"), 8, 1, "tab character: YAML indents with spaces only"),
    "wrong-type": (broken("title: Sputnik 1", "title: [a, b]"), 8, 12, "events[0].title: expected text, got a list"),
    "impossible-date": (broken("1957-10-04", "1957-13-45"), 9, 11, "events[0].date: impossible date '1957-13-45': month must be 01 to 12"),
    "end-before-date": (broken("    date: 1957-10-04", "    date: 1957-10-04\n    end: 1957-01-01"), 10, 10, "events[0].end: end 1957-01-01 is before date 1957-10-04"),
    "duplicate-key": (broken("    type: satellite", "    type: satellite\n    title: Sputnik"), 12, 5, "duplicate key 'title' (first at line 8)"),
    "unknown-key": (broken("    type: satellite", "    type: satellite\n    titel: Sputnik"), 12, 5, "events[0]: unknown field 'titel' (did you mean 'title'?)"),
    "unknown-country": (broken("[SU]", "[CNN]"), 10, 17, "events[0].countries[0]: unknown country 'CNN' (known: SU, US)"),
    "near-country": (broken("[SU]", "[SUU]"), 10, 17, "unknown country 'SUU' (did you mean 'SU'?)"),
    "norway": (broken("[SU]", "[NO]"), 10, 17, "unknown country 'NO'"),
    "unknown-type": (broken("type: satellite", "type: satelite"), 11, 11, "events[0].type: unknown type 'satelite' (did you mean 'satellite'?)"),
    "empty-countries": (broken("[SU]", "[]"), 10, 16, "events[0].countries: needs at least one item, got an empty list"),
    "javascript-url": (broken("https://nssdc.gsfc.nasa.gov/", "javascript:alert(1)"), 14, 14, "events[0].sources[0].url: expected an http:// or https:// URL, got 'javascript:alert(1)'"),
    "missing-field": (broken("    title: Sputnik 1\n", ""), 7, 5, "events[0]: missing required field 'title'"),
    "bad-status": (broken("type: satellite", "type: satellite\n    status: done"), 12, 13, "expected one of 'achieved', 'planned', 'failed' or 'partial', got text 'done'"),
    "bad-code-key": (broken("  US: {", "  us: {"), 3, 3, "key 'us': expected an upper-case code such as 'CN', 'SU' or 'ESA', got text 'us'"),
    "python-tag": (broken("title: Sputnik 1", "title: !!python/object/apply:os.system ['touch pwned']"), 8, 12, "tag '!!python/object/apply:os.system' is not allowed here"),
    "custom-tag": (broken("First satellite.", "!include other.yaml"), 12, 18, "tag '!include' is not allowed here"),
    "merge-key": (broken("    type: satellite", "    type: satellite\n    <<: {first: true}"), 12, 5, "merge keys ('<<') are not supported"),
    "two-documents": (GOOD + "---\ncountries: {}\n", 16, 1, "expected one YAML document, found a second one"),
    "empty": ("", 1, 1, "the file is empty; expected a mapping with 'countries', 'types' and 'events'"),
    "comments-only": ("# nothing here\n", 1, 1, "the file is empty"),
    "a-list": ("- id: x\n", 1, 1, "expected a mapping with 'countries', 'types' and 'events' at the top, got a list"),
    "a-scalar": ("hello\n", 1, 1, "at the top, got text 'hello'"),
    "control-character": (broken("First satellite.", "First \x07 satellite."), 12, 24, "character '\\x07' (#x0007) is not allowed in YAML; remove it"),
    # Dates that cannot be: an event that happened (achieved, failed, partial) dated after today.
    "future-achieved": (broken("1957-10-04", "2918-10-11"), 9, 11, "events[0].date: 2918-10-11 is in the future, but status is achieved"),
    "future-failed": (broken("type: satellite", "type: satellite\n    status: failed").replace("1957-10-04", "2918-10-11"), 9, 11, "events[0].date: 2918-10-11 is in the future, but status is failed"),
    "future-partial": (broken("type: satellite", "type: satellite\n    status: partial").replace("1957-10-04", "2918"), 9, 11, "events[0].date: 2918 is in the future, but status is partial"),
}


# --- adding events (timeline add, the form) -----------------------------------------------------

EXPLORER = ["--title", "Explorer 1", "--date", "1958-02-01", "--country", "US", "--type", "satellite",
            "--source", "https://en.wikipedia.org/wiki/Explorer_1"]  # fmt: skip

# Comments at several depths and blank lines between events: an add must keep every byte of them.
FORM_FIXTURE = textwrap.dedent("""\
    # Space events for the form's tests.
    countries:
      SU: {name: Soviet Union}
      US: {name: United States}
      CN: {name: China}
    types:
      satellite: {label: Satellite}
      crewed-flight: {label: Crewed flight}
    milestones:
      first-satellite: {label: First satellite, order: 1, definition: A first satellite reaches orbit.}
      first-human: {label: First human in orbit, order: 2, definition: A first citizen orbits the Earth.}
    events:
      # --- 1950s ---
      - id: sputnik-1
        title: Sputnik 1
        date: 1957-10-04
        countries: [SU]
        type: satellite
        first: true
        milestone: first-satellite
        description: First artificial satellite.
        sources: [{url: "https://example.org/s1", title: S1}]

      - id: explorer-1
        title: Explorer 1
        date: 1958-02-01
        countries: [US]
        type: satellite
        description: First US satellite.
        sources: [{url: "https://example.org/e1", title: E1}]
      # more to come
    """)

# What a person fills in for Vostok 1, by form field, and the lines it must add.
VOSTOK = {
    "title": "Vostok 1", "date": "1961-04-12", "end": "", "countries": ["SU"], "type": "crewed-flight",
    "status": "achieved", "first": ["1"], "description": "Yuri Gagarin orbited the Earth once.",
    "url": "https://en.wikipedia.org/wiki/Vostok_1", "source_title": "",
    "url2": "https://nssdc.gsfc.nasa.gov/nmc/spacecraft/display.action?id=1961-012A", "source_title2": "NSSDC",
    "tags": "crewed, orbit", "milestone": ["first-human"], "id": "",
}  # fmt: skip
VOSTOK_LINES = [
    "",
    "  - id: vostok-1",
    "    title: Vostok 1",
    "    date: 1961-04-12",
    "    countries: [SU]",
    "    type: crewed-flight",
    "    first: true",
    "    milestone: first-human",
    "    description: Yuri Gagarin orbited the Earth once.",
    "    sources:",
    '      - {url: "https://en.wikipedia.org/wiki/Vostok_1", title: Vostok 1 - en.wikipedia.org}',
    '      - {url: "https://nssdc.gsfc.nasa.gov/nmc/spacecraft/display.action?id=1961-012A", title: NSSDC}',
    "    tags: [crewed, orbit]",
]


def added_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` is gone or moved."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert [line for line in diff if line.startswith("- ")] == [], "a line of the file was changed or lost"
    return [line[2:] for line in diff if line.startswith("+ ")]


# --- the race view ------------------------------------------------------------------------------

RACE_FIXTURE = """\
countries:
  SU: {name: Soviet Union, color: "#D55E00"}
  RU: {name: Russia}
  US: {name: United States, color: "#0072B2"}
  CN: {name: China, color: "#CC0000"}
  ESA: {name: European Space Agency}
types:
  satellite: {label: Satellite}
  crewed-flight: {label: Crewed flight}
  lunar-mission: {label: Lunar mission}
  space-station: {label: Space station}
milestones:
  first-space-station: {label: First space station, order: 4, definition: Reached when the event says so.}
  first-satellite: {label: First satellite, order: 1, definition: Reached when the event says so.}
  first-human-in-space: {label: First human in space, order: 2, definition: Reached when the event says so.}
  first-lunar-flyby-or-impact: {label: First lunar flyby or impact, order: 3, definition: Reached when the event says so.}
events:
  - {id: sputnik-1, title: Sputnik 1, date: 1957-10-04, countries: [SU], type: satellite, first: true,
     milestone: first-satellite, description: S., sources: [{url: "https://example.org/s", title: S}]}
  - {id: vanguard-tv3, title: Vanguard TV3, date: 1957-12, countries: [US], type: satellite, status: failed,
     milestone: first-satellite, description: V., sources: [{url: "https://example.org/v", title: V}]}
  - {id: explorer-1, title: Explorer 1, date: 1958-02-01, countries: [US], type: satellite,
     milestone: first-satellite, description: E., sources: [{url: "https://example.org/e", title: E}]}
  - {id: luna-1, title: Luna 1, date: 1959-01-04, countries: [SU], type: lunar-mission, status: partial,
     first: true, milestone: first-lunar-flyby-or-impact, description: L1., sources: [{url: "https://example.org/l1", title: L1}]}
  - {id: pioneer-4, title: Pioneer 4, date: 1959-03-04, countries: [US], type: lunar-mission, status: partial,
     milestone: first-lunar-flyby-or-impact, description: P., sources: [{url: "https://example.org/p", title: P}]}
  - {id: luna-2, title: Luna 2, date: 1959-09-13, countries: [SU], type: lunar-mission, first: true,
     milestone: first-lunar-flyby-or-impact, description: L2., sources: [{url: "https://example.org/l2", title: L2}]}
  - {id: vostok-1, title: Vostok 1, date: 1961-04-12, countries: [SU], type: crewed-flight, first: true,
     milestone: first-human-in-space, description: G., sources: [{url: "https://example.org/g", title: G}]}
  - {id: dong-fang-hong-1, title: Dong Fang Hong 1, date: 1970-04-24, countries: [CN], type: satellite,
     milestone: first-satellite, description: D., sources: [{url: "https://example.org/d", title: D}]}
  - {id: salyut-1, title: Salyut 1, date: 1971-04-19, countries: [SU], type: space-station, first: true,
     milestone: first-space-station, description: Sa., sources: [{url: "https://example.org/sa", title: Sa}]}
  - {id: skylab, title: Skylab, date: 1973-05-14, countries: [US], type: space-station,
     milestone: first-space-station, description: Sk., sources: [{url: "https://example.org/sk", title: Sk}]}
  - {id: zarya, title: Zarya, date: 1998-11-20, countries: [RU, US], type: space-station,
     milestone: first-space-station, description: Z., sources: [{url: "https://example.org/z", title: Z}]}
  - {id: smart-1, title: SMART-1, date: 2004-11, countries: [ESA], type: lunar-mission,
     milestone: first-lunar-flyby-or-impact, description: Sm., sources: [{url: "https://example.org/sm", title: Sm}]}
  - {id: tiangong-1, title: Tiangong-1, date: 2011-09-29, countries: [CN], type: space-station,
     milestone: first-space-station, description: T., sources: [{url: "https://example.org/t", title: T}]}
  - {id: cn-station-plan, title: Chinese station (planned), date: 2030, countries: [CN], type: space-station,
     status: planned, milestone: first-space-station, description: Tp., sources: [{url: "https://example.org/tp", title: Tp}]}
  - {id: cn-crew-plan, title: Chinese crew (planned), date: 2031, countries: [CN], type: crewed-flight,
     status: planned, milestone: first-human-in-space, description: Cp., sources: [{url: "https://example.org/cp", title: Cp}]}
"""

# (milestone, country) -> event id: what the race of every country shows
EVERYTHING = {
    ("first-satellite", "SU"): "sputnik-1",
    ("first-satellite", "US"): "explorer-1",  # Vanguard TV3 failed: failures never count
    ("first-satellite", "CN"): "dong-fang-hong-1",
    ("first-human-in-space", "SU"): "vostok-1",
    ("first-human-in-space", "CN"): "cn-crew-plan",  # not reached: the plan shows
    ("first-lunar-flyby-or-impact", "SU"): "luna-1",  # partial, earlier than Luna 2
    ("first-lunar-flyby-or-impact", "US"): "pioneer-4",
    ("first-lunar-flyby-or-impact", "ESA"): "smart-1",
    ("first-space-station", "SU"): "salyut-1",
    ("first-space-station", "RU"): "zarya",  # a joint event counts for each of its countries
    ("first-space-station", "US"): "skylab",  # ... but the US reached it earlier
    ("first-space-station", "CN"): "tiangong-1",  # reached: the 2030 plan does not show
}


def write_fixture(folder: Path, text: str | None = None) -> Path:
    """``text`` as ``folder/events.yaml``; RACE_FIXTURE by default (the race's browser and export tests use it too)."""
    path = folder / "events.yaml"
    path.write_text(RACE_FIXTURE if text is None else text, encoding="utf-8")
    return path


# --- claims: two articles and what they claim about the fixture's events -----------------------

CLAIMS_FIXTURE = FIXTURE.replace("events:\n", """\
articles:
  red: {title: The Red Article, author: A. Writer, published: 2024-05, url: "https://example.org/red"}
  blue: {title: The Blue Article}
events:
""", 1) + """\
claims:
  - id: red-sputnik
    article: red
    claim: The Soviet Union launched the first satellite in 1957.
    claimed_date: 1957
    verdict: supported
    events: [sputnik-1]
  - id: red-china-1975
    article: red
    claim: China launched its first satellite in 1975.
    quote: "in 1975, China"
    claimed_date: 1975
    verdict: contradicted
    events: [dongfanghong-1]
    note: Dong Fang Hong 1 was launched on 24 April 1970.
  - id: blue-vanguard
    article: blue
    claim: Vanguard TV3 reached orbit.
    verdict: partly
    events: [vanguard-tv3, sputnik-1]
    note: It exploded on the pad in December 1957.
  - id: blue-secret
    article: blue
    claim: A secret satellite flew in 1950.
    verdict: unverifiable
    note: No source records it.
"""


def busy(n: int = 400) -> str:
    """One country with ``n`` launches over 1960..1999 (too many to show one by one at 1100 px), one
    of them a world first and one a failed crewed flight; and a quiet country with three."""
    events = "".join(
        f"  - {{id: l{i}, title: L{i}, date: {1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}, countries: [BU], "
        f"type: launch, description: D., sources: [{{url: 'https://example.org/{i}', title: S}}]}}\n"
        for i in range(n)
    ).replace("countries: [BU], type: launch, description", "countries: [BU], type: launch, first: true, description", 1)
    return (
        "countries:\n  BU: {name: Busy}\n  QU: {name: Quiet}\n"
        "types:\n  launch: {label: Launch}\n  crewed-flight: {label: Crewed flight, symbol: star}\nevents:\n" + events
        + "".join(f"  - {{id: q{i}, title: Q{i}, date: {1970 + i}, countries: [QU], type: launch, description: D., "
                  "sources: [{url: 'https://example.org/q', title: S}]}\n" for i in range(3))
        + "  - {id: crash, title: Crash, date: 1985-05-05, countries: [BU], type: crewed-flight, status: failed, "
          "description: D., sources: [{url: 'https://example.org/c', title: S}]}\n"
    )  # fmt: skip
