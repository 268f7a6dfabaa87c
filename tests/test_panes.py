"""What the URL shows besides charts, without a browser: the details, the count, the view tabs
and the tables' sort."""

from __future__ import annotations

import json

import pytest

from timeline import live, panes
from timeline.frame import Filters
from timeline.ids import PAGE_TO, SORT_BY
from timeline.urlstate import view_label


@pytest.fixture
def snapshot(fixture_dataset):
    return live.snapshot(fixture_dataset, "v1")


def rendered(components) -> str:
    return json.dumps([c.to_plotly_json() for c in components], default=lambda o: o.to_plotly_json())


def test_details_are_plain_text_with_safe_links(snapshot):
    panel = rendered(panes.details(snapshot, "vanguard-tv3"))
    assert "Vanguard <b>TV3</b> & co" in panel  # a text child: React renders it as text
    assert '"rel": "noopener noreferrer"' in panel and '"target": "_blank"' in panel
    assert "Dec 1957" in panel and "Failed" in panel
    assert "Claims about it" not in panel  # no article claims anything about it


def test_the_count_says_how_many_events_the_filters_keep(snapshot):
    assert panes.count_text(snapshot, Filters()) == "5 of 5 events"
    assert panes.count_text(snapshot, Filters(countries=("CN",))) == "2 of 5 events"


def test_view_tabs_keep_the_filters_and_the_open_event_and_mark_the_current_view(snapshot):
    hrefs, classes, texts = panes.view_tabs(("timeline", "table"), Filters(countries=("CN",), view="table"),
                                            "zarya", view_label)  # fmt: skip
    assert hrefs == ["?country=CN&event=zarya", "?country=CN&view=table&event=zarya"]
    assert classes == ["view-tab", "view-tab current"]
    assert texts[0] == "Timeline" and texts[1][0] == "Table"  # the current one also says so to a screen reader


def test_a_header_sorts_by_its_column_and_flips_it_a_pager_button_keeps_the_sort():
    sort = {"key": "date", "descending": False, "page": 3}
    assert panes.next_sort({"type": SORT_BY, "column": "title"}, sort) == {"key": "title", "descending": False, "page": 0}
    assert panes.next_sort({"type": SORT_BY, "column": "date"}, sort) == {"key": "date", "descending": True, "page": 0}
    assert panes.next_sort({"type": PAGE_TO, "page": 1}, sort) == {**sort, "page": 1}
    header = panes.sort_header("Date", {"type": SORT_BY, "column": "date"}, True, True).to_plotly_json()
    assert header["props"]["aria-sort"] == "descending"
