"""``timeline export``: real files, checked as what they claim to be.

Images are rendered by real kaleido and Chromium. A browser start costs seconds on a 2-core
machine, so the image tests share two session-wide exports (all formats unfiltered in one call, one
filtered PNG); everything else needs no browser.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from timeline import export, store
from timeline.cli import main
from timeline.frame import Filters

from .fixtures import busy, write_fixture

FIXTURE_NAME = "space-fixture.yaml"
FIXTURE = """\
countries:
  SU: {name: Soviet Union, color: "#D55E00"}
  US: {name: United States, color: "#0072B2"}
  CN: {name: China, color: "#CC0000"}
types:
  satellite: {label: Satellite, symbol: circle}
  crewed-flight: {label: Crewed flight, symbol: star}
  space-station: {label: Space station, symbol: square}
events:
  - id: sputnik-1
    title: Sputnik 1
    date: 1957-10-04
    countries: [SU]
    type: satellite
    first: true
    description: First artificial satellite.
    sources: [{url: "https://example.org/sputnik", title: S}]
  - id: vanguard-tv3
    title: 'Vanguard TV3, "Flopnik"'
    date: 1957-12
    countries: [US]
    type: satellite
    status: failed
    description: Exploded on the pad.
    sources:
      - {url: "https://example.org/vanguard", title: V}
      - {url: "https://example.org/vanguard-2", title: V2}
  - id: vostok-1
    title: Vostok 1
    date: 1961-04-12
    countries: [SU]
    type: crewed-flight
    first: true
    description: First human in space.
    sources: [{url: "https://example.org/vostok", title: V}]
  - id: apollo-11
    title: Apollo 11
    date: 1969-07-20
    countries: [US]
    type: crewed-flight
    description: First crewed lunar landing.
    sources: [{url: "https://example.org/apollo", title: A}]
  - id: dongfanghong-1
    title: Dong Fang Hong 1
    date: 1970-04-24
    countries: [CN]
    type: satellite
    description: First Chinese satellite.
    sources: [{url: "https://example.org/dfh", title: D}]
  - id: apollo-soyuz
    title: Apollo–Soyuz
    date: 1975-07-15
    end: 1975-07-24
    countries: [US, SU]
    type: space-station
    description: Joint flight.
    sources: [{url: "https://example.org/astp", title: ASTP}]
