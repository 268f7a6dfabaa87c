"""Figure builders, without a browser: which events are plotted where, how they look, and names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from timeline import charts, figures, frame, models, store
from timeline.dates import PartialDate
from timeline.frame import Filters
from timeline.models import STATUSES, SYMBOLS

from .conftest import EVENTS
from .fixtures import FIXTURE, busy


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("figures") / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok, loaded.errors
    return frame.to_frame(loaded.dataset), loaded.dataset


def lane_names(fig) -> list[str]:
    """The lanes top to bottom: lanes are numbered, their names are the y tick labels."""
    return [label.replace("<br>", " ") for label in fig.layout.yaxis.ticktext]


def plotted(fig) -> list[tuple[str, str]]:
    """(event id, lane) of every mark of the main traces (events and spans), sorted."""
    names = lane_names(fig)
    marks = []
    for trace in fig.data:
        if trace.name in ("Events", "Spans"):
            marks += [(cd, names[int(y)]) for cd, y in zip(trace.customdata, trace.y)]
    return sorted(set(marks))


def mark(fig, event_id, name="Events"):
    """The trace holding ``event_id`` and the point's index in it."""
    for trace in fig.data:
        if trace.name == name and event_id in trace.customdata:
            return trace, list(trace.customdata).index(event_id)
    raise AssertionError(f"{event_id} is not plotted")


def test_timeline_plots_every_event_in_each_of_its_countries_lanes(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(), ds)
    assert plotted(fig) == sorted([
        ("sputnik-1", "Soviet Union"), ("vanguard-tv3", "United States"), ("dongfanghong-1", "China"),
        ("zarya", "Russia"), ("zarya", "United States"), ("crewed-cn-2030", "China"),
    ])  # fmt: skip
    assert lane_names(fig) == ["Soviet Union", "Russia", "United States", "China"]


def test_every_point_of_every_trace_carries_an_event_id(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(), ds)
    ids = set(df["id"])
    for trace in fig.data:
        xs = [x for x in trace.x if x is not None]
        assert len(trace.customdata or ()) == len(xs)
        assert set(trace.customdata or ()) <= ids


def test_a_country_filter_keeps_joint_events_only_in_the_selected_lanes(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(countries=("US",)), ds)
    assert plotted(fig) == [("vanguard-tv3", "United States"), ("zarya", "United States")]


def test_lanes_by_type_put_each_event_once_coloured_by_its_first_selected_country(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(lanes="type"), ds)
    assert [lane for _, lane in plotted(fig)].count("Space station") == 1
    assert lane_names(fig) == ["Satellite", "Crewed flight", "Space station"]
    colors = charts.country_colors(ds)
    only_us = figures.figure("timeline", df, Filters(lanes="type", countries=("US",)), ds)
    assert mark(only_us, "zarya", "Spans")[0].marker.line.color[mark(only_us, "zarya", "Spans")[1]] == colors["US"]
    assert mark(fig, "zarya", "Spans")[0].marker.line.color[mark(fig, "zarya", "Spans")[1]] == colors["RU"]
    assert mark(fig, "sputnik-1")[0].marker.color == colors["SU"]


def test_filters_are_applied_by_figure(data):
    df, ds = data
    window = Filters(start=PartialDate(1957), end=PartialDate(1975), countries=("CN", "SU"))
    assert plotted(figures.figure("timeline", df, window, ds)) == [("dongfanghong-1", "China"), ("sputnik-1", "Soviet Union")]
    # a span is in a window when it overlaps it
    assert ("zarya", "Russia") in plotted(figures.figure("timeline", df, Filters(start=PartialDate(2020)), ds))


def test_status_and_firsts_change_the_marks(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(), ds)
    trace, i = mark(fig, "sputnik-1")
    assert trace.marker.symbol[i] == "circle"  # a name: plotly.js reads the falsy code 0 slowly
    trace, i = mark(fig, "crewed-cn-2030")
    assert trace.marker.symbol[i] == "star-open"  # planned: hollow
    overlays = {t.name: list(t.customdata) for t in fig.data if t.name in ("first", "failed")}
    assert overlays == {"first": ["sputnik-1"], "failed": ["vanguard-tv3"]}
    assert mark(fig, "sputnik-1")[0].marker.size == 15  # the only Soviet event is a first: one size
    trace, i = mark(fig, "dongfanghong-1")
    assert trace.marker.size == 11


