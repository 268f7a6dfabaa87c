"""The race view without a browser: which event reaches each milestone, the matrix, the chart."""

from __future__ import annotations

import pytest

from timeline import charts, figures, frame, race, store
from timeline.dates import PartialDate
from timeline.frame import Filters

from .conftest import EVENTS
from .fixtures import EVERYTHING, RACE_FIXTURE, write_fixture

ROWS = ("first-satellite", "first-human-in-space", "first-lunar-flyby-or-impact", "first-space-station")
@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The fixture as ``frame.to_frame``'s table, and its dataset."""
    loaded = store.load([write_fixture(tmp_path_factory.mktemp("race"))])
    assert loaded.ok, loaded.errors
    return frame.to_frame(loaded.dataset), loaded.dataset


def picks(df, ds, filters: Filters = Filters()) -> dict[tuple[str, str], str]:
    return {(r.milestone, r.country): r.event.id for r in race.of(df, filters, ds).reaches}


def test_each_country_reaches_each_milestone_with_its_earliest_success_else_its_plan(data):
    df, ds = data
    assert picks(df, ds) == EVERYTHING
    shown = race.of(df, Filters(), ds)
    assert shown.milestones == ROWS  # the registry's order, not the file's
    assert shown.countries == ("SU", "RU", "US", "CN", "ESA")  # every country with a milestone, registry order


def test_a_partial_success_counts_and_names_the_later_full_one(data):
    df, ds = data
    shown = race.of(df, Filters(), ds)
    luna = shown.at("first-lunar-flyby-or-impact", "SU")
    assert (luna.status, luna.completed_by.id) == ("partial", "luna-2")
    assert shown.at("first-lunar-flyby-or-impact", "US").completed_by is None


def test_world_firsts_are_the_earliest_reach_anywhere_marked_first(data):
    df, ds = data
    firsts = {(r.milestone, r.country) for r in race.of(df, Filters(), ds).reaches if r.world_first}
    assert firsts == {("first-satellite", "SU"), ("first-human-in-space", "SU"),
                      ("first-lunar-flyby-or-impact", "SU"), ("first-space-station", "SU")}  # fmt: skip
    # filters change what is shown, never who was first: Luna 2 is not the first flyby or impact
    achieved = race.of(df, Filters(statuses=("achieved",)), ds)
    luna = achieved.at("first-lunar-flyby-or-impact", "SU")
    assert (luna.event.id, luna.world_first) == ("luna-2", False)


def test_a_joint_event_counts_for_each_of_its_countries_even_as_a_world_first(tmp_path):
    joint = RACE_FIXTURE.replace("{id: salyut-1, title: Salyut 1, date: 1971-04-19, countries: [SU]",
                            "{id: salyut-1, title: Salyut 1, date: 1971-04-19, countries: [SU, CN]")  # fmt: skip
    (tmp_path / "events.yaml").write_text(joint, encoding="utf-8")
    ds = store.load([tmp_path / "events.yaml"]).dataset
    stations = [(r.country, r.event.id, r.world_first) for r in race.of(frame.to_frame(ds), Filters(), ds).reaches
                if r.milestone == "first-space-station"]  # fmt: skip
    assert stations == [("SU", "salyut-1", True), ("RU", "zarya", False), ("US", "skylab", False), ("CN", "salyut-1", True)]


def test_country_status_and_year_filters_apply(data):
    df, ds = data
    assert picks(df, ds, Filters(countries=("US", "RU"))) == {
        key: v for key, v in EVERYTHING.items() if key[1] in ("US", "RU")}  # fmt: skip
    assert race.of(df, Filters(countries=("US", "SU")), ds).countries == ("SU", "US")  # registry order
    assert picks(df, ds, Filters(statuses=("planned",))) == {
        ("first-human-in-space", "CN"): "cn-crew-plan", ("first-space-station", "CN"): "cn-station-plan"}  # fmt: skip
    assert picks(df, ds, Filters(end=PartialDate(1958))) == {
        ("first-satellite", "SU"): "sputnik-1", ("first-satellite", "US"): "explorer-1"}  # fmt: skip
    assert picks(df, ds, Filters(start=PartialDate(1959), end=PartialDate(1959))) == {
        ("first-lunar-flyby-or-impact", "SU"): "luna-1", ("first-lunar-flyby-or-impact", "US"): "pioneer-4"}  # fmt: skip
    assert picks(df, ds, Filters(firsts=True)) == {
        key: v for key, v in EVERYTHING.items() if v in ("sputnik-1", "vostok-1", "luna-1", "salyut-1")}  # fmt: skip