"""
ALL_IDS = ["sputnik-1", "vanguard-tv3", "vostok-1", "apollo-11", "dongfanghong-1", "apollo-soyuz"]
SU_1957_1969 = ["sputnik-1", "vostok-1"]  # --country SU --from 1957 --to 1969
WIDTH, HEIGHT, SCALE = 1000, 560, 1.5  # the image tests' size: a 1500 x 840 PNG
SIZE = ["--width", str(WIDTH), "--height", str(HEIGHT), "--scale", str(SCALE)]


@pytest.fixture(scope="session")
def fixture_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / FIXTURE_NAME
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def loaded(fixture_file) -> store.Loaded:
    result = store.load([fixture_file])
    assert result.ok, result.errors
    return result


def invoke(*args: str | Path):
    from click.testing import CliRunner

    return CliRunner().invoke(main, ["export", *map(str, args)])


@pytest.fixture(scope="session")
def unfiltered(chromium, fixture_file, tmp_path_factory) -> dict[str, Path]:
    """One call, one browser: PNG, SVG, PDF, HTML and CSV of every event."""
    out = tmp_path_factory.mktemp("unfiltered")
    paths = {fmt: out / f"all.{fmt}" for fmt in export.FORMATS}
    result = invoke(fixture_file, *[a for p in paths.values() for a in ("-o", p)], *SIZE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {p}" for p in paths.values()]
    return paths


@pytest.fixture(scope="session")
def filtered_png(chromium, fixture_file, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("filtered") / "su.png"
    result = invoke(fixture_file, "-o", path, "--country", "SU", "--from", "1957", "--to", "1969", *SIZE)
    assert result.exit_code == 0, result.output
    return path


# --- images, rendered once per session ----------------------------------------------------------


@pytest.mark.export
def test_png_is_a_png_of_width_times_scale_and_not_blank(unfiltered):
    data = unfiltered["png"].read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(unfiltered["png"]) as image:
        assert image.format == "PNG"
        assert image.size == (WIDTH * SCALE, HEIGHT * SCALE)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 200  # text, markers and antialiasing, not a blank page


@pytest.mark.export
def test_a_filtered_png_differs_from_the_unfiltered_one(unfiltered, filtered_png):
    with Image.open(unfiltered["png"]) as a, Image.open(filtered_png) as b:
        assert a.size == b.size
        assert a.convert("RGB").tobytes() != b.convert("RGB").tobytes()


@pytest.mark.export
def test_the_race_view_exports_like_any_other_view(chromium, tmp_path):

    data, png, page = write_fixture(tmp_path), tmp_path / "race.png", tmp_path / "race.html"
    result = invoke(data, "-o", png, "-o", page, "--view", "race", "--country", "SU,US", "--align", "start", *SIZE)
    assert result.exit_code == 0, result.output
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] == WIDTH * SCALE and image.size[1] >= HEIGHT * SCALE
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 200
    html = page.read_text(encoding="utf-8")
    assert '"vostok-1"' in html and '"skylab"' in html and '"dong-fang-hong-1"' not in html
    assert "Years since the country's first satellite" in html and "Filters: Soviet Union, United States" in html
    bad = invoke(data, "-o", tmp_path / "x.png", "--view", "race", "--align", "launch")
    assert bad.exit_code == 2 and "'launch' is not one of date, start" in bad.output


@pytest.mark.export
def test_the_race_count_chart_exports_with_a_caption_on_what_counts_and_the_scoreboard_as_csv(chromium, tmp_path):
    from .test_race import write_fixture

    data = write_fixture(tmp_path)
    png, svg, pdf, page, table = (tmp_path / f"count.{kind}" for kind in ("png", "svg", "pdf", "html", "csv"))
    result = invoke(data, "-o", png, "-o", svg, "-o", pdf, "-o", page, "-o", table, "--view", "race",
                    "--chart", "count", "--country", "SU,US,CN", *SIZE)  # fmt: skip
    assert result.exit_code == 0, result.output
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (WIDTH * SCALE, HEIGHT * SCALE)  # --width, --height, --scale
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 200  # a chart, not a blank page
    texts = {"".join(t.itertext()) for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {"Soviet Union", "United States", "China", "Milestones reached (of 4)"} <= texts
    assert any("Counts the 4 race milestones" in t and "The race view" in t for t in texts)
    assert "Counts the 4 race milestones" in PdfReader(pdf).pages[0].extract_text().replace("\n", " ")
    html = page.read_text(encoding="utf-8")
    assert '"shape":"hv"' in html.replace(" ", "") and "milestones reached, by date" in html
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["country", "name", "milestones_reached", "milestones_defined", "world_firsts"]
    assert [r[:3] for r in rows[1:]] == [["SU", "Soviet Union", "4"], ["US", "United States", "3"], ["CN", "China", "2"]]
    bad = invoke(data, "-o", tmp_path / "x.png", "--view", "race", "--chart", "pie")
    assert bad.exit_code == 2 and "'pie' is not one of date, count" in bad.output


@pytest.mark.export
def test_svg_parses_and_shows_axes_legend_and_caption(unfiltered, loaded):
    root = ET.parse(unfiltered["svg"]).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Soviet Union", "United States", "China"} <= texts  # lanes (y axis)
    assert "1960" in texts  # x axis
    assert {"Satellite", "Crewed flight"} <= texts  # legend
    assert any(f"Data version {loaded.version}" in t for t in texts)


@pytest.mark.export
def test_pdf_has_one_page_with_the_caption(unfiltered, loaded):
    assert unfiltered["pdf"].read_bytes().startswith(b"%PDF")
    reader = PdfReader(unfiltered["pdf"])
    assert len(reader.pages) == 1
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())  # ligatures: "ﬁ" -> "fi"
    text = " ".join(text.split())
    assert "Filters: all events" in text
    assert f"Data version {loaded.version}" in text
    assert f"Sources: see {FIXTURE_NAME}" in text


@pytest.mark.export
def test_many_images_in_one_command_are_each_drawn_in_full_side_by_side(chromium, fixture_file, tmp_path, monkeypatch):
    """Five images, drawn three at a time whatever the machine: each file is the image it names."""
    opened = []

    class CountingBrowser(export.Browser):
        def __init__(self, tabs):
            opened.append(tabs)
            super().__init__(tabs)

    monkeypatch.setattr(export, "Browser", CountingBrowser)
    monkeypatch.setattr(export, "tabs_for", lambda renders: min(len(renders), 3))
    names = ["a.png", "b.svg", "c.png", "d.pdf", "e.png"]
    old = tmp_path / "c.png"
    old.write_bytes(b"an older image")
    result = invoke(fixture_file, *[a for n in names for a in ("-o", tmp_path / n)], *SIZE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {tmp_path / n}" for n in names]  # in the order asked
    assert opened == [3]  # one browser, three tabs
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary file left
    pixels = []
    for name in ("a.png", "c.png", "e.png"):
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG" and image.size == (WIDTH * SCALE, HEIGHT * SCALE)
            pixels.append(image.convert("RGB").tobytes())
            assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 200
    assert pixels[0] == pixels[1] == pixels[2]  # three whole renders of one chart, none cut short
    root = ET.parse(tmp_path / "b.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width") == str(WIDTH)
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Soviet Union", "United States", "China", "Satellite", "1960"} <= texts
    points = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if "point" in (p.get("class") or "").split()]
    assert len(points) >= len(ALL_IDS)
    reader = PdfReader(tmp_path / "d.pdf")
    assert len(reader.pages) == 1 and "Filters: all events" in " ".join(reader.pages[0].extract_text().split())


@pytest.mark.export
def test_without_kaleidos_way_to_add_tabs_the_images_are_drawn_in_one(chromium, fixture_file, tmp_path, monkeypatch):
    """Extra tabs come through a kaleido internal; without it, one tab draws every image."""
    import kaleido

    monkeypatch.delattr(kaleido.Kaleido, "_create_kaleido_tab")
    monkeypatch.setattr(export, "tabs_for", lambda renders: 2)
    result = invoke(fixture_file, "-o", tmp_path / "a.png", "-o", tmp_path / "b.png", *SIZE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {tmp_path / 'a.png'}", f"wrote {tmp_path / 'b.png'}"]
    with Image.open(tmp_path / "a.png") as a, Image.open(tmp_path / "b.png") as b:
        assert a.size == (WIDTH * SCALE, HEIGHT * SCALE) and a.convert("RGB").tobytes() == b.convert("RGB").tobytes()


@pytest.mark.export
def test_measured_margins_are_the_full_charts_and_leave_its_image_unchanged(chromium, loaded, monkeypatch):
    """A big chart's margins are measured on a light copy first, so plotly.js draws it once, not
    twice; the margins must be the ones it would have found, and the image the same."""
    from timeline import frame

    chart = export.build_figures(loaded, frame.to_frame(loaded.dataset), Filters(), ["timeline"])["timeline"]
    fig, (width, height) = export.image_figure(chart), export.image_size(chart)
    probe = export.margin_probe(fig)
    with export.Browser(2) as browser:
        full_svg, probe_svg = browser.render([export.Render(fig, "svg", width, height),
                                              export.Render(probe, "svg", width, height)])  # fmt: skip
        margins = export.plot_margins(full_svg, width, height)
        assert margins == export.plot_margins(probe_svg, width, height)
        assert margins["l"] > 2 * export.PAD and margins["t"] > 2 * export.PAD  # lane labels, caption
        drawn = []
        for threshold in (10**9, 0):  # the fixture is small: measure its margins only when told to
            monkeypatch.setattr(export, "MARGIN_PROBE_POINTS", threshold)
            (png,) = browser.render([export.Render(fig, "png", width, height, 1.5)])
            drawn.append(Image.open(io.BytesIO(png)).convert("RGB").tobytes())
    assert drawn[0] == drawn[1]


@pytest.mark.export
def test_a_failed_render_fails_in_one_line_and_writes_nothing(chromium, fixture_file, tmp_path, monkeypatch):
    """A browser that does not finish in time: no traceback, no file, the old file kept."""
    monkeypatch.setattr(export, "RENDER_SECONDS", 0.001)
    monkeypatch.setattr(export, "RENDER_SECONDS_PER_POINT", 0)
    old = tmp_path / "b.png"
    old.write_bytes(b"an older image")
    result = invoke(fixture_file, "-o", tmp_path / "a.csv", "-o", tmp_path / "a.png", "-o", old, "-o", tmp_path / "c.svg")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"Error: cannot draw {tmp_path}") and "the browser took more than 0.001 s" in lines[0]
    assert old.read_bytes() == b"an older image"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]


# --- html and csv -------------------------------------------------------------------------------


@pytest.mark.export
def test_html_is_self_contained_interactive_and_names_no_cdn(unfiltered, loaded):
    page = unfiltered["html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Plotly.newPlot" in page and "plotly.js" in page  # the library itself is embedded
    assert "cdn.plot.ly" not in page
    assert "<script src=" not in page  # nothing to fetch
    for event_id in ALL_IDS:
        assert f'"{event_id}"' in page  # as customdata: clicks and hovers know the event
    assert f"Data version {loaded.version}" in page


def test_an_html_page_as_wide_as_the_window_leaves_the_room_below_the_dates_to_plotly(loaded):
    """The timeline says its margins for the width it is drawn at; a page as wide as the window is
    drawn at any width, and its legend's rows (so the room it needs below the dates) follow it."""
    from timeline import frame

    chart = export.build_figures(loaded, frame.to_frame(loaded.dataset), Filters(), ["timeline"])["timeline"]
    bottom = r'"margin":\{"l":\d+,"r":\d+,"t":\d+,"b":(\d+)\}'
    assert re.search(bottom, export.html_page(chart, "t")).group(1) == str(export.PAD)
    assert int(re.search(bottom, export.html_page(chart, "t", width=1200)).group(1)) > 2 * export.PAD


