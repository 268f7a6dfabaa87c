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
    assert tables.to_csv(df, Filters(q="no such words")) == ",".join(tables.CSV_COLUMNS) + "\r\n"  # RFC 4180


def test_rows_sort_by_date_either_way_and_by_countries_as_text(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    ids = list(tables.sorted_rows(df, Filters())["id"])
    assert list(tables.sorted_rows(df, Filters(), "date", descending=True)["id"]) == ids[::-1]
    by_country = tables.sorted_rows(df, Filters(), "countries")
    assert [" ".join(c) for c in by_country["countries"]] == ["CN", "CN", "RU US", "SU", "US"]
    assert list(by_country["id"][:2]) == ["dongfanghong-1", "crewed-cn-2030"]  # ties stay in date order


# --- no cell a spreadsheet would run (CSV injection) ---------------------------------------------

FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize("text", [*FORMULAS, "\tcmd", "\rcmd"])
def test_csv_safe_defuses_every_formula_start(text):
    assert tables.csv_safe(text) == "'" + text
    assert tables.csv_safe("Sputnik = first") == "Sputnik = first"  # only the first character counts


def formula_events(tmp_path):
    from .fixtures import GOOD

    events = "".join(GOOD[GOOD.index("  - id: sputnik-1"):].replace("sputnik-1", f"f-{n}")
                     .replace("title: Sputnik 1", f"title: '{t}'") for n, t in enumerate(FORMULAS))  # fmt: skip
    path = tmp_path / "events.yaml"
    path.write_text(GOOD + events, encoding="utf-8")
    return path


def titles(text: str) -> dict[str, str]:
    return {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_the_exported_csv_defuses_formula_titles(runner, tmp_path):
    from timeline.cli import main

    out = tmp_path / "events.csv"
    result = runner.invoke(main, ["export", str(formula_events(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    found = titles(out.read_text(encoding="utf-8"))
    assert found == {"sputnik-1": "Sputnik 1", **{f"f-{n}": "'" + t for n, t in enumerate(FORMULAS)}}


def test_a_title_starting_with_a_tab_or_return_is_defused(fixture_dataset):
    df = frame.to_frame(fixture_dataset)
    df.loc[0, "title"], df.loc[1, "title"] = "\t=cmd", "\r@cmd"
    found = titles(tables.to_csv(df, Filters()))
    assert sorted(v for v in found.values() if v.startswith("'")) == ["'\t=cmd", "'\r@cmd"]


def csv_download(app, search: str) -> dict:
    """What the Download menu's CSV item sends for the page at ``search`` (the real callback, posted)."""
    from timeline import ids

    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in deps if d["inputs"] == [{"id": ids.CSV, "property": "n_clicks"}])
    body = {
        "output": spec["output"], "outputs": {"id": ids.CSV_FILE, "property": "data"},
        "inputs": [{"id": ids.CSV, "property": "n_clicks", "value": 1}],
        "state": [{"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [f"{ids.CSV}.n_clicks"],
    }  # fmt: skip
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"][ids.CSV_FILE]["data"]


def test_the_apps_csv_download_defuses_formula_titles(tmp_path):
    from timeline.app import create_app

    download = csv_download(create_app([formula_events(tmp_path)]), "")
    assert download["type"] == "text/csv"
    assert titles(download["content"]) == {"sputnik-1": "Sputnik 1", **{f"f-{n}": "'" + t for n, t in enumerate(FORMULAS)}}


def test_the_claims_csv_defuses_formula_cells():
    from timeline import claims, store

    from .conftest import EVENTS

    ds = store.load([EVENTS]).dataset
    df = frame.to_frame(ds)
    first = ds.claims[0]
    evil = ds.model_copy(update={"claims": [first.model_copy(update={"claim": "=1+1 " + first.claim})]})
    rows = list(csv.reader(io.StringIO(claims.render(df, Filters(), evil, "csv"))))
    assert any(cell.startswith("'=1+1 ") for row in rows[1:] for cell in row), rows[:2]
    assert not any(cell.startswith(tables.FORMULA_START) for row in rows[1:] for cell in row)


def test_the_race_scoreboard_csv_defuses_formula_names(tmp_path):
    from timeline import race, store

    from .fixtures import RACE_FIXTURE

    path = tmp_path / "race.yaml"
    path.write_text(RACE_FIXTURE.replace("US: {name: United States,", "US: {name: '=HYPERLINK(\"x\")',")
                    .replace("{label: First satellite,", "{label: '@SUM(1)',"), encoding="utf-8")  # fmt: skip
    ds = store.load([path]).dataset
    assert ds.countries["US"].name.startswith("=") and ds.milestones["first-satellite"].label == "@SUM(1)"
    out = race.scoreboard_file(frame.to_frame(ds), Filters(view="race"), ds)
    rows = {r[0]: r for r in csv.reader(io.StringIO(out, newline=""))}
    assert rows["US"][1] == "'=HYPERLINK(\"x\")" and "'@SUM(1)" in rows["US"]
    assert out.endswith("\r\n")


def test_the_claims_views_download_is_the_fact_check_table(tmp_path):
    from timeline.app import create_app

    from .fixtures import CLAIMS_FIXTURE

    path = tmp_path / "events.yaml"
    path.write_text(CLAIMS_FIXTURE, encoding="utf-8")
    download = csv_download(create_app([path]), "?view=claims&article=red")
    assert download["filename"] == "claims_red_fact-check.csv"
    rows = list(csv.DictReader(io.StringIO(download["content"], newline="")))
    assert [r["verdict"] for r in rows] == ["Supported", "Contradicted"]
