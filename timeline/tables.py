"""The filtered events as rows: CSV for downloads and export, sorted rows for the table view.

Like ``figures.figure``, these take the whole table from ``frame.to_frame`` and apply the filters
themselves, so a CSV holds exactly the events the chart shows.
"""

from __future__ import annotations

import csv

import pandas as pd

from . import frame
from .frame import Filters

CSV_COLUMNS = ("id", "date", "end", "title", "countries", "type", "status", "first", "sources")
SORT_KEYS = ("date", "title", "countries", "type", "status")
# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): =, +, -, @, tab, return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet runs: a leading formula character gets a ``'``."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(df: pd.DataFrame, filters: Filters) -> str:
    """The events ``filters`` keep, in date order, as CSV text (``CSV_COLUMNS``; lists space-separated).

    Dates keep their written precision (``1957``, ``1957-10``, ``1957-10-04``); ``first`` is
    ``true``/``false``; ``countries`` and ``sources`` (URLs) are separated by single spaces. A cell
    that starts like a formula is prefixed with ``'`` (``csv_safe``).
    """
    out = _Lines()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a return inside a cell is quoted too
    writer.writerow(CSV_COLUMNS)
    rows = frame.apply(df, filters)
    for values in zip(*(rows[c].tolist() for c in CSV_COLUMNS)):
        record = dict(zip(CSV_COLUMNS, values))
        record["countries"] = " ".join(record["countries"])
        record["sources"] = " ".join(record["sources"])
        record["first"] = "true" if record["first"] else "false"
        writer.writerow(csv_safe(record[c]) for c in CSV_COLUMNS)
    return "".join(out)


class _Lines(list):
    """A file for ``csv.writer`` that keeps the lines written to it, to be joined once.

    ``io.StringIO`` would grow one buffer of the widest character written so far and copy it out:
    at 100,000 events some 200 MB for a 45 MB text, where the lines and their join take half.
    """

    write = list.append


def sorted_rows(df: pd.DataFrame, filters: Filters, key: str = "date", descending: bool = False) -> pd.DataFrame:
    """The events ``filters`` keep, sorted by one of ``SORT_KEYS`` (ties in date order)."""
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort by {key!r} (one of {', '.join(SORT_KEYS)})")
    rows = frame.apply(df, filters)
    if key == "date":
        by = rows["start"]
    elif key == "countries":
        by = rows["countries"].map(" ".join)
    else:
        by = rows[key].str.casefold()
    order = by.sort_values(ascending=not descending, kind="stable").index
    return rows.loc[order]