def test_every_symbol_a_mark_may_get_is_one_of_plotlys():
    import json

    import plotly

    table = json.loads((Path(plotly.__file__).parent / "validators" / "_validators.json").read_text())
    names = set(table["scatter.marker.symbol"]["params"]["values"][2::3])
    assert {charts.status_symbol(symbol, status) for symbol in SYMBOLS for status in STATUSES} <= names


def test_events_with_an_end_are_bars_over_their_span(data):
    df, ds = data
    spans = next(t for t in figures.figure("timeline", df, Filters(), ds).data if t.name == "Spans")
    assert list(spans.customdata) == ["zarya", "zarya"]
    assert spans.base[0] == "1998-11-20"
    days = spans.x[0] / 86_400_000
    assert days == (pd_date("2024-12-31") - pd_date("1998-11-20")).days + 1


def pd_date(text):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_hover_shows_the_date_at_its_precision_and_never_html_from_the_data(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(), ds)
    trace, i = mark(fig, "sputnik-1")
    assert trace.text[i] == "4 Oct 1957 · Satellite · world first"
    assert trace.hovertemplate == "<b>%{hovertext}</b><br>%{text}<br>Soviet Union<extra></extra>"
    trace, i = mark(fig, "vanguard-tv3")
    assert trace.text[i] == "Dec 1957 · Satellite · failed"
    assert trace.hovertext[i] == "Vanguard &lt;b&gt;TV3&lt;/b&gt; &amp; co"
    trace, i = mark(fig, "zarya", "Spans")
    assert trace.text[i].startswith("20 Nov 1998 – 2024 · Space station · with ")


def test_colours_come_from_the_registry_else_a_colour_blind_safe_palette(data):
    _, ds = data
    colors = charts.country_colors(ds)
    assert colors["SU"] == "#D55E00" and colors["CN"] == "#0072B2"
    assert colors["RU"] in charts.PALETTE and colors["US"] in charts.PALETTE
    assert len({colors["RU"], colors["US"], "#D55E00", "#0072B2"}) == 4  # registry colours are not reused
    symbols = charts.type_symbols(ds)
    assert symbols["satellite"] == "circle" and symbols["space-station"] not in ("circle", "star")


def test_activity_counts_events_per_year_or_decade_stacked_by_country(data):
    df, ds = data
    fig = figures.figure("activity", df, Filters(), ds)  # 1957..2030: more than 40 years -> decades
    bars = {t.name: dict(zip(t.customdata, t.y)) for t in fig.data}
    assert bars == {
        "Soviet Union": {"1950s": 1}, "Russia": {"1990s": 1},
        "United States": {"1950s": 1, "1990s": 1}, "China": {"1970s": 1, "2030s": 1},
    }  # fmt: skip
    china = next(t for t in fig.data if t.name == "China")
    assert list(china.x) == [1974.5, 2034.5]  # a bar stands over the ten years it counts
    assert fig.layout.barmode == "stack"
    short = figures.figure("activity", df, Filters(end=PartialDate(1975)), ds)
    assert {t.name: dict(zip(t.x, t.y)) for t in short.data} == {
        "Soviet Union": {1957: 1}, "United States": {1957: 1}, "China": {1970: 1},
    }


def test_no_matching_events_gives_an_empty_chart_that_says_so(data):
    df, ds = data
    for view in ("timeline", "activity"):
        fig = figures.figure(view, df, Filters(q="no-such-word"), ds, theme="dark")
        assert list(fig.data) == []
        assert fig.layout.annotations[0].text == "No events match these filters"


def test_themes_change_the_chrome_only(data):
    df, ds = data
    light = figures.figure("timeline", df, Filters(), ds)
    dark = figures.figure("timeline", df, Filters(), ds, theme="dark")
    assert light.layout.paper_bgcolor != dark.layout.paper_bgcolor
    assert [t.marker.color for t in light.data if t.name == "Events"] == [
        t.marker.color for t in dark.data if t.name == "Events"
    ]


