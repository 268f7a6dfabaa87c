"""`timeline import`: CSV rows to events by a mapping file; every row imported or reported."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from timeline import edit, importer, store
from timeline.cli import main
from timeline.problems import Problem

from .conftest import EVENTS, ROOT, SHARED_DATA

MAPPING = textwrap.dedent("""\
    encoding: utf-8
    fields:
      id: launch-{date}-{Mission}
      title: "{Mission} ({Rocket})"
      date: {column: Date, format: ["%m/%d/%Y", "%Y"]}
      description:
        - "Launch of {Mission} at {Time} UTC."
        - "Launch of {Mission}."
      countries:
        rules:
          - {when: {Location: Kazakhstan|Russia}, before: 1991-12-26, value: SU}
          - {when: {Location: Kazakhstan|Russia}, value: RU}
          - {when: {Location: USA$}, value: US}
          - {when: {Company: ^Arianespace$, Location: French Guiana}, value: ESA}
      type: {value: launch}
      status:
        column: MissionStatus
        values: {Success: achieved, Failure: failed, Partial Failure: partial, Prelaunch Failure: failed}
      sources:
        - {url: "https://example.org/launches", title: Test launch list}
    registries:
      countries: {SU: {name: Soviet Union}, RU: {name: Russia}, US: {name: United States},
                  ESA: {name: European Space Agency}, "NO": {name: Norway}}
      types: {launch: {label: Orbital launch attempt}}
