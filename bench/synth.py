"""Synthetic events files of any size, made from the curated events (same fields, varied dates).

Used by the benchmarks: ``python bench/synth.py 10000 /tmp/events-10k.yaml``.

``--heavy`` makes every event carry as much as real ones can: the curated events' milestones, world
firsts and article mentions are kept (so many countries reach a milestone twice: one warning each),
about 30 % are joint events of 2 or 3 countries, descriptions are about 1,000 characters and every
event has 4 to 6 sources. The file stays valid: ``timeline validate`` exits 0, with warnings.
"""

from __future__ import annotations

import argparse
import copy
import random
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HEAVY_DESCRIPTION = 1000  # characters, about
HEAVY_SOURCES = (4, 6)  # sources an event has, at least and at most
HEAVY_JOINT = 0.3  # share of joint events (2 or 3 countries)


def synthesize(n: int, seed: int = 1957, *, heavy: bool = False) -> dict:
    """A valid events file with ``n`` events cycling through the curated ones (``heavy``: see above)."""
    data = yaml.safe_load((ROOT / "events.yaml").read_text())
    rng = random.Random(seed)
    base = data["events"]
    codes = list(data["countries"])
    texts = [e["description"] for e in base]
    sources = [s for e in base for s in e["sources"]]
    events = []
    for i in range(n):
        e = copy.deepcopy(base[i % len(base)])
        year = rng.randint(2027, 2035) if e.get("status") == "planned" else rng.randint(1957, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        e["id"] = f"{e['id']}-{i}"
        e["date"] = f"{year:04d}-{month:02d}-{day:02d}"
        e.pop("end", None)
        if rng.random() < 0.05:
            e["end"] = f"{year + rng.randint(0, 10):04d}"
        if heavy:
            e["countries"] = rng.sample(codes, rng.choice((2, 3)) if rng.random() < HEAVY_JOINT else 1)
            e["description"] = _long_description(e["description"], texts, rng)
            e["sources"] = _more_sources(e["sources"], sources, rng)
        else:
            e["countries"] = rng.sample(codes, 2 if rng.random() < 0.1 else 1)
            for field in ("milestone", "first", "mentioned_in"):  # a copy is no milestone, first or quoted event
                e.pop(field, None)
        events.append(e)
    events.sort(key=lambda e: e["date"])
    data["events"] = events
    data.pop("claims", None)  # they name the curated events, which the copies renamed
    return data


def _long_description(text: str, others: list[str], rng: random.Random) -> str:
    """``text`` followed by other curated descriptions, cut at a word to about 1,000 characters."""
    while len(text) < HEAVY_DESCRIPTION:
        text += " " + rng.choice(others)
    return text[: text.rfind(" ", 0, HEAVY_DESCRIPTION + 1)].rstrip(" ,;:")


def _more_sources(own: list[dict], pool: list[dict], rng: random.Random) -> list[dict]:
    """The event's own sources, cut or topped up from other events' to 4-6."""
    wanted = rng.randint(*HEAVY_SOURCES)
    out = own[:wanted]
    urls = {s["url"] for s in out}
    while len(out) < wanted:
        extra = rng.choice(pool)
        if extra["url"] not in urls:
            out.append(dict(extra))
            urls.add(extra["url"])
    return out


def write(n: int, path: Path, *, heavy: bool = False) -> Path:
    header = "# yaml-language-server: $schema=./events.schema.json\n"
    text = yaml.safe_dump(synthesize(n, heavy=heavy), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many events")
    parser.add_argument("path", type=Path, help="the file to write")
    parser.add_argument("--heavy", action="store_true", help="milestones, firsts, joint events, long texts, 4-6 sources")
    args = parser.parse_args()
    print(write(args.n, args.path, heavy=args.heavy))
