import datetime as dt

import pytest

from timeline.dates import PartialDate


@pytest.mark.parametrize(
    "raw, precision, label, text",
    [
        ("1957", "year", "1957", "1957"),
        (1957, "year", "1957", "1957"),
        ("1957-10", "month", "Oct 1957", "1957-10"),
        ("1957-10-04", "day", "4 Oct 1957", "1957-10-04"),
        (dt.date(2019, 1, 3), "day", "3 Jan 2019", "2019-01-03"),
        ("2024-02-29", "day", "29 Feb 2024", "2024-02-29"),
    ],
)
def test_parse_keeps_precision_and_formats_at_it(raw, precision, label, text):
    date = PartialDate.parse(raw)
    assert date.precision == precision
    assert date.label() == label
    assert str(date) == text


@pytest.mark.parametrize(
    "raw, message",
    [
        ("1957-13-45", "month must be 01 to 12"),
        ("2023-02-29", "Feb 2023 has days 01 to 28"),
        ("1957-10-00", "has days 01 to 31"),
        ("57-10-04", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("04/10/1957", "expected a date as YYYY"),
        ("0000", "year must be 0001 or later"),
        (True, "expected a date"),
        (19.57, "expected a date"),
        (dt.datetime(1957, 10, 4, 19, 28), "not a date and time"),
    ],
)
def test_impossible_or_malformed_dates_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(raw)


def test_periods_cover_the_whole_year_or_month():
    assert PartialDate.parse("2030").first_day == dt.date(2030, 1, 1)
    assert PartialDate.parse("2030").last_day == dt.date(2030, 12, 31)
    assert PartialDate.parse("2024-02").last_day == dt.date(2024, 2, 29)
    assert PartialDate.parse("1957-10-04").first_day == PartialDate.parse("1957-10-04").last_day


def test_dates_sort_chronologically_with_coarser_dates_first():
    dates = [PartialDate.parse(d) for d in ("1969-07-20", "1969", "1957-10-04", "1969-07")]
    assert [str(d) for d in sorted(dates, key=lambda d: (d.first_day, d.precision != "year"))] == [
        "1957-10-04",
        "1969",
        "1969-07",
        "1969-07-20",
    ]