def test_unknown_view_or_theme_is_a_value_error(data):
    df, ds = data
    with pytest.raises(ValueError, match="no chart for view 'table'"):
        figures.figure("table", df, Filters(), ds)
    with pytest.raises(ValueError, match="unknown theme"):
        figures.figure("timeline", df, Filters(), ds, theme="sepia")


def test_file_stem_says_what_is_shown():
    window = Filters(countries=("CN", "SU"), start=PartialDate(1957), end=PartialDate(1975))
    assert figures.file_stem("timeline", window) == "timeline_CN-SU_1957-1975"
    assert figures.file_stem("activity", Filters()) == "activity"
    assert figures.file_stem("activity", Filters(start=PartialDate(1990))) == "activity_from-1990"
    odd = Filters(q="moon / mars?", firsts=True, lanes="type", end=PartialDate(2000, 6))
    assert figures.file_stem("timeline", odd) == "timeline_to-2000_moon-mars_firsts_by-type"


def test_the_real_dataset_plots_every_event():
    loaded = store.load([EVENTS])
    assert loaded.ok
    df = frame.to_frame(loaded.dataset)
    fig = figures.figure("timeline", df, Filters(), loaded.dataset)
    assert {event_id for event_id, _ in plotted(fig)} == set(df["id"])
    assert figures.figure("activity", df, Filters(), loaded.dataset).data


def test_a_phone_width_gives_short_lane_labels_and_room_for_the_legend(data):
    df, ds = data
    wide = figures.figure("timeline", df, Filters(), ds)
    phone = figures.figure("timeline", df, Filters(), ds, width=360)
    assert list(wide.layout.yaxis.ticktext) == ["Soviet Union", "Russia", "United States", "China"]
    assert list(phone.layout.yaxis.ticktext) == ["SU", "RU", "US", "CN"]
    legend = [t.name for t in phone.data if t.showlegend is not False]
    assert len(legend) == 6 and max(map(len, legend)) == len("World first (ringed)")
    # a phone's plot fits one entry a row (six rows), a desktop's four (two rows); lanes are 12px shorter
    assert phone.layout.height - wide.layout.height == 22 * 6 - 22 * 2 - 4 * 12
    by_type = figures.figure("timeline", df, Filters(lanes="type"), ds, width=360)
    assert list(by_type.layout.yaxis.ticktext) == ["Satellite", "Crewed<br>flight", "Space<br>station"]


def test_a_long_name_takes_three_lines_at_most_two_on_a_phone_and_a_legend_column_it_fits(tmp_path):
    """A lane is 46 px high (34 on a phone): a name of four short lines ran into its neighbours'."""
    text = FIXTURE.replace("CN: {name: China", "CN: {name: European Launcher Development Organisation")
    text = text.replace("crewed-flight: {label: Crewed flight", "crewed-flight: {label: Crewed orbital flight with a spacewalk")
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok, loaded.errors
    df, ds = frame.to_frame(loaded.dataset), loaded.dataset
    wide = figures.figure("timeline", df, Filters(), ds).layout.yaxis.ticktext
    assert wide[3] == "European Launcher<br>Development<br>Organisation"  # at 16 characters it was four lines
    assert wide[0] == "Soviet Union"
    by_type = figures.figure("timeline", df, Filters(lanes="type"), ds, width=360).layout.yaxis.ticktext
    assert max(label.count("<br>") for label in by_type) == 1
    assert "Crewed orbital<br>flight with a …" in by_type  # at most 20 characters a line on a phone
    assert charts.wrap("Organisation", 10, 2) == "Organisation"  # a word is never broken
    endless = charts.wrap("Agency " * 150, 16)  # wider than twice 16 characters a line, a name is cut
    assert endless.count("<br>") == 2 and endless.endswith(" …") and max(map(len, endless.split("<br>"))) <= 32
    one_word = charts.wrap("X" * 500, 16)
    assert one_word.count("<br>") <= 2 and max(map(len, one_word.split("<br>"))) <= 32
    # the legend's columns are as wide as the longest name is drawn (about 305 px in Chromium)
    legend = figures.figure("activity", df, Filters(), ds, width=1380).layout.legend
    assert legend.entrywidthmode == "pixels" and legend.entrywidth >= 305


