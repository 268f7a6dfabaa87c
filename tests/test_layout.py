"""The page: quick-range buttons that fit the data's span; the first chart it brings for its URL."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import figures, frame
from timeline.frame import Filters
from timeline.layout import (
    EMPTY_FIGURE,
    Page,
    chart,
    chart_drawn,
    cookie_look,
    decade_buttons,
    first_chart,
    pinned,
    quick_label,
    quick_ranges,
)
from timeline.live import LiveData, Memo
from timeline.urlstate import write_url

from .fixtures import busy


@pytest.mark.parametrize("first, last, step, starts", [
    (1957, 2030, 10, [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020, 2030]),  # 70 years: decades
    (2014, 2023, 1, list(range(2014, 2024))),  # a decade: single years
    (1990, 2010, 5, [1990, 1995, 2000, 2005, 2010]),
    (1957, 1957, 1, [1957]),
    (1800, 2024, 25, list(range(1800, 2025, 25))),
])  # fmt: skip
def test_quick_ranges_are_at_most_ten_and_cover_the_data(first, last, step, starts):
    assert quick_ranges(first, last) == (step, starts)
    assert len(starts) <= 10 and starts[0] <= first and starts[-1] + step > last


def test_quick_labels_say_the_years_each_button_shows():
    assert [quick_label(1960, 10), quick_label(2015, 1), quick_label(1990, 5)] == ["1960s", "2015", "1990–1994"]


def test_buttons_carry_their_span_and_end_with_all():
    df = pd.DataFrame({"start": pd.to_datetime(["2014-03-01", "2023-06-01"]),
                       "stop": pd.to_datetime(["2014-03-01", "2023-06-01"])})  # fmt: skip
    buttons = decade_buttons(df)
    assert [b.children for b in buttons] == [*map(str, range(2014, 2024)), "All"]
    assert buttons[0].id == {"type": "decade", "start": 2014, "years": 1}
    assert buttons[-1].id == {"type": "decade", "start": 0, "years": 0}
    assert [b.children for b in decade_buttons(None)] == ["All"]


# --- the page brings its first chart ------------------------------------------------------------

LOOK = {"theme": "light", "width": 1060}


@pytest.mark.parametrize("value, look", [
    ("light.1060", LOOK), ("dark.360", {"theme": "dark", "width": 360}),
    (None, None), ("", None), ("sepia.1000", None), ("light.", None), ("light.-5", None), ("light.1e3", None),
    ("light.99999", None), ("light.100", None), ("light.1060.2", None),
])  # fmt: skip
def test_the_look_cookie_is_read_strictly(value, look):
    assert cookie_look(value) == look


def ids_in(figure: dict) -> set[str]:
    return {c for trace in figure["data"] for c in trace.get("customdata") or ()}


def test_the_page_brings_the_chart_its_url_asks_for(fixture_events):
    snapshot = LiveData([fixture_events]).current()
    first = first_chart(snapshot, Page("?country=CN", LOOK))
    assert ids_in(first.figure) == set(frame.apply(snapshot.df, Filters(countries=("CN",)))["id"]) != set()
    assert first.drawn == [write_url(Filters(countries=("CN",))), LOOK, snapshot.version]
    assert first.style["height"] == f"{first.figure['layout']['height']}px"
    assert first.config["toImageButtonOptions"]["filename"] == figures.file_stem("timeline", Filters(countries=("CN",)))
    assert first.results_class == "results"


@pytest.mark.parametrize("page, results", [
    (Page("?country=CN"), "results"),  # no look yet: the callback draws it once the browser says
    (Page("?view=table", LOOK), "results no-chart"),
    (Page("?view=race", LOOK), "results race-view"),  # drawn beside its matrix by its own callback
])  # fmt: skip
def test_without_a_look_or_a_main_chart_the_page_leaves_the_chart_to_its_callback(fixture_events, page, results):
    first = first_chart(LiveData([fixture_events]).current(), page)
    assert first.figure is EMPTY_FIGURE and first.drawn is None and first.results_class == results


def busy_snapshot(tmp_path):
    path = tmp_path / "busy.yaml"
    path.write_text(busy(), encoding="utf-8")
    return LiveData([path]).current()


def test_an_open_event_hidden_in_a_busy_lane_is_drawn_as_a_marker(tmp_path):
    snapshot = busy_snapshot(tmp_path)
    assert pinned(snapshot, Filters(), "l7", LOOK) == "l7"  # in the busy lane's bars only
    assert pinned(snapshot, Filters(), "q1", LOOK) == ""  # a marker already: no redraw
    assert pinned(snapshot, Filters(), "l0", LOOK) == ""  # a world first: a marker already
    assert pinned(snapshot, Filters(countries=("QU",)), "l7", LOOK) == ""  # filtered out: nothing to show
    assert pinned(snapshot, Filters(view="activity"), "l7", LOOK) == ""  # no markers in that chart
    assert chart_drawn(snapshot, Filters(), "l7", LOOK)[3:] == ["l7"]
    first = first_chart(snapshot, Page("?event=l7", LOOK))
    assert "l7" in ids_in(first.figure) and first.drawn[3:] == ["l7"]
    assert "l7" not in ids_in(first_chart(snapshot, Page("", LOOK)).figure)


def test_a_view_is_drawn_once_for_every_reader_of_it(tmp_path):
    snapshot = busy_snapshot(tmp_path)
    one = chart("timeline", snapshot, Filters(), LOOK)
    assert chart("timeline", snapshot, Filters(), dict(LOOK)) is one
    assert chart("timeline", snapshot, Filters(), {**LOOK, "width": 700}) is not one
    assert chart("timeline", snapshot, Filters(countries=("QU",)), LOOK)[0] != one[0]


def test_the_memo_keeps_the_latest_drawings_only():
    memo, made = Memo(size=2), []

    def make(key):
        made.append(key)
        return [key]

    first = memo.get("a", lambda: make("a"))
    assert memo.get("a", lambda: make("a")) is first and made == ["a"]
    memo.get("b", lambda: make("b"))
    memo.get("a", lambda: make("a"))  # a is the latest again
    memo.get("c", lambda: make("c"))  # b, the oldest, goes
    memo.get("a", lambda: make("a"))
    memo.get("b", lambda: make("b"))
    assert made == ["a", "b", "c", "b"]