@pytest.mark.export
def test_csv_rows_are_the_events_with_rfc4180_quoting(unfiltered):
    raw = unfiltered["csv"].read_bytes()
    raw.decode("utf-8")  # plain UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [r["id"] for r in rows] == ALL_IDS
    vanguard = rows[1]
    assert vanguard["title"] == 'Vanguard TV3, "Flopnik"'
    assert b'"Vanguard TV3, ""Flopnik"""' in raw
    assert vanguard["date"] == "1957-12" and vanguard["status"] == "failed" and vanguard["first"] == "false"
    assert vanguard["sources"].split() == ["https://example.org/vanguard", "https://example.org/vanguard-2"]
    assert rows[-1]["countries"].split() == ["US", "SU"] and rows[-1]["end"] == "1975-07-24"


def test_csv_and_html_carry_the_filters(fixture_file, tmp_path):
    csv_path, html_path = tmp_path / "su.csv", tmp_path / "su.html"
    result = invoke(fixture_file, "-o", csv_path, "-o", html_path, "--country", "SU,US", "--type", "crewed-flight",
                    "--from", "1957", "--to", "1969")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in csv.DictReader(csv_path.open(encoding="utf-8", newline=""))] == ["vostok-1", "apollo-11"]
    page = html_path.read_text(encoding="utf-8")
    assert '"vostok-1"' in page and '"sputnik-1"' not in page
    caption = "Filters: Soviet Union, United States · Crewed flight · 1957–1969"
    # inside the figure's JSON: as UTF-8 (orjson) or \u-escaped (the json module)
    assert caption in page or json.dumps(caption)[1:-1] in page


