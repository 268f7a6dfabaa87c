"""The page's static parts: quick-range buttons that fit the data's span."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline.layout import decade_buttons, quick_label, quick_ranges


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
