"""Synthetic events files of any size, made from the curated events (same fields, varied dates).

Used by the benchmark: ``python bench/synth.py 10000 /tmp/events-10k.yaml``.
"""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def synthesize(n: int, seed: int = 1957) -> dict:
    """A valid events file with ``n`` events cycling through the curated ones."""
    data = yaml.safe_load((ROOT / "events.yaml").read_text())
    rng = random.Random(seed)
    base = data["events"]
    codes = list(data["countries"])
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
        e["countries"] = rng.sample(codes, 2 if rng.random() < 0.1 else 1)
        for field in ("milestone", "first", "mentioned_in"):  # a copy is no milestone, first or quoted event
            e.pop(field, None)
        events.append(e)
    events.sort(key=lambda e: e["date"])
    data["events"] = events
    data.pop("claims", None)  # they name the curated events, which the copies renamed
    return data


def write(n: int, path: Path) -> Path:
    header = "# yaml-language-server: $schema=./events.schema.json\n"
    path.write_text(header + yaml.safe_dump(synthesize(n), sort_keys=False, allow_unicode=True, width=100))
    return path


if __name__ == "__main__":
    print(write(int(sys.argv[1]), Path(sys.argv[2])))
