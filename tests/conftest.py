"""Shared test fixtures: paths, a CLI runner, and the Chromium check for browser/export tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import store

from .fixtures import FIXTURE, FORM_FIXTURE, write_fixture

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.yaml"
SHARED_DATA = ROOT.parent / "shared" / "data"


# Every test process and the commands it starts share one throw-away verdict cache.
os.environ.setdefault("TIMELINE_CACHE_DIR", tempfile.mkdtemp(prefix="timeline-test-cache-"))


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="session")
def chromium() -> str:
    """A real Chromium. Missing under CI=true is a failure, never a skip."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing but CI=true: browser and export tests must run (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")
    return path


def pytest_collection_modifyitems(config, items):
    # Browser tests (dash_duo) need Chromium too: make them depend on the check above.
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser"):
            item.fixturenames.insert(0, "chromium")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fixture_events(tmp_path) -> Path:
    """FIXTURE as ``tmp_path/events.yaml``."""
    return write_fixture(tmp_path, FIXTURE)


@pytest.fixture
def fixture_dataset(fixture_events):
    """FIXTURE's dataset."""
    loaded = store.load([fixture_events])
    assert loaded.ok, loaded.errors
    return loaded.dataset


@pytest.fixture
def events_file(tmp_path) -> Path:
    """FORM_FIXTURE as ``tmp_path/events.yaml`` (the form's tests add to it)."""
    return write_fixture(tmp_path, FORM_FIXTURE)


def pytest_configure(config):
    # dash_duo runs headless here (no screen): same as passing --headless.
    if hasattr(config.option, "headless"):
        config.option.headless = True