def test_type_and_search_filters_do_not_apply(data):
    df, ds = data
    assert picks(df, ds, Filters(types=("satellite",), q="nothing matches this")) == EVERYTHING
    assert figures.view_filters("race", Filters(types=("satellite",), q="x", countries=("SU",))) == Filters(countries=("SU",))
    fig = figures.figure("race", df, Filters(types=("satellite",), q="zzz"), ds)
    assert {(i) for t in fig.data for i in (t.customdata or ())} == set(EVERYTHING.values())
    assert "zzz" not in fig.layout.title.text


def test_aligned_time_is_years_since_the_countrys_own_first_satellite(data):
    df, ds = data
    shown = race.of(df, Filters(align="start", start=PartialDate(1961)), ds)  # the anchors lie before the window
    years = {(r.milestone, r.country): r.years for r in shown.reaches}
    assert years["first-human-in-space", "SU"] == pytest.approx(1286 / 365.25)  # 4 Oct 1957 -> 12 Apr 1961
    assert years["first-space-station", "US"] == pytest.approx((15 * 365 + 4 + 102) / 365.25)  # 1 Feb 1958 -> 14 May 1973
    assert years["first-space-station", "RU"] is None and years["first-lunar-flyby-or-impact", "ESA"] is None
    assert shown.unaligned == ("RU", "ESA")
    assert race.of(df, Filters(), ds).unaligned == ()  # by date, every country is shown


def test_the_matrix_has_dates_at_their_precision_plans_and_dashes(data):
    df, ds = data
    rows = race.matrix(race.of(df, Filters(countries=("SU", "US", "CN", "ESA")), ds), ds)
    assert [label for label, _ in rows] == ["First satellite", "First human in space", "First lunar flyby or impact",
                                            "First space station"]  # fmt: skip
    assert {label: [c.text for c in cells] for label, cells in rows} == {
        "First satellite": ["4 Oct 1957", "1 Feb 1958", "24 Apr 1970", "–"],
        "First human in space": ["12 Apr 1961", "–", "planned 2031", "–"],
        "First lunar flyby or impact": ["4 Jan 1959 (partial)", "4 Mar 1959 (partial)", "–", "Nov 2004"],
        "First space station": ["19 Apr 1971", "14 May 1973", "29 Sep 2011", "–"],
    }
    assert rows[0][1][0].reach.event.id == "sputnik-1" and rows[0][1][3].reach is None
    assert [race.years_text(y) for y in (0.0, 3.52, -1.25, None)] == ["0 yr", "+3.5 yr", "-1.2 yr", ""]


def test_notes_name_countries_left_out_and_keep_the_soviet_union_and_russia_apart(data):
    df, ds = data
    assert race.notes(race.of(df, Filters(countries=("US", "CN")), ds), ds) == []
    aligned = race.notes(race.of(df, Filters(countries=("US", "RU"), align="start"), ds), ds)
    assert aligned[0] == "Not in the aligned chart (no first satellite in the data): Russia."
    assert aligned[1].startswith("Russia continued the Soviet Union's programme after 1991.")
    assert "Soviet Union milestones are not counted for Russia" in aligned[1]


def plotted(fig) -> dict[str, list]:
    """Country name -> [(event id, x)] of the chart's country traces."""
    return {t.name: list(zip(t.customdata, t.x)) for t in fig.data if t.legendgroup}