def test_many_points_switch_the_scatter_to_webgl_and_keep_few_traces(data, monkeypatch):
    df, ds = data
    monkeypatch.setattr(figures, "GL_POINTS", 3)
    fig = figures.figure("timeline", df, Filters(), ds)
    assert {t.type for t in fig.data if t.name == "Events"} == {"scattergl"}
    assert {t.name: t.type for t in fig.data if t.customdata}["first"] == "scattergl"
    # spans, one trace of events per country colour, firsts, failures: never one per event
    assert [t.name for t in fig.data if t.customdata] == ["Spans"] + ["Events"] * 4 + ["first", "failed"]


def test_svg_marker_traces_keep_only_the_windows_markers_and_never_cap_them(data, monkeypatch):
    """Every SVG marker trace asks plotly to keep only the markers inside the axes' ranges (so a
    zoom restyles those alone), with a cap no chart reaches; WebGL traces have no such setting."""
    df, ds = data
    fig = figures.plotly_json("timeline", df, Filters(), ds)
    marked = [t for t in fig["data"] if t["type"] == "scatter" and "markers" in t["mode"] and t.get("customdata")]
    assert {t["name"] for t in marked} >= {"Events", "first", "failed"}
    assert all(t["marker"]["maxdisplayed"] > len(df) * 4 for t in marked)
    monkeypatch.setattr(figures, "GL_POINTS", 3)
    gl = [t for t in figures.plotly_json("timeline", df, Filters(), ds)["data"] if t["type"] == "scattergl"]
    assert gl and all("maxdisplayed" not in t["marker"] for t in gl)


# --- colours, names and bins that scale ------------------------------------------------------------


def many_countries(n: int, per_country=lambda i: 1) -> str:
    """An events file with ``n`` countries (no registry colours), ``per_country(i)`` events each."""
    countries = "".join(f"  C{i:02d}: {{name: Country {i}}}\n" for i in range(n))
    events = "".join(
        f"  - {{id: e{i}-{j}, title: E{i}-{j}, date: {1960 + j}, countries: [C{i:02d}], type: launch, "
        f"description: D., sources: [{{url: 'https://example.org/{i}', title: S}}]}}\n"
        for i in range(n) for j in range(per_country(i))
    )
    return f"countries:\n{countries}types:\n  launch: {{label: Launch}}\nevents:\n{events}"


def load_text(tmp_path, text: str):
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok, loaded.errors
    return loaded.dataset


def test_up_to_24_lanes_get_distinct_colours_registry_colours_first(tmp_path):
    ds = load_text(tmp_path, many_countries(24))
    colors = charts.country_colors(ds)
    assert len(set(colors.values())) == 24
    assert list(colors.values())[:7] == list(charts.PALETTE[:6]) + [charts.PALETTE[7]]  # Okabe & Ito first, no grey
    bundled = store.load([store.bundled_path()]).dataset
    assert len(set(charts.country_colors(bundled).values())) == len(bundled.countries)


def test_beyond_24_countries_the_smallest_share_other_countries_in_grey(tmp_path):
    ds = load_text(tmp_path, many_countries(30, per_country=lambda i: 30 - i))
    df = frame.to_frame(ds)
    fig = figures.figure("timeline", df, Filters(), ds)
    lanes = list(fig.layout.yaxis.ticktext)
    assert len(lanes) == 24 and lanes[-1] == "Other countries"
    assert "7 countries with the fewest events share “Other countries”" in fig.layout.title.text
    marks = figures.placed(df, Filters(), ds)
    assert set(marks.loc[marks["lane"] == "Other countries", "country"]) == {f"C{i}" for i in range(23, 30)}
    assert set(marks.loc[marks["lane"] == "Other countries", "color"]) == {charts.OTHER_COLOR}


