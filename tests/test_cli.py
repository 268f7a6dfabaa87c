"""The command line as a whole: schema, defaults, packaging."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import yaml

from timeline.cli import main, schema_text

from .conftest import ROOT


def test_schema_prints_the_json_schema(runner):
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "timeline events file"
    assert set(schema["required"]) == {"countries", "types"}


def test_events_schema_json_is_not_stale():
    assert (ROOT / "events.schema.json").read_text() == schema_text(), (
        "events.schema.json is stale: run `timeline schema > events.schema.json`"
    )


def test_validate_without_files_uses_local_events_yaml(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.yaml").write_text("countries: {}\ntypes: {}\nevents: []\n")
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert result.output.startswith("events.yaml: valid: 0 events")


def test_validate_without_files_falls_back_to_the_bundled_copy(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "events.yaml: valid:" in result.output


def test_python_dash_m_timeline_is_the_same_command(tmp_path):
    result = subprocess.run([sys.executable, "-m", "timeline", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "validate" in result.stdout and "schema" in result.stdout


def test_the_wheel_ships_the_dataset_and_works_outside_the_repo(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("timeline-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    assert {"timeline/_data/events.yaml", "timeline/_data/events.schema.json"} <= names
    assert any(n.startswith("timeline/assets/") for n in names)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [sys.executable, "-c", "import timeline, sys; print(timeline.__file__); sys.argv=['timeline','validate']; "
         "from timeline.cli import run; run()"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(tmp_path / "site") in result.stdout
    assert "_data/events.yaml: valid:" in result.stdout
    assert "timeline/examples/space_missions.mapping.yaml" in names

    def timeline(*args: str) -> subprocess.CompletedProcess:
        code = f"import sys; sys.argv=['timeline', *{list(args)!r}]; from timeline.cli import run; run()"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env)

    mapping = timeline("import", "--example-mapping")
    assert mapping.returncode == 0 and mapping.stdout.startswith("# How `timeline import` turns space_missions.csv")
    (elsewhere / "m.yaml").write_text(mapping.stdout, encoding="utf-8")
    help_text = timeline("import", "--help").stdout
    assert "--example-mapping" in help_text and "examples/" not in help_text
    (elsewhere / "l.csv").write_text("Company,Location,Date,Time,Rocket,Mission,RocketStatus,Price,MissionStatus\n"
                                     'RVSN USSR,"Site 1/5, Baikonur Cosmodrome, Kazakhstan",10/4/1957,19:28:00,'
                                     "Sputnik 8K71PS,Sputnik-1,Retired,,Success\n")  # fmt: skip
    done = timeline("import", "l.csv", "-o", "out.yaml", "-m", "m.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    written = (elsewhere / "out.yaml").read_text(encoding="utf-8")
    assert "$schema" not in written and str(tmp_path) not in written


def test_pre_commit_hook_runs_the_validator_on_yaml_files():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "timeline-validate"
    assert hook["entry"] == "timeline validate" and hook["language"] == "python"
    assert hook["require_serial"] is True
    assert re.search(hook["files"], "data/events.yaml") and re.search(hook["files"], "launches.yaml")
    assert not re.search(hook["files"], "docker-compose.yaml")
