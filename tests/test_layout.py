"""The page: quick-range buttons that fit the data's span; the first chart it brings for its URL."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from timeline import figures, frame
from timeline.drawing import EMPTY_FIGURE, chart, main_key, parse_look, pinned
from timeline.frame import Filters
from timeline.layout import Page, decade_buttons, first_chart, quick_label, quick_ranges
from timeline.live import LiveData, Memo
from timeline.urlstate import write_url

from .fixtures import busy, write_fixture


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
    ("light.1060", LOOK), ("dark.360", {"theme": "dark", "width": 360}), ({"theme": "light", "width": 1060}, LOOK),
    ("light.1075", LOOK), ({"theme": "light", "width": 99_999}, {"theme": "light", "width": 20_000}),  # in steps, bounded
    ("light.100", {"theme": "light", "width": 280}),
    (None, None), ("", None), ("sepia.1000", None), ("light.", None), ("light.-5", None), ("light.1e3", None),
    ("light.1060.2", None), ({"theme": "light", "width": "wide"}, None), ({"theme": "light", "width": [1]}, None),
    ({"theme": "light", "width": True}, None), ({"width": 1000}, None), ("not a look", None), (["light"], None),
])  # fmt: skip
def test_the_look_is_read_strictly_from_its_cookie_or_store(value, look):
    assert parse_look(value) == look


def ids_in(figure: dict) -> set[str]:
    return {c for trace in figure["data"] for c in trace.get("customdata") or ()}


def test_the_page_brings_the_chart_its_url_asks_for(fixture_events):
    snapshot = LiveData([fixture_events]).current()
    first = first_chart(snapshot, Page("?country=CN", LOOK))
    assert ids_in(first.figure) == set(frame.apply(snapshot.df, Filters(countries=("CN",)))["id"]) != set()
    assert first.drawn == [write_url(Filters(countries=("CN",))), LOOK, snapshot.version]
    assert first_chart(snapshot, Page(None, LOOK)).drawn is None  # the URL not known: the callback draws
    assert first.style["height"] == f"{first.figure['layout']['height']}px"
    assert first.config["toImageButtonOptions"]["filename"] == figures.file_stem("timeline", Filters(countries=("CN",)))
    assert first.results_class == "results"


@pytest.mark.parametrize("page, results", [
    (Page("?country=CN"), "results"),  # no look yet: the callback draws it once the browser says
    (Page(None, LOOK), "results"),  # the page's URL not known (no referrer, or not the page's own)
    (Page("?view=table", LOOK), "results no-chart"),
    (Page("?view=race", LOOK), "results race-view"),  # drawn beside its matrix by its own callback
])  # fmt: skip
def test_without_a_look_or_a_main_chart_the_page_leaves_the_chart_to_its_callback(fixture_events, page, results):
    first = first_chart(LiveData([fixture_events]).current(), page)
    assert first.figure is EMPTY_FIGURE and first.drawn is None and first.results_class == results


def busy_snapshot(tmp_path):
    return LiveData([write_fixture(tmp_path, busy())]).current()


def test_an_open_event_hidden_in_a_busy_lane_is_drawn_as_a_marker(tmp_path):
    snapshot = busy_snapshot(tmp_path)
    assert pinned(snapshot, Filters(), "l7", LOOK) == "l7"  # in the busy lane's bars only (decided from the data)
    chart("timeline", snapshot, Filters(), LOOK)
    assert pinned(snapshot, Filters(), "l7", LOOK) == "l7"  # the same, decided from the chart drawn
    assert pinned(snapshot, Filters(), "q1", LOOK) == ""  # a marker already: no redraw
    assert pinned(snapshot, Filters(), "l0", LOOK) == ""  # a world first: a marker already
    assert pinned(snapshot, Filters(countries=("QU",)), "l7", LOOK) == ""  # filtered out: nothing to show
    assert pinned(snapshot, Filters(view="activity"), "l7", LOOK) == ""  # no markers in that chart
    assert main_key(snapshot, Filters(), "l7", LOOK) == ([write_url(Filters()), LOOK, snapshot.version, "l7"], "l7")
    assert main_key(snapshot, Filters(), "q1", LOOK)[1] == ""
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
    assert made == ["a", "b", "c", "b"] and memo.peek("c") is None and memo.peek("b") == ["b"]


def test_the_memo_keeps_its_drawings_within_a_budget():
    memo = Memo(size=10, budget=100)
    memo.get("small", lambda: "s", cost=lambda _: 30)
    memo.get("big", lambda: "b", cost=lambda _: 80)  # over the budget together: the older goes
    assert memo.peek("small") is None and memo.peek("big") == "b"
    memo.get("huge", lambda: "h", cost=lambda _: 500)  # alone over it: kept, the only one
    assert memo.peek("big") is None and memo.peek("huge") == "h"


def test_readers_of_a_drawing_being_made_wait_for_it_instead_of_drawing_it_again():
    memo, made, started = Memo(), [], threading.Event()

    def slow():
        made.append(1)
        started.set()
        time.sleep(0.3)
        return object()

    got = []
    first = threading.Thread(target=lambda: got.append(memo.get("k", slow)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: got.append(memo.get("k", slow))) for _ in range(3)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(5)
    assert len(made) == 1 and len(got) == 4 and len({id(g) for g in got}) == 1


def test_a_failed_drawing_lets_the_next_reader_draw():
    memo = Memo()

    def fail():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        memo.get("k", fail)
    assert memo.get("k", lambda: "drawn") == "drawn"