def test_an_event_named_stays_a_marker_in_a_busy_lane_as_in_the_app(tmp_path):
    path = write_fixture(tmp_path, busy())
    plain, pinned = tmp_path / "plain.html", tmp_path / "pinned.html"
    assert invoke(path, "-o", plain).exit_code == 0
    result = invoke(path, "-o", pinned, "--event", "l7")
    assert result.exit_code == 0, result.output
    assert '"l7"' not in plain.read_text(encoding="utf-8") and '"l7"' in pinned.read_text(encoding="utf-8")
    result = invoke(path, "-o", tmp_path / "x.html", "--event", "no-such")
    assert result.exit_code == 2 and "'--event': no event 'no-such' in the data" in result.output
    assert not (tmp_path / "x.html").exists()


def test_format_override_and_all_views(fixture_file, tmp_path):
    result = invoke(fixture_file, "-o", tmp_path / "events.txt", "--format", "csv", "--firsts")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "events.txt").open(encoding="utf-8", newline="")))
    assert [r["id"] for r in rows] == SU_1957_1969  # the two world firsts
    result = invoke(fixture_file, "-o", tmp_path / "chart.html", "-o", tmp_path / "t.csv", "--all-views")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "chart_activity.html", "chart_claims.html", "chart_race.html", "chart_timeline.html", "events.txt", "t.csv",
    ]  # fmt: skip
    assert "events per year" in (tmp_path / "chart_activity.html").read_text(encoding="utf-8")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "chart.txt"], "chart.txt has suffix '.txt': name it .png, .svg, .pdf, .html, .csv or pass --format"),
        (["-o", "chart"], "chart has no suffix"),
        (["-o", "c.png", "--format", "gif"], "'gif' is not one of png, svg, pdf, html, csv"),
        (["-o", "c.png", "--view", "pie"], "Invalid value for '--view': 'pie' is not one of timeline, activity, race"),
        (["-o", "c.png", "-o", "c.png"], "c.png is named twice"),
        (["-o", "missing/c.png"], "folder missing does not exist"),
        (["-o", "c.png", "--country", "SUU"], "Invalid value for '--country': unknown country 'SUU' (did you mean 'SU'?)"),
        (["-o", "c.png", "--country", "us"], "unknown country 'us' (did you mean 'US'?)"),
        (["-o", "c.png", "--type", "satelite"], "unknown type 'satelite' (did you mean 'satellite'?)"),
        (["-o", "c.png", "--status", "done"], "Invalid value for '--status': unknown status 'done'"),
        (["-o", "c.png", "--from", "1957-13"], "Invalid value for '--from': impossible date '1957-13': month must be 01 to 12"),
        (["-o", "c.png", "--to", "soon"], "Invalid value for '--to': expected a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        (["-o", "c.png", "--from", "1970", "--to", "1960"], "'to' 1960 is before 'from' 1970: nothing can match"),
        (["-o", "c.png", "--theme", "blue"], "'blue' is not one of light, dark"),
        (["-o", "c.png", "--scale", "0"], "Invalid value for '--scale'"),
        ([], "Missing option '-o'"),
    ],
)
def test_bad_usage_exits_2_with_a_message_and_writes_nothing(fixture_file, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke(fixture_file, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_data_exits_1_with_file_line_col(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIXTURE.replace("date: 1961-04-12", "date: 1961-04-31"), encoding="utf-8")
    result = invoke(bad, "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    line = FIXTURE.splitlines().index("    date: 1961-04-12") + 1
    assert f"{bad}:{line}:11: events[2].date: impossible date '1961-04-31'" in result.output
    assert not (tmp_path / "out.csv").exists()


def no_browser_env(tmp_path: Path) -> dict[str, str]:
    """An environment where kaleido (choreographer) finds no browser: its own download folder is
    empty (XDG_DATA_HOME), PATH has no chromium, and BROWSER_PATH, which it checks before its list
    of usual paths such as /usr/bin/chromium, names a file that does not exist."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BROWSER", "XDG_", "TIMELINE_"))}
    env.update(PATH=str(Path(sys.executable).parent), XDG_DATA_HOME=str(tmp_path / "xdg"),
               BROWSER_PATH=str(tmp_path / "no-chromium-here"))  # fmt: skip
    return env


def test_without_a_browser_images_fail_in_one_line_and_html_csv_still_work(fixture_file, tmp_path):
    env = no_browser_env(tmp_path)
    old = tmp_path / "old.csv"
    old.write_text("precious\n", encoding="utf-8")
    command = [sys.executable, "-m", "timeline", "export", str(fixture_file)]
    done = subprocess.run([*command, "-o", str(old), "-o", str(tmp_path / "chart.png")], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: PNG, SVG and PDF export needs Chrome or Chromium and none was found")
    assert "apt-get install chromium" in lines[0] and "plotly_get_chrome" in lines[0]
    # nothing was written: not the image, and the old CSV was not replaced by the new one
    assert old.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]

    done = subprocess.run([*command, "-o", str(tmp_path / "c.html"), "-o", str(tmp_path / "c.csv")], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "c.html").stat().st_size > 1_000_000 and (tmp_path / "c.csv").exists()


# --- the library parts --------------------------------------------------------------------------


def test_targets_name_one_file_per_view_and_take_the_format_from_the_suffix(tmp_path):
    found = export.targets([tmp_path / "a.PNG", tmp_path / "b.csv"], all_views=True)
    assert [(t.path.name, t.format, t.view) for t in found] == [
        ("a_timeline.PNG", "png", "timeline"), ("a_activity.PNG", "png", "activity"), ("a_race.PNG", "png", "race"),
        ("a_claims.PNG", "png", "claims"), ("b.csv", "csv", "timeline")]  # fmt: skip
    assert [t.format for t in export.targets([tmp_path / "a.png"], fmt="pdf")] == ["pdf"]


def test_filter_options_read_like_the_url(loaded):
    ds = loaded.dataset
    repeated = export.filters_from_options(ds, countries=["SU", "US"], start="1957", end="1975-06", firsts=True)
    joined = export.filters_from_options(ds, countries=["SU,US"], start="1957", end="1975-06", firsts=True)
    from_url, notes = Filters.from_query({"country": "SU,US", "from": "1957", "to": "1975-06", "firsts": "1"}, ds)
    assert repeated == joined == from_url and notes == []


def test_caption_names_filters_version_and_files(loaded):
    text = export.caption(Filters(countries=("SU",), q="moon"), loaded)
    assert text == f"Filters: Soviet Union · “moon”  |  Data version {loaded.version}  |  Sources: see {FIXTURE_NAME}"


def test_captioned_copies_and_image_size_defaults_to_a_slide(loaded):
    from timeline import figures, frame

    fig = figures.figure("timeline", frame.to_frame(loaded.dataset), Filters(), loaded.dataset)
    out = export.captioned(fig, "<b>x</b> & y")
    assert out.layout.title.subtitle.text == "&lt;b&gt;x&lt;/b&gt; &amp; y"  # plain text, not markup
    assert not fig.layout.title.subtitle.text  # the app's figure is untouched
    assert out.layout.height > fig.layout.height  # room for the caption
    assert export.image_size(out) == (1200, 675)
    assert export.image_size(out, 1600) == (1600, 900)
    tall = export.captioned(fig.update_layout(height=2000), "c")
    assert export.image_size(tall, 1600)[1] > 2000 and export.image_size(tall, 1600, 700) == (1600, 700)


def test_images_draw_webgl_traces_as_svg_ones_without_hover():
    """On screen WebGL keeps big charts fluid; images get true vectors (and render faster). Hover-only
    data goes: same picture, drawn faster."""
    import plotly.graph_objects as go

    fig = go.Figure({"data": [
        {"type": "scattergl", "x": [1, 2, 3], "y": [0, 1, 1], "customdata": ["a", "b", "c"], "hovertext": ["A", "B", "C"],
         "hovertemplate": "%{hovertext}", "marker": {"symbol": ["circle", "star", "circle-open"], "size": 11}},
        {"type": "bar", "x": [1], "y": [0], "name": "Spans"}], "layout": {"height": 300}})  # fmt: skip
    drawn = export.image_figure(fig)
    assert [t["type"] for t in drawn["data"]] == ["scatter", "bar"]
    assert drawn["data"][0]["marker"] == {"symbol": ["circle", "star", "circle-open"], "size": 11}
    assert drawn["data"][0]["x"] == [1, 2, 3] and drawn["layout"]["height"] == 300
    assert not {"customdata", "hovertext", "hovertemplate"} & set(drawn["data"][0])
    assert drawn["data"][1] == {"type": "bar", "x": [1], "y": [0], "name": "Spans"}
    assert [t.type for t in fig.data] == ["scattergl", "bar"]  # the app's figure is left as it was
    assert list(fig.data[0].customdata) == ["a", "b", "c"]
    assert export.points(drawn) == 4


def test_big_images_are_drawn_side_by_side_one_tab_per_core_and_get_more_time():
    cores = len(os.sched_getaffinity(0))
    small = export.Render({"data": [{"x": [1, 2]}], "layout": {}}, "png", 100, 100)
    big = export.Render({"data": [{"x": list(range(100_000))}], "layout": {}}, "png", 100, 100)
    assert export.tabs_for([small] * 5) == 1  # a second tab would cost more time than it saves
    assert export.tabs_for([big]) == 1 and export.tabs_for([big] * 5) == min(5, cores)
    assert export.tabs_for([big] * 500) == cores
    assert export.render_timeout(small) < 91 and export.render_timeout(big) > 90 + 100_000 * 0.001


def test_only_charts_whose_axes_ignore_the_data_get_their_margins_measured(loaded):
    from timeline import frame

    charts = export.build_figures(loaded, frame.to_frame(loaded.dataset), Filters(), ["timeline", "activity"])
    timeline = export.image_figure(charts["timeline"])
    probe = export.margin_probe(timeline)
    assert probe["layout"] is timeline["layout"]
    assert [t.get("showlegend", True) for t in probe["data"]] == [True] * len(probe["data"])
    assert [t["name"] for t in probe["data"]] == [t["name"] for t in timeline["data"] if t.get("showlegend", True)]
    assert len(probe["data"]) < len(timeline["data"])  # the events themselves are not drawn
    assert export.margin_probe(export.image_figure(charts["activity"])) is None  # its y axis fits the data