""")

HEADER = "Company,Location,Date,Time,Rocket,Mission,MissionStatus\n"
SPUTNIK = 'RVSN USSR,"Site 1/5, Baikonur Cosmodrome, Kazakhstan",10/4/1957,19:28:00,Sputnik 8K71PS,Sputnik-1,Success\n'
VANGUARD = 'US Navy,"LC-18A, Cape Canaveral AFS, Florida, USA",12/6/1957,16:44:00,Vanguard,Vanguard TV3,Failure\n'
MESSY = (
    HEADER
    + SPUTNIK                                                                                         # line 2
    + 'VKS RF,"Site 31/6, Baikonur Cosmodrome, Kazakhstan",3/4/1992,,Soyuz-U,Progress M-12,Success\n'  # 3
    + VANGUARD                                                                                        # 4
    + 'Arianespace,"ELA-1, Guiana Space Centre, French Guiana, France",13/45/1984,,Ariane 1,Spacenet 1,Success\n'
    + 'NASA,"LC-39A, Kennedy Space Center, Florida, USA",4/12/1981,12:00:04,Space Shuttle,STS-1,Succes\n'  # 6
    + 'ISRO,"First Launch Pad, Satish Dhawan Space Centre, India",7/18/1980,,SLV-3,Rohini RS-1,Success\n'
    + 'CASC,"LC-2, Xichang Satellite Launch Center, China",12/7/2018,18:23,Long March 3B,,Success\n'     # 8
    + "RVSN USSR,Baikonur,1/1/1960\n"                                                                 # 9
    + "\n"                                                                                            # 10
    + 'Arianespace,"ELA-1, Guiana Space Centre,\nFrench Guiana, France",12/24/1979,17:14:38,Ariane 1,CAT-1,Success\n'
    + SPUTNIK                                                                                         # 13
    + 'AMBA,"LC-26A, Cape Canaveral AFS, Florida, USA",1958,,Juno I,Explorer 1,Success\n'             # 14
)  # fmt: skip


@pytest.fixture
def files(tmp_path: Path):
    mapping = tmp_path / "launches.mapping.yaml"
    mapping.write_text(MAPPING)
    return tmp_path / "launches.csv", tmp_path / "launches.yaml", mapping


def run_import(runner, csv: Path, out: Path, mapping: Path, *options: str):
    return runner.invoke(main, ["import", str(csv), "-o", str(out), "--mapping", str(mapping), *options])


def test_two_rows_make_a_complete_events_file(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + VANGUARD + SPUTNIK)
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: 2 of 2 rows imported from {csv} (2 new, 0 updated, 0 unchanged)\n"
    assert out.read_text() == textwrap.dedent("""\
        # Events imported from launches.csv by `timeline import` with launches.mapping.yaml.
        # Importing again updates them by id and adds new rows; events and comments added by hand stay.

        countries:
          SU: {name: Soviet Union}
          US: {name: United States}

        types:
          launch: {label: Orbital launch attempt}

        events:
          - id: launch-1957-10-04-sputnik-1  # imported from launches.csv
            title: Sputnik-1 (Sputnik 8K71PS)
            date: 1957-10-04
            countries: [SU]
            type: launch
            description: Launch of Sputnik-1 at 19:28:00 UTC.
            sources:
              - {url: "https://example.org/launches", title: Test launch list}
          - id: launch-1957-12-06-vanguard-tv3  # imported from launches.csv
            title: Vanguard TV3 (Vanguard)
            date: 1957-12-06
            countries: [US]
            type: launch
            status: failed
            description: Launch of Vanguard TV3 at 16:44:00 UTC.
            sources:
              - {url: "https://example.org/launches", title: Test launch list}
    """)
    assert runner.invoke(main, ["validate", str(out)]).exit_code == 0


def test_every_row_is_imported_or_reported_with_its_line(runner, files):
    csv, out, mapping = files
    csv.write_text(MESSY)
    result = run_import(runner, csv, out, mapping, "--max-refused", "50%")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{csv}:5:3: bad Date '13/45/1984': expected %m/%d/%Y or %Y",
        f"{csv}:6:7: unknown MissionStatus 'Succes' (did you mean 'Success'?) for status",
        f"{csv}:7:2: no countries rule matches this row (Location 'First Launch Pad, Satish Dhawan Space "
        "Centre, India', Company 'ISRO')",
        f"{csv}:8:6: empty Mission (needed for id)",
        f"{csv}:9:1: expected 7 fields (Company, Location, Date, Time, Rocket, Mission, MissionStatus), found 3",
        f"{out}: 6 of 11 rows imported from {csv} (6 new, 0 updated, 0 unchanged)",
        "5 rows not imported (listed above; --max-refused 50% allows 5)",
    ]
    events = {e.id: e for e in store.load([out]).dataset.events}
    assert list(events) == [
        "launch-1957-10-04-sputnik-1", "launch-1957-10-04-sputnik-1-2", "launch-1957-12-06-vanguard-tv3",
        "launch-1958-explorer-1", "launch-1979-12-24-cat-1", "launch-1992-03-04-progress-m-12",
    ]  # fmt: skip
    assert events["launch-1957-10-04-sputnik-1"].countries == ["SU"]
    assert events["launch-1992-03-04-progress-m-12"].countries == ["RU"]  # Baikonur after the USSR
    assert events["launch-1992-03-04-progress-m-12"].description == "Launch of Progress M-12."  # no Time
    assert events["launch-1979-12-24-cat-1"].countries == ["ESA"]  # a Location over two lines
    assert events["launch-1957-12-06-vanguard-tv3"].status == "failed"
    assert events["launch-1958-explorer-1"].date.precision == "year"


def test_latin1_text_is_read_as_the_mapping_says(runner, files):
    csv, out, mapping = files
    csv.write_bytes((HEADER + 'Arianespace,"ELA-1, Kourou, French Guiana, France",9/16/1983,,Ariane 1,'
                     "Télécom 1A,Success\n").encode("latin-1"))  # fmt: skip
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.startswith(f"{csv}:2:73: not utf-8 text: byte 0xe9 cannot be decoded; "
                                    "set the mapping's 'encoding:' to the file's (latin-1? cp1252?)\n")  # fmt: skip
    assert not out.exists()
    mapping.write_text(MAPPING.replace("encoding: utf-8", "encoding: latin-1"))
    assert run_import(runner, csv, out, mapping).exit_code == 0
    assert "    title: Télécom 1A (Ariane 1)\n" in out.read_text(encoding="utf-8")


def test_utf8_text_with_some_latin1_bytes_reads_right_throughout(runner, files):
    """The shared launch list is UTF-8 but for a few Latin-1 names: read as Latin-1 throughout, its
    UTF-8 names came out garbled (Pl\u00c3\u00a9iades); [utf-8, latin-1] reads both right."""
    csv, out, mapping = files
    csv.write_bytes(HEADER.encode() + "Arianespace,\"ELV-1, Guiana Space Centre, French Guiana, France\",4/29/2021,1:50:00,"
                    "Vega,Pléiades-Néo 3,Success\n".encode("utf-8")
                    + "Arianespace,\"ELA-1, Guiana Space Centre, French Guiana, France\",11/26/1985,14:47:00,Ariane 1,"
                    "Astérix,Success\n".encode("latin-1"))  # fmt: skip
    mapping.write_text(MAPPING.replace("encoding: utf-8", "encoding: [utf-8, latin-1]"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert "    title: Pléiades-Néo 3 (Vega)\n" in written and "    title: Astérix (Ariane 1)\n" in written
    # a byte neither reads is told where it is, with both encodings
    csv.write_bytes(HEADER.encode() + b"Arianespace,\"ELV-1, Guiana Space Centre, French Guiana, France\",4/29/2021,,"
                    b"Vega,Bad \xe9\x81 bytes,Success\n")  # fmt: skip
    mapping.write_text(MAPPING.replace("encoding: utf-8", "encoding: [utf-8, cp1252]"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.startswith(f"{csv}:2:86: not utf-8 or cp1252 text: byte 0x81 cannot be decoded; "), result.output
    assert "Traceback" not in result.output


def test_a_column_the_csv_lacks_is_located_in_the_mapping(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER.replace("Mission,", "Payload,") + SPUTNIK)
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{mapping}:3:7: fields.id[0]: unknown column 'Mission' (did you mean 'MissionStatus'?) in {csv}")
    assert f"{mapping}:7:7: fields.description[0]: unknown column 'Mission'" in result.output
    assert not out.exists()


@pytest.mark.parametrize("change, message", [
    (("  title:", "  titel:"), "3:3: fields: missing required field 'title'"),
    (("  type: {value: launch}", "  type: {value: launch}\n  tipe: x"), "16:3: fields: unknown field 'tipe'"),
    (("Kazakhstan|Russia}, before", "Kazakhstan|(Russia}, before"),
     "11:27: fields.countries.rules[0].when.Location: bad regular expression 'Kazakhstan|(Russia': "
     "missing ), unterminated subpattern at position 11"),
    (("value: SU}", "value: SUN}"),
     "11:74: fields.countries.rules[0].value: unknown country 'SUN' (did you mean 'SU'?) in registries.countries"),
    (("Failure: failed,", "Failure: failure,"),
     "18:42: fields.status.values.Failure: unknown status 'failure' (did you mean 'failed'?)"),
    (("type: {value: launch}", "type: {value: launch, column: Rocket}"),
     "15:9: fields.type: give one of: value; column and values; rules"),
    (('title: "{Mission} ({Rocket})"', 'title: "{Mission.upper} ({Rocket})"'),
     "4:10: fields.title: bad template '{Mission.upper} ({Rocket})': {Mission.upper} must name a column, as in {Mission}"),
    (("{SU: {name: Soviet Union}", "{su: {name: Soviet Union}"),
     "22:15: registries.countries: expected an upper-case code such as 'CN', 'SU' or 'ESA', got text 'su'"),
    (("%m/%d/%Y", "%m/%d/%Y"), None),
])  # fmt: skip
def test_mapping_problems_are_located(runner, files, change, message):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    mapping.write_text(MAPPING.replace(*change))
    result = run_import(runner, csv, out, mapping)
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{mapping}:{message}"
    assert not out.exists()


def test_importing_again_updates_by_id_and_keeps_what_people_added(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK + VANGUARD)
    assert run_import(runner, csv, out, mapping).exit_code == 0
    hand = textwrap.dedent("""\
          # Added by hand: not in the launch list.
          - id: explorer-1-science
            title: Explorer 1 finds the Van Allen belts
            date: 1958-03
            countries: [US]
            type: launch
            description: Data from Explorer 1 revealed the radiation belts.
            sources:
              - {url: "https://en.wikipedia.org/wiki/Explorer_1", title: Explorer 1 - Wikipedia}
    """)
    out.write_text(out.read_text().replace("events:\n", "events:  # launches, by date\n") + textwrap.indent(hand, "  "))
    before = out.read_text()
    csv.write_text(HEADER + SPUTNIK + VANGUARD.replace("Failure", "Partial Failure")
                   + 'AMBA,"LC-26A, Cape Canaveral AFS, Florida, USA",2/1/1958,3:48:00,Juno I,Explorer 1,Success\n')  # fmt: skip
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    assert "(1 new, 1 updated, 1 unchanged)" in result.output
    after = out.read_text()
    assert after.count("launch-1957-10-04-sputnik-1") == 1
    assert "    status: partial\n" in after and "status: failed" not in after
    assert "events:  # launches, by date\n" in after and hand.replace("\n", "\n  ").strip() in after
    assert after.index("launch-1958-02-01-explorer-1") < after.index("# Added by hand")  # date order
    diff = subprocess.run(["git", "diff", "--no-index", "-U0", "--no-color", "-", str(out)], input=before,
                          capture_output=True, text=True).stdout  # fmt: skip
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert [line for line in changed if line.startswith("-")] == ["-    status: failed"]
    assert "+    status: partial" in changed and "+  - id: launch-1958-02-01-explorer-1  # imported from launches.csv" in changed
    again = run_import(runner, csv, out, mapping)
    assert "(0 new, 0 updated, 3 unchanged)" in again.output
    assert out.read_text() == after


def test_no_importable_row_writes_nothing(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK.replace("10/4/1957", "1957-10-04"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert f"{csv}:2:3: bad Date '1957-10-04': expected %m/%d/%Y or %Y" in result.output
    assert "Error: nothing written: 1 of 1 rows refused, more than --max-refused 1% allows (0 rows)" in result.output
    assert not out.exists()


def test_an_empty_or_missing_csv_is_one_clear_error(runner, files):
    csv, out, mapping = files
    assert f"{csv}:1:1: no such file" in run_import(runner, csv, out, mapping).output
    csv.write_text("")
    assert f"{csv}:1:1: the file is empty; expected a header line and rows" in run_import(runner, csv, out, mapping).output


SPACE_MISSIONS = SHARED_DATA / "space_missions.csv"


@pytest.fixture(scope="module")
def space_missions(tmp_path_factory) -> tuple[importer.Imported, Path]:
    if not SPACE_MISSIONS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SPACE_MISSIONS} is missing but CI=true: the integration test must run")
        pytest.skip(f"{SPACE_MISSIONS} not here")
    out = tmp_path_factory.mktemp("import") / "launches.yaml"
    done = importer.import_csv(SPACE_MISSIONS, out, ROOT / "timeline" / "examples" / "space_missions.mapping.yaml")
    return done, out


def test_the_shared_launch_list_imports_whole(space_missions):
    done, out = space_missions
    assert done.rows == 4629 and done.created + len(done.reports) == 4629
    loaded = store.load([out])
    assert loaded.ok, loaded.errors[:5]
    events = {e.id: e for e in loaded.dataset.events}
    sputnik = events["launch-1957-10-04-sputnik-1"]
    assert (sputnik.countries, str(sputnik.date), sputnik.status) == (["SU"], "1957-10-04", "achieved")
    baikonur = [e for e in events.values() if "Baikonur" in e.description]
    assert {tuple(e.countries) for e in baikonur if e.date.year >= 1992} == {("RU",)}
    assert {tuple(e.countries) for e in baikonur if e.date.year <= 1990} == {("SU",)}
    titles = {e.title for e in events.values()}  # UTF-8 and Latin-1 names alike read right
    assert {"Pléiades-Néo 3 & SSMS n°2 (Vega)", "Astérix (Diamant A)", "Türksat 5A (Falcon 9 Block 5)"} <= titles
    kourou = [e for e in events.values() if "French Guiana" in e.description and "Ariane" in e.title]
    assert kourou and {tuple(e.countries) for e in kourou} == {("ESA",)}
    assert out.read_text().startswith("# Events imported from space_missions.csv")  # no schema beside it


def test_the_launch_list_validates_beside_the_curated_events(space_missions):
    _, out = space_missions
    loaded = store.load([EVENTS, out])
    assert loaded.ok, loaded.errors[:5]
    assert loaded.warnings == ()  # the example's launch symbol is one no curated type draws with


def test_importing_the_launch_list_again_changes_nothing(space_missions):
    done, out = space_missions
    before = out.read_bytes()
    again = importer.import_csv(SPACE_MISSIONS, out, ROOT / "timeline" / "examples" / "space_missions.mapping.yaml")
    assert (again.created, again.updated, again.unchanged) == (0, 0, done.created)
    assert out.read_bytes() == before


def test_import_refuses_an_invalid_output_file(files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    bad = "countries:\n  SU: {name: Soviet Union}\ntypes:\n  launch: {label: Launch}\nevents:\n  - id: Bad Id\n"
    out.write_text(bad)
    with pytest.raises(edit.DataError) as caught:
        importer.import_csv(csv, out, mapping)
    assert caught.value.lines() == [
        f"{out}:6:5: events[0]: missing required field 'title'",
        f"{out}:6:9: events[0].id: expected a lower-case slug such as 'sputnik-1' (a-z, 0-9, single hyphens), "
        "got text 'Bad Id'",
    ]
    assert out.read_text() == bad


# --- failing loudly, not partly --------------------------------------------------------------------


def launches(n: int, start: int = 1960) -> str:
    """``n`` good rows, one a day from 1 Jan ``start``, each its own mission."""
    import datetime as dt

    day = dt.date(start, 1, 1)
    rows = []
    for i in range(n):
        d = day + dt.timedelta(days=i)
        rows.append(f'NASA,"LC-39A, Kennedy Space Center, Florida, USA",{d.month}/{d.day}/{d.year},,Saturn V,M-{i},Success\n')
    return "".join(rows)


def test_a_mostly_failing_import_writes_nothing_and_says_it_in_a_few_lines(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    assert run_import(runner, csv, out, mapping).exit_code == 0
    before = out.read_bytes()
    iso = [f'NASA,"LC-39A, Kennedy Space Center, Florida, USA",1967-06-{1 + i % 28:02d},,Saturn V,A-{i},Success\n'
           for i in range(120)]  # fmt: skip
    csv.write_text(HEADER + "".join(iso) + launches(30))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{csv}:2:3: bad Date '1967-06-01': expected %m/%d/%Y or %Y — rows 2-121, 120 rows",
        "Error: nothing written: 120 of 150 rows refused, more than --max-refused 1% allows (1 row)",
    ]
    assert out.read_bytes() == before


@pytest.mark.parametrize("refused, limit, ok", [
    (2, None, True), (3, None, False),  # 200 rows: 1% is 2 rows
    (1, "0", False), (3, "3", True), (4, "3", False), (3, "1.5%", True), (4, "1.5%", False),
])  # fmt: skip
def test_the_refused_rows_threshold(runner, files, refused, limit, ok):
    csv, out, mapping = files
    bad = "".join(SPUTNIK.replace("10/4/1957", f"10/{i + 1}/19x7").replace("Sputnik-1", f"S-{i}") for i in range(refused))
    csv.write_text(HEADER + bad + launches(200 - refused))
    result = run_import(runner, csv, out, mapping, *(["--max-refused", limit] if limit else []))
    assert result.exit_code == (0 if ok else 1), result.output
    assert result.output.startswith(f"{csv}:2:3: bad Date '10/1/19x7': expected %m/%d/%Y or %Y")
    if refused > 1:
        assert f" — rows 2-{refused + 1}, {refused} rows\n" in result.output
    assert out.exists() == ok
    if ok:
        assert len(store.load([out]).dataset.events) == 200 - refused


@pytest.mark.parametrize("value", ["lots", "-1", "101%", "%", "1.5"])
def test_a_bad_max_refused_is_bad_usage(runner, files, value):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    result = run_import(runner, csv, out, mapping, "--max-refused", value)
    assert result.exit_code == 2 and "expected a number of rows (12) or a percentage of them (1%)" in result.output
    assert "Traceback" not in result.output


def test_summaries_show_at_most_twenty_kinds_and_count_the_rest():
    reports = [Problem("l.csv", 2 + i, 1 + i % 30, f"empty C{i % 30}") for i in range(300)]
    lines = importer.summarise(reports)
    assert len(lines) == 21
    assert lines[0] == "l.csv:2:1: empty C0 — rows 2-272, 10 rows"
    assert lines[-1] == "l.csv: and 100 more rows refused for 10 other reasons"
    assert importer.summarise([Problem("l.csv", n, 3, f"bad Date '{n}'") for n in (2, 3, 4, 9, 12, 13)]) == [
        "l.csv:2:3: bad Date '2' — rows 2-4, 9, 12-13, 6 rows"]


def test_a_2918_date_in_the_csv_is_refused_where_it_is(runner, files, monkeypatch):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK + VANGUARD.replace("12/6/1957", "10/11/2918"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{csv}:3:3: Date '10/11/2918': 2918-10-11 is in the future, but status is failed")
    assert not out.exists()


# --- missing values and fall-back date columns -----------------------------------------------------


FALLBACK = MAPPING.replace('date: {column: Date, format: ["%m/%d/%Y", "%Y"]}',
                           'date: [{column: Date, format: "%m/%d/%Y"}, {column: Year, format: "%Y"}]')  # fmt: skip
YEARS = "Company,Location,Date,Year,Time,Rocket,Mission,MissionStatus\n"


def test_na_cells_are_missing_values(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK.replace("19:28:00", "NA") + VANGUARD.replace("16:44:00", "N/A")
                   + SPUTNIK.replace("Sputnik-1", "Sputnik-2").replace("19:28:00", "-"))  # fmt: skip
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    events = store.load([out]).dataset.events
    assert [e.description for e in events] == ["Launch of Sputnik-1.", "Launch of Sputnik-2.", "Launch of Vanguard TV3."]
    csv.write_text(HEADER + SPUTNIK.replace("Success", "NA"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.startswith(f"{csv}:2:7: missing MissionStatus ('NA') (needed for status)\n")


def test_missing_values_are_set_per_mapping_and_per_field(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK.replace("19:28:00", "unknown") + VANGUARD.replace("16:44:00", "NA"))
    mapping.write_text("missing: [unknown, '']\n" + MAPPING)
    assert run_import(runner, csv, out, mapping).exit_code == 0
    descriptions = [e.description for e in store.load([out]).dataset.events]
    assert descriptions == ["Launch of Sputnik-1.", "Launch of Vanguard TV3 at NA UTC."]  # NA is a value here
    out.unlink()
    csv.write_text(HEADER + SPUTNIK.replace("Success", "?"))
    mapping.write_text(MAPPING.replace("Prelaunch Failure: failed}", "Prelaunch Failure: failed}\n    missing: ['?']"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1 and f"{csv}:2:7: missing MissionStatus ('?') (needed for status)" in result.output


def test_date_sources_are_tried_in_order(runner, files):
    csv, out, mapping = files
    mapping.write_text(FALLBACK)
    def row(date, year, mission):
        return f'NASA,"LC-39A, Kennedy Space Center, Florida, USA",{date},{year},,Saturn V,{mission},Success\n'
    csv.write_text(YEARS + row("7/16/1969", "1969", "Apollo 11") + row("NA", "1970", "Apollo 13") + row("", "1971", "Apollo 14"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    dates = {e.title: str(e.date) for e in store.load([out]).dataset.events}
    assert dates == {"Apollo 11 (Saturn V)": "1969-07-16", "Apollo 13 (Saturn V)": "1970", "Apollo 14 (Saturn V)": "1971"}
    csv.write_text(YEARS + row("7/16/69x", "1969", "Apollo 11") + row("NA", "-", "Apollo 12"))
    result = run_import(runner, csv, out, mapping, "--max-refused", "100%")
    assert result.exit_code == 1 and "Error: nothing written: all 2 rows refused" in result.output
    assert result.output.splitlines()[:2] == [
        f"{csv}:2:3: bad Date '7/16/69x': expected %m/%d/%Y",  # a typo is not a missing value
        f"{csv}:3:3: missing Date ('NA') and missing Year ('-')",
    ]


# --- events an earlier import gave that this one does not -------------------------------------------


def test_leftovers_are_named_and_kept_and_prune_removes_them(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK + VANGUARD + launches(3))
    assert run_import(runner, csv, out, mapping).exit_code == 0
    hand = ("  - id: by-hand\n    title: By hand\n    date: 1958\n    countries: [US]\n    type: launch\n"
            "    description: Added by hand.\n    sources:\n      - {url: 'https://example.org/', title: Example}\n")
    out.write_text(out.read_text() + hand)
    csv.write_text(HEADER + SPUTNIK + launches(1))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"{out}: 3 events from an earlier import are not in this CSV any more: kept; --prune removes them")
    assert len(store.load([out]).dataset.events) == 6
    result = run_import(runner, csv, out, mapping, "--prune")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"{out}: 3 events from an earlier import are not in this CSV any more: removed (--prune)")
    ids = [e.id for e in store.load([out]).dataset.events]
    assert ids == ["launch-1957-10-04-sputnik-1", "launch-1960-01-01-m-0", "by-hand"]  # by hand: kept
    assert "vanguard" not in out.read_text() and "\n\n\n" not in out.read_text()
    assert run_import(runner, csv, out, mapping, "--prune").output.splitlines()[-1].endswith("(0 new, 0 updated, 2 unchanged)")


def test_prune_removes_nothing_while_rows_are_refused(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK + VANGUARD)
    assert run_import(runner, csv, out, mapping).exit_code == 0
    csv.write_text(HEADER + SPUTNIK + VANGUARD.replace("12/6/1957", "12/6/19x7"))
    result = run_import(runner, csv, out, mapping, "--prune", "--max-refused", "1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"{out}: 1 event from an earlier import is not in this CSV any more: kept, as rows were refused "
        "(one may be among them)")  # fmt: skip
    assert "vanguard" in out.read_text()


def test_the_real_launch_list_with_a_typo_in_a_year(runner, tmp_path, monkeypatch):
    if not SPACE_MISSIONS.exists():
        pytest.skip(f"{SPACE_MISSIONS} not here")
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    lines = SPACE_MISSIONS.read_bytes().split(b"\n")
    n = next(i for i, line in enumerate(lines) if b",2018," not in line and b"/2018," in line)
    lines[n] = lines[n].replace(b"/2018,", b"/2918,", 1)
    csv = tmp_path / "space_missions.csv"
    csv.write_bytes(b"\n".join(lines))
    out = tmp_path / "launches.yaml"
    out.write_text("# kept as it is\n")
    mapping = ROOT / "timeline" / "examples" / "space_missions.mapping.yaml"
    result = run_import(runner, csv, out, mapping, "--max-refused", "0")
    assert result.exit_code == 1
    assert re.match(rf"{re.escape(str(csv))}:{n + 1}:3: Date '\d+/\d+/2918': 2918-\d\d-\d\d is in the future, "
                    "but status is \\w+\n", result.output), result.output  # fmt: skip
    assert out.read_text() == "# kept as it is\n"
    out.unlink()
    result = run_import(runner, csv, out, mapping)  # 1 row of 4,629 is within 1%
    assert result.exit_code == 0, result.output
    assert "4,628 of 4,629 rows imported" in result.output and "1 row not imported" in result.output


# --- the example mapping ships in the package ------------------------------------------------------


def test_the_example_mapping_is_printed_from_the_package(runner):
    result = runner.invoke(main, ["import", "--example-mapping"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "timeline" / "examples" / "space_missions.mapping.yaml").read_text(encoding="utf-8")
    help_text = runner.invoke(main, ["import", "--help"]).output
    assert "--example-mapping" in help_text and "examples/" not in help_text


def test_the_schema_comment_is_relative_to_the_output_or_absent(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    assert run_import(runner, csv, out, mapping).exit_code == 0
    assert "$schema" not in out.read_text()
    (out.parent / "events.schema.json").write_text("{}")
    data = out.parent / "data"
    data.mkdir()
    for where, expected in ((out.parent / "new.yaml", "./events.schema.json"), (data / "new.yaml", "../events.schema.json")):
        assert run_import(runner, csv, where, mapping).exit_code == 0
        assert where.read_text().startswith(f"# yaml-language-server: $schema={expected}\n")


# --- every message ours, every exit code right -----------------------------------------------------

HOLDS = ("a mapping file is a YAML mapping with 'fields' (where each event field comes from: id, title, date, "
         "description, countries, type, status, sources) and 'registries' (the countries and types the events "
         "use); `timeline import --example-mapping` prints an example")  # fmt: skip


ENCODINGS_LIST = ("encoding: a list of encodings is [utf-8, ENCODING], with one byte a character in ENCODING "
                  "(latin-1? cp1252?): UTF-8 where the text is UTF-8, ENCODING for the bytes that are not")


@pytest.mark.parametrize("text, where, message", [
    ("", "1:1", f"the file is empty; {HOLDS}"),
    ("# only a comment\n", "1:1", f"the file is empty; {HOLDS}"),
    ("- fields\n", "1:1", f"got a list; {HOLDS}"),
    ("just text\n", "1:1", f"got text 'just text'; {HOLDS}"),
    ("fields: 3\nregistries: {countries: {}, types: {}}\n", "1:9",
     "fields: expected a mapping of event fields (id, title, date, description, countries, type, status, sources), "
     "got a number 3"),
    (MAPPING.replace("encoding: utf-8", "encoding: utf-8\nmissing: 3"), "2:10",
     'missing: expected a list of cells that mean no value, such as [NA, N/A, "-", ""], got a number 3'),
    (MAPPING.replace('date: {column: Date, format: ["%m/%d/%Y", "%Y"]}', "date: 1957"), "5:9",
     "fields.date: expected a date source {column: C, format: F}, or a list of them, got a number 1957"),
    (MAPPING.replace('format: ["%m/%d/%Y", "%Y"]', "format: 5"), "5:32",
     'fields.date.format: expected a strptime pattern such as "%m/%d/%Y", or a list of them, got a number 5'),
    (MAPPING.replace("type: {value: launch}", "type: launch"), "15:9",
     "fields.type: expected one of {value: V}, {column: C, values: {A: V}} or {rules: [...]}, got text 'launch'"),
    (MAPPING.replace("  sources:\n    - {url", "  sources: []\n  x:\n    - {url"), "19:12",
     "fields.sources: needs at least one item, got an empty list"),
    (MAPPING.replace("encoding: utf-8", "encoding: 5"), "1:11",
     "encoding: expected a text encoding such as utf-8 or latin-1, or [utf-8, ENCODING], got a number 5"),
    (MAPPING.replace("encoding: utf-8", "encoding: [latin-1, utf-8]"), "1:11",
     ENCODINGS_LIST),
    (MAPPING.replace("encoding: utf-8", "encoding: [utf-8, klingon]"), "1:11",
     "encoding: unknown text encoding 'klingon' (e.g. utf-8, latin-1, cp1252)"),
    (MAPPING.replace("encoding: utf-8", "encoding: rot13"), "1:11",
     "encoding: unknown text encoding 'rot13' (e.g. utf-8, latin-1, cp1252)"),
    (MAPPING.replace("encoding: utf-8", "encoding: [utf-8, shift_jis]"), "1:11",
     ENCODINGS_LIST),
])  # fmt: skip
def test_mapping_messages_are_ours(runner, files, text, where, message):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    mapping.write_text(text)
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert f"{mapping}:{where}: {message}\n" in result.output, result.output
    assert "Input should" not in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("which, message", [
    ("csv", "is a directory, expected a CSV file"),
    ("mapping", "is a directory, expected a YAML file"),
    ("out", "is a directory, expected a YAML file"),
])  # fmt: skip
def test_a_directory_for_any_file_is_bad_data(runner, files, which, message):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    paths = {"csv": csv, "out": out, "mapping": mapping}
    paths[which] = csv.parent / "folder"
    paths[which].mkdir()
    result = run_import(runner, paths["csv"], paths["out"], paths["mapping"])
    assert result.exit_code == 1
    assert result.output.startswith(f"{paths[which]}:1:1: {message}\n"), result.output


def test_a_missing_mapping_or_output_folder_is_bad_data(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK)
    result = run_import(runner, csv, out, csv.parent / "nope.yaml")
    assert result.exit_code == 1 and result.output.startswith(f"{csv.parent / 'nope.yaml'}:1:1: no such file\n")
