"""The "Add event" form in a real headless Chromium (dash_duo), served with ``allow_edits``.

A person fills the form in by keyboard and mouse; the file gains exactly the new event's lines, the
chart plots it and its details open. A bad submit shows each problem by its field and leaves the
file byte for byte as it was. Every test ends with ``dash_duo.get_logs() == []``.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from timeline import form
from timeline.app import create_app

from .fixtures import VOSTOK, VOSTOK_LINES, added_lines
from .helpers import choose, query, until, wait_plotted

pytestmark = pytest.mark.browser

START = {"sputnik-1", "explorer-1"}


@pytest.fixture
def served(dash_duo, events_file):
    dash_duo.start_server(create_app([events_file], poll_ms=300, allow_edits=True))
    wait_plotted(dash_duo, START)


def field(name: str) -> str:
    return "#" + form.input_id(name)


def active_id(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const e = document.activeElement; const owner = e.closest('[id]'); return owner ? owner.id : e.tagName"
    )


def open_form(dash_duo) -> None:
    dash_duo.find_element("#" + form.OPEN).click()
    until(lambda: dash_duo.find_element("#" + form.PANEL).is_displayed(), message="the form to open")
    until(lambda: active_id(dash_duo) == form.input_id("title"), message="focus in the title")


def pick(dash_duo, dropdown: str, label: str) -> None:
    """Choose one option of a single-choice dropdown by typing it (it closes by itself)."""
    dash_duo.find_element(dropdown).click()
    box = dash_duo.wait_for_element(".dash-dropdown-search")
    box.send_keys(label)
    until(lambda: dash_duo.find_element(".dash-dropdown-option").text == label, message=f"{label!r} listed first")
    box.send_keys(Keys.ENTER)
    until(lambda: not dash_duo.find_elements(".dash-dropdown-content"), message="the dropdown to close")


def type_into(dash_duo, name: str, text: str) -> None:
    """Type into a field and move on with Tab (a field is checked when it is left)."""
    dash_duo.find_element(field(name)).send_keys(text, Keys.TAB)


def error_text(dash_duo, name: str) -> str:
    return dash_duo.find_element("#" + form.error_id(name)).text


def test_an_event_added_in_the_form_is_written_plotted_and_opened(dash_duo, served, events_file):
    before = events_file.read_text(encoding="utf-8")
    open_form(dash_duo)
    type_into(dash_duo, "title", VOSTOK["title"])
    type_into(dash_duo, "date", VOSTOK["date"])
    choose(dash_duo, field("countries"), "Soviet Union")
    pick(dash_duo, field("type"), "Crewed flight")
    dash_duo.find_element(field("first") + " input").click()
    type_into(dash_duo, "description", VOSTOK["description"])
    type_into(dash_duo, "url", VOSTOK["url"])
    dash_duo.find_element("#" + form.SECOND_SHOW).click()
    type_into(dash_duo, "url2", VOSTOK["url2"])
    type_into(dash_duo, "source_title2", VOSTOK["source_title2"])
    type_into(dash_duo, "tags", VOSTOK["tags"])
    choose(dash_duo, field("milestone"), "First human in orbit")
    dash_duo.find_element("#" + form.SUBMIT).click()

    dash_duo.wait_for_text_to_equal("#" + form.STATUS, "Added Vostok 1")
    assert not dash_duo.find_element("#" + form.PANEL).is_displayed()
    assert added_lines(before, events_file.read_text(encoding="utf-8")) == VOSTOK_LINES
    wait_plotted(dash_duo, START | {"vostok-1"})  # hot reload read the file
    until(lambda: dash_duo.find_element("#details h2").text == "Vostok 1", message="the new event's details")
    assert query(dash_duo) == {"event": "vostok-1"}
    dash_duo.find_element("#details-close").click()
    open_form(dash_duo)  # empty again, for the next event
    assert dash_duo.find_element(field("title")).get_attribute("value") == ""
    assert not dash_duo.find_element("#" + form.SECOND).is_displayed()
    assert dash_duo.get_logs() == []


def test_a_bad_date_and_a_taken_id_are_shown_by_their_fields_and_nothing_is_written(dash_duo, served, events_file):
    before = events_file.read_bytes()
    open_form(dash_duo)
    type_into(dash_duo, "title", "Sputnik 1")  # its id, sputnik-1, is taken
    type_into(dash_duo, "date", "1957-13")
    until(lambda: "month must be 01 to 12" in error_text(dash_duo, "date"), message="the date checked when left")
    until(lambda: "'sputnik-1' is already used" in error_text(dash_duo, "id"), message="the title's id checked")
    assert dash_duo.find_element(field("id")).get_attribute("placeholder") == "sputnik-1"
    choose(dash_duo, field("countries"), "Soviet Union")
    pick(dash_duo, field("type"), "Satellite")
    type_into(dash_duo, "description", "A replica.")
    dash_duo.find_element(field("url")).send_keys("https://example.org/replica")
    dash_duo.find_element("#" + form.SUBMIT).click()  # at once: leaving the box sends its value first

    dash_duo.wait_for_text_to_equal("#" + form.SUMMARY, "Nothing was written. Fix: Date, Id.")
    for name, message in (("date", "impossible date '1957-13': month must be 01 to 12"),
                          ("id", "'sputnik-1' is already used; choose another, e.g. 'sputnik-1-2'")):  # fmt: skip
        assert message in error_text(dash_duo, name)
        placed = dash_duo.driver.execute_script(  # in the field's label, just above its input
            "const e = document.getElementById(arguments[0]), i = document.getElementById(arguments[1]);"
            "const gap = i.getBoundingClientRect().top - e.getBoundingClientRect().bottom;"
            "return [e.closest('label').htmlFor, gap >= 0 && gap < 12];",
            form.error_id(name), form.input_id(name),
        )  # fmt: skip
        assert placed == [form.input_id(name), True]
    assert error_text(dash_duo, "title") == "" and error_text(dash_duo, "url") == ""
    assert dash_duo.find_element(field("title")).get_attribute("value") == "Sputnik 1"  # the input is kept
    assert dash_duo.find_element("#" + form.PANEL).is_displayed()
    assert events_file.read_bytes() == before
    assert dash_duo.get_logs() == []


def test_the_form_is_reached_by_keyboard_and_esc_closes_it(dash_duo, served):
    button = dash_duo.find_element("#" + form.OPEN)
    assert button.get_attribute("aria-expanded") == "false"
    button.send_keys(Keys.ENTER)
    until(lambda: active_id(dash_duo) == form.input_id("title"), message="focus in the title")
    assert button.get_attribute("aria-expanded") == "true"
    reached = []
    for _ in range(60):  # the form, then the page behind it, back round to the title
        dash_duo.driver.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(active_id(dash_duo))
    wanted = [form.input_id(n) for n in form.FIELDS if n not in ("url2", "source_title2")]
    wanted += [form.SECOND_SHOW, form.SUBMIT, form.CANCEL]
    assert set(wanted) <= set(reached), set(wanted) - set(reached)
    assert reached.index(form.input_id("date")) < reached.index(form.input_id("description")) < reached.index(form.SUBMIT)
    dash_duo.find_element(field("date")).send_keys("1961")
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(lambda: not dash_duo.find_element("#" + form.PANEL).is_displayed(), message="Esc to close the form")
    until(lambda: active_id(dash_duo) == form.OPEN, message="focus back on Add event")
    open_form(dash_duo)
    assert dash_duo.find_element(field("date")).get_attribute("value") == "1961"  # closing keeps the draft
    assert dash_duo.get_logs() == []