def test_titles_and_axes_use_names_and_say_what_is_counted(tmp_path):
    ds = load_text(tmp_path, many_countries(3, per_country=lambda i: 12))
    df = frame.to_frame(ds)
    fig = figures.figure("activity", df, Filters(countries=("C00", "C01"), start=PartialDate(1960)), ds)
    assert fig.layout.title.text.startswith("Country 0, Country 1 · 1960–… · launches per year")
    assert fig.layout.yaxis.title.text == "Launches"
    assert figures.figure("timeline", df, Filters(), ds).layout.title.text.endswith("36 launches")


@pytest.mark.parametrize("first, last, size", [(1957, 1980, 1), (1957, 2010, 5), (1957, 2030, 10)])
def test_activity_bins_adapt_to_the_span_and_stay_within_the_data(first, last, size):
    assert figures.activity_bin(first, last) == size
    assert figures.bin_label(1990, 5) == "1990–1994" and figures.bin_label(1990, 10) == "1990s"


def test_activity_draws_5_year_bins_only_where_there_is_data(tmp_path):
    ds = load_text(tmp_path, many_countries(1, per_country=lambda i: 40))  # 1960..1999
    fig = figures.figure("activity", frame.to_frame(ds), Filters(), ds)
    assert list(fig.data[0].customdata) == ["1960–1964", "1965–1969", "1970–1974", "1975–1979", "1980–1984",
                                            "1985–1989", "1990–1994", "1995–1999"]  # fmt: skip
    assert list(fig.data[0].x) == [1962, 1967, 1972, 1977, 1982, 1987, 1992, 1997]
    assert list(fig.data[0].y) == [5] * 8 and "per 5 years" in fig.layout.title.text


def test_a_type_that_reuses_another_types_symbol_is_warned_about(runner, tmp_path):
    from timeline.cli import main

    text = many_countries(1).replace("  launch: {label: Launch}\n",
                                     "  launch: {label: Launch, symbol: star}\n  crewed: {label: Crewed, symbol: star}\n")
    path = tmp_path / "symbols.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert (f"{path}:5:35: warning: types.crewed.symbol: type 'crewed' reuses symbol 'star' of type 'launch'"
            in result.output)  # fmt: skip



def test_a_type_drawn_with_a_look_alike_symbol_is_warned_about_and_never_handed_one(tmp_path):
    """An octagon of marker size is a circle to the eye: a registry entry that asks for it beside a
    circle is warned about, and a type without a symbol is never given one that looks like another's."""
    text = many_countries(1).replace("  launch: {label: Launch}\n",
                                     "  launch: {label: Launch, symbol: circle}\n  crash: {label: Crash, symbol: octagon}\n"
                                     "  probe: {label: Probe}\n  lander: {label: Lander}\n")  # fmt: skip
    path = tmp_path / "symbols.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok, loaded.errors
    assert [p.message for p in loaded.warnings] == [(
        "types.crash.symbol: type 'crash' draws 'octagon', which looks like 'circle', of type 'launch': "
        "the charts cannot tell them apart; choose another"
    )]
    symbols = charts.type_symbols(loaded.dataset)
    assert (symbols["probe"], symbols["lander"]) == ("square", "diamond")
    assert len({models.shape(s) for s in symbols.values()}) == len(symbols) - 1  # only the warned-about pair

# --- level of detail -------------------------------------------------------------------------------




def test_a_busy_lane_draws_its_density_and_keeps_only_its_key_events_as_markers(tmp_path):
    ds = load_text(tmp_path, busy())
    df = frame.to_frame(ds)
    fig = figures.figure("timeline", df, Filters(), ds, width=1100)
    shown = {c for t in fig.data if t.name == "Events" for c in t.customdata}
    assert shown == {"l0", "crash", "q0", "q1", "q2"}  # the quiet lane whole; the busy one's first and crash
    density = [t.to_plotly_json() for t in fig.data if t.name == "density"]
    assert len(density) == 1 and density[0]["y"][0] == 0.37  # the busy lane (y 0), rising from its foot
    counts = bin_counts(density[0])
    assert sum(counts) == 401 and len(density[0]["x"]) == 2 * len(counts) + 2  # a step outline: two points a bin
    assert max(0.37 - y for y in density[0]["y"]) == pytest.approx(0.74)  # the busiest step fills the lane
    assert "busy lanes show how many events" in fig.layout.title.text
    assert figures.DENSITY_LABEL in [t.name for t in fig.data]