def test_the_chart_has_a_row_per_milestone_and_a_trace_of_dots_per_country(data):
    df, ds = data
    fig = figures.figure("race", df, Filters(countries=("SU", "US", "CN")), ds)
    assert list(fig.layout.yaxis.ticktext) == ["First satellite", "First human in space", "First lunar flyby or<br>impact",
                                              "First space station"]  # fmt: skip
    assert fig.layout.xaxis.type == "date"
    assert plotted(fig) == {
        "Soviet Union": [("sputnik-1", "1957-10-04"), ("vostok-1", "1961-04-12"), ("luna-1", "1959-01-04"),
                         ("salyut-1", "1971-04-19")],
        "United States": [("explorer-1", "1958-02-01"), ("pioneer-4", "1959-03-04"), ("skylab", "1973-05-14")],
        "China": [("dong-fang-hong-1", "1970-04-24"), ("cn-crew-plan", "2031-01-01"), ("tiangong-1", "2011-09-29")],
    }  # fmt: skip
    su, us = (next(t for t in fig.data if t.name == name) for name in ("Soviet Union", "United States"))
    assert {t.mode for t in fig.data} == {"markers"}  # a dot matrix: no lines back and forth in time
    assert su.y[0] < us.y[0] < 0.5 and su.y[1] == pytest.approx(1 + su.y[0])  # sub-lanes inside each row
    assert list(su.marker.symbol) == ["circle", "circle", "circle-open-dot", "circle"]  # partial: dotted
    china = next(t for t in fig.data if t.name == "China")
    assert list(china.marker.symbol) == ["triangle-up", "triangle-up-open", "triangle-up"]  # a shape per country; planned: hollow
    ring = next(t for t in fig.data if t.name == "first")
    assert set(ring.customdata) == {"sputnik-1", "vostok-1", "luna-1", "salyut-1"}
    assert [t.name for t in fig.data if t.showlegend is not False][-3:] == [
        "Planned (hollow)", "Partial (dotted)", "World first (ringed)"]  # fmt: skip
    assert "Partial success; in full: Luna 2, 13 Sep 1959".lower() in su.hovertext[2].lower()


def test_every_point_carries_an_event_id(data):
    df, ds = data
    ids = set(df["id"])
    for filters in (Filters(), Filters(align="start")):
        for trace in figures.figure("race", df, filters, ds).data:
            xs = [x for x in trace.x if x is not None]
            assert len(trace.customdata or ()) == len(xs)
            assert set(trace.customdata or ()) <= ids


def test_aligning_moves_the_points_to_years_and_leaves_out_unaligned_countries(data):
    df, ds = data
    fig = figures.figure("race", df, Filters(countries=("SU", "US", "RU"), align="start"), ds)
    assert fig.layout.xaxis.type == "linear"
    shown = plotted(fig)
    assert set(shown) == {"Soviet Union", "United States"}
    assert dict(shown["Soviet Union"])["vostok-1"] == pytest.approx(3.521, abs=0.001)
    assert dict(shown["United States"])["explorer-1"] == 0
    assert "Not shown (no first satellite in the data): Russia" in fig.layout.xaxis.title.text
    assert "years since each country's first satellite" in fig.layout.title.text


def test_no_milestones_in_view_gives_an_empty_chart_that_says_so(data):
    df, ds = data
    fig = figures.figure("race", df, Filters(statuses=("failed",)), ds)
    assert fig.data == () and "No events match" in fig.layout.annotations[0].text
    assert figures.figure("race", df, Filters(countries=("RU",), align="start"), ds).data == ()


def test_phone_and_dark_layouts(data):
    df, ds = data
    wide, phone = (figures.figure("race", df, Filters(), ds, width=w) for w in (1100, 360))
    assert phone.layout.yaxis.ticktext[2] == "First lunar<br>flyby or impact"  # labels wrap narrower
    assert phone.data[0].marker.size < wide.data[0].marker.size
    dark = figures.figure("race", df, Filters(), ds, theme="dark")
    assert dark.layout.paper_bgcolor == charts.THEMES["dark"].background


def test_file_names_say_when_the_race_is_aligned_or_counted():
    filters = Filters(countries=("SU", "US"), align="start")
    assert figures.file_stem("race", filters) == "race_SU-US_since-first-satellite"
    assert figures.file_stem("race", filters.replace(align="date")) == "race_SU-US"
    assert figures.file_stem("race", filters.replace(chart="count")) == "race_SU-US_count_since-first-satellite"


def test_the_real_dataset_has_a_race_for_the_six_programmes():
    loaded = store.load([EVENTS])
    ds, df = loaded.dataset, frame.to_frame(loaded.dataset)
    shown = race.of(df, Filters(countries=("SU", "US", "CN", "ESA", "JP", "IN"), align="start"), ds)
    assert shown.unaligned == ()  # each of them has a first satellite in the data
    for reach in shown.reaches:
        assert reach.milestone in reach.event.milestones and reach.country in reach.event.countries
    fig = figures.figure("race", df, Filters(countries=("SU", "US", "CN", "IN"), align="start"), ds)
    assert sum(len(t.customdata) for t in fig.data if t.legendgroup) >= 40


