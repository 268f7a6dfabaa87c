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


def test_pre_commit_hook_runs_the_validator_on_yaml_files():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "timeline-validate"
    assert hook["entry"] == "timeline validate" and hook["language"] == "python"
    assert hook["require_serial"] is True
    assert re.search(hook["files"], "data/events.yaml") and re.search(hook["files"], "launches.yaml")
    assert not re.search(hook["files"], "docker-compose.yaml")