def bin_counts(trace: dict) -> list[int]:
    """The events per bin a density trace draws, from its hover text (two points of its outline a bin)."""
    return [int(t.split(": ")[-1].split(" ")[0].replace(",", "")) for t in trace["hovertext"][1:-1:2]]


def test_a_density_bin_says_its_period_in_days_or_in_hours_within_a_day(tmp_path):
    one_day = busy().replace("date: 19", "date: 1969-07-16, was: 19")  # the busy lane all on 16 Jul 1969
    one_day = re.sub(r", was: [0-9-]+", "", one_day)
    ds = load_text(tmp_path, one_day)
    df = frame.to_frame(ds)
    day = Filters(start=PartialDate(1969, 7, 16), end=PartialDate(1969, 7, 16))
    (density,) = [t for t in figures.plotly_json("timeline", df, day, ds, width=1100)["data"] if t["name"] == "density"]
    spans = [t.split("<br>")[1] for t in density["hovertext"][1:-1:2]]
    assert spans[0] == "1969-07-16 00:00 – 1969-07-16 00:08 UTC" and spans[-1].endswith("– 1969-07-17 00:00 UTC")
    assert density["x"][0] == "1969-07-16 00:00" and density["x"][-1] == "1969-07-17 00:00"
    year = Filters(start=PartialDate(1969), end=PartialDate(1969))
    (density,) = [t for t in figures.plotly_json("timeline", df, year, ds, width=1100)["data"] if t["name"] == "density"]
    spans = [t.split("<br>")[1] for t in density["hovertext"][1:-1:2]]
    assert spans[0] == "1969-01-01 – 1969-01-02" and spans[-1] == "1969-12-29 – 1969-12-31"  # 174 bins of 2.1 days
    assert max(bin_counts(density)) == sum(bin_counts(density)) == 401  # all in the bin of 16 July


def test_the_open_event_stays_a_marker_in_a_busy_lane(tmp_path):
    ds = load_text(tmp_path, busy())
    fig = figures.figure("timeline", frame.to_frame(ds), Filters(), ds, width=1100, selected="l7")
    shown = {c for t in fig.data if t.name == "Events" for c in t.customdata}
    assert shown == {"l0", "crash", "q0", "q1", "q2", "l7"}
    assert len([t for t in fig.data if t.name == "density"]) == 1  # the lane stays busy, l7 on top of its bars


def test_a_window_shows_each_event_in_it_and_is_drawn_exactly(tmp_path):
    ds = load_text(tmp_path, busy())
    df = frame.to_frame(ds)
    window = Filters(start=PartialDate(1970, 1, 1), end=PartialDate(1970, 12, 31))
    fig = figures.figure("timeline", df, window, ds, width=1100)
    shown = sorted(c for t in fig.data if t.name == "Events" for c in t.customdata)
    assert shown == sorted(frame.apply(df, window)["id"])
    assert not [t for t in fig.data if t.name == "density"]
    assert list(fig.layout.xaxis.range) == ["1970-01-01", "1971-01-01"]


def test_lanes_go_dense_by_the_width_they_get(tmp_path):
    ds = load_text(tmp_path, busy(120))
    marks = figures.placed(frame.to_frame(ds), Filters(), ds)
    assert figures.dense_lanes(marks, charts.Look(charts.THEMES["light"], 1100)) == set()  # 145 fit in 870 px
    assert figures.dense_lanes(marks, charts.Look(charts.THEMES["light"], 700)) == {"Busy"}  # 78 fit in 470 px