# --- the count chart ------------------------------------------------------------------------------


def series(df, ds, filters: Filters = Filters()) -> dict[str, list[tuple]]:
    """Country -> [(count, event ids of the step, planned)] of ``race.steps``."""
    return {code: [(s.count, [r.event.id for r in s.reaches], s.planned) for s in found]
            for code, found in race.steps(race.of(df, filters, ds)).items()}  # fmt: skip


def test_the_count_steps_up_at_each_earliest_reach_and_plans_follow_the_last_one(data):
    df, ds = data
    assert series(df, ds) == {
        "SU": [(1, ["sputnik-1"], False), (2, ["luna-1"], False), (3, ["vostok-1"], False), (4, ["salyut-1"], False)],
        "RU": [(1, ["zarya"], False)],  # a joint event counts for each of its countries
        "US": [(1, ["explorer-1"], False), (2, ["pioneer-4"], False), (3, ["skylab"], False)],  # not Zarya: later
        "CN": [(1, ["dong-fang-hong-1"], False), (2, ["tiangong-1"], False),
               (3, ["cn-crew-plan"], True)],  # the 2030 station plan is not counted: the station was reached
        "ESA": [(1, ["smart-1"], False)],
    }  # fmt: skip
    # partial successes count, at the partial one (Luna 1), not at the later full success (Luna 2)
    assert series(df, ds, Filters(countries=("SU",)))["SU"][1] == (2, ["luna-1"], False)


def test_the_count_follows_the_filters(data):
    df, ds = data
    assert series(df, ds, Filters(countries=("US", "CN"), end=PartialDate(1970))) == {
        "US": [(1, ["explorer-1"], False), (2, ["pioneer-4"], False)], "CN": [(1, ["dong-fang-hong-1"], False)]}
    assert series(df, ds, Filters(statuses=("achieved",), countries=("SU",))) == {
        "SU": [(1, ["sputnik-1"], False), (2, ["luna-2"], False), (3, ["vostok-1"], False), (4, ["salyut-1"], False)]}
    assert series(df, ds, Filters(statuses=("planned",), countries=("CN",))) == {
        "CN": [(1, ["cn-station-plan"], True), (2, ["cn-crew-plan"], True)]}  # fmt: skip
    aligned = series(df, ds, Filters(countries=("US", "RU"), align="start"))
    assert aligned == {"US": [(1, ["explorer-1"], False), (2, ["pioneer-4"], False), (3, ["skylab"], False)], "RU": []}


def test_milestones_reached_the_same_day_are_one_step(tmp_path):
    both = RACE_FIXTURE.replace("milestone: first-human-in-space, description: G.",
                           "milestone: [first-human-in-space, first-space-station], description: G.")  # fmt: skip
    (tmp_path / "events.yaml").write_text(both, encoding="utf-8")
    ds = store.load([tmp_path / "events.yaml"]).dataset
    su = series(frame.to_frame(ds), ds, Filters(countries=("SU",)))["SU"]
    assert su == [(1, ["sputnik-1"], False), (2, ["luna-1"], False), (4, ["vostok-1", "vostok-1"], False)]


def counted(fig) -> dict[str, tuple]:
    """Trace name -> (customdata, y) of the count chart's step traces."""
    return {t.name: (list(t.customdata), list(t.y)) for t in fig.data if t.line and t.line.shape == "hv"}


