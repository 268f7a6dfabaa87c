"""The models on plain data (no YAML): field rules and whole-dataset rules."""

import pytest
from pydantic import ValidationError

from timeline.models import DataFile, Dataset, Event, unknown_message

REGISTRIES = {
    "countries": {"SU": {"name": "Soviet Union"}, "US": {"name": "United States"}, "CN": {"name": "China"}},
    "types": {"satellite": {"label": "Satellite", "symbol": "circle"}},
    "milestones": {"first-satellite": {"label": "First satellite", "order": 1, "definition": "A first satellite reaches orbit."}},
    "articles": {"mao": {"title": "An article"}},
}


def event(**changes):
    base = {
        "id": "sputnik-1",
        "title": "Sputnik 1",
        "date": "1957-10-04",
        "countries": ["SU"],
        "type": "satellite",
        "description": "The first artificial satellite.",
        "sources": [{"url": "https://nssdc.gsfc.nasa.gov/", "title": "NSSDC"}],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def errors(data, model=Dataset):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(e["loc"], e["msg"]) for e in info.value.errors(include_url=False)]


def test_a_minimal_event_gets_defaults():
    e = Event.model_validate(event())
    assert e.status == "achieved" and e.first is False and e.tags == [] and e.milestones == ()
    assert e.date.label() == "4 Oct 1957"


def test_each_model_knows_which_fields_its_data_gave_and_a_copy_changes_only_its_own():
    plain, first = Event.model_validate(event()), Event.model_validate(event(id="vostok-1"))
    given = {"id", "title", "date", "countries", "type", "description", "sources"}
    assert plain.model_fields_set == first.model_fields_set == given
    marked = plain.model_copy(update={"first": True})
    assert marked.model_fields_set == given | {"first"} and marked.first is True
    assert plain.model_fields_set == first.model_fields_set == given  # the originals are untouched
    assert Event.model_validate(event(id="x", status="planned")).model_fields_set == given | {"status"}
    assert plain.model_dump(exclude_unset=True) == event()
    assert marked.model_dump(exclude_unset=True) == {**event(), "first": True}


def test_milestone_may_be_one_key_or_a_list():
    assert Event.model_validate(event(milestone="first-satellite")).milestones == ("first-satellite",)
    assert Event.model_validate(event(milestone=["a", "b"])).milestones == ("a", "b")


def test_unknown_keys_are_errors_not_silently_dropped():
    assert errors(event(titel="x"), Event) == [(("titel",), "Extra inputs are not permitted")]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "https://", "data:text/html,hi", "https://a b"]
)
def test_only_http_urls_are_sources(url):
    [(loc, msg)] = errors(event(sources=[{"url": url, "title": "t"}]), Event)
    assert loc == ("sources", 0, "url") and "expected an http:// or https:// URL" in msg


def test_end_may_not_precede_date_but_may_share_its_period():
    [(loc, msg)] = errors(event(end="1957-09"), Event)
    assert loc == ("end",) and msg == "end 1957-09 is before date 1957-10-04"
    assert Event.model_validate(event(end="1957")).end.precision == "year"


def test_countries_must_not_be_empty_and_sources_must_exist():
    locs = [loc for loc, _ in errors(event(countries=[], sources=[]), Event)]
    assert locs == [("countries",), ("sources",)]


def test_dataset_checks_ids_and_codes_against_registries():
    data = {
        **REGISTRIES,
        "events": [
            event(),
            event(countries=["CNN"], type="satelite", mentioned_in=["maoo"], milestone="first-satelite"),
        ],
    }
    assert errors(data) == [
        (("events", 1, "id"), "duplicate id 'sputnik-1'"),
        (("events", 1, "countries", 0), "unknown country 'CNN' (did you mean 'CN'?)"),
        (("events", 1, "type"), "unknown type 'satelite' (did you mean 'satellite'?)"),
        (("events", 1, "mentioned_in", 0), "unknown article 'maoo' (did you mean 'mao'?)"),
        (("events", 1, "milestone"), "unknown milestone 'first-satelite' (did you mean 'first-satellite'?)"),
    ]


def test_unknown_message_lists_a_small_registry_when_nothing_is_close():
    assert unknown_message("country", "ZZ", {"SU": 1, "US": 2}) == "unknown country 'ZZ' (known: SU, US)"


def test_a_country_reaching_a_milestone_twice_is_a_warning():
    data = {
        **REGISTRIES,
        "events": [
            event(milestone="first-satellite"),
            event(id="sputnik-2", date="1957-11-03", milestone="first-satellite"),
            event(id="vanguard", status="failed", countries=["US"], milestone="first-satellite"),
        ],
    }
    [(loc, message)] = Dataset.model_validate(data).warnings()
    assert loc == ("events", 1, "milestone") and "SU already reached milestone 'first-satellite'" in message


def test_the_json_schema_forbids_unknown_keys_and_describes_dates():
    schema = DataFile.model_json_schema()
    event_schema = schema["$defs"]["Event"]
    assert event_schema["additionalProperties"] is False
    assert {"id", "title", "date", "countries", "type", "description", "sources"} <= set(event_schema["required"])
    assert event_schema["properties"]["date"]["anyOf"][0]["pattern"] == r"^\d{4}(-\d{2}(-\d{2})?)?$"
