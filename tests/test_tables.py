"""The filtered events as CSV and as sorted table rows."""

from __future__ import annotations

import csv
import io

import pytest

from timeline import frame, tables
from timeline.frame import Filters


def test_csv_holds_the_filtered_events(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    text = tables.to_csv(df, Filters(countries=("US",)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(tables.CSV_COLUMNS)
    assert rows == [
        {"id": "vanguard-tv3", "date": "1957-12", "end": "", "title": "Vanguard <b>TV3</b> & co",
         "countries": "US", "type": "satellite", "status": "failed", "first": "false",
         "sources": "https://example.org/v"},
        {"id": "zarya", "date": "1998-11-20", "end": "2024", "title": "Zarya", "countries": "RU US",
         "type": "space-station", "status": "achieved", "first": "false", "sources": "https://example.org/z"},
    ]  # fmt: skip


def test_table_rows_sort_by_any_column(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    assert list(tables.sorted_rows(df, Filters())["id"]) == list(df["id"])
    by_title = tables.sorted_rows(df, Filters(), "title", descending=True)
    assert list(by_title["title"]) == ["Zarya", "Vanguard <b>TV3</b> & co", "Sputnik 1", "Dong Fang Hong 1",
                                       "Chinese crewed landing"]  # fmt: skip
    assert list(tables.sorted_rows(df, Filters(countries=("CN",)), "status")["status"]) == ["achieved", "planned"]
    with pytest.raises(ValueError, match="cannot sort by 'sources'"):
        tables.sorted_rows(df, Filters(), "sources")


def test_csv_of_everything_is_in_date_order_with_each_precision_kept(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    rows = list(csv.reader(io.StringIO(tables.to_csv(df, Filters()))))
    assert rows[0] == ["id", "date", "end", "title", "countries", "type", "status", "first", "sources"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("sputnik-1", "1957-10-04", ""), ("vanguard-tv3", "1957-12", ""), ("dongfanghong-1", "1970-04-24", ""),
        ("zarya", "1998-11-20", "2024"), ("crewed-cn-2030", "2030", ""),
    ]  # fmt: skip
    assert rows[1][7] == "true" and rows[2][7] == "false"


def test_csv_with_nothing_kept_is_just_the_header(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    assert tables.to_csv(df, Filters(q="no such words")) == ",".join(tables.CSV_COLUMNS) + "\n"


def test_rows_sort_by_date_either_way_and_by_countries_as_text(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    ids = list(tables.sorted_rows(df, Filters())["id"])
    assert list(tables.sorted_rows(df, Filters(), "date", descending=True)["id"]) == ids[::-1]
    by_country = tables.sorted_rows(df, Filters(), "countries")
    assert [" ".join(c) for c in by_country["countries"]] == ["CN", "CN", "RU US", "SU", "US"]
    assert list(by_country["id"][:2]) == ["dongfanghong-1", "crewed-cn-2030"]  # ties stay in date order