def test_the_count_chart_has_a_step_trace_per_country_and_a_dashed_one_for_plans(data):
    df, ds = data
    fig = figures.figure("race", df, Filters(countries=("SU", "US", "CN"), chart="count"), ds)
    assert counted(fig) == {
        "Soviet Union": (["sputnik-1", "luna-1", "vostok-1", "salyut-1"], [1, 2, 3, 4]),
        "United States": (["explorer-1", "pioneer-4", "skylab"], [1, 2, 3]),
        "China": (["dong-fang-hong-1", "tiangong-1"], [1, 2]),
        "China (planned)": (["tiangong-1", "cn-crew-plan"], [2, 3]),  # from the last reach on
    }  # fmt: skip
    china, plan = (next(t for t in fig.data if t.name == n) for n in ("China", "China (planned)"))
    assert (china.line.dash, plan.line.dash, plan.showlegend, plan.legendgroup) == ("solid", "dash", False, "CN")
    assert list(plan.x) == ["2011-09-29", "2031-01-01"] and plan.marker.symbol[-1] == "triangle-up-open"
    su = next(t for t in fig.data if t.name == "Soviet Union")
    assert list(su.marker.symbol) == ["circle", "circle-open-dot", "circle", "circle"]  # Luna 1: partial
    assert su.hovertext[1].startswith("<b>Soviet Union · 2 of 4</b><br>First lunar flyby or impact: Luna 1, 4 Jan 1959")
    assert "partial success, world first" in su.hovertext[1]
    assert set(next(t for t in fig.data if t.name == "first").customdata) == {"sputnik-1", "luna-1", "vostok-1", "salyut-1"}
    assert fig.layout.yaxis.title.text == "Milestones reached (of 4)"
    assert "milestones reached, by date" in fig.layout.title.text


def test_the_aligned_count_chart_is_in_years_and_leaves_out_unaligned_countries(data):
    df, ds = data
    fig = figures.figure("race", df, Filters(countries=("SU", "RU"), chart="count", align="start"), ds)
    assert set(counted(fig)) == {"Soviet Union"} and fig.layout.xaxis.type == "linear"
    assert list(next(t for t in fig.data if t.name == "Soviet Union").x) == pytest.approx([0, 457 / 365.25, 1286 / 365.25, 4945 / 365.25], abs=0.001)
    assert "Russia" in fig.layout.xaxis.title.text
    assert figures.figure("race", df, Filters(countries=("RU",), chart="count", align="start"), ds).data == ()
    for trace in figures.figure("race", df, Filters(chart="count"), ds).data:  # every point is an event
        assert len(trace.customdata or ()) == len([x for x in trace.x if x is not None])


# --- the scoreboard -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def orbit(tmp_path_factory):
    """The fixture with Vostok 1 as the first human in orbit (the scoreboard's years to orbit)."""
    path = tmp_path_factory.mktemp("orbit") / "events.yaml"
    path.write_text(RACE_FIXTURE.replace("first-human-in-space", "first-human-in-orbit"), encoding="utf-8")
    ds = store.load([path]).dataset
    return frame.to_frame(ds), ds


def scores(df, ds, filters: Filters = Filters()) -> dict[str, race.Score]:
    return {s.country: s for s in race.scoreboard(race.of(df, filters, ds), df, race.shown_filters(filters))}


def test_the_scoreboard_counts_each_countrys_reaches_firsts_dates_and_failures(orbit):
    df, ds = orbit
    board = scores(df, ds)
    assert list(board) == ["SU", "RU", "US", "CN", "ESA"]
    summary = {code: (len(s.reached), s.defined, len(s.firsts), s.first and s.first.event.id,
                      s.latest and s.latest.event.id, s.failures) for code, s in board.items()}  # fmt: skip
    assert summary == {
        "SU": (4, 4, 4, "sputnik-1", "salyut-1", 0),
        "RU": (1, 4, 0, "zarya", "zarya", 0),  # the joint Zarya counts for Russia ...
        "US": (3, 4, 0, "explorer-1", "skylab", 1),  # ... and not for the US, who had Skylab; Vanguard TV3 failed
        "CN": (2, 4, 0, "dong-fang-hong-1", "tiangong-1", 0),  # plans are not reached
        "ESA": (1, 4, 0, "smart-1", "smart-1", 0),
    }
    assert board["SU"].to_orbit == pytest.approx(1286 / 365.25) and board["SU"].orbit.event.id == "vostok-1"
    assert board["US"].to_orbit is None and board["CN"].to_orbit is None  # no citizen in orbit (China: only planned)
    # the filters apply: years (to the failures too), countries, statuses
    early = scores(df, ds, Filters(countries=("US", "SU"), end=PartialDate(1958)))
    assert {c: (len(s.reached), s.failures) for c, s in early.items()} == {"SU": (1, 0), "US": (1, 1)}
    assert scores(df, ds, Filters(countries=("US",), start=PartialDate(1958)))["US"].failures == 0  # TV3: Dec 1957
    assert [r.event.id for r in scores(df, ds, Filters(statuses=("achieved",)))["SU"].reached] == [
        "sputnik-1", "luna-2", "vostok-1", "salyut-1"]  # fmt: skip
    # the failure count is the length of the table its link opens
    link = race.failures_filters(Filters(countries=("SU", "US"), end=PartialDate(1958)), "US")
    assert link == Filters(view="table", countries=("US",), statuses=("failed",), end=PartialDate(1958))
    assert list(frame.apply(df, link)["id"]) == ["vanguard-tv3"]