def test_shown_lanes_never_share_a_colour_even_past_the_palettes_24(tmp_path):
    ds = load_text(tmp_path, many_countries(30, per_country=lambda i: 1 + i))  # the busiest registered last
    df = frame.to_frame(ds)
    marks = figures.placed(df, Filters(), ds)
    kept = marks[marks["lane"] != "Other countries"]
    assert kept["country"].nunique() == 23 and kept.groupby("country")["color"].first().nunique() == 23
    assert charts.OTHER_COLOR not in set(kept["color"])
    late = figures.placed(df, Filters(countries=("C28", "C29")), ds)
    assert late.groupby("country")["color"].first().nunique() == 2 and charts.OTHER_COLOR not in set(late["color"])


def test_of_equally_busy_countries_the_later_registered_share_other_countries_the_last_lane(tmp_path):
    ds = load_text(tmp_path, many_countries(30, per_country=lambda i: 3))  # 30 countries, 3 events each
    df = frame.to_frame(ds)
    fig = figures.plotly_json("timeline", df, Filters(), ds, width=1100)
    lanes = fig["layout"]["yaxis"]["ticktext"]
    assert lanes[:23] == [f"Country {i}" for i in range(23)] and lanes[23] == "Other countries"
    grown = many_countries(30, per_country=lambda i: 1 + i)  # the busiest registered last
    ds = load_text(tmp_path, grown)
    shown = Filters(countries=tuple(f"C{i:02d}" for i in range(4, 30)))  # 26 shown: the 3 quietest grouped
    lanes = figures.plotly_json("timeline", frame.to_frame(ds), shown, ds, width=1100)["layout"]["yaxis"]["ticktext"]
    assert lanes[-1] == "Other countries" and lanes[0] == "Country 7" and len(lanes) == 24


def test_windows_past_pandas_nanosecond_range_filter_and_bin_right(tmp_path):
    ds = load_text(tmp_path, busy())
    df = frame.to_frame(ds)
    far = Filters(start=PartialDate(1500), end=PartialDate(2300))
    as_nanoseconds = df.assign(start=df["start"].astype("datetime64[ns]"), stop=df["stop"].astype("datetime64[ns]"))
    assert len(frame.apply(as_nanoseconds, far)) == len(frame.apply(df, far)) == len(df)  # pandas 2 keeps ns
    fig = figures.plotly_json("timeline", df, Filters(start=PartialDate(1950), end=PartialDate(2300)), ds, width=1100)
    (density,) = [t for t in fig["data"] if t["name"] == "density"]
    assert density["x"][0] == "1950-01-01 00:00" and density["x"][-1] == "2301-01-01 00:00"
    assert sum(bin_counts(density)) == 401


def test_an_empty_window_keeps_its_date_axis_to_zoom_out_from(data):
    df, ds = data
    fig = figures.figure("timeline", df, Filters(start=PartialDate(1962, 3, 2), end=PartialDate(1962, 3, 19)), ds)
    assert fig.layout.xaxis.visible is True and list(fig.layout.xaxis.range) == ["1962-03-02", "1962-03-20"]
    assert fig.layout.annotations[0].text == "No events between 1962-03-02 and 1962-03-19: zoom out, or press All"


def test_the_legend_is_a_grid_of_equal_columns_wide_enough_for_every_name(data):
    df, ds = data
    for width in (1100, 700, 360):
        fig = figures.figure("timeline", df, Filters(), ds, width=width)
        names = [t.name for t in fig.data if t.x == (None,)]  # the legend's entries
        legend = fig.layout.legend
        assert legend.entrywidthmode == "pixels"
        assert legend.entrywidth >= max(len(name) for name in names) * (5 if width < 640 else 6)  # every name fits
        look = charts.Look(charts.THEMES["light"], width)
        reserved = look.fit_legend({"legend": {}}, names, fig.layout.margin.l)
        assert 22 * -(-len(names) // 5) <= reserved <= 22 * len(names)  # rows of at most five entries
        lanes = len(set(figures.placed(frame.to_frame(ds), Filters(), ds)["lane"]))
        assert fig.layout.height == 150 + (34 if width < 640 else 46) * max(lanes, 2) + reserved
        # the margins are said up front, so plotly need not find them by drawing twice
        assert fig.layout.margin.b == reserved + 40
        assert fig.layout.margin.l == charts.label_margin(fig.layout.yaxis.ticktext) > 21
