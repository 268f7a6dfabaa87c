"""`timeline import`: CSV rows to events by a mapping file; every row imported or reported."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from .conftest import EVENTS, ROOT, SHARED_DATA
from timeline import edit, importer, store
from timeline.cli import main

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


def run_import(runner, csv: Path, out: Path, mapping: Path):
    return runner.invoke(main, ["import", str(csv), "-o", str(out), "--mapping", str(mapping)])


def test_two_rows_make_a_complete_events_file(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + VANGUARD + SPUTNIK)
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: 2 of 2 rows imported from {csv} (2 new, 0 updated, 0 unchanged)\n"
    schema = os.path.relpath(ROOT / "events.schema.json", out.parent)
    assert out.read_text() == textwrap.dedent(f"""\
        # yaml-language-server: $schema={schema}
        #
        # Events imported from launches.csv by `timeline import` with launches.mapping.yaml.
        # Importing again updates them by id and adds new rows; events and comments added by hand stay.

        countries:
          SU: {{name: Soviet Union}}
          US: {{name: United States}}

        types:
          launch: {{label: Orbital launch attempt}}

        events:
          - id: launch-1957-10-04-sputnik-1
            title: Sputnik-1 (Sputnik 8K71PS)
            date: 1957-10-04
            countries: [SU]
            type: launch
            description: Launch of Sputnik-1 at 19:28:00 UTC.
            sources:
              - {{url: "https://example.org/launches", title: Test launch list}}
          - id: launch-1957-12-06-vanguard-tv3
            title: Vanguard TV3 (Vanguard)
            date: 1957-12-06
            countries: [US]
            type: launch
            status: failed
            description: Launch of Vanguard TV3 at 16:44:00 UTC.
            sources:
              - {{url: "https://example.org/launches", title: Test launch list}}
    """)
    assert runner.invoke(main, ["validate", str(out)]).exit_code == 0


def test_every_row_is_imported_or_reported_with_its_line(runner, files):
    csv, out, mapping = files
    csv.write_text(MESSY)
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{csv}:5:3: bad Date '13/45/1984': expected %m/%d/%Y or %Y",
        f"{csv}:6:7: unknown MissionStatus 'Succes' (did you mean 'Success'?) for status",
        f"{csv}:7:2: no countries rule matches this row (Location 'First Launch Pad, Satish Dhawan Space "
        "Centre, India', Company 'ISRO')",
        f"{csv}:8:6: empty Mission (needed for id)",
        f"{csv}:9:1: expected 7 fields (Company, Location, Date, Time, Rocket, Mission, MissionStatus), found 3",
        f"{out}: 6 of 11 rows imported from {csv} (6 new, 0 updated, 0 unchanged)",
        "Error: 5 rows not imported (listed above)",
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
     "22:15: registries.countries: key 'su': String should match pattern '^[A-Z][A-Z0-9]{1,5}$'"),
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
    assert "+    status: partial" in changed and "+  - id: launch-1958-02-01-explorer-1" in changed
    again = run_import(runner, csv, out, mapping)
    assert "(0 new, 0 updated, 3 unchanged)" in again.output
    assert out.read_text() == after


def test_no_importable_row_writes_nothing(runner, files):
    csv, out, mapping = files
    csv.write_text(HEADER + SPUTNIK.replace("10/4/1957", "1957-10-04"))
    result = run_import(runner, csv, out, mapping)
    assert result.exit_code == 1
    assert f"{csv}:2:3: bad Date '1957-10-04': expected %m/%d/%Y or %Y" in result.output
    assert "Error: nothing written: 1 problem" in result.output
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
    done = importer.import_csv(SPACE_MISSIONS, out, ROOT / "examples" / "space_missions.mapping.yaml")
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
    kourou = [e for e in events.values() if "French Guiana" in e.description and "Ariane" in e.title]
    assert kourou and {tuple(e.countries) for e in kourou} == {("ESA",)}
    assert out.read_text().startswith("# yaml-language-server: $schema=")


def test_the_launch_list_validates_beside_the_curated_events(space_missions):
    _, out = space_missions
    loaded = store.load([EVENTS, out])
    assert loaded.ok, loaded.errors[:5]


def test_importing_the_launch_list_again_changes_nothing(space_missions):
    done, out = space_missions
    before = out.read_bytes()
    again = importer.import_csv(SPACE_MISSIONS, out, ROOT / "examples" / "space_missions.mapping.yaml")
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