def test_the_scoreboard_sorts_by_any_column_blanks_last(orbit):
    df, ds = orbit
    board = list(scores(df, ds).values())
    order = lambda column, descending=False: [s.country for s in race.sorted_scores(board, column, descending)]  # noqa: E731
    assert order("country") == ["SU", "RU", "US", "CN", "ESA"]
    assert order("reached", True) == ["SU", "US", "CN", "RU", "ESA"]  # ties keep the registry order
    assert order("first") == ["SU", "US", "CN", "RU", "ESA"]
    assert order("latest", True) == ["CN", "ESA", "RU", "US", "SU"]
    assert order("to_orbit")[0] == "SU" and order("to_orbit", True)[0] == "SU"  # the only one with a value
    assert order("failures", True)[0] == "US"
    assert order("no-such-column") == order("country")


def test_the_scoreboard_csv_has_a_row_per_country(orbit):
    import csv
    import io

    df, ds = orbit
    text = race.scoreboard_file(df, Filters(countries=("SU", "CN")), ds)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(race.SCORE_CSV_HEADER)
    assert [(r["country"], r["name"], r["milestones_reached"], r["milestones_defined"], r["world_firsts"]) for r in rows] == [
        ("SU", "Soviet Union", "4", "4", "4"), ("CN", "China", "2", "4", "0")]  # fmt: skip
    su, cn = rows
    assert (su["first_milestone"], su["first_milestone_date"], su["first_milestone_event"]) == (
        "First satellite", "1957-10-04", "sputnik-1")  # fmt: skip
    assert (su["latest_milestone_date"], su["years_first_satellite_to_first_citizen_in_orbit"]) == ("1971-04-19", "3.5")
    assert (cn["years_first_satellite_to_first_citizen_in_orbit"], cn["failures_recorded"]) == ("", "0")


def test_the_scoreboard_pane_links_each_number_to_its_events(orbit):
    from timeline import panes

    df, ds = orbit
    filters = Filters(view="race", countries=("SU", "US"), end=PartialDate(1970))
    board = race.scoreboard(race.of(df, filters, ds), df, filters)
    table = panes.race_scoreboard(board, ds, filters, {"key": "reached", "descending": True})[0].children
    head, body = table.children[1], table.children[2]
    assert [th.children.id["column"] for th in head.children.children] == list(race.SCORE_COLUMNS)
    assert [getattr(th, "aria-sort", None) for th in head.children.children][1] == "descending"
    su, us = body.children
    opened = {td.children.id["at"]: td.children.id["id"] for td in su.children[1:] if hasattr(td.children, "id")}
    assert opened == {"score-reached-SU": "vostok-1", "score-firsts-SU": "vostok-1", "score-first-SU": "sputnik-1",
                      "score-latest-SU": "vostok-1", "score-orbit-SU": "vostok-1"}  # fmt: skip
    assert su.children[-1].children == "0"  # no failures: no link
    assert us.children[-1].children.href == "?country=US&status=failed&to=1970&view=table"
    assert panes.next_race_sort("latest", {"key": "country", "descending": False}) == {"key": "latest", "descending": True}
    assert panes.next_race_sort("latest", {"key": "latest", "descending": True}) == {"key": "latest", "descending": False}
    assert panes.next_race_sort("country", {"key": "latest", "descending": True}) == {"key": "country", "descending": False}


def test_race_titles_name_the_countries_never_their_codes(data):
    df, ds = data
    for chart in ("date", "count"):
        everyone = figures.figure("race", df, Filters(view="race", chart=chart), ds)
        assert everyone.layout.title.text.startswith("All events · ")
        two = figures.figure("race", df, Filters(view="race", chart=chart, countries=("SU", "US")), ds)
        assert two.layout.title.text.startswith("Soviet Union, United States · ")
